import type { DesignCoding } from './coding';

/**
 * The population-level design in "term-sparse" form: every term contributes at most one
 * non-zero column per row (a factor term is a level lookup, an interaction a mixed-radix
 * lookup times the product of its numeric parts), so a row is T (column, value) pairs
 * instead of K dense entries. `col = -1` marks a term that is zero in that row (a
 * reference level under treatment contrasts). The design is NOT centered here: the
 * density centers analytically (η = (α − m·b) + x·b), which is exactly brms's
 * centered parameterisation without materialising a dense centered matrix.
 */
export interface TermSparseDesign {
  nRows: number;
  nTerms: number;
  /** Row-major nRows × nTerms: design column index or -1. */
  col: Int32Array;
  /** Row-major nRows × nTerms: the value in that column. */
  val: Float64Array;
}

/** Per-variable row values: numbers for numeric predictors, level codes for factors. */
export type VariableValues = Array<Float64Array | Int32Array>;

export function buildDesign(
  coding: DesignCoding,
  values: VariableValues,
  nRows: number,
  shared = false,
): TermSparseDesign {
  const T = coding.terms.length;
  const col = new Int32Array(allocate(nRows * T * 4, shared));
  const val = new Float64Array(allocate(nRows * T * 8, shared));
  for (let t = 0; t < T; t++) {
    const term = coding.terms[t];
    const parts = term.parts.map((p) => {
      const spec = coding.variables[p.index];
      const nLevels = spec.kind === 'factor' ? spec.levels.length : 1;
      return {
        factor: p.factor,
        indicator: p.indicator,
        radix: p.factor ? (p.indicator ? nLevels : nLevels - 1) : 1,
        data: values[p.index],
      };
    });
    if (parts.length === 1 && parts[0].factor) {
      // The common term (one factor main effect): a direct level lookup per row, no
      // inner loop over parts (millions of rows at study scale).
      const codes = parts[0].data;
      const shift = parts[0].indicator ? 0 : 1;
      for (let i = 0; i < nRows; i++) {
        const at = i * T + t;
        const code = codes[i];
        if (code === 0 && shift === 1) {
          col[at] = -1;
          val[at] = 0;
        } else {
          col[at] = term.offset + code - shift;
          val[at] = 1;
        }
      }
      continue;
    }
    for (let i = 0; i < nRows; i++) {
      let idx = 0;
      let mult = 1;
      let v = 1;
      let zero = false;
      for (const part of parts) {
        if (!part.factor) {
          v *= part.data[i];
          continue;
        }
        const code = part.data[i];
        if (!part.indicator) {
          if (code === 0) {
            zero = true;
            break;
          }
          idx += (code - 1) * mult;
        } else {
          idx += code * mult;
        }
        mult *= part.radix;
      }
      const at = i * T + t;
      if (zero) {
        col[at] = -1;
        val[at] = 0;
      } else {
        col[at] = term.offset + idx;
        val[at] = v;
      }
    }
  }
  return { nRows, nTerms: T, col, val };
}

/** Column means of the (uncentered) design: brms's `means_X`. */
export function columnMeans(design: TermSparseDesign, nColumns: number): Float64Array {
  const sums = new Float64Array(nColumns);
  const { col, val } = design;
  for (let j = 0; j < col.length; j++) if (col[j] >= 0) sums[col[j]] += val[j];
  for (let k = 0; k < nColumns; k++) sums[k] /= design.nRows;
  return sums;
}

/** Per-column count of non-zero entries (an all-zero column cannot be estimated). */
export function columnNonZeros(design: TermSparseDesign, nColumns: number): Float64Array {
  const counts = new Float64Array(nColumns);
  const { col, val } = design;
  for (let j = 0; j < col.length; j++) if (col[j] >= 0 && val[j] !== 0) counts[col[j]] += 1;
  return counts;
}

/** Large arrays go on SharedArrayBuffer so worker threads read them without copies. */
export function allocate(bytes: number, shared: boolean): ArrayBufferLike {
  return shared && typeof SharedArrayBuffer === 'function'
    ? new SharedArrayBuffer(bytes)
    : new ArrayBuffer(bytes);
}
