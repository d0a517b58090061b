/**
 * One NUTS transition as Stan's base_nuts does it (per docs/model-engine.md; read from
 * stan-dev/stan src/stan/mcmc/hmc/nuts/base_nuts.hpp, not copied):
 *
 * - the trajectory doubles, each time in a uniformly chosen direction, by building a
 *   subtree of 2^depth leapfrog steps from that end;
 * - an invalid subtree (divergent, or a U-turn inside it) stops the transition and is
 *   never sampled from;
 * - inside subtrees proposals are drawn by uniform progressive (multinomial) sampling,
 *   at the top by biased progressive sampling;
 *   Stan merges the proposals of the two halves at every node with probability
 *   w_final / (w_init + w_final); we apply the same rule leaf by leaf (leaf i replaces the
 *   running proposal with probability w_i / Σ_{j≤i} w_j), which gives every leaf the same
 *   probability w_i / W_subtree (the product telescopes) but copies a state ~log n times
 *   per subtree instead of n times. Proposals of subtrees that turn out invalid are
 *   discarded either way, so the kernel is the same; only the uniform draws differ;
 * - the generalized U-turn criterion is checked on the whole span and on the two
 *   cross-subtree spans (Stan ≥ 2.21, PR #2800), inside subtrees and at the top;
 * - divergence when h − H0 > maxDeltaH (1000), NaN energies count as +∞;
 * - accept_stat = Σ min(1, exp(H0 − h)) / n_leapfrog over every leapfrog step taken,
 *   rejected subtrees included.
 *
 * Every buffer is allocated once in the constructor (one workspace per tree depth, since
 * the two recursive calls at a depth run one after the other and can share theirs):
 * a transition allocates nothing.
 */
import type { LogDensity } from '../types';
import type { Rng } from '../../util/rng';
import { PhasePoint } from './phase-point';
import { leapfrogOpen } from './integrator';
import { hamiltonian, pSharp, sampleMomentum } from './metric';
import { mergeNoUTurn } from './termination';
import { logSumExp, takeNewBiased, takeNewUniform } from './proposal';

/** Per-transition sampler statistics (Stan's `__` columns), overwritten each transition. */
export interface TransitionStats {
  acceptStat: number;
  treedepth: number;
  nLeapfrog: number;
  divergent: boolean;
  energy: number;
}

/** Buffers private to one level of the recursion (Stan's locals in build_tree). */
class LevelWorkspace {
  readonly pInitEnd: Float64Array;
  readonly pSharpInitEnd: Float64Array;
  readonly rhoInit: Float64Array;
  readonly pFinalBeg: Float64Array;
  readonly pSharpFinalBeg: Float64Array;
  readonly rhoFinal: Float64Array;

  constructor(dim: number) {
    this.pInitEnd = new Float64Array(dim);
    this.pSharpInitEnd = new Float64Array(dim);
    this.rhoInit = new Float64Array(dim);
    this.pFinalBeg = new Float64Array(dim);
    this.pSharpFinalBeg = new Float64Array(dim);
    this.rhoFinal = new Float64Array(dim);
  }
}

export const DEFAULT_MAX_DELTA_H = 1000;

export class NutsTransition {
  readonly dim: number;
  /** Diagonal inverse metric M⁻¹; the adaptation writes into it in place. */
  readonly invMetric: Float64Array;
  stepSize = 1;
  readonly stats: TransitionStats = {
    acceptStat: 0,
    treedepth: 0,
    nLeapfrog: 0,
    divergent: false,
    energy: 0,
  };

  private readonly uniform: () => number;
  /** The moving end of the trajectory: every leapfrog step acts on it. */
  private readonly z: PhasePoint;
  private readonly zFwd: PhasePoint;
  private readonly zBck: PhasePoint;
  private readonly zSample: PhasePoint;
  private readonly zPropose: PhasePoint;
  private readonly pFwdFwd: Float64Array;
  private readonly pSharpFwdFwd: Float64Array;
  private readonly pFwdBck: Float64Array;
  private readonly pSharpFwdBck: Float64Array;
  private readonly pBckFwd: Float64Array;
  private readonly pSharpBckFwd: Float64Array;
  private readonly pBckBck: Float64Array;
  private readonly pSharpBckBck: Float64Array;
  private readonly rho: Float64Array;
  private readonly rhoFwd: Float64Array;
  private readonly rhoBck: Float64Array;
  private readonly levels: LevelWorkspace[];

  // Accumulators of the transition in progress (Stan passes them by reference).
  private H0 = 0;
  private nLeapfrog = 0;
  private sumMetroProb = 0;
  private divergent = false;
  /** Log-sum-weight of the leaves of the top-level subtree being built so far. */
  private subtreeLogWeight = -Infinity;

  constructor(
    private readonly density: LogDensity,
    private readonly rng: Rng,
    readonly maxDepth: number,
    readonly maxDeltaH: number = DEFAULT_MAX_DELTA_H,
  ) {
    const dim = density.dim;
    this.dim = dim;
    this.invMetric = new Float64Array(dim).fill(1);
    this.uniform = () => rng.uniform();
    this.z = new PhasePoint(dim);
    this.zFwd = new PhasePoint(dim);
    this.zBck = new PhasePoint(dim);
    this.zSample = new PhasePoint(dim);
    this.zPropose = new PhasePoint(dim);
    const v = () => new Float64Array(dim);
    this.pFwdFwd = v();
    this.pSharpFwdFwd = v();
    this.pFwdBck = v();
    this.pSharpFwdBck = v();
    this.pBckFwd = v();
    this.pSharpBckFwd = v();
    this.pBckBck = v();
    this.pSharpBckBck = v();
    this.rho = v();
    this.rhoFwd = v();
    this.rhoBck = v();
    this.levels = [];
    for (let d = 0; d <= maxDepth; d++) this.levels.push(new LevelWorkspace(dim));
  }

  /**
   * Draws a new state from `current` (q, logp and grad must be valid; p is overwritten)
   * and writes it back into `current`. Statistics go to `this.stats`.
   */
  transition(current: PhasePoint): TransitionStats {
    const { invMetric, z } = this;
    z.copyFrom(current);
    sampleMomentum(invMetric, z.p, this.rng);
    // Stan re-evaluates the gradient at q here; q is unchanged since it was computed,
    // so the cached value is the same number and we save one evaluation per transition.

    this.zFwd.copyFrom(z);
    this.zBck.copyFrom(z);
    this.zSample.copyFrom(z);
    this.zPropose.copyFrom(z);

    this.pFwdFwd.set(z.p);
    pSharp(invMetric, z.p, this.pSharpFwdFwd);
    this.pFwdBck.set(z.p);
    this.pSharpFwdBck.set(this.pSharpFwdFwd);
    this.pBckFwd.set(z.p);
    this.pSharpBckFwd.set(this.pSharpFwdFwd);
    this.pBckBck.set(z.p);
    this.pSharpBckBck.set(this.pSharpFwdFwd);
    this.rho.set(z.p);

    let logSumWeight = 0; // log(exp(H0 − H0))
    this.H0 = hamiltonian(invMetric, z);
    this.nLeapfrog = 0;
    this.sumMetroProb = 0;
    this.divergent = false;
    let depth = 0;

    while (depth < this.maxDepth) {
      this.subtreeLogWeight = -Infinity;
      let valid: boolean;
      if (this.uniform() > 0.5) {
        z.copyFrom(this.zFwd);
        this.rhoBck.set(this.rho);
        this.pBckFwd.set(this.pFwdFwd);
        this.pSharpBckFwd.set(this.pSharpFwdFwd);
        valid = this.buildTree(
          depth,
          this.pSharpFwdBck,
          this.pSharpFwdFwd,
          this.rhoFwd,
          this.pFwdBck,
          this.pFwdFwd,
          1,
        );
        this.zFwd.copyFrom(z);
      } else {
        z.copyFrom(this.zBck);
        this.rhoFwd.set(this.rho);
        this.pFwdBck.set(this.pBckBck);
        this.pSharpFwdBck.set(this.pSharpBckBck);
        valid = this.buildTree(
          depth,
          this.pSharpBckFwd,
          this.pSharpBckBck,
          this.rhoBck,
          this.pBckFwd,
          this.pBckBck,
          -1,
        );
        this.zBck.copyFrom(z);
      }
      if (!valid) break;
      const subtreeLogWeight = this.subtreeLogWeight;
      depth++;

      if (takeNewBiased(subtreeLogWeight, logSumWeight, this.uniform)) this.zSample.copyFrom(this.zPropose);
      logSumWeight = logSumExp(logSumWeight, subtreeLogWeight);

      // rho = rho_bck + rho_fwd, and the whole-span and two cross-subtree checks.
      const persist = mergeNoUTurn(
        this.rhoBck,
        this.pSharpBckBck,
        this.pSharpBckFwd,
        this.pBckFwd,
        this.rhoFwd,
        this.pSharpFwdBck,
        this.pSharpFwdFwd,
        this.pFwdBck,
        this.rho,
      );
      if (!persist) break;
    }

    current.copyFrom(this.zSample);
    const s = this.stats;
    s.treedepth = depth;
    s.nLeapfrog = this.nLeapfrog;
    s.divergent = this.divergent;
    s.acceptStat = this.sumMetroProb / this.nLeapfrog;
    s.energy = hamiltonian(invMetric, current);
    return s;
  }

  /**
   * Builds a subtree of 2^depth steps from the current end `this.z` in direction `sign`.
   * Overwrites `rho` with the subtree's summed momentum and the four end momenta; adds its
   * leaves to `this.subtreeLogWeight` and to the running proposal `this.zPropose`.
   * Returns false when the subtree is divergent or U-turns inside.
   */
  private buildTree(
    depth: number,
    pSharpBeg: Float64Array,
    pSharpEnd: Float64Array,
    rho: Float64Array,
    pBeg: Float64Array,
    pEnd: Float64Array,
    sign: number,
  ): boolean {
    if (depth === 0) {
      // Only the top level builds single-leaf subtrees: a leaf's two ends and its rho are its p.
      if (!this.leaf(pSharpBeg, pBeg, sign)) return false;
      pSharpEnd.set(pSharpBeg);
      pEnd.set(pBeg);
      rho.set(pBeg);
      return true;
    }
    if (depth === 1) {
      // Two leaves: Stan's depth-1 merge reads each leaf's p and p# as both of its ends and
      // as its rho, so the leaves write straight into the outer ends (no per-leaf copies).
      if (!this.leaf(pSharpBeg, pBeg, sign)) return false;
      if (!this.leaf(pSharpEnd, pEnd, sign)) return false;
      return mergeNoUTurn(pBeg, pSharpBeg, pSharpBeg, pBeg, pEnd, pSharpEnd, pSharpEnd, pEnd, rho);
    }

    const ws = this.levels[depth];
    if (!this.buildTree(depth - 1, pSharpBeg, ws.pSharpInitEnd, ws.rhoInit, pBeg, ws.pInitEnd, sign))
      return false;
    if (!this.buildTree(depth - 1, ws.pSharpFinalBeg, pSharpEnd, ws.rhoFinal, ws.pFinalBeg, pEnd, sign))
      return false;

    // init = the half built first, final = the second. Each check needs both of its dot
    // products positive, so it is symmetric in its two ends and serves both directions.
    return mergeNoUTurn(
      ws.rhoInit,
      pSharpBeg,
      ws.pSharpInitEnd,
      ws.pInitEnd,
      ws.rhoFinal,
      ws.pSharpFinalBeg,
      pSharpEnd,
      ws.pFinalBeg,
      rho,
    );
  }

  /**
   * One leapfrog step and its bookkeeping (Stan's depth-0 build_tree), in one pass over p:
   * writes the new p# and p into `pSharpOut` / `pOut`. Returns false when divergent.
   */
  private leaf(pSharpOut: Float64Array, pOut: Float64Array, sign: number): boolean {
    const { z, invMetric } = this;
    const epsilon = sign * this.stepSize;
    leapfrogOpen(this.density, invMetric, z, epsilon);
    this.nLeapfrog++;

    // The closing half step of the leapfrog, fused with the leaf's bookkeeping.
    const { p, grad } = z;
    const half = 0.5 * epsilon;
    let twoT = 0;
    for (let i = 0; i < p.length; i++) {
      const pi = p[i] + half * grad[i];
      p[i] = pi;
      const si = invMetric[i] * pi;
      twoT += si * pi;
      pSharpOut[i] = si;
      pOut[i] = pi;
    }
    let h = 0.5 * twoT - z.logp;
    if (Number.isNaN(h)) h = Infinity;
    if (h - this.H0 > this.maxDeltaH) this.divergent = true;
    const logWeight = this.H0 - h;
    this.sumMetroProb += logWeight > 0 ? 1 : Math.exp(logWeight);

    // Progressive multinomial sampling, leaf by leaf (see the header).
    if (this.subtreeLogWeight === -Infinity) {
      this.subtreeLogWeight = logWeight;
      this.zPropose.copyFrom(z); // the first leaf is the proposal with probability 1
    } else {
      const merged = logSumExp(this.subtreeLogWeight, logWeight);
      this.subtreeLogWeight = merged;
      if (takeNewUniform(logWeight, merged, this.uniform)) this.zPropose.copyFrom(z);
    }
    return !this.divergent;
  }
}
