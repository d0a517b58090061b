import type { TermSparseDesign } from './build';

/**
 * Columns of the population-level design that are (numerically) linear combinations of
 * earlier columns — and of the intercept when there is one. Under brms's flat priors on
 * b such coefficients are not identified and the posterior is improper.
 *
 * Works on the weighted cell design (rank is unchanged by merging identical rows):
 * the Gram matrix of the centered columns (uncentered without an intercept) is scaled
 * to unit diagonal, then an in-order Cholesky keeps a column only if its residual
 * variance after the kept columns exceeds `tol`.
 */
export function dependentColumns(
  design: TermSparseDesign,
  weights: Float64Array,
  means: Float64Array,
  intercept: boolean,
  tol = 1e-9,
): number[] {
  const K = means.length;
  if (K === 0) return [];
  const T = design.nTerms;
  const gram = new Float64Array(K * K);
  let total = 0;
  for (let c = 0; c < design.nRows; c++) {
    const w = weights[c];
    total += w;
    for (let s = 0; s < T; s++) {
      const ks = design.col[c * T + s];
      if (ks < 0) continue;
      const vs = design.val[c * T + s] * w;
      for (let t = 0; t < T; t++) {
        const kt = design.col[c * T + t];
        if (kt >= 0) gram[ks * K + kt] += vs * design.val[c * T + t];
      }
    }
  }
  if (intercept) {
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) gram[i * K + j] -= total * means[i] * means[j];
  }
  const scale = new Float64Array(K);
  for (let i = 0; i < K; i++) scale[i] = gram[i * K + i] > 0 ? 1 / Math.sqrt(gram[i * K + i]) : 0;
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) gram[i * K + j] *= scale[i] * scale[j];

  const L = new Float64Array(K * K);
  const kept: number[] = [];
  const dependent: number[] = [];
  for (let j = 0; j < K; j++) {
    if (scale[j] === 0) {
      dependent.push(j);
      continue;
    }
    // Row j of L against the kept columns (forward substitution), then the residual.
    let resid = gram[j * K + j];
    for (let a = 0; a < kept.length; a++) {
      const ka = kept[a];
      let v = gram[j * K + ka];
      for (let b = 0; b < a; b++) v -= L[j * K + kept[b]] * L[ka * K + kept[b]];
      v /= L[ka * K + ka];
      L[j * K + ka] = v;
      resid -= v * v;
    }
    if (resid <= tol) {
      dependent.push(j);
      continue;
    }
    L[j * K + j] = Math.sqrt(resid);
    kept.push(j);
  }
  return dependent;
}
