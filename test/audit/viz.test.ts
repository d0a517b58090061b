import { expect } from 'chai';
import {
  cityMapFigure,
  femaleShareFigure,
  geoAssetsHtml,
  topCitiesFigure,
  type CityFigureRow,
} from '../../src/viz/audit/geography';
import { qualityScoreFigure, qualitySignalsFigure, statusSharesFigure } from '../../src/viz/audit/status';
import { dayOfWeekFigure, timeOfDayFigure } from '../../src/viz/audit/time';
import { STATUS_COLORS, SEX_COLORS } from '../../src/viz/palette';

const city = (
  rank: number | null,
  members: number,
  lat: number | null,
  extra: Partial<CityFigureRow> = {},
): CityFigureRow => ({
  rank,
  city: `Город ${rank}`,
  city_en: null,
  members,
  female: members / 2,
  male: members / 2,
  unknown_sex: 0,
  female_share: 0.5,
  female_lo: 0.4,
  female_hi: 0.6,
  lat,
  lon: lat === null ? null : 37,
  ...extra,
});

describe('viz/audit figures', () => {
  it('status shares: percent bars coloured by status, error bars from the Wilson bounds', () => {
    const f = statusSharesFigure(
      [
        { status: 'active', label: 'active', count: 60, share: 0.6, lo: 0.5, hi: 0.7 },
        { status: 'hidden', label: 'last seen hidden', count: 40, share: 0.4, lo: 0.3, hi: 0.5 },
      ],
      100,
    );
    const t = f.data[0] as any;
    expect(t.x).to.deep.equal([60, 40]);
    expect(t.y).to.deep.equal(['active', 'last seen hidden']);
    expect(t.marker.color).to.deep.equal([STATUS_COLORS.active, STATUS_COLORS.hidden]);
    expect(t.error_x.array[0]).to.be.closeTo(10, 1e-9);
    expect(t.error_x.arrayminus[1]).to.be.closeTo(10, 1e-9);
    expect(JSON.stringify(f.layout)).to.contain('N = 100');
  });

  it('quality: signals sorted by prevalence, score distribution in percent', () => {
    const s = qualitySignalsFigure(
      [
        { label: 'a', flagged: 1, share: 0.1, lo: 0.05, hi: 0.2 },
        { label: 'b', flagged: 5, share: 0.5, lo: 0.4, hi: 0.6 },
      ],
      10,
    );
    expect((s.data[0] as any).y).to.deep.equal(['b', 'a']);
    const d = qualityScoreFigure([
      { score: 0, count: 3, share: 0.75 },
      { score: 1, count: 1, share: 0.25 },
    ]);
    expect((d.data[0] as any).y).to.deep.equal([75, 25]);
  });

  it('time of day: one line per group at bin centres, peak shaded across midnight, snapshot marked', () => {
    const rows: { zone: string; group: string; bin: number; count: number; share: number }[] = [];
    for (const group of ['female', 'male'])
      for (let bin = 0; bin < 48; bin++)
        rows.push({
          zone: 'UTC',
          group,
          bin,
          count: bin === 47 ? 10 : 1,
          share: bin === 47 ? 10 / 57 : 1 / 57,
        });
    const f = timeOfDayFigure({
      rows,
      zone: 'UTC',
      groups: ['female', 'male', 'unknown'],
      title: 't',
      peak: { bin: 47, loBin: 47, hiBin: 0, interval: '23:30–00:30' },
      snapshotClockSeconds: 12 * 3600,
    });
    expect(f.data).to.have.length(2); // the empty "unknown" group is left out
    const t = f.data[0] as any;
    expect(t.x[0]).to.equal(0.25);
    expect(t.x[47]).to.equal(23.75);
    expect(t.line.color).to.equal(SEX_COLORS.female);
    const shapes = f.layout.shapes as any[];
    expect(shapes.filter((s) => s.type === 'rect').map((s) => [s.x0, s.x1])).to.deep.equal([
      [23.5, 24],
      [0, 0.5],
    ]);
    expect(shapes.find((s) => s.type === 'line').x0).to.equal(12);
    const m = timeOfDayFigure({
      rows: rows.map((r) => ({ ...r, zone: 'MSK' })),
      zone: 'MSK',
      groups: ['female'],
      title: 't',
      snapshotClockSeconds: 22 * 3600,
    });
    expect((m.layout.shapes as any[])[0].x0).to.equal(1); // 22:00 UTC = 01:00 Moscow
    expect(() => timeOfDayFigure({ rows, zone: 'MSK', groups: ['female'], title: 't' })).to.throw(/no bins/);
  });

  it('day of week: bars per sex in week order', () => {
    const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    const rows = days.map((day, i) => ({
      zone: 'UTC',
      group: 'female',
      day,
      day_index: i,
      share: 1 / 7,
      lo: 0.1,
      hi: 0.2,
    }));
    const f = dayOfWeekFigure(rows, 'UTC');
    expect(f.data).to.have.length(1);
    expect((f.data[0] as any).x).to.deep.equal(days);
  });

  it('cities: top bars by sex without the "other" row; female share with a 50% line', () => {
    const rows = [city(1, 100, 55), city(2, 50, null), city(null, 30, null, { city: 'other (3 cities…)' })];
    const f = topCitiesFigure(rows);
    expect((f.data[0] as any).y).to.deep.equal(['Город 1', 'Город 2']);
    expect(f.layout.barmode).to.equal('stack');
    const s = femaleShareFigure(rows);
    expect((s.data[0] as any).x).to.deep.equal([50, 50]);
    expect((s.layout.shapes as any[])[0].x0).to.equal(50);
    expect(() => topCitiesFigure([city(null, 30, null)])).to.throw(/no city reaches the minimum count/);
  });

  it('map: bubbles only for shown cities with coordinates; topojson inlined for offline use', () => {
    const rows = [city(1, 100, 55), city(2, 50, null), city(3, 25, 60), city(null, 30, 50)];
    const f = cityMapFigure(rows);
    const t = f.data[0] as any;
    expect(t.type).to.equal('scattergeo');
    expect(t.lat).to.deep.equal([55, 60]);
    expect(t.marker.sizemode).to.equal('area');
    expect((f.layout.geo as any).resolution).to.equal(110); // plotly then asks for "world_110m", which geoAssetsHtml registers
    const html = geoAssetsHtml();
    expect(html).to.contain('window.PlotlyGeoAssets.topojson["world_110m"]=');
    const json = html.slice(html.indexOf(']=') + 2, html.lastIndexOf(';</script>'));
    expect(JSON.parse(json).type).to.equal('Topology');
    expect(() => geoAssetsHtml('{broken')).to.throw();
    expect(() => cityMapFigure([city(2, 50, null)])).to.throw(/no shown city has coordinates/);
  });
});
