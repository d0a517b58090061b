import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { labelSheetCsv } from '../../src/bots/label-sheet';
import { liveMembers } from '../../src/bots/live-members';
import { startEmulator } from '../../src/emulator';
import { CommunityGenerator } from '../../src/emulator/generator';
import { readSnapshot } from '../../src/snapshot/read';
import { pullMembers } from '../../src/vk/members';
import { snapshotLabelSample } from '../../src/bots/labels';
import {
  botsFindingMarkdown,
  botsStudy,
  botsSummaryItems,
  estimateRows,
  noTruth,
  scoreView,
  syntheticBotTruth,
  truthLines,
} from '../../src/bots/study';
import { botEstimatesFigure, scoreDistributionFigure, specificityBandFigure } from '../../src/viz/bots/share';
import { botsTable, BOTS_MANIFEST } from './fixtures';

describe('bots: the study section (notebook 02)', function () {
  this.timeout(60000);
  const world = botsTable(5000, { seed: 8 });
  const input = { table: world.table, manifest: { ...BOTS_MANIFEST, source: synthetic() } };
  const truth = { isBot: world.isBot, source: 'the test world' };

  function synthetic(): any {
    return { kind: 'synthetic', api_base: 'x', synthetic: { seed: 1, members: 5000 } };
  }

  it('synthetic with a truth: a simulated annotator labels the sample, the page says so and shows the truth', () => {
    const s = botsStudy(input, { env: {}, truth });
    expect(s.annotator).to.not.equal(null);
    expect(s.labels!.rows).to.have.length(400);
    expect(s.audit.section.available && s.audit.section.method).to.equal('ppi');
    const md = botsFindingMarkdown(s);
    expect(md).to.contain('The labels on this page are simulated');
    expect(md).to.contain('simulated annotator (seed 1)');
    expect(md).to.match(
      new RegExp(`has ${s.truth!.bots.toLocaleString('en-US')} bots among the live members`),
    );
    expect(md).to.match(/which the interval (covers|\*\*does not cover\*\*)/);
    expect(s.truth!.labelled_share).to.be.greaterThan(0);
    const rows = estimateRows(s);
    expect(rows[0].label).to.equal('prediction-powered (the estimate)');
    expect(rows.map((r) => r.label)).to.include('labels only (Wilson)');
    const fig = botEstimatesFigure({ rows, references: truthLines(s), subtitle: 'x' });
    expect(fig.data.some((t) => String(t.name).startsWith('true share'))).to.equal(true);
    const v = scoreView(s);
    expect(v.reason).to.equal(null);
    expect(v.accuracy).to.have.length(2);
    expect(v.accuracy[0].community).to.match(/bots\)$/);
    expect(
      scoreDistributionFigure({ bins: v.distribution, threshold: v.threshold, liveMembers: v.liveMembers })
        .data,
    ).to.have.length(2);
    if (v.band.length > 0) specificityBandFigure({ band: v.band, validated: v.validatedSpecificity });
    expect(botsSummaryItems(s).map((i) => i.label)).to.include('true share of bots (synthetic)');
  });

  it('a labelled sheet named by BOTS_LABELS wins over the simulation', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-study-'));
    try {
      const sample = snapshotLabelSample(input, 30, 2);
      const lines = labelSheetCsv(sample).trim().split('\r\n');
      const at = lines[0].split(',').indexOf('label');
      const labelled = lines.map((l, i) => {
        if (i === 0) return l;
        const f = l.split(',');
        f[at] = i % 10 === 0 ? 'bot' : 'human';
        return f.join(',');
      });
      const file = path.join(dir, 'sheet.csv');
      fs.writeFileSync(file, labelled.join('\r\n'));
      const s = botsStudy(input, { env: { BOTS_LABELS: file }, truth });
      expect(s.annotator).to.equal(null);
      expect(s.labels!.source).to.equal(file);
      expect(s.audit.section.available && s.audit.section.labelled!.bot).to.equal(3);
      expect(botsFindingMarkdown(s)).to.contain(`labels from the sheet ${file}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no truth and no sheet: only the bot-like share, and the page says why', () => {
    const real = { table: world.table, manifest: BOTS_MANIFEST };
    const s = botsStudy(real, { env: {} });
    expect(s.labels).to.equal(null);
    expect(s.truth).to.equal(null);
    const md = botsFindingMarkdown(s);
    expect(md).to.contain('Bot-like share, not validated on this community');
    expect(md).to.contain('the community is real');
    expect(noTruth(input.manifest, 'why').reason).to.equal('why');
    expect(() => botsStudy(real, { env: { BOTS_SAMPLE: 'many' } })).to.throw(/BOTS_SAMPLE/);
  });
});

describe('bots: the synthetic truth rebuilt from the snapshot’s generator settings', function () {
  this.timeout(120000);

  it('names exactly the live bots the running emulator lists in its truth', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-bot-truth-'));
    // Not the default share: the pull must carry it from the emulator into the manifest.
    const emu = await startEmulator({ members: 4000, seed: 13, botShare: 0.08, rateLimitPerSecond: 0 });
    try {
      await pullMembers({ token: emu.token, group: emu.screenName, out: dir, base: emu.base, rateLimit: 0 });
      const expected = Array.from(emu.truth.botIds());
      const snap = readSnapshot(dir);
      const truth = syntheticBotTruth(
        snap.manifest,
        (settings) =>
          new CommunityGenerator({
            ...settings,
            referenceSec: Date.parse(snap.manifest.snapshot_time) / 1000,
          }),
      );
      if (!('isBot' in truth)) throw new Error(truth.reason);
      const live = liveMembers(snap.table);
      expect(Array.from(live.ids).filter(truth.isBot)).to.deep.equal(expected);
      expect(expected.length).to.be.greaterThan(50);
      expect(snap.manifest.source.synthetic).to.deep.equal({
        seed: 13,
        members: 4000,
        bot_share: 0.08,
        followers_zero_share: 0,
      });
      expect(truth.source).to.contain('seed 13').and.contain('8% of live members');
      // The study on it: scored (the pull now stores has_mobile and status_length), labelled by the annotator.
      const s = botsStudy({ table: snap.table, manifest: snap.manifest }, { env: {}, truth });
      const b = s.audit.section;
      expect(b.available && b.method).to.equal('ppi');
      expect(s.truth!.bots).to.equal(expected.length);
    } finally {
      await emu.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
