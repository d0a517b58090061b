/**
 * One NUTS transition as Stan's base_nuts does it (per reference/bayes.md; read from
 * stan-dev/stan src/stan/mcmc/hmc/nuts/base_nuts.hpp, not copied):
 *
 * - the trajectory doubles, each time in a uniformly chosen direction, by building a
 *   subtree of 2^depth leapfrog steps from that end;
 * - an invalid subtree (divergent, or a U-turn inside it) stops the transition and is
 *   never sampled from;
 * - inside subtrees proposals are drawn by uniform progressive (multinomial) sampling,
 *   at the top by biased progressive sampling;
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
import { PhasePoint } from './phasePoint';
import { leapfrog } from './integrator';
import { hamiltonian, pSharp, sampleMomentum } from './metric';
import { noUTurn } from './termination';
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
  readonly zProposeFinal: PhasePoint;

  constructor(dim: number) {
    this.pInitEnd = new Float64Array(dim);
    this.pSharpInitEnd = new Float64Array(dim);
    this.rhoInit = new Float64Array(dim);
    this.pFinalBeg = new Float64Array(dim);
    this.pSharpFinalBeg = new Float64Array(dim);
    this.rhoFinal = new Float64Array(dim);
    this.zProposeFinal = new PhasePoint(dim);
  }
}

export const DEFAULT_MAX_DELTA_H = 1000;

export class NutsTransition {
  readonly dim: number;
  /** Diagonal inverse metric M⁻¹; the adaptation writes into it in place. */
  readonly invMetric: Float64Array;
  stepSize = 1;
  readonly stats: TransitionStats = { acceptStat: 0, treedepth: 0, nLeapfrog: 0, divergent: false, energy: 0 };

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
  /** Log-sum-weight of the subtree the last buildTree call completed. */
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
    this.pFwdFwd = v(); this.pSharpFwdFwd = v();
    this.pFwdBck = v(); this.pSharpFwdBck = v();
    this.pBckFwd = v(); this.pSharpBckFwd = v();
    this.pBckBck = v(); this.pSharpBckBck = v();
    this.rho = v(); this.rhoFwd = v(); this.rhoBck = v();
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
      this.rhoFwd.fill(0);
      this.rhoBck.fill(0);
      let valid: boolean;
      if (this.uniform() > 0.5) {
        z.copyFrom(this.zFwd);
        this.rhoBck.set(this.rho);
        this.pBckFwd.set(this.pFwdFwd);
        this.pSharpBckFwd.set(this.pSharpFwdFwd);
        valid = this.buildTree(depth, this.zPropose, this.pSharpFwdBck, this.pSharpFwdFwd, this.rhoFwd,
          this.pFwdBck, this.pFwdFwd, 1);
        this.zFwd.copyFrom(z);
      } else {
        z.copyFrom(this.zBck);
        this.rhoFwd.set(this.rho);
        this.pFwdBck.set(this.pBckBck);
        this.pSharpFwdBck.set(this.pSharpBckBck);
        valid = this.buildTree(depth, this.zPropose, this.pSharpBckFwd, this.pSharpBckBck, this.rhoBck,
          this.pBckFwd, this.pBckBck, -1);
        this.zBck.copyFrom(z);
      }
      if (!valid) break;
      const subtreeLogWeight = this.subtreeLogWeight;
      depth++;

      if (takeNewBiased(subtreeLogWeight, logSumWeight, this.uniform)) this.zSample.copyFrom(this.zPropose);
      logSumWeight = logSumExp(logSumWeight, subtreeLogWeight);

      const rho = this.rho;
      for (let i = 0; i < rho.length; i++) rho[i] = this.rhoBck[i] + this.rhoFwd[i];
      // All three checks are evaluated, as Stan does (no short circuit; no RNG involved).
      let persist = noUTurn(this.pSharpBckBck, this.pSharpFwdFwd, rho);
      persist = noUTurn(this.pSharpBckBck, this.pSharpFwdBck, this.rhoBck, this.pFwdBck) && persist;
      persist = noUTurn(this.pSharpBckFwd, this.pSharpFwdFwd, this.rhoFwd, this.pBckFwd) && persist;
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
   * `rho` must arrive zeroed; it returns the subtree's summed momentum. On a valid return
   * `this.subtreeLogWeight` holds the subtree's log-sum-weight and `zPropose` its proposal.
   */
  private buildTree(
    depth: number,
    zPropose: PhasePoint,
    pSharpBeg: Float64Array,
    pSharpEnd: Float64Array,
    rho: Float64Array,
    pBeg: Float64Array,
    pEnd: Float64Array,
    sign: number,
  ): boolean {
    const z = this.z;
    if (depth === 0) {
      leapfrog(this.density, this.invMetric, z, sign * this.stepSize);
      this.nLeapfrog++;
      const h = hamiltonian(this.invMetric, z);
      if (h - this.H0 > this.maxDeltaH) this.divergent = true;
      const logWeight = this.H0 - h;
      this.subtreeLogWeight = logWeight;
      this.sumMetroProb += logWeight > 0 ? 1 : Math.exp(logWeight);
      zPropose.copyFrom(z);
      pSharp(this.invMetric, z.p, pSharpBeg);
      pSharpEnd.set(pSharpBeg);
      for (let i = 0; i < rho.length; i++) rho[i] += z.p[i];
      pBeg.set(z.p);
      pEnd.set(z.p);
      return !this.divergent;
    }

    const ws = this.levels[depth];
    ws.rhoInit.fill(0);
    if (!this.buildTree(depth - 1, zPropose, pSharpBeg, ws.pSharpInitEnd, ws.rhoInit, pBeg, ws.pInitEnd, sign)) {
      return false;
    }
    const logWeightInit = this.subtreeLogWeight;

    ws.rhoFinal.fill(0);
    if (!this.buildTree(depth - 1, ws.zProposeFinal, ws.pSharpFinalBeg, pSharpEnd, ws.rhoFinal, ws.pFinalBeg, pEnd,
      sign)) {
      return false;
    }
    const logWeightFinal = this.subtreeLogWeight;

    const logWeightSubtree = logSumExp(logWeightInit, logWeightFinal);
    this.subtreeLogWeight = logWeightSubtree;
    if (takeNewUniform(logWeightFinal, logWeightSubtree, this.uniform)) zPropose.copyFrom(ws.zProposeFinal);

    for (let i = 0; i < rho.length; i++) rho[i] += ws.rhoInit[i] + ws.rhoFinal[i];
    let persist = noUTurn(pSharpBeg, pSharpEnd, ws.rhoInit, ws.rhoFinal);
    persist = noUTurn(pSharpBeg, ws.pSharpFinalBeg, ws.rhoInit, ws.pFinalBeg) && persist;
    persist = noUTurn(ws.pSharpInitEnd, pSharpEnd, ws.rhoFinal, ws.pInitEnd) && persist;
    return persist;
  }
}
