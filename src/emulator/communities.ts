/**
 * Several synthetic communities from one synthetic population of users
 * (docs/synthetic-community.md "Several communities").
 *
 * The population is the generator's members by index: a user is the same profile in every
 * community. The large news community is indices 0 … N−1 (the community of a
 * single-community emulator, unchanged). Each smaller community draws its members from
 * indices 0 … ⌈1.25·N⌉−1, so part of its audience is outside the news community: a user
 * is included with a probability proportional to the weight of its kind (active, inactive,
 * hidden, deleted, banned, bot), from a hash of its own, so each community's status and bot
 * shares differ by design and every overlap is an exact count. The 15M community is a
 * range of indices at the top of the id space, generated page by page, never stored.
 */
import type { MemberRecord, MemberSource } from './generator';
import { emptyRecord, MAX_INDEX } from './generator';
import { hash32 } from '../util/rng';

/** The kinds a community's inclusion weights are given for (the truth's statuses plus bots). */
export const KINDS = ['active', 'inactive', 'hidden', 'deleted', 'banned', 'bot'] as const;
export type Kind = (typeof KINDS)[number];

/** Days without a visit after which a member counts as inactive (docs/status.md's rule). */
export const INACTIVE_DAYS = 183;

/** A member's kind as the truth reports it, at reference time `nowSec`. */
export function kindOf(rec: MemberRecord, nowSec: number): Kind {
  if (rec.deactivated === 1) return 'deleted';
  if (rec.deactivated === 2) return 'banned';
  if (rec.bot) return 'bot';
  if (!rec.lastSeenShown) return 'hidden';
  return nowSec - rec.lastSeen > INACTIVE_DAYS * 86400 ? 'inactive' : 'active';
}

/** The status the audit would give (bots are live members: active, inactive or hidden). */
export function statusOf(rec: MemberRecord, nowSec: number): Exclude<Kind, 'bot'> {
  if (rec.deactivated === 1) return 'deleted';
  if (rec.deactivated === 2) return 'banned';
  if (!rec.lastSeenShown) return 'hidden';
  return nowSec - rec.lastSeen > INACTIVE_DAYS * 86400 ? 'inactive' : 'active';
}

export interface SmallCommunitySpec {
  /** Added to the news community's group id. */
  idOffset: number;
  screenName: string;
  name: string;
  /** Expected size as a share of the news community's. */
  sizeShare: number;
  /** Relative inclusion weight of each kind. */
  weights: Readonly<Record<Kind, number>>;
}

/** Share of the news community's size the smaller communities also draw from beyond it. */
export const POPULATION_FACTOR = 1.25;

/**
 * The smaller communities (assumptions, chosen to differ from the news community and from
 * each other in the ways an audit looks at).
 */
export const SMALL_COMMUNITIES: readonly SmallCommunitySpec[] = [
  {
    // An older regional news page: more dormant and deleted followers.
    idOffset: 1,
    screenName: 'synthetic_regional',
    name: 'Синтетические региональные новости (vk-audience-study)',
    sizeShare: 0.2,
    weights: { active: 1, inactive: 1.8, hidden: 1, deleted: 1.6, banned: 1, bot: 1 },
  },
  {
    // A brand page that bought followers: many bots, more bans.
    idOffset: 2,
    screenName: 'synthetic_brand',
    name: 'Синтетический бренд (vk-audience-study)',
    sizeShare: 0.1,
    weights: { active: 1, inactive: 0.8, hidden: 1, deleted: 1, banned: 3, bot: 6 },
  },
  {
    // A young, lively community: few dormant or deactivated followers.
    idOffset: 3,
    screenName: 'synthetic_youth',
    name: 'Синтетическое молодёжное сообщество (vk-audience-study)',
    sizeShare: 0.05,
    weights: { active: 1, inactive: 0.3, hidden: 1, deleted: 0.3, banned: 0.5, bot: 0.5 },
  },
];

/** The sample-audit community: 15,000,000 members, at the top of the population's index space. */
export const LARGE_COMMUNITY = {
  idOffset: 10,
  screenName: 'synthetic_large',
  name: 'Синтетическое большое сообщество (vk-audience-study)',
  members: 15_000_000,
  /** Its first population index: its ids are the largest the id column holds. */
  firstIndex: MAX_INDEX + 1 - 15_000_000,
} as const;

/**
 * The members (sorted population indices) of each smaller community. One pass over the
 * population reads every user's kind; a second draws each community's members.
 */
export function drawSmallCommunities(
  source: MemberSource,
  seed: number,
  newsSize: number,
  specs: readonly SmallCommunitySpec[] = SMALL_COMMUNITIES,
): Int32Array[] {
  const population = Math.min(MAX_INDEX + 1, Math.ceil(newsSize * POPULATION_FACTOR));
  const kinds = new Uint8Array(population);
  const counts = new Float64Array(KINDS.length);
  const rec = emptyRecord();
  for (let i = 0; i < population; i++) {
    const k = KINDS.indexOf(kindOf(source.memberInto(i, rec), source.referenceSec));
    kinds[i] = k;
    counts[k]++;
  }
  return specs.map((spec) => {
    const w = KINDS.map((k) => spec.weights[k]);
    const expected = w.reduce((s, wk, k) => s + wk * counts[k], 0);
    // p(kind) = c · w(kind), with c giving the expected size (capped at certainty).
    const c = expected > 0 ? (spec.sizeShare * newsSize) / expected : 0;
    const threshold = w.map((wk) => Math.min(1, c * wk) * 4294967296);
    const salt = hash32(seed, 0xc0de00 + spec.idOffset);
    const out: number[] = [];
    for (let i = 0; i < population; i++) if (hash32(salt, i) >>> 0 < threshold[kinds[i]]) out.push(i);
    return Int32Array.from(out);
  });
}

/** Members two sorted index lists have in common (one merge). */
export function commonCount(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else {
      n++;
      i++;
      j++;
    }
  }
  return n;
}
