import { expect } from 'chai';
import {
  CommunityGenerator,
  MemberRecord,
  idOfIndex,
  indexOfId,
  visibleCovariateSource,
} from '../../src/emulator/generator';
import { parseFields, userJson } from '../../src/emulator/serialize';
import * as T from '../../src/emulator/truth';
import {
  MODEL_LEVELS,
  modelCovariates,
  type CovariateSource,
  type ModelCovariates,
} from '../../src/followers/spec';
import { MEMBER_FIELDS } from '../../src/snapshot/schema';

const REF_SEC = Date.UTC(2026, 10, 20, 12, 0, 0) / 1000;
const N = 100_000;
const SIX_MONTHS_SEC = 183 * 86400;

/** The covariate columns of a VK user object as `groups.getMembers` returns it (a pull's conversion, in short). */
function covariateSourceFromVk(user: Record<string, unknown>): CovariateSource {
  const flag = (v: unknown): boolean | null => (v == null ? null : v === 1 || v === true);
  const lastSeen = user.last_seen as { platform?: number } | undefined;
  const deactivated =
    user.deactivated === 'deleted' || user.deactivated === 'banned' ? user.deactivated : null;
  return {
    deactivated,
    sex: typeof user.sex === 'number' ? user.sex : null,
    first_name: typeof user.first_name === 'string' ? user.first_name : null,
    has_photo: flag(user.has_photo),
    last_seen_platform: lastSeen && typeof lastSeen.platform === 'number' ? lastSeen.platform : null,
    is_closed: flag(user.is_closed),
    can_send_friend_request: flag(user.can_send_friend_request),
    can_write_private_message: flag(user.can_write_private_message),
    university_id: typeof user.university === 'number' ? user.university : null,
    relation: typeof user.relation === 'number' ? user.relation : null,
  };
}

describe('emulator / generator', () => {
  const gen = new CommunityGenerator({ seed: 42, referenceSec: REF_SEC });
  const fields = parseFields(MEMBER_FIELDS);
  let members: MemberRecord[] = [];

  before(function () {
    this.timeout(60_000);
    members = Array.from({ length: N }, (_, i) => gen.member(i));
  });

  it('is deterministic: same seed and reference time → same bytes; another seed → different people', () => {
    const again = new CommunityGenerator({ seed: 42, referenceSec: REF_SEC });
    const other = new CommunityGenerator({ seed: 43, referenceSec: REF_SEC });
    let differ = 0;
    for (const i of [0, 1, 2, 500, 99_999, 1_234_567]) {
      expect(userJson(again.member(i), fields, REF_SEC)).to.equal(userJson(gen.member(i), fields, REF_SEC));
      if (userJson(other.member(i), fields, REF_SEC) !== userJson(gen.member(i), fields, REF_SEC)) differ++;
    }
    expect(differ).to.equal(6);
  });

  it('gives increasing ids with gaps, invertible to the index', () => {
    let gaps = 0;
    for (let i = 1; i < 5000; i++) {
      const a = idOfIndex(42, i - 1);
      const b = idOfIndex(42, i);
      expect(b).to.be.greaterThan(a);
      if (b - a > 1) gaps++;
      expect(indexOfId(42, b)).to.equal(i);
      expect(indexOfId(42, b + 1) === i).to.equal(false);
    }
    expect(gaps).to.be.greaterThan(4900);
    expect(indexOfId(42, 5)).to.equal(-1);
  });

  it('calibration: ~14% deactivated, deleted:banned ≈ 5:1, ~34% not seen for six months', () => {
    const deleted = members.filter((m) => m.deactivated === 1).length / N;
    const banned = members.filter((m) => m.deactivated === 2).length / N;
    expect(deleted + banned).to.be.closeTo(0.14, 0.006);
    expect(deleted / banned).to.be.within(4.3, 5.8);
    const notSeen =
      members.filter((m) => m.deactivated !== 0 || REF_SEC - m.lastSeen > SIX_MONTHS_SEC).length / N;
    expect(notSeen).to.be.closeTo(0.34, 0.008);
    // Also as an audit sees it, from visible last_seen only (hidden ones left out).
    const visible = members.filter((m) => m.deactivated !== 0 || m.lastSeenShown);
    const notSeenVisible =
      visible.filter((m) => m.deactivated !== 0 || REF_SEC - m.lastSeen > SIX_MONTHS_SEC).length /
      visible.length;
    expect(notSeenVisible).to.be.closeTo(0.34, 0.012);
    for (const m of members) if (m.deactivated === 0) expect(m.lastSeen).to.be.at.most(REF_SEC);
  });

  it('calibration: last-seen time of live users peaks around 11:30 UTC for both sexes, quieter at weekends', () => {
    for (const sex of [1, 2]) {
      const bins = new Array(48).fill(0);
      for (const m of members) {
        if (m.deactivated === 0 && m.sex === sex && !m.online)
          bins[Math.floor((m.lastSeen % 86400) / 1800)]++;
      }
      // Smooth over ±1 bin so sampling noise does not move the peak.
      const smooth = bins.map((_, i) => bins[(i + 47) % 48] + bins[i] + bins[(i + 1) % 48]);
      const peakHour = smooth.indexOf(Math.max(...smooth)) / 2 + 0.25;
      expect(peakHour, `sex ${sex}`).to.be.within(10.5, 12.5);
      expect(Math.min(...smooth) / Math.max(...smooth)).to.be.below(0.4);
    }
    const byWeekday = new Array(7).fill(0);
    for (const m of members) {
      if (m.deactivated === 0 && REF_SEC - m.lastSeen < 31 * 86400 && !m.online)
        byWeekday[(Math.floor(m.lastSeen / 86400) + 4) % 7]++;
    }
    const weekday = (byWeekday[1] + byWeekday[2] + byWeekday[3]) / 3;
    const weekend = (byWeekday[0] + byWeekday[6]) / 2;
    expect(weekend / weekday).to.be.within(0.65, 0.95);
  });

  it('calibration: Android leads platforms, Moscow then Saint Petersburg, female majority among city-stating', () => {
    const live = members.filter((m) => m.deactivated === 0);
    const platforms = new Map<number, number>();
    for (const m of live) platforms.set(m.platform, (platforms.get(m.platform) ?? 0) + 1);
    const ranked = [...platforms].sort((a, b) => b[1] - a[1]).map(([p]) => p);
    expect(ranked[0]).to.equal(4);
    expect(ranked.slice(1, 3)).to.have.members([2, 7]);
    const cities = new Map<number, number>();
    for (const m of live) if (m.city) cities.set(m.city.id, (cities.get(m.city.id) ?? 0) + 1);
    const topCities = [...cities].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    expect(topCities.slice(0, 2)).to.deep.equal([1, 2]);
    const withCity = live.filter((m) => m.city);
    const femaleShare = withCity.filter((m) => m.sex === 1).length / withCity.length;
    expect(femaleShare).to.be.within(0.53, 0.65);
    expect(cities.size).to.be.greaterThan(100);
  });

  it('calibration: first names are long-tailed (hundreds of distinct names, no single name above 10%)', () => {
    const counts = new Map<string, number>();
    for (const m of members)
      if (m.deactivated === 0) counts.set(m.firstName, (counts.get(m.firstName) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    expect(counts.size).to.be.greaterThan(500);
    expect(sorted[0] / total).to.be.below(0.1);
    expect(sorted.filter((c) => c < 20).length).to.be.greaterThan(100);
  });

  it('followers_count follows the true NB model: effects of sex and photo recovered from the data', () => {
    // E[y / exp(eta without the effect)] = exp(effect): a check of the generative model itself.
    const ratio = (
      pick: (c: ModelCovariates) => boolean,
      strip: (c: ModelCovariates) => ModelCovariates,
    ): number => {
      let sumA = 0,
        nA = 0,
        sumB = 0,
        nB = 0;
      for (const m of members) {
        const c = modelCovariates(visibleCovariateSource(m));
        if (!c) continue;
        const y = m.followers / Math.exp(T.trueLogMean(strip(c)));
        if (pick(c)) {
          sumA += y;
          nA++;
        } else {
          sumB += y;
          nB++;
        }
      }
      return Math.log(sumA / nA / (sumB / nB));
    };
    const male = ratio(
      (c) => c.sex === 'male',
      (c) => ({ ...c, sex: 'female' }),
    );
    expect(male).to.be.closeTo(T.TRUE_B.b_sexmale, 0.05);
    const photo = ratio(
      (c) => c.has_photo === 'yes',
      (c) => ({ ...c, has_photo: 'no' }),
    );
    expect(photo).to.be.closeTo(T.TRUE_B.b_has_photoyes, 0.05);
    // Overdispersion: variance of y/mu ≈ 1/mu + 1/shape, far above Poisson.
    const live = members.filter((m) => modelCovariates(visibleCovariateSource(m)));
    const z = live.map(
      (m) => m.followers / Math.exp(T.trueLogMean(modelCovariates(visibleCovariateSource(m))!)),
    );
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
    expect(mean).to.be.closeTo(1, 0.03);
    expect(variance).to.be.closeTo(1 / T.TRUE_SHAPE, 0.15);
  });

  it('modelCovariates reads the same covariates from the VK JSON the API serves as the generator used', () => {
    let compared = 0;
    for (const m of members.slice(0, 3000)) {
      const vk = JSON.parse(userJson(m, fields, REF_SEC)) as Record<string, unknown>;
      expect(modelCovariates(covariateSourceFromVk(vk))).to.deep.equal(
        modelCovariates(visibleCovariateSource(m)),
      );
      if (modelCovariates(visibleCovariateSource(m))) compared++;
    }
    expect(compared).to.be.greaterThan(2400);
  });

  it('truth: brms-named draws with every level, the study-named positive name effects', () => {
    const draws = T.trueDraws();
    for (const [factor, levels] of Object.entries(MODEL_LEVELS)) {
      for (const level of levels.slice(1))
        expect(draws, `b_${factor}${level}`).to.have.property(`b_${factor}${level}`);
      expect(draws).not.to.have.property(`b_${factor}${levels[0]}`);
      expect([...levels].sort()).to.deep.equal([...levels]);
    }
    expect(draws.shape).to.equal(T.TRUE_SHAPE);
    expect(draws['r_first_name[Анастасия,Intercept]']).to.be.greaterThan(0.2);
    expect(draws['r_first_name[Екатерина,Intercept]']).to.be.greaterThan(0.2);
    expect(draws['r_first_name[Юлия,Intercept]']).to.be.greaterThan(0.2);
    const r = Object.entries(draws)
      .filter(([k]) => k.startsWith('r_first_name['))
      .map(([, v]) => v);
    const sd = Math.sqrt(r.reduce((a, b) => a + b * b, 0) / r.length);
    expect(sd).to.be.closeTo(T.TRUE_SD_FIRST_NAME, 0.04);
  });

  it('deactivated profiles carry the partial fields real answers carry', () => {
    const all = parseFields([...MEMBER_FIELDS, 'photo_100', 'online']);
    const deleted = members.find((m) => m.deactivated === 1)!;
    const vk = JSON.parse(userJson(deleted, all, REF_SEC));
    expect(vk).to.include({
      first_name: 'DELETED',
      last_name: '',
      deactivated: 'deleted',
      online: 0,
      can_write_private_message: 0,
    });
    expect(vk.photo_100).to.equal('https://vk.com/images/deactivated_100.png');
    expect(vk).not.to.have.property('followers_count');
    const banned = members.find((m) => m.deactivated === 2)!;
    expect(JSON.parse(userJson(banned, all, REF_SEC)).first_name).not.to.equal('DELETED');
    const noPhoto = members.find((m) => m.deactivated === 0 && !m.hasPhoto)!;
    expect(JSON.parse(userJson(noPhoto, all, REF_SEC)).photo_100).to.match(
      /^https:\/\/vk\.com\/images\/camera_100\.png/,
    );
    const hidden = members.find((m) => m.deactivated === 0 && !m.lastSeenShown)!;
    const hv = JSON.parse(userJson(hidden, all, REF_SEC));
    expect(hv).not.to.have.property('last_seen');
    expect(hv.online_info.visible).to.equal(false);
    expect(['recently', 'last_week', 'last_month', 'long_ago']).to.include(hv.online_info.status);
  });
});
