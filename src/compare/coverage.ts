/**
 * Simulation checks of the comparison's intervals against known truth, at any scale: the
 * tests run them small, `scripts/compare/coverage.js` at the study's scale. A reader can
 * rerun them on a community shaped like theirs.
 *
 *  - `differenceCoverage`: two communities sharing members, statuses drawn per person;
 *    how often the interval of a difference covers the difference of the two rates.
 *  - `clusteredCommunity` + `sampleCoverage`: a large community whose statuses cluster by
 *    id (older ids more often deleted or inactive, runs of pages hit by waves of banned
 *    bots); how often a page sample's interval covers the census share.
 */
import { wilson } from '../audit/intervals';
import { Rng } from '../util/rng';
import { newcombeDifference, overlapDifference } from './mover';
import { countOf, rateDefinitions, STATUS_COUNT } from './rates';
import { pageBootstrap, pageCounts, pageTotals, ratioOverPages } from './sample';

export interface DifferenceScenario {
  /** Members only in A, only in B, in both. */
  onlyA: number;
  onlyB: number;
  shared: number;
  /** Probability a member counts in the share: A-only, B-only, shared (as seen in A). */
  pOnlyA: number;
  pOnlyB: number;
  pShared: number;
  /** Probability a shared member's status in B differs from A's (snapshots at two times). */
  flip: number;
}

export interface DifferenceCoverage {
  truth: number;
  /** Share of replications whose interval covers the truth: overlap-aware, and as if independent. */
  coverage: number;
  coverageIndependent: number;
  meanWidth: number;
  meanWidthIndependent: number;
  replications: number;
}

/** Coverage of π_A − π_B by `overlapDifference` and by Newcombe's independent interval. */
export function differenceCoverage(
  s: DifferenceScenario,
  replications: number,
  seed: number,
  level = 0.95,
): DifferenceCoverage {
  const rng = new Rng(seed);
  const nA = s.onlyA + s.shared;
  const nB = s.onlyB + s.shared;
  const qB = s.pShared * (1 - s.flip) + (1 - s.pShared) * s.flip;
  const truth = (s.onlyA * s.pOnlyA + s.shared * s.pShared) / nA - (s.onlyB * s.pOnlyB + s.shared * qB) / nB;
  const binom = (n: number, p: number): number => {
    let x = 0;
    for (let i = 0; i < n; i++) if (rng.uniform() < p) x++;
    return x;
  };
  let cov = 0;
  let covInd = 0;
  let width = 0;
  let widthInd = 0;
  for (let r = 0; r < replications; r++) {
    const xAo = binom(s.onlyA, s.pOnlyA);
    const xBo = binom(s.onlyB, s.pOnlyB);
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    for (let i = 0; i < s.shared; i++) {
      const inA = rng.uniform() < s.pShared;
      const inB = rng.uniform() < s.flip ? !inA : inA;
      if (inA && inB) a++;
      else if (inA) b++;
      else if (inB) c++;
      else d++;
    }
    const k = { nA, xA: xAo + a + b, nB, xB: xBo + a + c, a, b, c, d };
    const o = overlapDifference(k, level);
    const ind = newcombeDifference(k.xA, nA, k.xB, nB, level);
    if (o.lo <= truth && truth <= o.hi) cov++;
    if (ind.lo <= truth && truth <= ind.hi) covInd++;
    width += o.hi - o.lo;
    widthInd += ind.hi - ind.lo;
  }
  return {
    truth,
    coverage: cov / replications,
    coverageIndependent: covInd / replications,
    meanWidth: width / replications,
    meanWidthIndependent: widthInd / replications,
    replications,
  };
}

/**
 * Status codes of a synthetic community of `members`, stored in id order, whose statuses
 * cluster by id as VK's do: the oldest ids are more often deleted and inactive (a trend
 * across the list), each page has its own inactivity level, and runs of consecutive pages
 * carry a wave of banned accounts (bots registered together).
 */
export function clusteredCommunity(members: number, pageSize: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const codes = new Uint8Array(members);
  const pages = Math.ceil(members / pageSize);
  let waveLeft = 0;
  for (let j = 0; j < pages; j++) {
    if (waveLeft === 0 && rng.uniform() < 0.003) waveLeft = 1 + rng.int(20);
    const wave = waveLeft > 0;
    if (wave) waveLeft--;
    const age = 1 - j / pages; // 1 = oldest ids
    const pDeleted = 0.04 + 0.16 * age;
    const pBanned = wave ? 0.25 + 0.2 * rng.uniform() : 0.01;
    // Page-level inactivity: a trend plus a gamma-distributed page effect (mean 1, sd 0.35).
    const pInactive = Math.min(0.9, (0.12 + 0.3 * age) * (rng.gamma(8) / 8));
    const pHidden = 0.05;
    const end = Math.min(members, (j + 1) * pageSize);
    for (let i = j * pageSize; i < end; i++) {
      const u = rng.uniform();
      if (u < pDeleted) codes[i] = 3;
      else if (u < pDeleted + pBanned) codes[i] = 4;
      else {
        const v = rng.uniform();
        codes[i] = v < pHidden ? 2 : v < pHidden + pInactive ? 1 : 0;
      }
    }
  }
  return codes;
}

export interface SampleCoverageRow {
  key: string;
  census: number;
  /** Ratio estimator with the design-based Wilson interval. */
  coverage: number;
  meanWidth: number;
  meanDesignEffect: number;
  /** Bootstrap over pages (percentile), when run. */
  coverageBootstrap: number | null;
  /** A Wilson interval that treats the sampled members as drawn one by one (what not to do). */
  coverageNaive: number;
}

/** How often m random pages' intervals cover the census shares of `codes` (pages of `pageSize` in stored order). */
export function sampleCoverage(
  codes: Uint8Array,
  options: {
    pageSize: number;
    pages: number;
    replications: number;
    seed: number;
    level?: number;
    inactiveDays?: number;
    bootstrapReplicates?: number;
  },
): SampleCoverageRow[] {
  const level = options.level ?? 0.95;
  const M = Math.ceil(codes.length / options.pageSize);
  const m = options.pages;
  if (!(m >= 2 && m <= M)) throw new Error(`sampleCoverage: pages must be in 2..${M}, got ${m}`);
  const pageOf = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) pageOf[i] = Math.floor(i / options.pageSize);
  const census = pageTotals(codes, pageOf, M);
  const all = new Float64Array(STATUS_COUNT);
  for (let j = 0; j < M; j++) for (let s = 0; s < STATUS_COUNT; s++) all[s] += census[j * STATUS_COUNT + s];
  const defs = rateDefinitions(options.inactiveDays ?? 183);
  const perDef = defs.map((def) => ({ def, ...pageCounts(census, def) }));
  const tally = defs.map(() => ({ cov: 0, width: 0, deff: 0, boot: 0, naive: 0 }));
  const rng = new Rng(options.seed);
  const order = Int32Array.from({ length: M }, (_, j) => j);
  const y = new Float64Array(m);
  const x = new Float64Array(m);
  for (let r = 0; r < options.replications; r++) {
    for (let j = 0; j < m; j++) {
      const k = j + rng.int(M - j);
      const t = order[j];
      order[j] = order[k];
      order[k] = t;
    }
    perDef.forEach((p, d) => {
      for (let j = 0; j < m; j++) {
        y[j] = p.y[order[j]];
        x[j] = p.x[order[j]];
      }
      const truth = countOf(all, p.def.numerator) / countOf(all, p.def.denominator);
      const e = ratioOverPages(y, x, M, level);
      const t = tally[d];
      if (e.lo <= truth && truth <= e.hi) t.cov++;
      t.width += e.hi - e.lo;
      t.deff += e.design_effect;
      const w = wilson(e.numerator, e.denominator, level);
      if (w.lo <= truth && truth <= w.hi) t.naive++;
      if (options.bootstrapReplicates) {
        const b = pageBootstrap(y, x, {
          replicates: options.bootstrapReplicates,
          level,
          seed: options.seed + r,
        });
        if (b.lo <= truth && truth <= b.hi) t.boot++;
      }
    });
  }
  const R = options.replications;
  return perDef.map((p, d) => ({
    key: p.def.key,
    census: countOf(all, p.def.numerator) / countOf(all, p.def.denominator),
    coverage: tally[d].cov / R,
    meanWidth: tally[d].width / R,
    meanDesignEffect: tally[d].deff / R,
    coverageBootstrap: options.bootstrapReplicates ? tally[d].boot / R : null,
    coverageNaive: tally[d].naive / R,
  }));
}
