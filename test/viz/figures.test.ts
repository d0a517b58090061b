import { expect } from 'chai';
import { barFigure, lineFigure } from '../../src/viz/figures';
import { SEX_COLORS, STATUS_COLORS } from '../../src/viz/palette';
import { axisTitle, baseLayout, FONT_FAMILY } from '../../src/viz/theme';

const axes = { x: { title: 'Status', unit: 'category' }, y: { title: 'Members', unit: 'count' } };

describe('viz/theme', () => {
  it('puts the unit in every axis title and refuses a missing unit or title', () => {
    expect(axisTitle({ title: 'Members', unit: 'count' })).to.equal('Members (count)');
    expect(() => axisTitle({ title: 'Members', unit: ' ' })).to.throw(/no unit/);
    expect(() => axisTitle({ title: '', unit: 'count' })).to.throw(/empty/);
  });

  it('builds the study layout: readable fonts, white background, axis titles', () => {
    const l = baseLayout({ title: 'T', ...axes });
    expect((l.font as { family: string; size: number }).family).to.equal(FONT_FAMILY);
    expect((l.font as { size: number }).size).to.be.at.least(14);
    expect((l.xaxis as { title: { text: string } }).title.text).to.equal('Status (category)');
    expect((l.yaxis as { title: { text: string } }).title.text).to.equal('Members (count)');
  });
});

describe('viz/figures', () => {
  it('colours single-series bars by category with the fixed status colours', () => {
    const fig = barFigure({
      title: 'S',
      categories: ['active', 'deleted', 'banned'],
      series: [{ name: 'members', values: [5, 2, 1] }],
      ...axes,
    });
    expect(fig.data).to.have.length(1);
    expect((fig.data[0].marker as { color: string[] }).color).to.deep.equal([
      STATUS_COLORS.active,
      STATUS_COLORS.deleted,
      STATUS_COLORS.banned,
    ]);
    expect(fig.data[0].x).to.deep.equal(['active', 'deleted', 'banned']);
    expect(fig.data[0].y).to.deep.equal([5, 2, 1]);
    expect(fig.layout.showlegend).to.equal(false);
  });

  it('colours grouped series by sex and converts intervals to error-bar offsets', () => {
    const fig = barFigure({
      title: 'By sex',
      categories: ['Moscow', 'Saint Petersburg'],
      series: [
        { name: 'female', values: [10, 6], lower: [8, 5], upper: [13, 7] },
        { name: 'male', values: [9, 4] },
      ],
      ...axes,
    });
    expect(fig.layout.barmode).to.equal('group');
    expect((fig.data[0].marker as { color: string }).color).to.equal(SEX_COLORS.female);
    expect((fig.data[1].marker as { color: string }).color).to.equal(SEX_COLORS.male);
    const err = fig.data[0].error_y as { array: number[]; arrayminus: number[] };
    expect(err.array).to.deep.equal([3, 1]);
    expect(err.arrayminus).to.deep.equal([2, 1]);
    expect(fig.data[1].error_y).to.equal(undefined);
  });

  it('puts categories on y for horizontal bars', () => {
    const fig = barFigure({
      title: 'H',
      categories: ['a', 'b'],
      series: [{ name: 'n', values: [1, 2] }],
      horizontal: true,
      ...axes,
    });
    expect(fig.data[0].y).to.deep.equal(['a', 'b']);
    expect(fig.data[0].x).to.deep.equal([1, 2]);
    expect(fig.data[0].orientation).to.equal('h');
  });

  it('rejects mismatched lengths and non-finite values with the series name', () => {
    expect(() =>
      barFigure({ title: 'x', categories: ['a', 'b'], series: [{ name: 'short', values: [1] }], ...axes }),
    ).to.throw(/"short" has 1 values for 2/);
    expect(() =>
      barFigure({ title: 'x', categories: ['a'], series: [{ name: 'nan', values: [NaN] }], ...axes }),
    ).to.throw(/non-finite/);
    expect(() => lineFigure({ title: 'x', series: [{ name: 'l', x: [1, 2], y: [1] }], ...axes })).to.throw(
      /"l" has 2 x values and 1 y/,
    );
  });

  it('builds lines with fixed category colours and a legend for several series', () => {
    const fig = lineFigure({
      title: 'L',
      series: [
        { name: 'female', x: [0, 1], y: [2, 3] },
        { name: 'male', x: [0, 1], y: [1, 1], dash: 'dash' },
      ],
      ...axes,
    });
    expect((fig.data[0].line as { color: string }).color).to.equal(SEX_COLORS.female);
    expect((fig.data[1].line as { dash: string }).dash).to.equal('dash');
    expect(fig.layout.showlegend).to.equal(true);
    expect(fig.config?.displaylogo).to.equal(false);
  });
});
