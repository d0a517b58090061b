// The e2e checks themselves must be able to fail: a chart whose library never loaded
// counts as not rendered, and remote sources are found.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { figureHtml, plotlyLibraryHtml } from '../../src/viz/display';
import { barFigure } from '../../src/viz/figures';
import { countFigureDivs, countRenderedPlots, networkSources, renderedDom, requireTools } from './tools';

const fig = () =>
  barFigure({
    title: 'T',
    categories: ['a', 'b'],
    series: [{ name: 'n', values: [1, 2] }],
    x: { title: 'X', unit: 'u' },
    y: { title: 'Y', unit: 'count' },
  });
const page = (body: string) =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${body}</body></html>`;

describe('e2e tools: the checks can fail', function () {
  this.timeout(120_000);
  let dir: string;
  before(function () {
    requireTools(this, true);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-tools-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts a chart as rendered only when plotly.js drew it', () => {
    const good = path.join(dir, 'good.html');
    const bad = path.join(dir, 'bad.html');
    fs.writeFileSync(good, page(plotlyLibraryHtml() + figureHtml(fig(), 'f1') + figureHtml(fig(), 'f2')));
    fs.writeFileSync(bad, page(figureHtml(fig(), 'f1')));
    expect(countFigureDivs(fs.readFileSync(good, 'utf8'))).to.equal(2);
    expect(countRenderedPlots(renderedDom(good))).to.equal(2);
    const badDom = renderedDom(bad);
    expect(countRenderedPlots(badDom)).to.equal(0);
    expect(badDom).to.contain('>plotly.js is not loaded');
    expect(renderedDom(good)).to.not.contain('>plotly.js is not loaded');
  });

  it('finds remote scripts and stylesheets but not local or inline ones', () => {
    expect(
      networkSources(
        '<script src="https://cdn.x/a.js"></script><link rel="stylesheet" href="//cdn.x/s.css"><style>@import url("http://x/y.css")</style>',
      ),
    ).to.have.length(3);
    expect(
      networkSources(
        '<script src="file:///usr/share/javascript/requirejs/require.min.js"></script><script>var u="https://plotly.com"</script><a href="https://vk.com">x</a>',
      ),
    ).to.deep.equal([]);
  });
});
