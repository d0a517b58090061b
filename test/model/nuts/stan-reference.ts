/**
 * A literal, allocation-happy transliteration of Stan's base_nuts transition and
 * build_tree (stan-dev/stan src/stan/mcmc/hmc/nuts/base_nuts.hpp, read not copied: Stan's
 * structure and names, per-node multinomial merges, V = −log p and g = ∇V as Stan keeps
 * them). It shares no code with src/model/nuts except the RNG, so the optimised sampler can
 * be checked against it in distribution (the random draws are consumed in another order).
 */
import type { LogDensity } from '../../../src/model/types';
import type { Rng } from '../../../src/util/rng';

type Vec = Float64Array;

interface Point {
  q: Vec;
  p: Vec;
  V: number;
  g: Vec;
}

const clone = (z: Point): Point => ({ q: z.q.slice(), p: z.p.slice(), V: z.V, g: z.g.slice() });
const add = (a: Vec, b: Vec): Vec => a.map((x, i) => x + b[i]);

function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** Ends and summed momentum of a (sub)tree, passed by reference as Stan does. */
interface Ends {
  pSharpBeg: Vec;
  pSharpEnd: Vec;
  rho: Vec;
  pBeg: Vec;
  pEnd: Vec;
}

export class StanReferenceNuts {
  nLeapfrog = 0;
  divergent = false;
  depth = 0;
  acceptStat = 0;
  private z!: Point;
  private sumMetroProb = 0;

  constructor(
    private readonly model: LogDensity,
    private readonly rng: Rng,
    private readonly epsilon: number,
    private readonly invMetric: Vec,
    private readonly maxDepth = 10,
  ) {}

  private updatePotentialGradient(z: Point): void {
    const g = new Float64Array(z.q.length);
    z.V = -this.model.logDensityGradient(z.q, g);
    z.g = g.map((x) => -x);
  }

  private H(z: Point): number {
    let t = 0;
    for (let i = 0; i < z.p.length; i++) t += z.p[i] * this.invMetric[i] * z.p[i];
    return 0.5 * t + z.V;
  }

  private dtauDp(z: Point): Vec {
    return z.p.map((p, i) => this.invMetric[i] * p);
  }

  private evolve(z: Point, eps: number): void {
    for (let i = 0; i < z.p.length; i++) z.p[i] -= 0.5 * eps * z.g[i];
    const v = this.dtauDp(z);
    for (let i = 0; i < z.q.length; i++) z.q[i] += eps * v[i];
    this.updatePotentialGradient(z);
    for (let i = 0; i < z.p.length; i++) z.p[i] -= 0.5 * eps * z.g[i];
  }

  private criterion(pSharpMinus: Vec, pSharpPlus: Vec, rho: Vec): boolean {
    let a = 0;
    let b = 0;
    for (let i = 0; i < rho.length; i++) {
      a += pSharpPlus[i] * rho[i];
      b += pSharpMinus[i] * rho[i];
    }
    return a > 0 && b > 0;
  }

  /** One transition from q; returns the new position. */
  transition(q: Vec): Vec {
    const n = q.length;
    this.z = { q: q.slice(), p: new Float64Array(n), V: 0, g: new Float64Array(n) };
    for (let i = 0; i < n; i++) this.z.p[i] = this.rng.normal() / Math.sqrt(this.invMetric[i]);
    this.updatePotentialGradient(this.z);

    let zFwd = clone(this.z);
    let zBck = clone(this.z);
    let zSample = clone(this.z);
    const zPropose = { v: clone(this.z) };
    const fwd: Ends = {
      pSharpBeg: this.dtauDp(this.z),
      pSharpEnd: this.dtauDp(this.z),
      rho: new Float64Array(n),
      pBeg: this.z.p.slice(),
      pEnd: this.z.p.slice(),
    };
    const bck: Ends = {
      pSharpBeg: this.dtauDp(this.z),
      pSharpEnd: this.dtauDp(this.z),
      rho: new Float64Array(n),
      pBeg: this.z.p.slice(),
      pEnd: this.z.p.slice(),
    };
    // fwd.pBeg = p_fwd_bck, fwd.pEnd = p_fwd_fwd; bck.pBeg = p_bck_fwd, bck.pEnd = p_bck_bck.
    let rho: Vec = this.z.p.slice();
    let logSumWeight = 0;
    const H0 = this.H(this.z);
    this.nLeapfrog = 0;
    this.sumMetroProb = 0;
    this.depth = 0;
    this.divergent = false;

    while (this.depth < this.maxDepth) {
      const lswSubtree = { v: -Infinity };
      let valid: boolean;
      if (this.rng.uniform() > 0.5) {
        this.z = clone(zFwd);
        bck.rho = rho.slice();
        bck.pBeg = fwd.pEnd.slice();
        bck.pSharpBeg = fwd.pSharpEnd.slice();
        fwd.rho = new Float64Array(n);
        valid = this.buildTree(this.depth, zPropose, fwd, H0, 1, lswSubtree);
        zFwd = clone(this.z);
      } else {
        this.z = clone(zBck);
        fwd.rho = rho.slice();
        fwd.pBeg = bck.pEnd.slice();
        fwd.pSharpBeg = bck.pSharpEnd.slice();
        bck.rho = new Float64Array(n);
        valid = this.buildTree(this.depth, zPropose, bck, H0, -1, lswSubtree);
        zBck = clone(this.z);
      }
      if (!valid) break;
      this.depth++;
      if (lswSubtree.v > logSumWeight) zSample = clone(zPropose.v);
      else if (this.rng.uniform() < Math.exp(lswSubtree.v - logSumWeight)) zSample = clone(zPropose.v);
      logSumWeight = logSumExp(logSumWeight, lswSubtree.v);
      rho = add(bck.rho, fwd.rho);
      let persist = this.criterion(bck.pSharpEnd, fwd.pSharpEnd, rho);
      persist = this.criterion(bck.pSharpEnd, fwd.pSharpBeg, add(bck.rho, fwd.pBeg)) && persist;
      persist = this.criterion(bck.pSharpBeg, fwd.pSharpEnd, add(fwd.rho, bck.pBeg)) && persist;
      if (!persist) break;
    }
    this.acceptStat = this.sumMetroProb / this.nLeapfrog;
    return zSample.q;
  }

  private buildTree(
    depth: number,
    zPropose: { v: Point },
    e: Ends,
    H0: number,
    sign: number,
    lsw: { v: number },
  ): boolean {
    if (depth === 0) {
      this.evolve(this.z, sign * this.epsilon);
      this.nLeapfrog++;
      let h = this.H(this.z);
      if (Number.isNaN(h)) h = Infinity;
      if (h - H0 > 1000) this.divergent = true;
      lsw.v = logSumExp(lsw.v, H0 - h);
      this.sumMetroProb += H0 - h > 0 ? 1 : Math.exp(H0 - h);
      zPropose.v = clone(this.z);
      e.pSharpBeg = this.dtauDp(this.z);
      e.pSharpEnd = e.pSharpBeg.slice();
      e.rho = add(e.rho, this.z.p);
      e.pBeg = this.z.p.slice();
      e.pEnd = e.pBeg.slice();
      return !this.divergent;
    }
    const n = e.rho.length;
    const init: Ends = {
      pSharpBeg: e.pSharpBeg,
      pSharpEnd: new Float64Array(n),
      rho: new Float64Array(n),
      pBeg: e.pBeg,
      pEnd: new Float64Array(n),
    };
    const lswInit = { v: -Infinity };
    if (!this.buildTree(depth - 1, zPropose, init, H0, sign, lswInit)) return false;
    e.pSharpBeg = init.pSharpBeg;
    e.pBeg = init.pBeg;
    const zProposeFinal = { v: clone(this.z) };
    const fin: Ends = {
      pSharpBeg: new Float64Array(n),
      pSharpEnd: e.pSharpEnd,
      rho: new Float64Array(n),
      pBeg: new Float64Array(n),
      pEnd: e.pEnd,
    };
    const lswFinal = { v: -Infinity };
    if (!this.buildTree(depth - 1, zProposeFinal, fin, H0, sign, lswFinal)) return false;
    e.pSharpEnd = fin.pSharpEnd;
    e.pEnd = fin.pEnd;
    const lswSubtree = logSumExp(lswInit.v, lswFinal.v);
    lsw.v = logSumExp(lsw.v, lswSubtree);
    if (lswFinal.v > lswSubtree) zPropose.v = zProposeFinal.v;
    else if (this.rng.uniform() < Math.exp(lswFinal.v - lswSubtree)) zPropose.v = zProposeFinal.v;
    const rhoSubtree = add(init.rho, fin.rho);
    e.rho = add(e.rho, rhoSubtree);
    let persist = this.criterion(e.pSharpBeg, e.pSharpEnd, rhoSubtree);
    persist = this.criterion(e.pSharpBeg, fin.pSharpBeg, add(init.rho, fin.pBeg)) && persist;
    persist = this.criterion(init.pSharpEnd, e.pSharpEnd, add(fin.rho, init.pEnd)) && persist;
    return persist;
  }
}
