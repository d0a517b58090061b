import type { TermSparseDesign } from './build';

/**
 * Separation of a binary outcome by one population-level column (Albert & Anderson 1984):
 * every row with y = 1 lies on one side of a threshold of the column and every row with
 * y = 0 on the other. `complete` when no row sits on the threshold; quasi-complete
 * otherwise (e.g. a factor level whose rows are all 1). Either way the likelihood keeps
 * rising as the column's coefficient goes to +∞ (`direction` 1) or −∞ (−1), so under a flat
 * prior the posterior is improper and the sampler only drifts.
 */
export interface Separation {
  column: number;
  direction: 1 | -1;
  complete: boolean;
  /** The column's range among rows with y = 0 and among rows with y = 1. */
  range0: [number, number];
  range1: [number, number];
}

/**
 * Columns of the cell design that separate the outcome on their own. `n` is rows per cell
 * and `ones` the rows with y = 1 per cell (the Bernoulli cells' Σy).
 */
export function separatingColumns(
  design: TermSparseDesign,
  n: Float64Array,
  ones: Float64Array,
  nColumns: number,
): Separation[] {
  const K = nColumns;
  const T = design.nTerms;
  const min1 = new Float64Array(K).fill(Infinity);
  const max1 = new Float64Array(K).fill(-Infinity);
  const min0 = new Float64Array(K).fill(Infinity);
  const max0 = new Float64Array(K).fill(-Infinity);
  const x = new Float64Array(K);
  let any0 = false;
  let any1 = false;
  for (let c = 0; c < design.nRows; c++) {
    x.fill(0);
    for (let t = 0; t < T; t++) {
      const k = design.col[c * T + t];
      if (k >= 0) x[k] = design.val[c * T + t];
    }
    const has1 = ones[c] > 0;
    const has0 = n[c] - ones[c] > 0;
    any1 ||= has1;
    any0 ||= has0;
    for (let k = 0; k < K; k++) {
      if (has1) {
        if (x[k] < min1[k]) min1[k] = x[k];
        if (x[k] > max1[k]) max1[k] = x[k];
      }
      if (has0) {
        if (x[k] < min0[k]) min0[k] = x[k];
        if (x[k] > max0[k]) max0[k] = x[k];
      }
    }
  }
  // All rows in one class is not separation by a column: the intercept's prior handles it.
  if (!any0 || !any1) return [];
  const out: Separation[] = [];
  for (let k = 0; k < K; k++) {
    const up = max0[k] <= min1[k];
    const down = max1[k] <= min0[k];
    if (up && down) continue; // a constant column (the rank check's business)
    if (!up && !down) continue;
    const direction = up ? 1 : -1;
    const complete = up ? max0[k] < min1[k] : max1[k] < min0[k];
    out.push({ column: k, direction, complete, range0: [min0[k], max0[k]], range1: [min1[k], max1[k]] });
  }
  return out;
}

/** Row-weighted standard deviation of each design column over the cells. */
export function columnSds(design: TermSparseDesign, n: Float64Array, nColumns: number): Float64Array {
  const K = nColumns;
  const T = design.nTerms;
  const s1 = new Float64Array(K);
  const s2 = new Float64Array(K);
  let w = 0;
  for (let c = 0; c < design.nRows; c++) {
    w += n[c];
    for (let t = 0; t < T; t++) {
      const k = design.col[c * T + t];
      if (k < 0) continue;
      const v = design.val[c * T + t];
      s1[k] += n[c] * v;
      s2[k] += n[c] * v * v;
    }
  }
  const sd = new Float64Array(K);
  for (let k = 0; k < K; k++) sd[k] = Math.sqrt(Math.max(0, s2[k] / w - (s1[k] / w) ** 2));
  return sd;
}

/** What to write in brms notation to fix it. */
export const SEPARATION_REMEDY =
  'give b a proper prior, e.g. prior(normal(0, 2.5), class = b) or prior(student_t(3, 0, 2.5), class = b) ' +
  '(npm run fit: --prior "prior(normal(0, 2.5), class = b)"), which keeps the coefficient finite and says how large an effect on the logit scale is plausible, ' +
  'or drop the predictor if it restates the outcome';

const num = (x: number): string => String(Number(x.toPrecision(4)));

/** The sentence for one separating column (`name` as brms names the coefficient, without b_). */
export function separationMessage(s: Separation, name: string, response: string): string {
  const up = s.direction === 1;
  const [lo0, hi0] = s.range0;
  const [lo1, hi1] = s.range1;
  let where: string;
  if (s.complete) {
    where = up
      ? `every row with ${response} = 1 has ${name} ≥ ${num(lo1)}, every row with ${response} = 0 has ${name} ≤ ${num(hi0)}`
      : `every row with ${response} = 1 has ${name} ≤ ${num(hi1)}, every row with ${response} = 0 has ${name} ≥ ${num(lo0)}`;
  } else {
    const t = up ? hi0 : lo0; // the one value both outcomes share
    const sides: string[] = [];
    if (up ? hi1 > t : lo1 < t)
      sides.push(`every row with ${name} ${up ? '>' : '<'} ${num(t)} has ${response} = 1`);
    if (up ? lo0 < t : hi0 > t)
      sides.push(`every row with ${name} ${up ? '<' : '>'} ${num(t)} has ${response} = 0`);
    where = `${sides.join(' and ')}; only rows with ${name} = ${num(t)} have both outcomes`;
  }
  return (
    `${s.complete ? 'complete' : 'quasi-complete'} separation: '${name}' separates ${response} (${where}). ` +
    `The likelihood then keeps rising as b_${name} → ${up ? '+' : '−'}∞, so under brms's flat prior on b the posterior is improper ` +
    `(a sampler only drifts: huge estimates with divergences and low ESS)`
  );
}

/**
 * A coefficient moving the logit by more than this per standard deviation of its column
 * (an odds ratio above e^10 ≈ 22,000) is where a flat prior has let the sampler drift
 * after separation by a combination of predictors, which no single column shows.
 */
export const DRIFT_LOGIT_PER_SD = 10;
