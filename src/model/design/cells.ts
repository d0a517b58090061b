import { allocate, type TermSparseDesign } from './build';

/**
 * Exact likelihood compression (docs/model-engine.md, "Exact compression of the
 * likelihood"): rows sharing every covariate — all design entries and every group
 * level — share one linear predictor η_c, so a cell keeps only what the family's
 * log-likelihood needs from its rows: n_c, Σy and (Gaussian / lognormal) the
 * within-cell sum of squares. Terms that need individual y (NB2's lgamma(y + φ)) go
 * through a global histogram of y instead (see `yHistogram`). Without compression the
 * cells are the rows themselves, in order, with n = 1, so both paths run the same code.
 */
export interface CellData {
  nCells: number;
  /** True when rows were merged into cells. */
  compressed: boolean;
  /** The design per cell. */
  design: TermSparseDesign;
  /** nCells × nGroups group-level codes, row-major. */
  groupCodes: Int32Array;
  nGroups: number;
  /** Rows per cell. */
  n: Float64Array;
  /** Σ y per cell (y already transformed by the family, e.g. log y for lognormal). */
  sumY: Float64Array;
  /** Σ (y − ȳ_c)² per cell when the family needs it (Gaussian, lognormal), else empty. */
  ssY: Float64Array;
  /** Rows with y = 0 per cell when the family needs it (zero-inflated, hurdle), else empty. */
  n0: Float64Array;
  /**
   * Values of the group-level slope columns per cell (nCells × nSlopes, row-major):
   * rows of a cell share them, as they share the population-level design.
   */
  slopes: Float64Array;
  nSlopes: number;
  /** The cell of each row. */
  rowCell: Int32Array;
}

export type CompressionMode = 'auto' | boolean;

/** Compression pays when it cuts the work by at least this factor's complement. */
export const AUTO_COMPRESSION_MAX_RATIO = 0.8;

/**
 * Assigns every row to a cell of identical covariates (hash table on the row's entries):
 * the population-level design, every group code and, when given, the group-level slope
 * values (`slopes`: nRows × nSlopes, row-major).
 */
export function findCells(
  design: TermSparseDesign,
  groupCodes: Int32Array[],
  slopes: Float64Array = new Float64Array(0),
  nSlopes = 0,
): { nCells: number; rowCell: Int32Array; firstRow: Int32Array } {
  const N = design.nRows;
  const T = design.nTerms;
  const G = groupCodes.length;
  const Z = nSlopes;
  const bits = new Uint32Array(design.val.buffer, design.val.byteOffset, design.val.length * 2);
  const zBits = new Uint32Array(slopes.buffer, slopes.byteOffset, slopes.length * 2);
  const rowCell = new Int32Array(N);
  let size = 16;
  while (size < 2 * N) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1); // cell index
  const firstRowTmp = new Int32Array(N);
  let nCells = 0;
  const same = (a: number, b: number): boolean => {
    for (let t = 0; t < T; t++) {
      if (design.col[a * T + t] !== design.col[b * T + t]) return false;
      if (design.val[a * T + t] !== design.val[b * T + t]) return false;
    }
    for (let g = 0; g < G; g++) if (groupCodes[g][a] !== groupCodes[g][b]) return false;
    for (let k = 0; k < Z; k++) if (slopes[a * Z + k] !== slopes[b * Z + k]) return false;
    return true;
  };
  for (let i = 0; i < N; i++) {
    let h = 0x811c9dc5;
    for (let t = 0; t < T; t++) {
      h = Math.imul(h ^ design.col[i * T + t], 0x01000193);
      h = Math.imul(h ^ bits[2 * (i * T + t)], 0x01000193);
      h = Math.imul(h ^ bits[2 * (i * T + t) + 1], 0x01000193);
    }
    for (let g = 0; g < G; g++) h = Math.imul(h ^ groupCodes[g][i], 0x01000193);
    for (let k = 0; k < Z; k++) {
      h = Math.imul(h ^ zBits[2 * (i * Z + k)], 0x01000193);
      h = Math.imul(h ^ zBits[2 * (i * Z + k) + 1], 0x01000193);
    }
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const c = table[slot];
      if (c < 0) {
        table[slot] = nCells;
        firstRowTmp[nCells] = i;
        rowCell[i] = nCells;
        nCells += 1;
        break;
      }
      if (same(firstRowTmp[c], i)) {
        rowCell[i] = c;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { nCells, rowCell, firstRow: firstRowTmp.slice(0, nCells) };
}

/** What the cells keep besides n and Σy. */
export interface CellNeeds {
  /** Within-cell sums of squares (Gaussian, lognormal). */
  squares: boolean;
  /** Zero responses per cell (zero-inflated, hurdle). */
  zeros: boolean;
}

/**
 * Builds the cells. `y` is the response on the scale the family's sufficient statistics
 * use; `slopes` holds the rows' group-level slope values (nRows × nSlopes).
 */
export function buildCells(
  design: TermSparseDesign,
  groupCodes: Int32Array[],
  y: Float64Array,
  needs: CellNeeds,
  mode: CompressionMode,
  shared: boolean,
  slopes: Float64Array = new Float64Array(0),
  nSlopes = 0,
): CellData {
  const N = design.nRows;
  const T = design.nTerms;
  const G = groupCodes.length;
  const needSquares = needs.squares;
  let found = mode === false ? null : findCells(design, groupCodes, slopes, nSlopes);
  if (found && mode === 'auto' && found.nCells > AUTO_COMPRESSION_MAX_RATIO * N) found = null;
  const compressed = found !== null;
  const nCells = found ? found.nCells : N;
  const rowCell = new Int32Array(allocate(N * 4, shared));
  if (found) rowCell.set(found.rowCell);
  else for (let i = 0; i < N; i++) rowCell[i] = i;
  const firstRow = found ? found.firstRow : rowCell;

  const col = new Int32Array(allocate(nCells * T * 4, shared));
  const val = new Float64Array(allocate(nCells * T * 8, shared));
  const codes = new Int32Array(allocate(Math.max(1, nCells * G) * 4, shared));
  const cellSlopes = new Float64Array(allocate(nCells * nSlopes * 8, shared));
  for (let c = 0; c < nCells; c++) {
    const r = firstRow[c];
    for (let t = 0; t < T; t++) {
      col[c * T + t] = design.col[r * T + t];
      val[c * T + t] = design.val[r * T + t];
    }
    for (let g = 0; g < G; g++) codes[c * G + g] = groupCodes[g][r];
    for (let k = 0; k < nSlopes; k++) cellSlopes[c * nSlopes + k] = slopes[r * nSlopes + k];
  }
  const n = new Float64Array(allocate(nCells * 8, shared));
  const sumY = new Float64Array(allocate(nCells * 8, shared));
  for (let i = 0; i < N; i++) {
    const c = rowCell[i];
    n[c] += 1;
    sumY[c] += y[i];
  }
  const ssY = new Float64Array(allocate(needSquares ? nCells * 8 : 0, shared));
  if (needSquares) {
    // Two passes (mean first) keep the within-cell sum of squares exact to rounding.
    for (let i = 0; i < N; i++) {
      const c = rowCell[i];
      const d = y[i] - sumY[c] / n[c];
      ssY[c] += d * d;
    }
  }
  const n0 = new Float64Array(allocate(needs.zeros ? nCells * 8 : 0, shared));
  if (needs.zeros) for (let i = 0; i < N; i++) if (y[i] === 0) n0[rowCell[i]] += 1;
  return {
    nCells,
    compressed,
    design: { nRows: nCells, nTerms: T, col, val },
    groupCodes: codes,
    nGroups: G,
    n,
    sumY,
    ssY,
    n0,
    slopes: cellSlopes,
    nSlopes,
    rowCell,
  };
}

/** Distinct positive values of y with their counts, ascending (for NB2's lgamma(y + φ) sums). */
export function yHistogram(y: Float64Array, shared: boolean): { values: Float64Array; counts: Float64Array } {
  const counts = new Map<number, number>();
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v > 0) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const keys = [...counts.keys()].sort((a, b) => a - b);
  const values = new Float64Array(allocate(keys.length * 8, shared));
  const cnt = new Float64Array(allocate(keys.length * 8, shared));
  keys.forEach((k, i) => {
    values[i] = k;
    cnt[i] = counts.get(k) as number;
  });
  return { values, counts: cnt };
}
