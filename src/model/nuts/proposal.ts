/**
 * Multinomial proposal weights on the log scale (per docs/model-engine.md):
 * each state's weight is exp(H0 − h); subtrees are merged with log-sum-exp.
 */

export function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * Uniform progressive sampling inside a subtree: take the new half's proposal with
 * probability w_new / (w_old + w_new) given the merged log weight. `u` is a uniform draw,
 * consumed only when the outcome is not certain (as Stan does, to keep streams aligned).
 */
export function takeNewUniform(
  logWeightNew: number,
  logWeightMerged: number,
  uniform: () => number,
): boolean {
  if (logWeightNew > logWeightMerged) return true;
  return uniform() < Math.exp(logWeightNew - logWeightMerged);
}

/**
 * Biased progressive sampling at the top of the trajectory: take the new subtree's
 * proposal with probability min(1, w_new / w_old), favouring states far from the start.
 */
export function takeNewBiased(logWeightNew: number, logWeightOld: number, uniform: () => number): boolean {
  if (logWeightNew > logWeightOld) return true;
  return uniform() < Math.exp(logWeightNew - logWeightOld);
}
