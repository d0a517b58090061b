import * as path from 'node:path';
import type { CompiledModel, ModelFactoryRef } from '../types';
import { KERNELS, NEEDS_EXP, type CellStats } from '../families/kernels';
import { logPrior, type PriorDist } from '../priors/dists';
import type { PreparedModel } from './prepared';
import { findCells } from '../design/cells';
import { blockConstrain, blockForward, blockGradient, blockState, type BlockState } from './blocks';
import { fusedKernel, type FusedKernel } from './fused';

export interface CompileOptions {
  /**
   * Use the fused single-pass loop for one random intercept with a Poisson or negative
   * binomial response (density/fused.ts; default true). The general path computes the
   * same numbers; tests compare the two.
   */
  fused?: boolean;
}

/**
 * The log density on the unconstrained space (brms's parameterisation, layout in
 * density/prepared.ts):
 *   η_c = (Intercept − means·b) + Σ_t x_ct b_col(ct) + Σ_terms Σ_m Z_cm r_term[level_c, m]
 *   log p = Σ_cells family(η_c) + priors + Σ log-Jacobians + group-level densities
 * with r from each term's θ block (density/blocks.ts). Gradients by hand; all scratch space
 * is allocated once here, none per call.
 */
export function compileModel(payload: unknown, options: CompileOptions = {}): CompiledModel {
  const pm = payload as PreparedModel;
  if (!pm || pm.kind !== 'prepared-model' || pm.version !== 2) {
    throw new Error('compileModel: the payload is not a PreparedModel from prepareModel() (version 2)');
  }
  const L = pm.layout;
  const K = pm.termNames.length;
  const cells = pm.cells;
  const C = cells.nCells;
  const T = cells.design.nTerms;
  const col = cells.design.col;
  const val = cells.design.val;
  const G = cells.nGroups;
  const codes = cells.groupCodes;
  const means = pm.means;
  const kernel = KERNELS[pm.family];
  const hasInt = L.intercept >= 0;
  const hasAux = L.logAux >= 0;
  const hasMix = L.logitMix >= 0;
  // brms centers the design only when there is an intercept to absorb the shift.
  const center = hasInt ? means : new Float64Array(K);

  const bPriors: Array<{ k: number; dist: PriorDist }> = [];
  pm.priors.b.forEach((p, k) => {
    if (p.dist.dist !== 'flat') bPriors.push({ k, dist: p.dist });
  });
  const interceptPrior = pm.priors.intercept?.dist ?? null;
  const auxPrior = pm.priors.aux?.dist ?? null;
  const mixPrior = pm.priors.mix?.dist ?? null;

  // Group-level terms: one r vector (terms in order, each level-major J × M).
  const blocks: BlockState[] = [];
  let nR = 0;
  let sdAt = 0;
  pm.terms.forEach((t, b) => {
    const bl = L.blocks[b];
    const cor = pm.priors.cor[b];
    const eta = cor ? (cor.dist.args as number[])[0] : 1;
    const sdPriors = pm.priors.sd.slice(sdAt, sdAt + bl.coefs).map((p) => p.dist);
    sdAt += bl.coefs;
    blocks.push(blockState(bl, L.centered[b], t.correlated, eta, sdPriors, nR));
    nR += bl.levels * bl.coefs;
  });
  // Group columns: one per (term, coefficient); an intercept column has Z = 1.
  const gcols: Array<{ term: number; coef: number; slope: number }> = [];
  pm.terms.forEach((t, b) => {
    for (let m = 0; m < t.coefs.length; m++) {
      const isIntercept = t.intercept && m === 0;
      gcols.push({ term: b, coef: m, slope: isIntercept ? -1 : t.slopeOffset + m - (t.intercept ? 1 : 0) });
    }
  });
  const NG = gcols.length;
  const allIntercept = gcols.every((g) => g.slope < 0);

  // Population-level patterns: cells that differ only in their group levels (and slopes)
  // share the population part of η (with categorical predictors, a few hundred patterns can
  // stand for 10^5 cells), so the term lookups run once per pattern and each cell adds
  // only its group effects. Used when patterns are at most half the cells. A term that is
  // zero in a cell (col = −1) points at a spare coefficient slot K that always holds 0.
  const found = NG > 0 ? findCells(cells.design, []) : null;
  const usePatterns = found !== null && found.nCells <= 0.5 * C;
  const P = usePatterns && found ? found.nCells : C;
  const patOf = usePatterns && found ? found.rowCell : Int32Array.from({ length: C }, (_, c) => c);
  const colIdx = new Int32Array(P * T);
  const pVal = new Float64Array(P * T);
  for (let p = 0; p < P; p++) {
    const src = usePatterns && found ? found.firstRow[p] : p;
    for (let t = 0; t < T; t++) {
      const k = col[src * T + t];
      colIdx[p * T + t] = k >= 0 ? k : K;
      pVal[p * T + t] = val[src * T + t];
    }
  }
  // Cells in pattern order: each pattern's cells form one contiguous run, so the hot loops
  // read the population part once per run and sum ∂/∂η per run in a register instead of
  // an indirect scatter per cell. Per-cell statistics are permuted copies (a few MB at
  // study scale, per worker); the kernel sees cells in run order.
  const runStart = new Int32Array(P + 1);
  for (let c = 0; c < C; c++) runStart[patOf[c] + 1] += 1;
  for (let p = 0; p < P; p++) runStart[p + 1] += runStart[p];
  const order = new Int32Array(C);
  {
    const next = runStart.slice(0, P);
    for (let c = 0; c < C; c++) order[next[patOf[c]]++] = c;
  }
  const permute = (a: Float64Array): Float64Array =>
    a.length === 0 ? a : Float64Array.from(order, (c) => a[c]);
  const stats: CellStats = {
    nCells: C,
    n: permute(cells.n),
    sumY: permute(cells.sumY),
    ssY: permute(cells.ssY),
    n0: permute(cells.n0),
    totalN: pm.totals.n,
    histValues: pm.yHistogram.values,
    histCounts: pm.yHistogram.counts,
  };
  // Per cell (run order) and group column: the index into r and, with slopes, Z.
  const gIdx = new Int32Array(C * NG);
  const gVal = new Float64Array(allIntercept ? 0 : C * NG);
  for (let i = 0; i < C; i++) {
    const c = order[i];
    for (let k = 0; k < NG; k++) {
      const gc = gcols[k];
      const t = pm.terms[gc.term];
      gIdx[i * NG + k] = blocks[gc.term].rStart + codes[c * G + t.group] * t.coefs.length + gc.coef;
      if (!allIntercept) gVal[i * NG + k] = gc.slope < 0 ? 1 : cells.slopes[c * cells.nSlopes + gc.slope];
    }
  }

  const eta = new Float64Array(C);
  const gEta = new Float64Array(C);
  const needsExp = NEEDS_EXP[pm.family];
  const expEta = new Float64Array(needsExp ? C : 0);
  const etaPop = new Float64Array(P);
  const ePop = new Float64Array(needsExp ? P : 0);
  const gPop = new Float64Array(P);
  const r = new Float64Array(Math.max(1, nR));
  const eR = new Float64Array(needsExp && allIntercept ? Math.max(1, nR) : 0);
  const acc = new Float64Array(Math.max(1, nR));
  const bWork = new Float64Array(K + 1);
  const gbWork = new Float64Array(K + 1);
  const scratch = new Float64Array(2);
  const dPrior = new Float64Array(1);
  const fused: FusedKernel | null =
    options.fused !== false && allIntercept && NG === 1 ? fusedKernel(pm.family) : null;

  /** η and e^η per cell from the population part and r (the general path). */
  const linearPredictors = (): void => {
    if (allIntercept && needsExp) {
      // e^η per cell as e^{population part} · Π e^{r}: P + nR exponentials instead of one
      // per cell (exact up to rounding); exp(η) itself if the product overflows.
      for (let p = 0; p < P; p++) ePop[p] = Math.exp(etaPop[p]);
      for (let j = 0; j < nR; j++) eR[j] = Math.exp(r[j]);
      for (let p = 0; p < P; p++) {
        const end = runStart[p + 1];
        for (let c = runStart[p]; c < end; c++) {
          let e = etaPop[p];
          let m = ePop[p];
          const gb = c * NG;
          for (let k = 0; k < NG; k++) {
            const j = gIdx[gb + k];
            e += r[j];
            m *= eR[j];
          }
          eta[c] = e;
          expEta[c] = m < Infinity ? m : Math.exp(e);
        }
      }
      return;
    }
    for (let p = 0; p < P; p++) {
      const end = runStart[p + 1];
      for (let c = runStart[p]; c < end; c++) {
        let e = etaPop[p];
        const gb = c * NG;
        if (allIntercept) for (let k = 0; k < NG; k++) e += r[gIdx[gb + k]];
        else for (let k = 0; k < NG; k++) e += gVal[gb + k] * r[gIdx[gb + k]];
        eta[c] = e;
        if (needsExp) expEta[c] = Math.exp(e);
      }
    }
  };

  /** ∂/∂η per cell → per pattern (gPop) and per r entry (acc). */
  const backPropagate = (): void => {
    for (let p = 0; p < P; p++) {
      const end = runStart[p + 1];
      let sp = 0;
      for (let c = runStart[p]; c < end; c++) {
        const ge = gEta[c];
        sp += ge;
        const gb = c * NG;
        if (allIntercept) for (let k = 0; k < NG; k++) acc[gIdx[gb + k]] += ge;
        else for (let k = 0; k < NG; k++) acc[gIdx[gb + k]] += ge * gVal[gb + k];
      }
      gPop[p] = sp;
    }
  };

  const logDensityGradient = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    const bOff = L.b;
    let alpha = hasInt ? theta[L.intercept] : 0;
    for (let k = 0; k < K; k++) {
      bWork[k] = theta[bOff + k];
      alpha -= center[k] * bWork[k];
    }
    bWork[K] = 0;
    for (let b = 0; b < blocks.length; b++) blockForward(blocks[b], theta, r);
    for (let p = 0; p < P; p++) {
      let e = alpha;
      const base = p * T;
      for (let t = 0; t < T; t++) e += pVal[base + t] * bWork[colIdx[base + t]];
      etaPop[p] = e;
    }
    const u = hasAux ? theta[L.logAux] : 0;
    const v = hasMix ? theta[L.logitMix] : 0;
    acc.fill(0);
    scratch[0] = 0;
    scratch[1] = 0;
    let lp: number;
    if (fused) {
      lp = fused(P, runStart, etaPop, r, gIdx, stats, u, acc, gPop, scratch);
    } else {
      linearPredictors();
      lp = kernel(eta, expEta, gEta, stats, u, scratch, v);
      backPropagate();
    }
    if (hasAux) grad[L.logAux] = scratch[0];
    if (hasMix) grad[L.logitMix] = scratch[1];

    // Back-propagate to b (through the analytic centering) and the Intercept.
    let total = 0;
    gbWork.fill(0);
    for (let p = 0; p < P; p++) {
      const gp = gPop[p];
      total += gp;
      const base = p * T;
      for (let t = 0; t < T; t++) gbWork[colIdx[base + t]] += pVal[base + t] * gp;
    }
    for (let k = 0; k < K; k++) grad[bOff + k] = gbWork[k] - center[k] * total;
    if (hasInt) grad[L.intercept] = total;
    for (let b = 0; b < blocks.length; b++) lp += blockGradient(blocks[b], theta, acc, grad);
    if (hasInt && interceptPrior) {
      lp += logPrior(interceptPrior, theta[L.intercept], dPrior);
      grad[L.intercept] += dPrior[0];
    }
    for (let j = 0; j < bPriors.length; j++) {
      const k = bPriors[j].k;
      lp += logPrior(bPriors[j].dist, theta[bOff + k], dPrior);
      grad[bOff + k] += dPrior[0];
    }
    if (hasAux && auxPrior) {
      // aux = e^u: prior, chain rule ×aux, log-Jacobian +u.
      const a = Math.exp(u);
      lp += logPrior(auxPrior, a, dPrior) + u;
      grad[L.logAux] += dPrior[0] * a + 1;
    }
    if (hasMix && mixPrior) {
      // zi = σ(v): prior, chain rule ×zi(1 − zi), log-Jacobian log zi + log(1 − zi).
      const q = 1 / (1 + Math.exp(-v));
      const lq = v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v));
      lp += logPrior(mixPrior, q, dPrior) + lq + (lq - v);
      grad[L.logitMix] += dPrior[0] * q * (1 - q) + 1 - 2 * q;
    }
    return lp;
  };

  const constrain = (theta: Float64Array, out: Float64Array): void => {
    const o = L.out;
    let b0 = hasInt ? theta[L.intercept] : 0;
    for (let k = 0; k < K; k++) {
      const b = theta[L.b + k];
      out[o.b + k] = b;
      b0 -= means[k] * b;
    }
    if (hasInt) out[o.intercept] = b0;
    for (let b = 0; b < blocks.length; b++) blockConstrain(blocks[b], theta, r, out);
    if (hasAux) out[o.aux] = Math.exp(theta[L.logAux]);
    if (hasMix) out[o.mix] = 1 / (1 + Math.exp(-theta[L.logitMix]));
  };

  return {
    dim: L.dim,
    unconstrainedNames: pm.unconstrainedNames,
    outputNames: pm.outputNames,
    logDensityGradient,
    constrain,
  };
}

/** Absolute path of this module's compiled JS, for worker threads to `require`. */
export function densityModulePath(): string {
  return path.join(__dirname, 'index.js');
}

/** The worker factory for a prepared model: `require(module).compileModel(payload)`. */
export function modelFactory(prepared: PreparedModel): ModelFactoryRef {
  return { module: densityModulePath(), exportName: 'compileModel', payload: prepared };
}
