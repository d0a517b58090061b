import { expect } from 'chai';
import * as fs from 'fs';
import {
  figureHtml,
  jsonForScript,
  plotlyBundlePath,
  plotlyLibraryHtml,
  figuresShown,
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

  it('inlines plotly.js once per kernel, then one div + script per chart', () => {
    const outputs: string[] = [];
    const sink = {
      html: (s: string) => {
        outputs.push(s);
      },
    };
    const before = figuresShown();
    const id1 = showFigure(fig(), sink);
    const id2 = showFigure(fig(), sink);
    expect(outputs).to.have.length(3);
    expect(outputs[0].length).to.be.greaterThan(1_000_000); // the whole minified bundle
    expect(outputs[0]).to.match(/^<script type="text\/javascript">/);
    expect(outputs[1]).to.contain(`<div id="${id1}"`).and.to.contain('Plotly.newPlot');
    expect(outputs[2]).to.contain(`<div id="${id2}"`);
    expect(outputs[1]).to.not.contain('plotly.js v');
    expect(id1).to.not.equal(id2);
    expect(figuresShown() - before).to.equal(2);
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
