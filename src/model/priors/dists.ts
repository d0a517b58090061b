import { ModelSpecError } from '../formula/errors';

/** A prior distribution in Stan/brms notation; `flat` is brms's improper uniform. */
export type PriorDist =
  | { dist: 'flat'; args: [] }
  | { dist: 'normal'; args: [mu: number, sigma: number] }
  | { dist: 'student_t'; args: [nu: number, mu: number, sigma: number] }
  | { dist: 'cauchy'; args: [mu: number, sigma: number] }
  | { dist: 'double_exponential'; args: [mu: number, sigma: number] }
  | { dist: 'logistic'; args: [mu: number, s: number] }
  | { dist: 'exponential'; args: [rate: number] }
  | { dist: 'gamma'; args: [alpha: number, beta: number] }
  | { dist: 'inv_gamma'; args: [alpha: number, beta: number] }
  | { dist: 'lognormal'; args: [mu: number, sigma: number] }
  | { dist: 'beta'; args: [a: number, b: number] }
  | { dist: 'lkj'; args: [eta: number] }
  | { dist: 'lkj_corr_cholesky'; args: [eta: number] };

export type DistName = PriorDist['dist'];

const ARITY: Record<DistName, number> = {
  flat: 0,
  normal: 2,
  student_t: 3,
  cauchy: 2,
  double_exponential: 2,
  logistic: 2,
  exponential: 1,
  gamma: 2,
  inv_gamma: 2,
  lognormal: 2,
  beta: 2,
  lkj: 1,
  lkj_corr_cholesky: 1,
};

/** Distributions whose support is the positive half-line (need a lower bound of 0). */
export const POSITIVE_SUPPORT: ReadonlySet<DistName> = new Set([
  'exponential',
  'gamma',
  'inv_gamma',
  'lognormal',
]);

/** Priors on correlation matrices (classes cor and L); brms accepts nothing else there. */
export const CORRELATION_DISTS: ReadonlySet<DistName> = new Set(['lkj', 'lkj_corr_cholesky']);

/** Builds a distribution, checking arity and parameter ranges. */
export function makeDist(name: string, args: number[], context: string): PriorDist {
  if (!(name in ARITY)) {
    throw new ModelSpecError(
      `${context}: distribution '${name}' is not supported; use one of ${Object.keys(ARITY).join(', ')}`,
    );
  }
  const d = name as DistName;
  if (args.length !== ARITY[d]) {
    throw new ModelSpecError(
      `${context}: ${d} takes ${ARITY[d]} argument${ARITY[d] === 1 ? '' : 's'}, got ${args.length}`,
    );
  }
  for (const a of args)
    if (!Number.isFinite(a)) throw new ModelSpecError(`${context}: arguments must be finite numbers`);
  const positive = (i: number, what: string) => {
    if (!(args[i] > 0))
      throw new ModelSpecError(`${context}: the ${what} of ${d} must be > 0, got ${args[i]}`);
  };
  switch (d) {
    case 'normal':
    case 'cauchy':
    case 'double_exponential':
    case 'lognormal':
      positive(1, 'scale');
      break;
    case 'logistic':
      positive(1, 'scale');
      break;
    case 'student_t':
      positive(0, 'degrees of freedom');
      positive(2, 'scale');
      break;
    case 'exponential':
      positive(0, 'rate');
      break;
    case 'beta':
      positive(0, 'first shape');
      positive(1, 'second shape');
      break;
    case 'lkj':
    case 'lkj_corr_cholesky':
      positive(0, 'shape eta');
      break;
    case 'gamma':
    case 'inv_gamma':
      positive(0, 'shape');
      positive(1, d === 'gamma' ? 'rate' : 'scale');
      break;
    case 'flat':
      break;
  }
  return { dist: d, args } as PriorDist;
}

/** brms's printed form, e.g. "student_t(3, 1.4, 2.5)"; flat prints as "(flat)". */
export function formatDist(p: PriorDist): string {
  return p.dist === 'flat' ? '(flat)' : `${p.dist}(${p.args.map((a) => String(a)).join(', ')})`;
}

/**
 * log density of the prior at x, up to an additive constant that does not depend on x
 * (normalising constants of fixed-parameter priors, and of truncation at a fixed bound,
 * do not matter to the sampler), and its derivative written into d[0].
 */
export function logPrior(p: PriorDist, x: number, d: Float64Array): number {
  const a = p.args as number[];
  switch (p.dist) {
    case 'flat':
      d[0] = 0;
      return 0;
    case 'normal': {
      const z = (x - a[0]) / a[1];
      d[0] = -z / a[1];
      return -0.5 * z * z;
    }
    case 'student_t': {
      const nu = a[0];
      const r = x - a[1];
      const s2 = a[2] * a[2];
      d[0] = (-(nu + 1) * r) / (nu * s2 + r * r);
      return -0.5 * (nu + 1) * Math.log1p((r * r) / (nu * s2));
    }
    case 'cauchy': {
      const r = x - a[0];
      const s2 = a[1] * a[1];
      d[0] = (-2 * r) / (s2 + r * r);
      return -Math.log1p((r * r) / s2);
    }
    case 'double_exponential': {
      const r = x - a[0];
      d[0] = r > 0 ? -1 / a[1] : r < 0 ? 1 / a[1] : 0;
      return -Math.abs(r) / a[1];
    }
    case 'logistic': {
      const z = (x - a[0]) / a[1];
      const e = Math.exp(-Math.abs(z));
      // log pdf = -z - 2 log(1 + e^-z); symmetric in z.
      const t = Math.abs(z);
      d[0] = (-Math.sign(z) * (1 - e)) / (1 + e) / a[1];
      return -t - 2 * Math.log1p(e);
    }
    case 'exponential':
      if (x < 0) {
        d[0] = 0;
        return -Infinity;
      }
      d[0] = -a[0];
      return -a[0] * x;
    case 'gamma':
      if (x <= 0) {
        d[0] = 0;
        return -Infinity;
      }
      d[0] = (a[0] - 1) / x - a[1];
      return (a[0] - 1) * Math.log(x) - a[1] * x;
    case 'inv_gamma':
      if (x <= 0) {
        d[0] = 0;
        return -Infinity;
      }
      d[0] = -(a[0] + 1) / x + a[1] / (x * x);
      return -(a[0] + 1) * Math.log(x) - a[1] / x;
    case 'lognormal': {
      if (x <= 0) {
        d[0] = 0;
        return -Infinity;
      }
      const lx = Math.log(x);
      const z = (lx - a[0]) / a[1];
      d[0] = -1 / x - z / (a[1] * x);
      return -lx - 0.5 * z * z;
    }
    case 'beta':
      if (!(x > 0 && x < 1)) {
        d[0] = 0;
        return -Infinity;
      }
      d[0] = (a[0] - 1) / x - (a[1] - 1) / (1 - x);
      return (a[0] - 1) * Math.log(x) + (a[1] - 1) * Math.log1p(-x);
    case 'lkj':
    case 'lkj_corr_cholesky':
      throw new Error(
        'logPrior: LKJ priors are on correlation matrices, not scalars (density/correlation.ts)',
      );
  }
}
