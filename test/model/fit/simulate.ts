/**
 * Simulated multilevel data with known parameters, for recovery and SBC tests:
 * η = b_Intercept + b_x·x + b_sexm·[sex = m] + r_g[level], r ~ N(0, sd_g²).
 */
import { Rng } from '../../../src/util/rng';

export type SimFamily = 'poisson' | 'negbinomial' | 'gaussian' | 'lognormal' | 'bernoulli';

export interface SimTruth {
  b_Intercept: number;
  b_x: number;
  b_sexm: number;
  sd_g__Intercept: number;
  shape?: number;
  sigma?: number;
}

export interface SimData {
  columns: { y: Float64Array; x: Float64Array; sex: string[]; g: string[] };
  truth: SimTruth;
  r: Float64Array;
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function simulate(
  family: SimFamily,
  truth: SimTruth,
  n: number,
  nGroups: number,
  seed: number,
): SimData {
  const rng = new Rng(seed);
  const r = Float64Array.from({ length: nGroups }, () => truth.sd_g__Intercept * rng.normal());
  const y = new Float64Array(n);
  const x = new Float64Array(n);
  const sex: string[] = [];
  const g: string[] = [];
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    const s = rng.uniform() < 0.5 ? 'f' : 'm';
    const gi = i % nGroups;
    sex.push(s);
    g.push(`L${String(gi).padStart(2, '0')}`);
    const eta = truth.b_Intercept + truth.b_x * x[i] + (s === 'm' ? truth.b_sexm : 0) + r[gi];
    switch (family) {
      case 'poisson':
        y[i] = rng.poisson(Math.exp(eta));
        break;
      case 'negbinomial':
        y[i] = rng.negBinomial(Math.exp(eta), truth.shape!);
        break;
      case 'gaussian':
        y[i] = eta + truth.sigma! * rng.normal();
        break;
      case 'lognormal':
        y[i] = Math.exp(eta + truth.sigma! * rng.normal());
        break;
      case 'bernoulli':
        y[i] = rng.uniform() < logistic(eta) ? 1 : 0;
        break;
    }
  }
  return { columns: { y, x, sex, g }, truth, r };
}
