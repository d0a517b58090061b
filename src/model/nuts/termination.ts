/**
 * The generalized No-U-Turn criterion (Betancourt 2017; Stan's compute_criterion, per
 * reference/bayes.md): a trajectory segment with summed momentum rho keeps going while
 * both end velocities still point along rho: p#⁺·rho > 0 && p#⁻·rho > 0.
 *
 * `extra` lets callers test rho + v (the cross-subtree checks of Stan ≥ 2.21) without
 * materialising the sum: the tree builder must not allocate.
 */
export function noUTurn(
  pSharpMinus: Float64Array,
  pSharpPlus: Float64Array,
  rho: Float64Array,
  extra?: Float64Array,
): boolean {
  let plus = 0;
  let minus = 0;
  const n = rho.length;
  if (extra === undefined) {
    for (let i = 0; i < n; i++) {
      plus += pSharpPlus[i] * rho[i];
      minus += pSharpMinus[i] * rho[i];
    }
  } else {
    for (let i = 0; i < n; i++) {
      const r = rho[i] + extra[i];
      plus += pSharpPlus[i] * r;
      minus += pSharpMinus[i] * r;
    }
  }
  return plus > 0 && minus > 0;
}
