import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { annotate } from '../../src/bots/annotator';
import { drawLabelSample } from '../../src/bots/label-sample';
import { labelSheetCsv, LabelsError } from '../../src/bots/label-sheet';
import { readSnapshotLabels, simulatedSampleLabels, snapshotLabelSample } from '../../src/bots/labels';
import { liveMembers, sheetMemberAt } from '../../src/bots/live-members';
import { botsTable, BOTS_MANIFEST } from './fixtures';

describe('bots: the labelled sample of a snapshot', () => {
  const { table, isBot } = botsTable(600, { seed: 2 });
  const input = { table, manifest: BOTS_MANIFEST };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-labels-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const sample = snapshotLabelSample(input, 40, 9);
  const lines = labelSheetCsv(sample).trim().split('\r\n');
  const cols = lines[0].split(',');
  const labelAt = cols.indexOf('label');
  /** The sheet with labels set on data rows (1-based) and other edits. */
  const sheet = (labels: Record<number, string>, edit: (ls: string[]) => string[] = (x) => x): string => {
    const file = path.join(dir, `sheet-${Math.random().toString(36).slice(2)}.csv`);
    const out = lines.map((l, i) => {
      if (!(i in labels)) return l;
      const f = l.split(',');
      f[labelAt] = labels[i];
      return f.join(',');
    });
    fs.writeFileSync(file, '\ufeff' + edit(out).join('\r\n') + '\r\n');
    return file;
  };

  it('draws live members only, the same members drawLabelSample draws over the live list', () => {
    const live = liveMembers(table);
    expect(live.rows.length).to.be.lessThan(600);
    const all = Array.from(live.rows, (r) => sheetMemberAt(table, r));
    const snap = { group_id: 77, snapshot_time: BOTS_MANIFEST.snapshot_time };
    expect(drawLabelSample(all, 40, 9, snap)).to.deep.equal(sample);
    const deadIds = new Set(
      table
        .objects()
        .filter((r: any) => r.deactivated !== null)
        .map((r: any) => r.id),
    );
    expect(sample.members.some((m) => deadIds.has(m.id))).to.equal(false);
    expect(snapshotLabelSample(input, 40, 10).members).to.not.deep.equal(sample.members);
    expect(() => snapshotLabelSample(input, live.rows.length + 1, 1)).to.throw(LabelsError, /at most/);
  });

  it('reads a labelled sheet back (BOM, blanks and skipped rows counted)', () => {
    const r = readSnapshotLabels(sheet({ 1: 'bot', 2: 'Human', 4: 'unsure' }), input);
    expect(r.seed).to.equal(9);
    expect(r.rows.map((x) => x.id)).to.deep.equal(sample.members.map((m) => m.id));
    expect(r.rows.slice(0, 4).map((x) => x.label)).to.deep.equal(['bot', 'human', null, 'unsure']);
    expect(r.skipped).to.equal(1);
    // Rows deleted from the sheet (say, the unlabelled tail) keep a valid sample.
    const head = readSnapshotLabels(
      sheet({ 1: 'bot', 2: 'human' }, (ls) => ls.slice(0, 3)),
      input,
    );
    expect(head.rows).to.have.length(2);
  });

  it('refuses, naming the file, row and fix: another snapshot, edited ids, bad labels, no file', () => {
    const refuse = (file: string, re: RegExp, inp = input): void => {
      expect(() => readSnapshotLabels(file, inp))
        .to.throw(LabelsError, re)
        .with.property('message')
        .that.contains(file);
    };
    const other = { ...input, manifest: { ...BOTS_MANIFEST, snapshot_time: '2024-07-01T12:00:00Z' } };
    refuse(
      sheet({ 1: 'bot' }),
      /row 2: the sheet is from snapshot "vk-group-77@2024-06-01.*not the audited/,
      other,
    );
    refuse(sheet({ 3: 'robot' }), /row 4: label "robot".*bot, human, unsure/);
    const [a, b] = [sample.members[0].id, sample.members[1].id];
    refuse(
      sheet({}, (ls) =>
        ls.map((l, i) =>
          i === 1 ? l.split(`,${a},`).join(`,${b},`) : i === 2 ? l.split(`,${b},`).join(`,${a},`) : l,
        ),
      ),
      /position 1 holds id \d+, but label-sample with seed 9 drew id \d+ there.*no longer a random sample/,
    );
    refuse(
      sheet({}, (ls) => ls.map((l, i) => (i === 1 ? l.split(`,${a},`).join(',99999,') : l))),
      /id 99999 is not a member/,
    );
    const dead = table.objects().find((r: any) => r.deactivated !== null) as { id: number };
    refuse(
      sheet({}, (ls) => ls.map((l, i) => (i === 1 ? l.split(`,${a},`).join(`,${dead.id},`) : l))),
      /deleted or banned/,
    );
    refuse(path.join(dir, 'nope.csv'), /does not exist; write one with npm run label-sample/);
    expect(() =>
      readSnapshotLabels(sheet({}), { table, manifest: { snapshot_time: BOTS_MANIFEST.snapshot_time } }),
    ).to.throw(/no group id/);
  });

  it('a simulated annotator labels the same sample, from the truth', () => {
    const a = { bot_as_human: 0.1, human_as_bot: 0.02, unsure: 0.05, seed: 3 };
    const s = simulatedSampleLabels(input, { n: 40, seed: 9, isBot, annotator: a });
    expect(s.rows.map((r) => r.id)).to.deep.equal(sample.members.map((m) => m.id));
    expect(s.rows.map((r) => r.label)).to.deep.equal(
      sample.members.map((m) => annotate(a, m.id, isBot(m.id))),
    );
    expect(s.source).to.match(/^simulated annotator/);
  });
});
