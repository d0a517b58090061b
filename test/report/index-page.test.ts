import { expect } from 'chai';
import { notebookTitle, renderIndex, type IndexEntry } from '../../src/report/index-page';
import { describeSource, sourceBannerHtml } from '../../src/notebook/source';
import { studyParams } from '../../src/notebook/params';
import type { SnapshotManifest } from '../../src/snapshot/schema';

const manifest = (kind: 'synthetic' | 'vk'): SnapshotManifest => ({
  format: 'vk-audience-study/snapshot',
  format_version: 1,
  group: { id: 15755094, screen_name: 'ria', name: 'RIA <Novosti>' },
  snapshot_time: '2026-11-01T10:00:00.000Z',
  finished_time: '2026-11-01T10:01:00.000Z',
  source: {
    kind,
    api_base: 'http://127.0.0.1/method',
    synthetic: kind === 'synthetic' ? { seed: 3, members: 3000 } : null,
  },
  api_version: '5.199',
  counts: { reported_at_start: 3000, reported_at_end: 3000, rows_written: 2999 },
  fields: [],
  columns: [],
  files: { members: 'members.arrow' },
  tool: { name: 'x', version: '0' },
});

describe('report/index page and source banner', () => {
  const params = studyParams({}, '/repo');

  it('labels synthetic data loudly, from the manifest when there is one', () => {
    const s = describeSource(manifest('synthetic'), params);
    expect(s).to.include({ kind: 'synthetic', from: 'manifest' });
    expect(s.label)
      .to.match(/^SYNTHETIC community/)
      .and.contain('3,000 members, seed 3');
    expect(sourceBannerHtml(s)).to.contain('Synthetic data:').and.contain('data-source-kind="synthetic"');
    const before = describeSource(null, params);
    expect(before).to.include({ kind: 'synthetic', from: 'parameters' });
    expect(before.label).to.contain('20,000 members, seed 1; no snapshot yet');
    const m = manifest('synthetic');
    m.source.synthetic = { seed: 3, members: 3000, bot_share: 0.08, followers_zero_share: 0.3 };
    expect(describeSource(m, params).label).to.contain(
      '3,000 members, seed 3, 8% bots, 30% structural zeros in followers; snapshot',
    );
  });

  it('names a real community without the synthetic label, escaping its name', () => {
    const s = describeSource(manifest('vk'), params);
    expect(s.kind).to.equal('vk');
    expect(s.label).to.contain('"RIA <Novosti>" (ria, id 15755094): 2,999 members');
    const html = sourceBannerHtml(s);
    expect(html).to.not.match(/synthetic/i);
    expect(html).to.contain('RIA &lt;Novosti&gt;');
  });

  it('renders title, date, source, each notebook with link and summary, and no scripts or remote links', () => {
    const html = renderIndex({
      title: 'VK audience study',
      generatedAt: new Date('2026-11-26T08:00:00Z'),
      totalSeconds: 12.34,
      source: describeSource(manifest('synthetic'), params),
      entries: [
        {
          notebook: '02-status',
          title: '02 · Status',
          href: '02-status.html',
          seconds: 3.21,
          summary: {
            notebook: '02-status',
            headline: '14.0% deleted or banned',
            items: [{ label: 'deleted', value: '<b>11%</b>' }],
            figures: 2,
            notBuilt: ['quality score'],
            recordedAt: '',
          },
        },
        { notebook: '05-model', title: '05 · Model', href: '05-model.html', seconds: 1, summary: null },
      ],
    });
    expect(html).to.contain('<title>VK audience study</title>');
    expect(html).to.contain('Generated 2026-11-26 08:00:00 UTC');
    expect(html).to.contain('Synthetic data:');
    expect(html).to.contain('<a href="02-status.html">02 · Status</a>');
    expect(html).to.contain('14.0% deleted or banned');
    expect(html).to.contain('&lt;b&gt;11%&lt;/b&gt;');
    expect(html).to.contain('Not built yet: quality score.');
    expect(html).to.contain('2 charts');
    expect(html).to.contain('recorded no summary');
    expect(html).to.not.match(/<script|https?:\/\//);
  });

  it('takes a notebook title from its first markdown heading', () => {
    expect(
      notebookTitle(
        {
          cells: [
            { cell_type: 'code', source: '# not this' },
            { cell_type: 'markdown', source: ['intro\n', '# 02 · Status: shares\n'] },
          ],
        },
        'f',
      ),
    ).to.equal('02 · Status: shares');
    expect(notebookTitle({ cells: [] }, '02-status')).to.equal('02-status');
  });

  it("draws each notebook's headline charts and lists any set of notebooks, in the given order", () => {
    const fig = (title: string) => ({
      data: [{ type: 'bar', x: ['a'], y: [1] }],
      layout: { title: { text: title }, height: 400 },
      config: { displaylogo: false },
    });
    const entry = (notebook: string, charts: ReturnType<typeof fig>[]): IndexEntry => ({
      notebook,
      title: `${notebook} title`,
      href: `${notebook}.html`,
      seconds: 1,
      bytes: 123_456,
      charts,
      summary: {
        notebook,
        headline: `${notebook} headline`,
        items: [],
        figures: charts.length,
        notBuilt: [],
        recordedAt: '',
      },
    });
    const entries = [
      entry('01-pull', [fig('Pull time')]),
      entry('06-compare', [fig('Overlap'), fig('Churn')]),
      entry('07-later', []),
    ];
    const html = renderIndex({
      title: 'T',
      generatedAt: new Date('2026-11-26T08:00:00Z'),
      totalSeconds: 3,
      source: describeSource(manifest('synthetic'), params),
      entries,
      plotlyAsset: 'assets/plotly.min.js',
    });
    expect(html).to.contain('<script src="assets/plotly.min.js"></script>');
    const contents = /<nav class="contents"[^]*?<\/nav>/.exec(html)![0];
    expect([...contents.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).to.deep.equal([
      '01-pull.html',
      '06-compare.html',
      '07-later.html',
    ]);
    // One chart box per headline chart, each inside a link to its page, drawn static.
    expect(html.match(/class="study-figure"/g)).to.have.length(3);
    expect(html).to.contain('id="index-06-compare-1"');
    expect(html).to.match(/<a class="charts" href="06-compare.html"[^>]*>[^]*?index-06-compare-0/);
    expect(html).to.contain('"staticPlot":true');
    expect(html).to.contain('06-compare headline').and.contain('07-later headline');
    expect(html).to.contain('page 0.12 MB');
    expect(html).to.not.match(/https?:\/\//);
    // Without the shared plotly.js copy the index stays text only.
    const plain = renderIndex({
      title: 'T',
      generatedAt: new Date(),
      totalSeconds: 3,
      source: describeSource(manifest('synthetic'), params),
      entries,
    });
    expect(plain).to.not.match(/<script|study-figure"/);
  });
});
