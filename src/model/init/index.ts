export { lbfgsMaximize } from './lbfgs';
export type { LbfgsOptions, LbfgsResult } from './lbfgs';
export { laplaceApproximation, negativeHessian, cholesky, LAPLACE_MAX_DIM } from './laplace';
export type { LaplaceApproximation } from './laplace';
export {
  WhitenedModel,
  covarianceFactor,
  toModelCoordinates,
  sparsePrecisionFactor,
  denseFactorOf,
} from './whiten';
export type { Preconditioner, SparseFactor } from './whiten';
export { laplaceStarts, INIT_SCALE, LAPLACE_MAX_LOG_WEIGHT_SD } from './starts';
export type { LaplaceStarts, NoLaplaceStarts } from './starts';
