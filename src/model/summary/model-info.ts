/**
 * What the results layer needs to know about a model. PreparedModel (density/) satisfies
 * it structurally, so results stay usable with any model that reports brms-named outputs.
 */
export interface ModelGroupInfo {
  name: string;
  /** Level labels as in the data. */
  levels: readonly string[];
  /** Levels as brms writes them inside `r_<g>[<level>,Intercept]`. */
  outputLevels: readonly string[];
}

export interface ModelInfo {
  formula: string;
  family: string;
  nRows: number;
  groups: readonly ModelGroupInfo[];
  outputNames: readonly string[];
}

/** brms's `summarise_links` text per family (the links we support are brms's defaults). */
export function familyLinks(family: string): string {
  switch (family) {
    case 'poisson':
      return 'mu = log';
    case 'negbinomial':
      return 'mu = log; shape = identity';
    case 'gaussian':
      return 'mu = identity; sigma = identity';
    case 'lognormal':
      return 'mu = identity; sigma = identity';
    case 'bernoulli':
      return 'mu = logit';
    default:
      throw new Error(
        `familyLinks: unknown family "${family}" (expected poisson, negbinomial, gaussian, lognormal or bernoulli)`,
      );
  }
}
