/**
 * Gradient-boosted shallow trees for the logistic loss (Friedman 2001, Ann Stat 29(5)), the
 * candidate the ridge logistic regression is compared against by cross-validation.
 *
 * Each tree fits Newton steps (gradient and hessian of the log-loss per row) as XGBoost
 * does (Chen & Guestrin 2016): a split maximises the gain G_L^2/(H_L+l2) + G_R^2/(H_R+l2) -
 * G^2/(H+l2), a leaf's value is -G/(H+l2) times the learning rate. Split points come from
 * per-column histograms of at most `bins` quantile bins (binary flags have two), so a tree
 * costs one pass over its rows per level.
 */
import { sigmoid } from './logistic';

export interface BoostingOptions {
  trees: number;
  depth: number;
  learningRate: number;
  /** Minimum rows in a leaf. */
  minLeaf?: number;
  /** L2 penalty on leaf values. */
  l2?: number;
  bins?: number;
}

/** A tree as flat arrays; node 0 is the root, feature -1 marks a leaf. */
export interface Tree {
  feature: number[];
  /** Go left when x[feature] <= threshold. */
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface BoostedModel {
  base: number;
  trees: Tree[];
}

/** Upper edges of up to `bins` quantile bins of a column (distinct values when fewer). */
function binEdges(values: readonly number[], bins: number): number[] {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  if (distinct.length <= bins) return distinct.slice(0, -1).map((v, i) => (v + distinct[i + 1]) / 2);
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const v = sorted[Math.floor((b * sorted.length) / bins)];
    const below = distinct.filter((d) => d < v);
    if (below.length === 0) continue;
    const edge = (below[below.length - 1] + v) / 2;
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

function binIndex(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function fitBoosted(
  X: readonly (readonly number[])[],
  y: readonly number[],
  o: BoostingOptions,
): BoostedModel {
  const n = X.length;
  const p = n > 0 ? X[0].length : 0;
  const minLeaf = o.minLeaf ?? 10;
  const l2 = o.l2 ?? 1;
  const edges = [...Array(p).keys()].map((j) =>
    binEdges(
      X.map((r) => r[j]),
      Math.min(255, o.bins ?? 32),
    ),
  );
  // Column-major bin indices: the histogram loops read one column at a time.
  const binned = edges.map((e, j) => {
    const col = new Uint8Array(n);
    for (let i = 0; i < n; i++) col[i] = binIndex(e, X[i][j]);
    return col;
  });
  const ybar = Math.min(1 - 1e-6, Math.max(1e-6, y.reduce((a, b) => a + b, 0) / n));
  const base = Math.log(ybar / (1 - ybar));
  const eta = new Float64Array(n).fill(base);
  const trees: Tree[] = [];
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  for (let t = 0; t < o.trees; t++) {
    for (let i = 0; i < n; i++) {
      const mu = sigmoid(eta[i]);
      g[i] = mu - y[i];
      h[i] = Math.max(mu * (1 - mu), 1e-12);
    }
    const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
    const grow = (rows: Int32Array, level: number): number => {
      const id = tree.feature.length;
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.value.push(0);
      let G = 0;
      let H = 0;
      for (let r = 0; r < rows.length; r++) {
        G += g[rows[r]];
        H += h[rows[r]];
      }
      tree.value[id] = (-G / (H + l2)) * o.learningRate;
      if (level >= o.depth || rows.length < 2 * minLeaf) return id;
      const parentScore = (G * G) / (H + l2);
      let best = { gain: 1e-9, feature: -1, bin: -1 };
      for (let j = 0; j < p; j++) {
        const nb = edges[j].length + 1;
        if (nb < 2) continue;
        const gb = new Float64Array(nb);
        const hb = new Float64Array(nb);
        const cb = new Int32Array(nb);
        const col = binned[j];
        for (let r = 0; r < rows.length; r++) {
          const i = rows[r];
          const b = col[i];
          gb[b] += g[i];
          hb[b] += h[i];
          cb[b]++;
        }
        let gl = 0;
        let hl = 0;
        let cl = 0;
        for (let b = 0; b < nb - 1; b++) {
          gl += gb[b];
          hl += hb[b];
          cl += cb[b];
          if (cl < minLeaf || rows.length - cl < minLeaf) continue;
          const gr = G - gl;
          const hr = H - hl;
          const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore;
          if (gain > best.gain) best = { gain, feature: j, bin: b };
        }
      }
      if (best.feature < 0) return id;
      const col = binned[best.feature];
      const leftRows = rows.filter((i) => col[i] <= best.bin);
      const rightRows = rows.filter((i) => col[i] > best.bin);
      tree.feature[id] = best.feature;
      tree.threshold[id] = edges[best.feature][best.bin];
      tree.left[id] = grow(leftRows, level + 1);
      tree.right[id] = grow(rightRows, level + 1);
      return id;
    };
    grow(
      Int32Array.from({ length: n }, (_, i) => i),
      0,
    );
    for (let i = 0; i < n; i++) eta[i] += treeValue(tree, X[i]);
    trees.push(tree);
  }
  return { base, trees };
}

export function treeValue(tree: Tree, x: readonly number[]): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    node = x[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  }
  return tree.value[node];
}

export function boostedLink(model: BoostedModel, x: readonly number[]): number {
  let eta = model.base;
  for (const t of model.trees) eta += treeValue(t, x);
  return eta;
}

export function boostedProbability(model: BoostedModel, x: readonly number[]): number {
  return sigmoid(boostedLink(model, x));
}
