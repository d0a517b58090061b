import * as path from 'node:path';
import type { CompiledModel, ModelFactoryRef } from '../types';
import { KERNELS, NEEDS_EXP, type CellStats } from '../families/kernels';
import { logPrior, type PriorDist } from '../priors/dists';
import type { PreparedModel } from './prepared';
import { findCells } from '../design/cells';

/**
 * The log density on the unconstrained space (brms's parameterisation):
 *   θ = [Intercept (centered)?, b_1..b_K, log sd_1..log sd_G, log shape|log sigma?, z_1.., z_G..]
 *   η_c = (Intercept − means·b) + Σ_t x_ct b_col(ct) + Σ_g sd_g z_g[level_cg]
 *   log p = Σ_cells family(η_c) + priors + Σ log-Jacobians (+u for each exp transform)
 *           − ½ Σ z²                                        (non-centered r = sd·z)
 * Gradients by hand; all scratch space is allocated once here, none per call.
 */
export function compileModel(payload: unknown): CompiledModel {
  const pm = payload as PreparedModel;
  if (!pm || pm.kind !== 'prepared-model' || pm.version !== 1) {
    throw new Error('compileModel: the payload is not a PreparedModel from prepareModel() (version 1)');
  }
  const L = pm.layout;
  const K = pm.termNames.length;
  const G = pm.groups.length;
  const cells = pm.cells;
  const C = cells.nCells;
  const T = cells.design.nTerms;
  const col = cells.design.col;
  const val = cells.design.val;
  const codes = cells.groupCodes;
  const means = pm.means;
  const kernel = KERNELS[pm.family];
  const nLevels = pm.groups.map((g) => g.levels.length);
  const zStart = Int32Array.from(L.z);
  const hasInt = L.intercept >= 0;
  const hasAux = L.logAux >= 0;
  // brms centers the design only when there is an intercept to absorb the shift.
  const center = hasInt ? means : new Float64Array(K);

  const bPriors: Array<{ k: number; dist: PriorDist }> = [];
  pm.priors.b.forEach((p, k) => {
    if (p.dist.dist !== 'flat') bPriors.push({ k, dist: p.dist });
  });
  const interceptPrior = pm.priors.intercept?.dist ?? null;
  const sdPriors = pm.priors.sd.map((p) => p.dist);
  const auxPrior = pm.priors.aux?.dist ?? null;

  const eta = new Float64Array(C);
  const gEta = new Float64Array(C);
  const sd = new Float64Array(G);
  const nZ = nLevels.reduce((a, b) => a + b, 0);
  const acc = new Float64Array(Math.max(1, nZ));
  const scratch = new Float64Array(1);
  const dPrior = new Float64Array(1);
  // Branch-free hot loops: a term that is zero in a cell (col = -1) points at a spare
  // coefficient slot K that always holds 0, and group codes become absolute indices
  // into one z vector. Built once per compiled model (a few bytes per cell).
  //
  // Population-level patterns: cells that differ only in their group levels share the
  // population part of η (with categorical predictors, a few hundred patterns can stand
  // for 10^5 cells), so the term lookups run once per pattern and each cell adds only
  // its group effects. Used when patterns are at most half the cells.
  const found = G > 0 ? findCells(cells.design, []) : null;
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
    totalN: pm.totals.n,
    histValues: pm.yHistogram.values,
    histCounts: pm.yHistogram.counts,
  };
  const etaPop = new Float64Array(P);
  const needsExp = NEEDS_EXP[pm.family];
  const ePop = new Float64Array(needsExp ? P : 0);
  const eR = new Float64Array(needsExp ? Math.max(1, nZ) : 0);
  const expEta = new Float64Array(needsExp ? C : 0);
  const gPop = new Float64Array(P);
  const zIdx = new Int32Array(C * G);
  for (let i = 0; i < C; i++) {
    const c = order[i];
    for (let g = 0; g < G; g++) zIdx[i * G + g] = zStart[g] - (G > 0 ? zStart[0] : 0) + codes[c * G + g];
  }
  const bWork = new Float64Array(K + 1);
  const gbWork = new Float64Array(K + 1);
  const rWork = new Float64Array(Math.max(1, nZ));
  const zGroup = new Int32Array(Math.max(1, nZ));
  for (let g = 0; g < G; g++) for (let l = 0; l < nLevels[g]; l++) zGroup[zStart[g] - zStart[0] + l] = g;
  // Per group: non-centered (θ holds z, r = sd·z; brms) or centered (θ holds r, r ~ N(0, sd)).
  const centered = Uint8Array.from(pm.groups, (_, g) => (L.centered?.[g] ? 1 : 0));
  const zScale = new Float64Array(Math.max(1, nZ)); // multiplier θ → r per level

  const logDensityGradient = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    const bOff = L.b;
    let alpha = hasInt ? theta[L.intercept] : 0;
    for (let k = 0; k < K; k++) {
      bWork[k] = theta[bOff + k];
      alpha -= center[k] * bWork[k];
    }
    bWork[K] = 0;
    for (let g = 0; g < G; g++) sd[g] = Math.exp(theta[L.logSd + g]);
    const z0 = G > 0 ? zStart[0] : 0;
    for (let j = 0; j < nZ; j++) {
      const g = zGroup[j];
      zScale[j] = centered[g] ? 1 : sd[g];
      rWork[j] = zScale[j] * theta[z0 + j];
    }
    for (let p = 0; p < P; p++) {
      let e = alpha;
      const base = p * T;
      for (let t = 0; t < T; t++) e += pVal[base + t] * bWork[colIdx[base + t]];
      etaPop[p] = e;
    }
    if (needsExp) {
      // e^η per cell as e^{population part} · Π_g e^{r_g}: P + nZ exponentials instead of
      // one per cell (exact up to rounding); exp(η) itself if the product overflows.
      for (let p = 0; p < P; p++) ePop[p] = Math.exp(etaPop[p]);
      for (let j = 0; j < nZ; j++) eR[j] = Math.exp(rWork[j]);
      if (G === 1) {
        for (let p = 0; p < P; p++) {
          const e0 = etaPop[p];
          const m0 = ePop[p];
          const end = runStart[p + 1];
          for (let c = runStart[p]; c < end; c++) {
            const j = zIdx[c];
            const e = e0 + rWork[j];
            const m = m0 * eR[j];
            eta[c] = e;
            expEta[c] = m < Infinity ? m : Math.exp(e);
          }
        }
      } else {
        for (let p = 0; p < P; p++) {
          const end = runStart[p + 1];
          for (let c = runStart[p]; c < end; c++) {
            let e = etaPop[p];
            let m = ePop[p];
            const gb = c * G;
            for (let g = 0; g < G; g++) {
              const j = zIdx[gb + g];
              e += rWork[j];
              m *= eR[j];
            }
            eta[c] = e;
            expEta[c] = m < Infinity ? m : Math.exp(e);
          }
        }
      }
    } else {
      for (let p = 0; p < P; p++) {
        const end = runStart[p + 1];
        for (let c = runStart[p]; c < end; c++) {
          let e = etaPop[p];
          const gb = c * G;
          for (let g = 0; g < G; g++) e += rWork[zIdx[gb + g]];
          eta[c] = e;
        }
      }
    }
    const u = hasAux ? theta[L.logAux] : 0;
    let lp = kernel(eta, expEta, gEta, stats, u, scratch);
    if (hasAux) grad[L.logAux] = scratch[0];

    // Back-propagate ∂/∂η to b (through the analytic centering), Intercept and z.
    let total = 0;
    acc.fill(0);
    gbWork.fill(0);
    for (let p = 0; p < P; p++) {
      const end = runStart[p + 1];
      let sp = 0;
      if (G === 1) {
        for (let c = runStart[p]; c < end; c++) {
          const ge = gEta[c];
          sp += ge;
          acc[zIdx[c]] += ge;
        }
      } else {
        for (let c = runStart[p]; c < end; c++) {
          const ge = gEta[c];
          sp += ge;
          const gb = c * G;
          for (let g = 0; g < G; g++) acc[zIdx[gb + g]] += ge;
        }
      }
      gPop[p] = sp;
      total += sp;
    }
    for (let p = 0; p < P; p++) {
      const gp = gPop[p];
      const base = p * T;
      for (let t = 0; t < T; t++) gbWork[colIdx[base + t]] += pVal[base + t] * gp;
    }
    for (let k = 0; k < K; k++) grad[bOff + k] = gbWork[k];
    if (hasInt) grad[L.intercept] = total;
    for (let k = 0; k < K; k++) grad[bOff + k] -= center[k] * total;
    for (let g = 0; g < G; g++) {
      const zg = zStart[g];
      const a0 = zg - z0;
      const v = theta[L.logSd + g];
      let dLogSd = 0;
      if (centered[g]) {
        // r ~ normal(0, sd): −L·log sd − Σ r² / (2 sd²); ∂/∂v = −L + Σ r² / sd².
        const inv2 = 1 / (sd[g] * sd[g]);
        let ss = 0;
        for (let l = 0; l < nLevels[g]; l++) {
          const r = theta[zg + l];
          ss += r * r;
          grad[zg + l] = acc[a0 + l] - r * inv2;
        }
        lp -= nLevels[g] * v + 0.5 * ss * inv2;
        dLogSd = -nLevels[g] + ss * inv2;
      } else {
        // r = sd·z, z ~ std_normal(): ∂/∂v of the likelihood is sd·Σ_l acc_l z_l.
        for (let l = 0; l < nLevels[g]; l++) {
          const z = theta[zg + l];
          dLogSd += sd[g] * acc[a0 + l] * z;
          grad[zg + l] = sd[g] * acc[a0 + l] - z;
          lp -= 0.5 * z * z;
        }
      }
      // sd = e^v: prior on sd, chain rule ×sd, log-Jacobian +v.
      lp += logPrior(sdPriors[g], sd[g], dPrior) + v;
      grad[L.logSd + g] = dLogSd + dPrior[0] * sd[g] + 1;
    }
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
      const a = Math.exp(u);
      lp += logPrior(auxPrior, a, dPrior) + u;
      grad[L.logAux] += dPrior[0] * a + 1;
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
    for (let g = 0; g < G; g++) {
      const s = Math.exp(theta[L.logSd + g]);
      out[o.sd + g] = s;
      const m = centered[g] ? 1 : s;
      for (let l = 0; l < nLevels[g]; l++) out[o.r[g] + l] = m * theta[zStart[g] + l];
    }
    if (hasAux) out[o.aux] = Math.exp(theta[L.logAux]);
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
