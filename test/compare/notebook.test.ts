/**
 * What notebook 06 calls (src/notebook/compare.ts) and the study's group list
 * (src/notebook/params.ts: VK_GROUPS, STUDY_COMPARE_WITH), on real snapshot folders.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unusualFindings } from '../../src/compare/unusual';
import {
  showDifferences,
  showOverlap,
  showOverTime,
  showShares,
  showUnusual,
  showUpset,
  startCompare,
  summarizeCompare,
  type Sink,
} from '../../src/notebook/compare';
import { studyParams } from '../../src/notebook/params';
import { readSummary } from '../../src/notebook/summary';
import type { Figure } from '../../src/viz/theme';
import { personStatus } from './helpers';
import { communityDir, rowFor, rowsFor } from './snapshots';

const T1 = '2024-06-01T12:00:00Z';
const T2 = '2024-09-01T12:00:00Z';
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

interface Recorder extends Sink {
  md: string[];
  shown: string[];
}
function recorder(): Recorder {
  const md: string[] = [];
  const shown: string[] = [];
  return { md, shown, markdown: (s: string) => void md.push(s), html: (s: string) => void shown.push(s) };
}

describe('study parameters: the communities and the snapshots to compare', () => {
  const ROOT = '/repo';
  it('VK_GROUPS=a,b,c: one snapshot per community, the first is the audited one', () => {
    const p = studyParams({ VK_TOKEN: 't', VK_GROUPS: 'ria, tass ,lentaru' }, ROOT);
    expect(p.vkGroup).to.equal('ria');
    expect(p.snapshotDir).to.equal(path.join(ROOT, 'data/snapshots/vk-ria'));
    expect(p.groups).to.deep.equal([
      { group: 'ria', snapshotDir: path.join(ROOT, 'data/snapshots/vk-ria') },
      { group: 'tass', snapshotDir: path.join(ROOT, 'data/snapshots/vk-tass') },
      { group: 'lentaru', snapshotDir: path.join(ROOT, 'data/snapshots/vk-lentaru') },
    ]);
    // STUDY_SNAPSHOT moves the first community's snapshot only.
    const q = studyParams({ VK_TOKEN: 't', VK_GROUPS: 'ria,tass', STUDY_SNAPSHOT: 'x/first' }, ROOT);
    expect(q.groups.map((g) => g.snapshotDir)).to.deep.equal([
      path.join(ROOT, 'x/first'),
      path.join(ROOT, 'data/snapshots/vk-tass'),
    ]);
    expect(studyParams({ VK_TOKEN: 't', VK_GROUP: 'ria' }, ROOT).groups).to.have.length(1);
    // The synthetic study: the emulator's news community and the smaller ones beside it.
    const base = path.join(ROOT, 'data/snapshots/synthetic-20000-1');
    expect(studyParams({}, ROOT).groups).to.deep.equal([
      { group: 'synthetic_community', snapshotDir: base },
      { group: 'synthetic_regional', snapshotDir: `${base}-synthetic_regional` },
      { group: 'synthetic_brand', snapshotDir: `${base}-synthetic_brand` },
      { group: 'synthetic_youth', snapshotDir: `${base}-synthetic_youth` },
    ]);
    expect(studyParams({}, ROOT).truthFile).to.equal(`${base}-truth.json`);
    const pick = studyParams({ VK_GROUPS: 'synthetic_brand,synthetic_community' }, ROOT);
    expect(pick.snapshotDir).to.equal(`${base}-synthetic_brand`);
    expect(pick.groups[1]).to.deep.equal({
      group: 'synthetic_community',
      snapshotDir: `${base}-synthetic_brand-synthetic_community`,
    });
  });

  it('bad group lists are named', () => {
    expect(() => studyParams({ VK_GROUPS: 'ria,synthetic_brand' }, ROOT)).to.throw(
      /VK_GROUPS=ria,synthetic_brand is set but VK_TOKEN is not, and the embedded emulator serves only synthetic_community, .* \(not ria\)/,
    );
    expect(() => studyParams({ VK_TOKEN: 't', VK_GROUPS: 'ria,,tass' }, ROOT)).to.throw(/has an empty name/);
    expect(() => studyParams({ VK_TOKEN: 't', VK_GROUPS: 'ria,tass,ria' }, ROOT)).to.throw(/names ria twice/);
    expect(() => studyParams({ VK_TOKEN: 't', VK_GROUP: 'ria', VK_GROUPS: 'tass' }, ROOT)).to.throw(
      /both VK_GROUP=ria and VK_GROUPS=tass are set/,
    );
  });

  it('STUDY_COMPARE_WITH: folders from the repository root', () => {
    expect(studyParams({ STUDY_COMPARE_WITH: 'data/old, /abs/older' }, ROOT).compareWith).to.deep.equal([
      path.join(ROOT, 'data/old'),
      '/abs/older',
    ]);
    expect(studyParams({}, ROOT).compareWith).to.deep.equal([]);
    expect(() => studyParams({ STUDY_COMPARE_WITH: 'a,' }, ROOT)).to.throw(
      /STUDY_COMPARE_WITH="a," has an empty/,
    );
  });
});

describe('notebook 06 (src/notebook/compare.ts)', function () {
  this.timeout(60_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'compare-nb-'));
  let dirA = '';
  let dirB = '';
  let dirA2 = '';
  before(async () => {
    dirA = await communityDir(rowsFor(range(1, 1201), T1), { id: 1, screen_name: 'alpha', snapshotTime: T1 });
    dirB = await communityDir(rowsFor(range(801, 1601), T1), {
      id: 2,
      screen_name: 'beta',
      snapshotTime: T1,
    });
    // alpha later: 100 left, 50 joined, every 50th stayer banned.
    const later = [...range(101, 1201), ...range(2001, 2051)];
    dirA2 = await communityDir(
      later.map((id) => rowFor(id, id % 50 === 0 ? 4 : personStatus(id, 1), T2)),
      { id: 1, screen_name: 'alpha', snapshotTime: T2 },
    );
  });
  after(() => {
    for (const d of [work, dirA, dirB, dirA2]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('one community: says there is nothing to compare, once in full, and records that as the summary', () => {
    const sink = recorder();
    const printed: string[] = [];
    const env = { VK_GROUPS: 'synthetic_community', STUDY_SNAPSHOT: dirA, STUDY_SUMMARY_DIR: work };
    const c = startCompare({ env, sink, print: (s) => printed.push(s) });
    expect(c.result).to.equal(null);
    expect(sink.shown[0]).to.contain('data-source-kind="synthetic"');
    expect(printed.join('\n')).to.contain('STUDY_COMPARE_WITH');
    const figures: Figure[] = [];
    const fig = (f: Figure): void => void figures.push(f);
    showShares(c, fig);
    showDifferences(c, undefined, fig);
    showOverlap(c, fig);
    showUpset(c, fig);
    showUnusual(c);
    showOverTime(c, fig);
    expect(figures).to.have.length(0);
    expect(sink.md[0]).to.match(
      /one community, alpha, and no other snapshot, so there is nothing to compare/,
    );
    expect(sink.md.slice(1, 6)).to.deep.equal(Array(5).fill('*Nothing to compare (see above).*'));
    const s = summarizeCompare(c, { env, sink });
    expect(readSummary(work, '06-compare')!.headline).to.equal(s.headline).and.equal(c.reason);
  });

  it('two communities and an earlier snapshot: every section from the numbers', () => {
    const sink = recorder();
    const env = {
      VK_GROUPS: 'synthetic_community',
      STUDY_SNAPSHOT: dirA2,
      STUDY_COMPARE_WITH: `${dirB},${dirA}`,
    };
    const c = startCompare({ env, sink, print: () => undefined });
    const r = c.result!;
    expect(r.communities.map((x) => x.key)).to.deep.equal(['alpha', 'beta']);
    const figures: Figure[] = [];
    const fig = (f: Figure): void => void figures.push(f);

    showShares(c, fig);
    const a = r.communities[0];
    const s = a.shares[1];
    expect(sink.md.at(-1)).to.contain(`| alpha | census | 1,150 | 2024-09-01 |`);
    expect(sink.md.at(-1)).to.contain(
      `${(100 * s.share).toFixed(1)}% (${(100 * s.lo).toFixed(1)}%–${(100 * s.hi).toFixed(1)}%)`,
    );
    expect(figures).to.have.length(1);

    showDifferences(c, ['not_seen'], fig);
    expect(figures).to.have.length(2);
    expect(sink.md.at(-1)).to.contain('newcombe hybrid score, shared members paired');

    showOverlap(c, fig);
    const o = r.overlap[0];
    // alpha now: 101…1200 and 2001…2050; beta: 801…1600 → 400 in common.
    expect(o.common).to.equal(400);
    expect(sink.md.at(-1)).to.match(/\| alpha \| beta \| 400 \| 34\.8% \| 50\.0% \| 0\.258 \| exact \|/);

    showUpset(c, fig);
    expect(sink.md.at(-1)).to.equal(
      `1,550 people follow at least one of alpha, beta; 1,150 (74.2%) follow exactly one of them, 400 (25.8%) follow all 2.`,
    );

    showUnusual(c);
    expect(sink.md.at(-1)).to.contain(unusualFindings(r)[0]);

    showOverTime(c, fig);
    const t = r.over_time[0];
    expect(t).to.include({ joined: 50, left: 100, stayed: 1100 });
    expect(sink.md.at(-1)).to.contain('50 joined, 100 left (8.3% of the older list), 1,100 stayed.');
    expect(sink.md.at(-1)).to.contain(`VK banned ${t.banned_between!.total} between the snapshots`);
    expect(figures.map((f) => f.data[0].type)).to.include('sankey');

    const summary = summarizeCompare(c, { env: {}, sink });
    expect(summary.items.find((i) => i.label === 'largest overlap')!.value).to.contain('400 in common');
    expect(summary.items.find((i) => i.label.startsWith('alpha over'))!.value).to.equal(
      `50 joined, 100 left, 1,100 stayed, ${t.banned_between!.total} banned between`,
    );
  });

  it('a community 01 has not pulled, or a STUDY_COMPARE_WITH folder without a snapshot, is named', () => {
    const missing = path.join(work, 'nothing-here');
    expect(() =>
      startCompare({
        env: { VK_GROUPS: 'synthetic_community', STUDY_SNAPSHOT: missing },
        sink: recorder(),
        print: () => undefined,
      }),
    ).to.throw(/No finished snapshot in .*nothing-here: run notebook 01/);
    expect(() =>
      startCompare({
        env: { VK_GROUPS: 'synthetic_community', STUDY_SNAPSHOT: dirA, STUDY_COMPARE_WITH: missing },
        sink: recorder(),
        print: () => undefined,
      }),
    ).to.throw(/STUDY_COMPARE_WITH names .*nothing-here, which holds no finished snapshot/);
  });
});

describe('notebooks/06-compare.ipynb', () => {
  it('tslab kernel, no stored outputs, intro first, startCompare first, finishCompare last, imports from ../dist', () => {
    const file = path.resolve(__dirname, '../../../notebooks/06-compare.ipynb');
    const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      metadata: { kernelspec: Record<string, string> };
      cells: { cell_type: string; source: string[]; outputs?: unknown[] }[];
    };
    expect(nb.metadata.kernelspec).to.include({ name: 'tslab', language: 'typescript' });
    expect(nb.cells[0].cell_type).to.equal('markdown');
    expect(nb.cells[0].source.join('')).to.match(/^# 06 · /);
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    expect(code.every((c) => (c.outputs ?? []).length === 0)).to.equal(true);
    expect(code[0].source.join('')).to.match(
      /from '\.\.\/dist\/src\/notebook\/compare'[\s\S]*startCompare\(\)/,
    );
    expect(code.at(-1)!.source.join('')).to.match(/^finishCompare\(cmp\);/);
  });
});
