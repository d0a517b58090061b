import { ModelSpecError } from '../formula/errors';

export type FamilyName = 'poisson' | 'negbinomial' | 'gaussian' | 'lognormal' | 'bernoulli';
export const FAMILY_NAMES: readonly FamilyName[] = [
  'poisson',
  'negbinomial',
  'gaussian',
  'lognormal',
  'bernoulli',
];

/** A response family as brms defines it (link of mu, its auxiliary parameter, its support). */
export interface FamilySpec {
  name: FamilyName;
  /** brms's link of mu. lognormal's is "identity" on log y. */
  link: 'log' | 'identity' | 'logit';
  /** The distributional parameter sampled besides mu (on the log scale), if any. */
  aux: 'shape' | 'sigma' | null;
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
}

const SPECS: Record<FamilyName, FamilySpec> = {
  poisson: {
    name: 'poisson',
    link: 'log',
    aux: null,
    scaleLink: 'log',
    statScale: 'y',
    needSquares: false,
    needHistogram: false,
  },
  negbinomial: {
    name: 'negbinomial',
    link: 'log',
    aux: 'shape',
    scaleLink: 'log',
    statScale: 'y',
    needSquares: false,
    needHistogram: true,
  },
  gaussian: {
    name: 'gaussian',
    link: 'identity',
    aux: 'sigma',
    scaleLink: 'identity',
    statScale: 'y',
    needSquares: true,
    needHistogram: false,
  },
  lognormal: {
    name: 'lognormal',
    link: 'identity',
    aux: 'sigma',
    scaleLink: 'log',
    statScale: 'log',
    needSquares: true,
    needHistogram: false,
  },
  bernoulli: {
    name: 'bernoulli',
    link: 'logit',
    aux: null,
    scaleLink: null,
    statScale: 'y',
    needSquares: false,
    needHistogram: false,
  },
};

/** Accepts brms spellings: "poisson", "negbinomial", "negative_binomial", "gaussian", "normal", "lognormal", "bernoulli", also with "()" or a link argument matching the default. */
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
