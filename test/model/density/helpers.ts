import { Rng } from '../../../src/util/rng';
import type { LogDensity } from '../../../src/model/types';
import type { FamilyName } from '../../../src/model/families/spec';
import { positiveCount } from '../../../src/model/density/predict';

/** Simulated multilevel data: y ~ x * sex + platform + (1 | name) [+ (1 | city)]. */
export type SimData = {
  y: number[];
  x: number[];
  sex: string[];
  platform: string[];
  name: string[];
  city: number[];
  flag: boolean[];
};

/**
 * `x` is rounded to a grid of `xLevels` values so rows repeat covariates (cells merge);
 * `xLevels = 0` keeps x continuous (every row its own cell).
 */
export function simulate(family: FamilyName, n: number, seed: number, xLevels = 3): SimData {
  const rng = new Rng(seed);
  const names = Array.from({ length: 12 }, (_, i) => `name ${String.fromCharCode(65 + i)}`);
  const nameEffect = names.map(() => 0.4 * rng.normal());
  const out: SimData = { y: [], x: [], sex: [], platform: [], name: [], city: [], flag: [] };
  const platforms = ['android', 'iphone', 'web'];
  for (let i = 0; i < n; i++) {
    const x = xLevels > 0 ? rng.int(xLevels) - 1 : rng.normal();
    const male = rng.uniform() < 0.5;
    const p = rng.int(3);
    const nm = rng.int(names.length);
    const city = 1 + rng.int(4);
    const eta =
      0.3 +
      0.5 * x +
      (male ? -0.4 : 0) +
      0.2 * x * (male ? 1 : 0) +
      [0, 0.3, -0.2][p] +
      nameEffect[nm] +
      0.1 * city;
    let y: number;
    switch (family) {
      case 'poisson':
        y = rng.poisson(Math.exp(eta));
        break;
      case 'negbinomial':
        y = rng.negBinomial(Math.exp(eta + 1), 1.5);
        break;
      case 'gaussian':
        y = 10 + 3 * eta + 2 * rng.normal();
        break;
      case 'lognormal':
        y = Math.exp(eta + 0.7 * rng.normal());
        break;
      case 'bernoulli':
        y = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
        break;
      case 'zero_inflated_poisson':
        y = rng.uniform() < 0.3 ? 0 : rng.poisson(Math.exp(eta));
        break;
      case 'zero_inflated_negbinomial':
        y = rng.uniform() < 0.3 ? 0 : rng.negBinomial(Math.exp(eta + 1), 1.5);
        break;
      case 'hurdle_poisson':
        y = rng.uniform() < 0.3 ? 0 : positiveCount(rng, Math.exp(eta), Infinity);
        break;
      case 'hurdle_negbinomial':
        y = rng.uniform() < 0.3 ? 0 : positiveCount(rng, Math.exp(eta + 1), 1.5);
        break;
    }
    out.y.push(y);
    out.x.push(x);
    out.sex.push(male ? 'male' : 'female');
    out.platform.push(platforms[p]);
    out.name.push(names[nm]);
    out.city.push(city);
    out.flag.push(rng.uniform() < 0.3);
  }
  return out;
}

export function randomTheta(dim: number, seed: number, radius = 1): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: dim }, () => radius * (2 * rng.uniform() - 1));
}

/** Max relative error of the analytic gradient against central differences. */
export function gradientError(
  model: LogDensity,
  theta: Float64Array,
  h = 1e-5,
): { maxRel: number; worst: number } {
  const grad = new Float64Array(model.dim);
  const scratch = new Float64Array(model.dim);
  model.logDensityGradient(theta, grad);
  let maxRel = 0;
  let worst = -1;
  for (let i = 0; i < model.dim; i++) {
    const tp = Float64Array.from(theta);
    const tm = Float64Array.from(theta);
    tp[i] += h;
    tm[i] -= h;
    const fd = (model.logDensityGradient(tp, scratch) - model.logDensityGradient(tm, scratch)) / (2 * h);
    const rel = Math.abs(fd - grad[i]) / Math.max(1, Math.abs(grad[i]), Math.abs(fd));
    if (rel > maxRel) {
      maxRel = rel;
      worst = i;
    }
  }
  return { maxRel, worst };
}
