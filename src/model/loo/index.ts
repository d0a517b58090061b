/** Model comparison: PSIS-LOO, loo_compare and bayes_R2 as the loo and brms packages report them. */
export { loo, highKWarning } from './loo';
export type { LooResult, LooSource, Estimate, ParetoKRow } from './loo';
export { looCompare } from './compare';
export type { CompareRow } from './compare';
export { bayesR2 } from './r2';
export type { BayesR2 } from './r2';
export { formatLoo, formatLooCompare, formatParetoK } from './print';
export { psisInPlace, PsisWorkspace, gpdfit, tailLength, kThreshold } from './psis';
export { RelativeEfficiency } from './relative-eff';
export { logLik, fillYConstants } from './loglik';
