/**
 * PSIS-LOO (Vehtari, Gelman & Gabry 2017, "Practical Bayesian model evaluation using
 * leave-one-out cross-validation and WAIC", Statistics and Computing 27:1413–1432), per
 * observation and as the loo package reports it: elpd_loo, p_loo and looic with standard
 * errors, the Monte Carlo SE of elpd_loo (Vehtari et al. 2024, eq. 6), Pareto k with its
 * sample-size dependent threshold, PSIS effective sample sizes.
 *
 * With compressed cells (docs/model-engine.md, "Exact compression"), rows of a cell that also
 * share their response have the same pointwise log-likelihood draws, so they are one unit
 * computed once and counted with their number of rows: sums, standard errors and the k table
 * are over the N observations, memory over units × a block of draws is never N × S.
 */
import { cellView, designEta, type PreparedModel } from '../density';
import type { ChainResult } from '../types';
import { fillYConstants, logLik, type DrawState } from './loglik';
import { kThreshold, psisInPlace, PsisWorkspace } from './psis';
import { RelativeEfficiency } from './relative-eff';

export interface LooSource {
  prepared: PreparedModel;
  chains: readonly ChainResult[];
}

export interface Estimate {
  estimate: number;
  se: number;
}

export interface ParetoKRow {
  /** As loo prints it, e.g. "(-Inf, 0.7]". */
  range: string;
  label: 'good' | 'bad' | 'very bad';
  count: number;
  proportion: number;
  /** Smallest PSIS ESS among the observations of the row; null when there are none or k is too high. */
  minEss: number | null;
}

export interface LooResult {
  /** Posterior draws S and observations N (loo's "Computed from S by N log-likelihood matrix"). */
  draws: number;
  observations: number;
  elpd_loo: Estimate;
  p_loo: Estimate;
  looic: Estimate;
  /** Monte Carlo SE of elpd_loo; NaN when some k exceeds the threshold (loo prints NA). */
  mcse_elpd_loo: number;
  kThreshold: number;
  paretoK: ParetoKRow[];
  /** Observations with k above the threshold. */
  highK: number;
  rEff: { min: number; max: number };
  /** In words, with what to do, when some k are too high. */
  warnings: string[];
  /** Per unit (rows of a cell with the same y) and which unit each row is. */
  pointwise: {
    elpd: Float64Array;
    p: Float64Array;
    mcse: Float64Array;
    k: Float64Array;
    ess: Float64Array;
    rEff: Float64Array;
    rows: Float64Array;
  };
  rowUnit: Int32Array;
}

/** Rows of a cell with the same response form one unit. */
interface Units {
  n: number;
  cell: Int32Array;
  y: Float64Array;
  yIndex: Int32Array;
  rows: Float64Array;
  rowUnit: Int32Array;
  /** Units of cell c are cellStart[c] … cellStart[c + 1] − 1. */
  cellStart: Int32Array;
  yValues: Float64Array;
}

function buildUnits(pm: PreparedModel): Units {
  const N = pm.nRows;
  const y = pm.response.values;
  const rowCell = pm.cells.rowCell;
  const C = pm.cells.nCells;
  const yMap = new Map<number, number>();
  const yValues: number[] = [];
  const yIdx = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    let k = yMap.get(y[i]);
    if (k === undefined) {
      k = yValues.length;
      yMap.set(y[i], k);
      yValues.push(y[i]);
    }
    yIdx[i] = k;
  }
  const nY = yValues.length;
  const key = new Map<number, number>();
  const rowUnit = new Int32Array(N);
  const cellOf: number[] = [];
  const yOf: number[] = [];
  const yIndexOf: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < N; i++) {
    const kk = rowCell[i] * nY + yIdx[i];
    let u = key.get(kk);
    if (u === undefined) {
      u = cellOf.length;
      key.set(kk, u);
      cellOf.push(rowCell[i]);
      yOf.push(y[i]);
      yIndexOf.push(yIdx[i]);
      count.push(0);
    }
    count[u] += 1;
    rowUnit[i] = u;
  }
  // Renumber units cell by cell so a block of cells is a contiguous run of units.
  const U = cellOf.length;
  const cellStart = new Int32Array(C + 1);
  for (let u = 0; u < U; u++) cellStart[cellOf[u] + 1] += 1;
  for (let c = 0; c < C; c++) cellStart[c + 1] += cellStart[c];
  const next = cellStart.slice(0, C);
  const renum = new Int32Array(U);
  for (let u = 0; u < U; u++) renum[u] = next[cellOf[u]]++;
  const out: Units = {
    n: U,
    cell: new Int32Array(U),
    y: new Float64Array(U),
    yIndex: new Int32Array(U),
    rows: new Float64Array(U),
    rowUnit,
    cellStart,
    yValues: Float64Array.from(yValues),
  };
  for (let u = 0; u < U; u++) {
    const v = renum[u];
    out.cell[v] = cellOf[u];
    out.y[v] = yOf[u];
    out.yIndex[v] = yIndexOf[u];
    out.rows[v] = count[u];
  }
  for (let i = 0; i < N; i++) rowUnit[i] = renum[rowUnit[i]];
  return out;
}

/** Doubles held for one block of units' draws (16 MB). */
const BLOCK_DOUBLES = 1 << 21;

/** PSIS-LOO of a fit (its prepared model and chains). */
export function loo(src: LooSource): LooResult {
  const pm = src.prepared;
  const chains = src.chains;
  const nChains = chains.length;
  const n = chains[0].nDraws;
  for (const c of chains) {
    if (c.nDraws !== n) throw new Error('loo: every chain must have the same number of draws');
  }
  const S = nChains * n;
  const P = pm.layout.nOutputs;
  const o = pm.layout.out;
  const units = buildUnits(pm);
  const U = units.n;
  const C = pm.cells.nCells;

  // Per draw: aux, the mixing probability's logs and the per-y constants.
  const nY = units.yValues.length;
  const draws: DrawState[] = [];
  const yConst = new Float64Array(S * nY);
  for (let c = 0, s = 0; c < nChains; c++) {
    const d = chains[c].draws;
    for (let i = 0; i < n; i++, s++) {
      const aux = o.aux >= 0 ? d[i * P + o.aux] : NaN;
      const mix = o.mix >= 0 ? d[i * P + o.mix] : NaN;
      const yc = yConst.subarray(s * nY, (s + 1) * nY);
      fillYConstants(pm.family, units.yValues, aux, yc);
      draws.push({ aux, logMix: Math.log(mix), log1mMix: Math.log1p(-mix), yConst: yc });
    }
  }

  const view = cellView(pm);
  const out = pointwiseArrays(U, units.rows);
  const work = new UnitWork(nChains, n);

  const blockUnits = Math.max(1, Math.floor(BLOCK_DOUBLES / S));
  const ll = new Float64Array(blockUnits * S);
  let etaBuf = new Float64Array(64);
  let c0 = 0;
  while (c0 < C) {
    // A run of whole cells with at most blockUnits units (a cell with more gets a block to itself).
    let c1 = c0 + 1;
    while (c1 < C && units.cellStart[c1 + 1] - units.cellStart[c0] <= blockUnits) c1++;
    const u0 = units.cellStart[c0];
    const u1 = units.cellStart[c1];
    const cellsHere = c1 - c0;
    if (etaBuf.length < cellsHere) etaBuf = new Float64Array(cellsHere);
    const llBlock = u1 - u0 <= blockUnits ? ll : new Float64Array((u1 - u0) * S);
    for (let c = 0, s = 0; c < nChains; c++) {
      const d = chains[c].draws;
      for (let i = 0; i < n; i++, s++) {
        designEta(pm, view, d.subarray(i * P, (i + 1) * P), c0, c1, etaBuf);
        const st = draws[s];
        for (let u = u0; u < u1; u++) {
          llBlock[(u - u0) * S + s] = logLik(
            pm.family,
            units.y[u],
            etaBuf[units.cell[u] - c0],
            st,
            units.yIndex[u],
          );
        }
      }
    }
    for (let u = u0; u < u1; u++) {
      looUnit(llBlock.subarray((u - u0) * S, (u - u0 + 1) * S), u, work, out);
    }
    c0 = c1;
  }
  return summarise(S, pm.nRows, U, out, units.rowUnit);
}

type Pointwise = LooResult['pointwise'];

function pointwiseArrays(U: number, rows: Float64Array): Pointwise {
  return {
    elpd: new Float64Array(U),
    p: new Float64Array(U),
    mcse: new Float64Array(U),
    k: new Float64Array(U),
    ess: new Float64Array(U),
    rEff: new Float64Array(U),
    rows,
  };
}

/** Scratch of looUnit for S = chains × n draws. */
class UnitWork {
  readonly S: number;
  readonly ws: PsisWorkspace;
  readonly reff: RelativeEfficiency;
  readonly lik: Float64Array;
  readonly lw: Float64Array;
  constructor(chains: number, n: number) {
    this.S = chains * n;
    this.ws = new PsisWorkspace(this.S);
    this.reff = new RelativeEfficiency(chains, n);
    this.lik = new Float64Array(this.S);
    this.lw = new Float64Array(this.S);
  }
}

/**
 * One observation's log-likelihood draws (chains after one another) → its elpd_loo, p_loo,
 * MCSE, Pareto k, PSIS ESS and r_eff, as loo's pointwise_loo_calcs.
 */
function looUnit(row: Float64Array, u: number, w: UnitWork, out: Pointwise): void {
  const { S, lik, lw } = w;
  let max = -Infinity;
  for (let s = 0; s < S; s++) if (row[s] > max) max = row[s];
  for (let s = 0; s < S; s++) lik[s] = Math.exp(row[s] - max);
  let r = w.reff.of(lik);
  // loo uses r_eff = 1 where it cannot be estimated (e.g. identical draws).
  if (!Number.isFinite(r)) r = 1;
  out.rEff[u] = r;
  for (let s = 0; s < S; s++) lw[s] = -row[s];
  const k = psisInPlace(lw, r, w.ws);
  // elpd_i = log Σ w_s p_s; lpd_i = log mean p_s (both relative to max, added back).
  let se = 0;
  let sp = 0;
  let w2 = 0;
  for (let s = 0; s < S; s++) {
    const ws = Math.exp(lw[s]);
    se += ws * lik[s];
    sp += lik[s];
    w2 += ws * ws;
  }
  const elpdU = max + Math.log(se);
  out.elpd[u] = elpdU;
  out.p[u] = max + Math.log(sp / S) - elpdU;
  // Vehtari et al. (2024) eq. 6, then the log-normal approximation for the log scale.
  let v = 0;
  for (let s = 0; s < S; s++) {
    const ws = Math.exp(lw[s]);
    v += ws * ws * (lik[s] - se) ** 2;
  }
  v /= r;
  out.mcse[u] = Math.sqrt(Math.log1p(v / (se * se)));
  out.k[u] = k;
  out.ess[u] = (1 / w2) * r;
}

/**
 * PSIS-LOO from a log-likelihood matrix: `ll[i]` holds observation i's draws, chains after one
 * another (`chains` × `n`), as loo::loo(x, r_eff) with r_eff from the draws.
 */
export function looMatrix(ll: readonly Float64Array[], chains: number, n: number): LooResult {
  const N = ll.length;
  const out = pointwiseArrays(N, new Float64Array(N).fill(1));
  const work = new UnitWork(chains, n);
  const row = new Float64Array(chains * n);
  for (let i = 0; i < N; i++) {
    row.set(ll[i]);
    looUnit(row, i, work, out);
  }
  return summarise(
    chains * n,
    N,
    N,
    out,
    Int32Array.from({ length: N }, (_, i) => i),
  );
}

function summarise(S: number, N: number, U: number, pw: Pointwise, rowUnit: Int32Array): LooResult {
  const rEffs = pw.rEff;
  const total = (x: Float64Array): Estimate => {
    let sum = 0;
    for (let u = 0; u < U; u++) sum += pw.rows[u] * x[u];
    const mean = sum / N;
    let ss = 0;
    for (let u = 0; u < U; u++) ss += pw.rows[u] * (x[u] - mean) ** 2;
    return { estimate: sum, se: N > 1 ? Math.sqrt((N * ss) / (N - 1)) : NaN };
  };
  const elpdLoo = total(pw.elpd);
  const pLoo = total(pw.p);
  const threshold = kThreshold(S);
  let highK = 0;
  let mc = 0;
  const counts = [0, 0, 0];
  const minEss = [Infinity, Infinity, Infinity];
  let rMin = Infinity;
  let rMax = -Infinity;
  for (let u = 0; u < U; u++) {
    const k = pw.k[u];
    const cls = k <= threshold ? 0 : k <= 1 ? 1 : 2;
    counts[cls] += pw.rows[u];
    if (cls === 0) minEss[0] = Math.min(minEss[0], pw.ess[u]);
    if (k > threshold) highK += pw.rows[u];
    mc += pw.rows[u] * pw.mcse[u] ** 2;
    rMin = Math.min(rMin, rEffs[u]);
    rMax = Math.max(rMax, rEffs[u]);
  }
  const t = round2(threshold);
  const labels: ParetoKRow['label'][] = ['good', 'bad', 'very bad'];
  const ranges = [`(-Inf, ${t}]`, `(${t}, 1]`, '(1, Inf)'];
  const paretoK = labels.map((label, i) => ({
    range: ranges[i],
    label,
    count: counts[i],
    proportion: counts[i] / N,
    minEss: i === 0 && counts[0] > 0 ? minEss[0] : null,
  }));
  return {
    draws: S,
    observations: N,
    elpd_loo: elpdLoo,
    p_loo: pLoo,
    looic: { estimate: -2 * elpdLoo.estimate, se: 2 * elpdLoo.se },
    mcse_elpd_loo: highK > 0 ? NaN : Math.sqrt(mc),
    kThreshold: threshold,
    paretoK,
    highK,
    rEff: { min: rMin, max: rMax },
    warnings: highK > 0 ? [highKWarning(highK, N, t)] : [],
    pointwise: pw,
    rowUnit,
  };
}

/** R's round(x, 2) for the printed threshold. */
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The advice loo and brms give for high Pareto k, in words. */
export function highKWarning(highK: number, N: number, threshold: number): string {
  const what =
    highK > 10
      ? 'With this many, K-fold cross-validation (brms: kfold(fit, K = 10)) is the more reliable estimate'
      : 'Moment matching (brms: loo(fit, moment_match = TRUE)) or refitting without each of them (reloo = TRUE) gives a reliable estimate; K-fold cross-validation (kfold) also does';
  return (
    `${highK} of ${N} observations have a Pareto k above ${threshold}: the PSIS-LOO estimate leans on ` +
    `importance weights with too heavy a tail there and may be badly off. ${what}; ` +
    'many high k can also mean the model is misspecified — a more robust model (e.g. a heavier-tailed or zero-inflated family) may fit better.'
  );
}
