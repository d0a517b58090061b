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

/** A group-level term: its grouping factor and brms's coefficient names. */
export interface ModelTermInfo {
  groupName: string;
  coefs: readonly string[];
  correlated: boolean;
}

export interface ModelInfo {
  formula: string;
  family: string;
  nRows: number;
  groups: readonly ModelGroupInfo[];
  /** Group-level terms; absent: one `(1 | g)` per group. */
  terms?: readonly ModelTermInfo[];
  outputNames: readonly string[];
}

/** The model's group-level terms, `(1 | g)` per group when it does not list them. */
export function termsOf(info: ModelInfo): readonly ModelTermInfo[] {
  return (
    info.terms ?? info.groups.map((g) => ({ groupName: g.name, coefs: ['Intercept'], correlated: false }))
  );
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
    case 'zero_inflated_poisson':
      return 'mu = log; zi = identity';
    case 'zero_inflated_negbinomial':
      return 'mu = log; shape = identity; zi = identity';
    case 'hurdle_poisson':
      return 'mu = log; hu = identity';
    case 'hurdle_negbinomial':
      return 'mu = log; shape = identity; hu = identity';
    default:
      throw new Error(
        `familyLinks: unknown family "${family}" (expected poisson, negbinomial, gaussian, lognormal, bernoulli, zero_inflated_poisson, zero_inflated_negbinomial, hurdle_poisson or hurdle_negbinomial)`,
      );
  }
}
