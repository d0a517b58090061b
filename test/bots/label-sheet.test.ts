import { expect } from 'chai';
import { drawLabelSample, sampleWithoutReplacement, snapshotKey } from '../../src/bots/label-sample';
import { csvField, labelSheetCsv, LabelsError, readLabelSheet } from '../../src/bots/label-sheet';
import { Rng } from '../../src/util/rng';
import { members } from './fixtures';

const snap = { group_id: 15755094, snapshot_time: '2024-06-01T08:00:00.000Z' };
const key = snapshotKey(snap);

describe('bots: labelling sample', () => {
  it('draws distinct members, the same for the same seed, uniformly', () => {
    const a = sampleWithoutReplacement(1000, 50, new Rng(5));
    expect(new Set(a).size).to.equal(50);
    expect(a).to.deep.equal(sampleWithoutReplacement(1000, 50, new Rng(5)));
    expect(a).to.not.deep.equal(sampleWithoutReplacement(1000, 50, new Rng(6)));
    // each of 10 members drawn 3 at a time: 3/10 of 20000 draws each, chi-square on 9 df
    const hits = new Array(10).fill(0);
    const rng = new Rng(9);
    for (let r = 0; r < 20000; r++) for (const i of sampleWithoutReplacement(10, 3, rng)) hits[i]++;
    const chi2 = hits.reduce((s, h) => s + (h - 6000) ** 2 / 6000, 0);
    expect(chi2).to.be.lessThan(27.9); // p = 0.001
    expect(() => sampleWithoutReplacement(3, 4, rng)).to.throw(/cannot draw 4/);
    // Prefix-consistent: the first k of a draw of n are the draw of k (a cut sheet stays a sample).
    expect(sampleWithoutReplacement(2_000_000, 30, new Rng(8))).to.deep.equal(
      sampleWithoutReplacement(2_000_000, 300, new Rng(8)).slice(0, 30),
    );
  });

  it('refuses an n above the live members, and a bad seed', () => {
    expect(() => drawLabelSample(members(5), 6, 1, snap)).to.throw(/at most 5/);
    expect(() => drawLabelSample(members(5), 2, -1, snap)).to.throw(/--seed/);
  });
});

describe('bots: labelling sheet CSV', () => {
  const live = members(40);
  const sample = drawLabelSample(live, 10, 3, snap);
  const liveIds = new Set(live.map((m) => m.id));
  const isLive = (id: number): 'live' | 'deactivated' | 'unknown' =>
    liveIds.has(id) ? 'live' : id === 999 ? 'deactivated' : 'unknown';
  const csv = labelSheetCsv(sample);
  const lines = csv.trim().split('\r\n');
  const withLabel = (row: number, label: string): string =>
    lines.map((l, i) => (i === row ? l.replace(/,,$/, `,${label},`) : l)).join('\r\n');

  it('writes the snapshot, seed, id, link and an empty label; quotes what needs quoting', () => {
    expect(lines[0]).to.equal(
      'snapshot,seed,position,id,profile,first_name,sex,has_photo,city,followers,closed_profile,last_seen,label,note',
    );
    expect(lines).to.have.length(11);
    const id = sample.members[0].id;
    expect(lines[1].startsWith(`${key},3,1,${id},https://vk.com/id${id},`)).to.equal(true);
    expect(lines[1].endsWith(',,')).to.equal(true);
    expect(csvField('Анна, "Аня"')).to.equal('"Анна, ""Аня"""');
    expect(csvField('=HYPERLINK("x")')).to.equal(`"'=HYPERLINK(""x"")"`);
  });

  it('reads labels back (case and spaces forgiven), blanks as not labelled', () => {
    const text = withLabel(1, 'Bot ').replace(/\r\n/, '\r\n') + '\r\n';
    const r = readLabelSheet(withLabel(2, 'human'), 'labels.csv', key, isLive);
    expect(r.rows[1].label).to.equal('human');
    expect(r.rows[0].label).to.equal(null);
    expect(readLabelSheet(text, 'labels.csv', key, isLive).rows[0].label).to.equal('bot');
    expect(r.seed).to.equal(3);
  });

  it('names the file, the row and the fix for every bad sheet', () => {
    const bad = (text: string, re: RegExp): void => {
      expect(() => readLabelSheet(text, 'labels.csv', key, isLive))
        .to.throw(LabelsError, re)
        .with.property('message')
        .that.matches(/labels\.csv/);
    };
    bad(withLabel(1, 'maybe'), /row 2: label "maybe".*bot, human, unsure/);
    bad(csv.replace(String(sample.members[0].id), '424242'), /row 2: id 424242 is not a member/);
    bad(csv.replace(String(sample.members[0].id), '999'), /deleted or banned/);
    bad(
      csv.split(key).join('vk-group-1@2020-01-01T00:00:00.000Z'),
      /from snapshot "vk-group-1@.*not the audited/,
    );
    bad(csv.replace(',label,', ',lable,'), /no "label" column/);
    bad(lines.concat([lines[1]]).join('\r\n'), /appears twice/);
    bad('', /empty/);
  });
});
