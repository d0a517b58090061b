import { ModelSpecError } from '../formula/errors';

export type FamilyName =
  | 'poisson'
  | 'negbinomial'
  | 'gaussian'
  | 'lognormal'
  | 'bernoulli'
  | 'zero_inflated_poisson'
  | 'zero_inflated_negbinomial'
  | 'hurdle_poisson'
  | 'hurdle_negbinomial';
export const FAMILY_NAMES: readonly FamilyName[] = [
  'poisson',
  'negbinomial',
  'gaussian',
  'lognormal',
  'bernoulli',
  'zero_inflated_poisson',
  'zero_inflated_negbinomial',
  'hurdle_poisson',
  'hurdle_negbinomial',
];

/** A response family as brms defines it (link of mu, its auxiliary parameter, its support). */
export interface FamilySpec {
  name: FamilyName;
  /** brms's link of mu. lognormal's is "identity" on log y. */
  link: 'log' | 'identity' | 'logit';
  /** The distributional parameter sampled besides mu (on the log scale), if any. */
  aux: 'shape' | 'sigma' | null;
  /**
   * The zero probability of a two-part count family (sampled on the logit scale):
   * `zi` (zero-inflated: a structural zero with probability zi, else the count
   * distribution, whose own zeros add to it) or `hu` (hurdle: zero with probability hu,
   * else a zero-truncated count).
   */
  mix: 'zi' | 'hu' | null;
  /** The count distribution of a zero-inflated or hurdle family. */
  base: 'poisson' | 'negbinomial' | null;
  /**
   * The link brms's `def_scale_prior` transforms y with: log for log links and for
   * lognormal (`has_logscale`), identity for gaussian, none (→ location 0, scale 2.5)
   * for logit.
   */
  scaleLink: 'log' | 'identity' | null;
  /** The response on the scale of the sufficient statistics (log y for lognormal). */
  statScale: 'y' | 'log';
  /** Whether cells need within-cell sums of squares. */
  needSquares: boolean;
  /** Whether NB2's lgamma(y + φ) terms need the y histogram. */
  needHistogram: boolean;
  /** Whether cells need their number of zero responses (zero-inflated and hurdle families). */
  needZeros: boolean;
}

const count = (
  name: FamilyName,
  aux: 'shape' | null,
  mix: 'zi' | 'hu' | null,
  base: 'poisson' | 'negbinomial' | null,
): FamilySpec => ({
  name,
  link: 'log',
  aux,
  mix,
  base,
  scaleLink: 'log',
  statScale: 'y',
  needSquares: false,
  needHistogram: aux === 'shape',
  needZeros: mix !== null,
});

const SPECS: Record<FamilyName, FamilySpec> = {
  poisson: count('poisson', null, null, null),
  negbinomial: count('negbinomial', 'shape', null, null),
  gaussian: {
    name: 'gaussian',
    link: 'identity',
    aux: 'sigma',
    mix: null,
    base: null,
    scaleLink: 'identity',
    statScale: 'y',
    needSquares: true,
    needHistogram: false,
    needZeros: false,
  },
  lognormal: {
    name: 'lognormal',
    link: 'identity',
    aux: 'sigma',
    mix: null,
    base: null,
    scaleLink: 'log',
    statScale: 'log',
    needSquares: true,
    needHistogram: false,
    needZeros: false,
  },
  bernoulli: {
    name: 'bernoulli',
    link: 'logit',
    aux: null,
    mix: null,
    base: null,
    scaleLink: null,
    statScale: 'y',
    needSquares: false,
    needHistogram: false,
    needZeros: false,
  },
  zero_inflated_poisson: count('zero_inflated_poisson', null, 'zi', 'poisson'),
  zero_inflated_negbinomial: count('zero_inflated_negbinomial', 'shape', 'zi', 'negbinomial'),
  hurdle_poisson: count('hurdle_poisson', null, 'hu', 'poisson'),
  hurdle_negbinomial: count('hurdle_negbinomial', 'shape', 'hu', 'negbinomial'),
};

/**
 * Accepts brms spellings: "poisson", "negbinomial", "negative_binomial", "gaussian", "normal",
 * "lognormal", "bernoulli", "zero_inflated_poisson", "zero_inflated_negbinomial",
 * "hurdle_poisson", "hurdle_negbinomial", also with "()" or a link argument matching the default.
 */
export function familySpec(input: string): FamilySpec {
  const raw = String(input).trim().toLowerCase();
  const m = /^([a-z_]+)\s*(?:\(\s*(?:link\s*=\s*)?["']?([a-z]*)["']?\s*\))?$/.exec(raw);
  const aliases: Record<string, FamilyName> = {
    poisson: 'poisson',
    negbinomial: 'negbinomial',
    negative_binomial: 'negbinomial',
    gaussian: 'gaussian',
    normal: 'gaussian',
    lognormal: 'lognormal',
    bernoulli: 'bernoulli',
    zero_inflated_poisson: 'zero_inflated_poisson',
    zero_inflated_negbinomial: 'zero_inflated_negbinomial',
    hurdle_poisson: 'hurdle_poisson',
    hurdle_negbinomial: 'hurdle_negbinomial',
  };
  const name = m ? aliases[m[1]] : undefined;
  if (!m || !name) {
    throw new ModelSpecError(`family '${input}' is not supported; use one of: ${FAMILY_NAMES.join(', ')}`);
  }
  const spec = SPECS[name];
  if (m[2] && m[2] !== spec.link) {
    throw new ModelSpecError(
      `family '${input}': only brms's default link '${spec.link}' is supported for ${name}`,
    );
  }
  return spec;
}

/**
 * Reads the response for a family and checks its support, naming how many rows are
 * out of support and the first one.
 */
export function readResponse(spec: FamilySpec, name: string, values: ArrayLike<unknown>): Float64Array {
  const y = new Float64Array(values.length);
  const bad: number[] = [];
  let what = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let x: number;
    if (typeof v === 'number') x = v;
    else if (typeof v === 'bigint') x = Number(v);
    else if (typeof v === 'boolean' && spec.name === 'bernoulli') x = v ? 1 : 0;
    else {
      throw new ModelSpecError(
        `response '${name}' must be numeric for family ${spec.name}${spec.name === 'bernoulli' ? ' (0/1 or booleans)' : ''}; row ${i} holds ${JSON.stringify(v)}`,
      );
    }
    y[i] = x;
    let ok = Number.isFinite(x);
    switch (spec.name) {
      case 'poisson':
      case 'negbinomial':
      case 'zero_inflated_poisson':
      case 'zero_inflated_negbinomial':
      case 'hurdle_poisson':
      case 'hurdle_negbinomial':
        ok = ok && x >= 0 && Number.isInteger(x);
        what = 'non-negative integer counts';
        break;
      case 'lognormal':
        ok = ok && x > 0;
        what = 'positive values (y > 0)';
        break;
      case 'bernoulli':
        ok = x === 0 || x === 1;
        what = '0/1 values (or booleans)';
        break;
      case 'gaussian':
        what = 'finite numbers';
        break;
    }
    if (!ok) bad.push(i);
  }
  if (bad.length > 0) {
    throw new ModelSpecError(
      `response '${name}' has ${bad.length} value${bad.length === 1 ? '' : 's'} outside the support of family ${spec.name}, which needs ${what}; ` +
        `first at row ${bad[0]} (${y[bad[0]]}); fix or filter those rows, or choose another family`,
    );
  }
  return y;
}
