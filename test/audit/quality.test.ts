import { expect } from 'chai';
import {
  nameSignals,
  qualitySignals,
  scoreDistribution,
  signalTable,
  SIGNALS,
} from '../../src/audit/quality';
import { classifyStatus } from '../../src/audit/status';
import { SNAP_SEC, inputs, member } from './fixtures';
import type { MemberRow } from '../../src/snapshot/schema';

describe('audit/quality', () => {
  it('checks names: Cyrillic or not, digits and symbols', () => {
    expect(nameSignals('Анна')).to.deep.equal([false, false]);
    expect(nameSignals('Анна-Мария')).to.deep.equal([false, false]);
    expect(nameSignals('Anna')).to.deep.equal([true, false]);
    expect(nameSignals('Anna2000')).to.deep.equal([true, true]);
    expect(nameSignals('Аня♥')).to.deep.equal([false, true]);
    expect(nameSignals('')).to.deep.equal([true, false]);
    expect(nameSignals(null)).to.deep.equal([false, false]);
  });

  // A "clean" live profile: no signal at all.
  const clean: Partial<MemberRow> = {
    first_name: 'Ольга',
    has_photo: true,
    city_id: 1,
    last_seen_time: SNAP_SEC - 60,
    is_closed: false,
    followers_count: 12,
    bdate_visibility: 'no_year',
    sex: 1,
  };
  const rows: MemberRow[] = [
    member(clean),
    member({ ...clean, has_photo: false }), // 1 signal
    member({ ...clean, city_id: 0, is_closed: true, followers_count: 0 }), // 3
    member({ ...clean, last_seen_time: null, bdate_visibility: null, sex: 0 }), // 3 (hidden last_seen, no bdate, sex 0)
    member({ ...clean, first_name: 'DELETED' }), // 2: DELETED on a live profile is also not Cyrillic
    member({ ...clean, first_name: 'Bot123' }), // 2
    member({ ...clean, has_photo: null, followers_count: null, is_closed: null }), // 0, three unknown fields
    member({ deactivated: 'deleted', first_name: 'DELETED', has_photo: false }), // not scored
  ];

  for (const [kind, input] of inputs(rows)) {
    it(`flags each signal on live profiles only and sums them into the score (${kind})`, () => {
      const q = qualitySignals(input, classifyStatus(input));
      expect(q.live).to.equal(7);
      expect(Array.from(q.scores)).to.deep.equal([0, 1, 3, 3, 2, 2, 0, 255]);
      const by = Object.fromEntries(q.signals.map((s) => [s.key, s]));
      expect(by.no_photo).to.deep.equal({ key: 'no_photo', flagged: 1, known: 6 });
      expect(by.zero_followers.flagged).to.equal(1);
      expect(by.zero_followers.known).to.equal(6);
      expect(by.closed_profile.known).to.equal(6);
      expect(by.no_city.flagged).to.equal(1);
      expect(by.hidden_last_seen.flagged).to.equal(1);
      expect(by.no_bdate.flagged).to.equal(1);
      expect(by.no_sex.flagged).to.equal(1);
      expect(by.name_deleted.flagged).to.equal(1);
      expect(by.name_not_cyrillic.flagged).to.equal(2);
      expect(by.name_digits_or_symbols.flagged).to.equal(1);
      expect(Array.from(q.distribution.slice(0, 4))).to.deep.equal([2, 1, 2, 2]);
      expect(q.distribution.reduce((a, b) => a + b, 0)).to.equal(7);
    });
  }

  it('tabulates signals with definitions and the score distribution', () => {
    const input = inputs(rows)[0][1];
    const q = qualitySignals(input, classifyStatus(input));
    const t = signalTable(q).objects() as any[];
    expect(t).to.have.length(SIGNALS.length);
    expect(t[0]).to.include({
      signal: 'no_photo',
      flagged: 1,
      denominator: 'live members',
      denominator_n: 7,
      field_known: 6,
    });
    expect(t[0].definition).to.equal('has_photo = 0');
    const d = scoreDistribution(q).objects() as any[];
    expect(d[0]).to.include({ score: 0, count: 2, share_at_least: 1 });
    expect(d[3].share_at_least).to.be.closeTo(2 / 7, 1e-12);
  });
});
