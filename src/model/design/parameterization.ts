import type { FamilySpec } from '../families/spec';

/**
 * Automatic choice between the centered and the non-centered form of a group's
 * intercepts (the posterior is the same; only the sampler's geometry differs).
 *
 * Why: with r_l = sd·z_l (brms), the posterior of z_l has precision 1 + I_l·sd², where
 * I_l is the likelihood's information about r_l (Σ over the level's rows of the
 * family's Fisher weight on the linear-predictor scale). When I_l·sd² ≫ 1 the data pin
 * r_l down, so z_l = r_l / sd is strongly coupled to sd (a narrow curved ridge the sampler
 * crosses with small steps and deep trees); the centered form r_l ~ N(0, sd) is then close
 * to independent. When I_l·sd² ≪ 1 the centered form has the funnel instead. The rule:
 *
 *   centered ⇔ the median over levels (each level is one parameter) of I_l · ŝd² is ≥ 1,
 *
 * with two quick data summaries (no model fit):
 *  - I_l = n_l · w, w the Fisher weight of one row at the pooled mean: Poisson ȳ;
 *    negative binomial ȳφ̂/(ȳ + φ̂) with the moment estimate φ̂ = ȳ²/(s² − ȳ) (∞ → Poisson);
 *    Gaussian 1/s²; lognormal 1/s² of log y; Bernoulli p̄(1 − p̄).
 *  - ŝd² by the method of moments on per-level means on the link scale: the variance of the
 *    level means minus their average sampling variance 1/I_l, floored at 0.1² (a group
 *    worth modelling rarely has less spread, and the floor keeps tiny data non-centered).
 * Population-level predictors are ignored (they can only shrink the spread slightly);
 * the rule only picks the sampler's coordinates, never the model.
 */
export function autoCentered(spec: FamilySpec, y: Float64Array, codes: Int32Array, nLevels: number): boolean {
  const N = y.length;
  if (N === 0 || nLevels < 2) return false;
  let mean = 0;
  for (let i = 0; i < N; i++) mean += spec.statScale === 'log' ? Math.log(y[i]) : y[i];
  mean /= N;
  let s2 = 0;
  for (let i = 0; i < N; i++) {
    const d = (spec.statScale === 'log' ? Math.log(y[i]) : y[i]) - mean;
    s2 += d * d;
  }
  s2 /= Math.max(1, N - 1);
  let w: number;
  switch (spec.name) {
    case 'poisson':
      w = mean;
      break;
    case 'negbinomial': {
      const phi = s2 > mean ? (mean * mean) / (s2 - mean) : Infinity;
      w = Number.isFinite(phi) ? (mean * phi) / (mean + phi) : mean;
      break;
    }
    case 'bernoulli':
      w = mean * (1 - mean);
      break;
    default:
      w = s2 > 0 ? 1 / s2 : 0;
  }
  if (!(w > 0)) return false;

  const n = new Float64Array(nLevels);
  const sum = new Float64Array(nLevels);
  for (let i = 0; i < N; i++) {
    n[codes[i]] += 1;
    sum[codes[i]] += spec.statScale === 'log' ? Math.log(y[i]) : y[i];
  }
  // Level means on the link scale (a continuity correction keeps log/logit finite).
  const link = (m: number, nl: number): number => {
    if (spec.link === 'log') return Math.log((m * nl + 0.5) / (nl + 0.5));
    if (spec.link === 'logit') {
      const p = (m * nl + 0.5) / (nl + 1);
      return Math.log(p / (1 - p));
    }
    return m;
  };
  // Sampling variance of a level's mean on the link scale ≈ 1 / I_l.
  let used = 0;
  let lm = 0;
  const eta = new Float64Array(nLevels);
  for (let l = 0; l < nLevels; l++) {
    if (n[l] === 0) continue;
    eta[l] = link(sum[l] / n[l], n[l]);
    lm += eta[l];
    used += 1;
  }
  if (used < 2) return false;
  lm /= used;
  let between = 0;
  let noise = 0;
  for (let l = 0; l < nLevels; l++) {
    if (n[l] === 0) continue;
    between += (eta[l] - lm) ** 2;
    noise += 1 / (n[l] * w);
  }
  const sd2 = Math.max(0.01, between / (used - 1) - noise / used);

  const info: number[] = [];
  for (let l = 0; l < nLevels; l++) if (n[l] > 0) info.push(n[l] * w * sd2);
  info.sort((a, b) => a - b);
  return info[Math.floor(info.length / 2)] >= 1;
}
