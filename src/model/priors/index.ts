export { resolvePriors } from './resolve';
export type { ResolvedPrior, ResolvedPriors, PriorTableRow, PriorContext } from './resolve';
export { parsePriors } from './parse';
export type { UserPrior, PriorClass } from './parse';
export { logPrior, formatDist, makeDist } from './dists';
export type { PriorDist, DistName } from './dists';
export { scaleRule } from './defaults';
export type { ScaleRule } from './defaults';
export { madR, medianR, round1R } from './rstats';
