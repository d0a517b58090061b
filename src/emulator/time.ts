/**
 * Time passing over the synthetic population (docs/synthetic-community.md "Time"): each
 * step of `days` ages every last visit by that much, gives a share of live users a new
 * visit within the step, deletes and bans some, and (server.ts) lets members leave and join
 * the news community. Events are drawn from hashes of (seed, step, user), so the same steps
 * give the same population on every run.
 *
 * The wall clock stays the reference ("now" is when the emulator started, as before): the
 * past moves back instead, so a pull taken after an advance is dated correctly.
 */
import { hash32 } from '../util/rng';
import { type MemberRecord, type MemberSource, emptyRecord } from './generator';

/** One step's rates (shares of the step, not per day). */
export interface AdvanceRates {
  /** Days the step lasts (default 30). */
  days?: number;
  /** Share of the news community's members who leave (default 0.03). */
  leave?: number;
  /** New members of the news community, as a share of its size (default 0.04). */
  join?: number;
  /** Share of live users who visit during the step (default 0.6). */
  visit?: number;
  /** Share of live humans who delete their profile (default 0.004). */
  delete?: number;
  /** Share of live humans banned (default 0.001). */
  ban?: number;
  /** Share of live bots banned (default 0.1: VK's moderation catches bots far more often). */
  botBan?: number;
}

export const DEFAULT_ADVANCE: Readonly<Required<AdvanceRates>> = {
  days: 30,
  leave: 0.03,
  join: 0.04,
  visit: 0.6,
  delete: 0.004,
  ban: 0.001,
  botBan: 0.1,
};

export function checkAdvance(r: AdvanceRates): Required<AdvanceRates> {
  const out = { ...DEFAULT_ADVANCE, ...r };
  if (!(Number.isInteger(out.days) && out.days >= 1 && out.days <= 3650))
    throw new Error(`emulator: advance days must be a whole number of days 1..3650, got ${r.days}`);
  for (const k of ['leave', 'join', 'visit', 'delete', 'ban', 'botBan'] as const) {
    const v = out[k];
    if (!(Number.isFinite(v) && v >= 0 && v <= 1))
      throw new Error(`emulator: advance ${k} must be a share between 0 and 1, got ${r[k]}`);
  }
  if (out.delete + out.ban > 1) throw new Error('emulator: advance delete + ban must not exceed 1');
  return out;
}

const U = 2.3283064365386963e-10;

/**
 * The population as time has moved it: the generated member, with every last visit moved
 * back by the time advanced, then the step events (new visits, deletions, bans) on top.
 * Before any advance it is the source itself, unchanged.
 */
export class TimeOverlay implements MemberSource {
  readonly referenceSec: number;
  private shiftSec = 0;
  private steps = 0;
  /** Per user: the latest visit drawn by a step (absolute seconds), 0 for none. */
  private seen = new Float64Array(0);
  /** Per user: 1 deleted, 2 banned by a step, 0 as generated. */
  private deactivated = new Uint8Array(0);

  constructor(private readonly base: MemberSource) {
    this.referenceSec = base.referenceSec;
  }

  stepCount(): number {
    return this.steps;
  }

  idOf(index: number): number {
    return this.base.idOf(index);
  }

  member(index: number): MemberRecord {
    return this.memberInto(index, emptyRecord());
  }

  memberInto(index: number, rec: MemberRecord): MemberRecord {
    this.base.memberInto(index, rec);
    if (this.shiftSec === 0) return rec;
    if (rec.lastSeen > 0) rec.lastSeen -= this.shiftSec;
    rec.online = false;
    if (index < this.seen.length) {
      const s = this.seen[index];
      if (s > 0 && rec.deactivated === 0) rec.lastSeen = s;
      const d = this.deactivated[index];
      if (d !== 0 && rec.deactivated === 0) {
        rec.deactivated = d as 1 | 2;
        if (d === 1) {
          rec.firstName = 'DELETED';
          rec.lastName = '';
        }
      }
    }
    return rec;
  }

  /** One step over users 0 … population−1: ages, visits, deletions and bans. */
  advance(seed: number, population: number, r: Required<AdvanceRates>): void {
    const step = ++this.steps;
    const stepSec = r.days * 86400;
    if (population > this.seen.length) {
      const seen = new Float64Array(population);
      seen.set(this.seen);
      const deactivated = new Uint8Array(population);
      deactivated.set(this.deactivated);
      this.seen = seen;
      this.deactivated = deactivated;
    }
    // Earlier steps' visits age like every other visit.
    for (let i = 0; i < this.seen.length; i++) if (this.seen[i] > 0) this.seen[i] -= stepSec;
    const rec = emptyRecord();
    const salt = hash32(seed ^ 0x71e5, step);
    for (let i = 0; i < population; i++) {
      this.memberInto(i, rec);
      if (rec.deactivated !== 0) continue;
      const h = hash32(salt, i);
      const uEnd = (h >>> 0) * U;
      if (rec.bot ? uEnd < r.botBan : uEnd < r.ban) {
        this.deactivated[i] = 2;
        continue;
      }
      if (!rec.bot && uEnd < r.ban + r.delete) {
        this.deactivated[i] = 1;
        continue;
      }
      const uVisit = (hash32(h, 1) >>> 0) * U;
      if (uVisit < r.visit) {
        const ago = Math.floor(((hash32(h, 2) >>> 0) * U) ** 2 * stepSec);
        this.seen[i] = this.referenceSec - 300 - ago;
      }
    }
    this.shiftSec += stepSec;
  }
}
