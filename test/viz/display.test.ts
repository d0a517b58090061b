import { expect } from 'chai';
import * as fs from 'fs';
import {
  figureHtml,
  jsonForScript,
  plotlyBundlePath,
  plotlyLibraryHtml,
  figuresShown,
  headlineFigures,
  PLOTLY_MIME,
  resetFigureState,
  scriptSafe,
  showFigure,
} from '../../src/viz/display';
import { barFigure } from '../../src/viz/figures';

const fig = () =>
  barFigure({
    title: 'T',
    categories: ['a'],
    series: [{ name: 'n', values: [1] }],
    x: { title: 'X', unit: 'u' },
    y: { title: 'Y', unit: 'count' },
  });

describe('viz/display', () => {
  beforeEach(() => resetFigureState());

  it("sends each chart as one output with Plotly's MIME type, an HTML fallback and a text line", () => {
    const bundles: Record<string, unknown>[] = [];
    const html: string[] = [];
    const sink = {
      html: (s: string) => void html.push(s),
      bundle: (d: Record<string, unknown>) => void bundles.push(d),
    };
    const before = figuresShown();
    showFigure(fig(), sink);
    showFigure(fig(), { sink, headline: true });
    expect(html).to.deep.equal([]);
    expect(bundles).to.have.length(2);
    const [b1, b2] = bundles;
    expect(Object.keys(b1).sort()).to.deep.equal([PLOTLY_MIME, 'text/html', 'text/plain']);
    expect(b1[PLOTLY_MIME]).to.deep.equal({ data: fig().data, layout: fig().layout, config: fig().config });
    expect(b1['text/plain']).to.equal('[chart: T]');
    const id = (b: Record<string, unknown>) => /<div id="([^"]+)"/.exec(b['text/html'] as string)![1];
    expect(id(b1)).to.not.equal(id(b2));
    // No copy of the library travels with a chart: it is loaded once per page.
    expect((b1['text/html'] as string).length).to.be.lessThan(10_000);
    expect(b1['text/html']).to.contain('newPlot').and.contain('plotly.min.js');
    expect(figuresShown() - before).to.equal(2);
    expect(headlineFigures()).to.have.length(1);
  });

  it('takes the first chart as the headline when none is marked, HTML only without a bundle writer', () => {
    const html: string[] = [];
    showFigure(fig(), { html: (s: string) => void html.push(s) });
    showFigure(fig(), { html: (s: string) => void html.push(s) });
    expect(html).to.have.length(2);
    expect(headlineFigures()).to.deep.equal([fig()]);
  });

  it("loads plotly.js in a live notebook from the server's files/ route, relative to the notebook", () => {
    const html = figureHtml(fig(), 'f1', '../node_modules/plotly.js-dist-min/plotly.min.js');
    expect(html).to.contain("'files/'").and.contain('data-notebook-path');
    expect(html).to.contain('"../node_modules/plotly.js-dist-min/plotly.min.js"');
    // In a report page (window.StudyReport) a missing library is named, never fetched.
    expect(html).to.contain('Copy or open the whole report folder');
    expect(html).to.not.match(/https?:\/\//);
  });

  it('uses plotly.js 3 or newer (2.x never sets window.Plotly under require.js)', () => {
    const pkg = JSON.parse(
      fs.readFileSync(plotlyBundlePath().replace(/plotly\.min\.js$/, 'package.json'), 'utf8'),
    ) as { version: string };
    expect(Number(pkg.version.split('.')[0])).to.be.at.least(3);
  });

  it('keeps the inline library free of network references to scripts and stylesheets', () => {
    const html = plotlyLibraryHtml('var a = "</script><script src=x>"; /* https://cdn.example/x.js */');
    expect(html.match(/<\/script>/gi)).to.have.length(1); // only the closing tag we add
    expect(html).to.contain('<\\/script>');
  });

  it('escapes figure JSON so titles cannot break out of the script', () => {
    const f = fig();
    (f.layout.title as { text: string }).text = '</script><img src=x onerror=alert(1)> & \u2028';
    const html = figureHtml(f, 'fig-1');
    expect(html).to.not.contain('</script><img');
    expect(html.match(/<\/script>/g)).to.have.length(1);
    const json = jsonForScript({ t: '<&>\u2028' });
    expect(JSON.parse(json)).to.deep.equal({ t: '<&>\u2028' });
    expect(scriptSafe('a</SCRIPT>b')).to.equal('a<\\/SCRIPT>b');
  });

  it('refuses an empty figure and an unsafe div id', () => {
    expect(() => figureHtml({ data: [], layout: {} }, 'ok')).to.throw(/no traces/);
    expect(() => figureHtml(fig(), 'bad id"')).to.throw(/invalid chart div id/);
  });
});
