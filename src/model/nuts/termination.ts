/**
 * The generalized No-U-Turn criterion (Betancourt 2017; Stan's compute_criterion, per
 * docs/model-engine.md): a trajectory segment with summed momentum rho keeps going while
 * both end velocities still point along rho: p#⁺·rho > 0 && p#⁻·rho > 0.
 */

/** One criterion; `extra` tests rho + extra without materialising the sum. */
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

/**
 * Merging a left (earlier in time) and a right trajectory segment, as Stan does both
 * inside subtrees and at the top: writes rho = rhoL + rhoR into `rhoOut` and returns
 * whether all three checks pass — the whole span, left + first state of the right, and
 * last state of the left + right (the cross-subtree checks of Stan ≥ 2.21, PR #2800).
 * One pass over the coordinates instead of four.
 *
 * L: rhoL, sharp momenta at its minus / plus ends, momentum at its plus end.
 * R: rhoR, sharp momenta at its minus / plus ends, momentum at its minus end.
 */
export function mergeNoUTurn(
  rhoL: Float64Array,
  lSharpMinus: Float64Array,
  lSharpPlus: Float64Array,
  lPlus: Float64Array,
  rhoR: Float64Array,
  rSharpMinus: Float64Array,
  rSharpPlus: Float64Array,
  rMinus: Float64Array,
  rhoOut: Float64Array,
): boolean {
  let wholePlus = 0,
    wholeMinus = 0,
    leftPlus = 0,
    leftMinus = 0,
    rightPlus = 0,
    rightMinus = 0;
  for (let i = 0; i < rhoOut.length; i++) {
    const rl = rhoL[i];
    const rr = rhoR[i];
    const whole = rl + rr;
    rhoOut[i] = whole;
    wholePlus += rSharpPlus[i] * whole;
    wholeMinus += lSharpMinus[i] * whole;
    const left = rl + rMinus[i]; // the left segment extended by the right one's first state
    leftPlus += rSharpMinus[i] * left;
    leftMinus += lSharpMinus[i] * left;
    const right = rr + lPlus[i]; // the right segment extended by the left one's last state
    rightPlus += rSharpPlus[i] * right;
    rightMinus += lSharpPlus[i] * right;
  }
  return wholePlus > 0 && wholeMinus > 0 && leftPlus > 0 && leftMinus > 0 && rightPlus > 0 && rightMinus > 0;
}
