/**
 * loo's relative efficiency r_eff of the likelihood draws exp(ll_i): ESS of the mean of split
 * chains (posterior's ess_mean, what loo ≥ 2.6 uses) over the number of draws. The same number
 * as diagnostics/convergence.ts essBasic, with the autocovariances computed lag by lag and
 * only as far as Geyer's initial positive sequence reaches — likelihood draws decorrelate
 * within a few lags, so this is a few passes over the draws instead of one FFT per split
 * chain for each of (up to millions of) observations. test/model/loo/loo.test.ts checks it
 * against essBasic.
 */
export class RelativeEfficiency {
  private readonly d: Float64Array;
  private readonly means: Float64Array;
  private readonly acov: Float64Array;

  /** `chains` chains of `n` draws each, pooled chain after chain. */
  constructor(
    readonly chains: number,
    readonly n: number,
  ) {
    this.d = new Float64Array(chains * n);
    this.means = new Float64Array(2 * chains);
    this.acov = new Float64Array(Math.max(8, Math.floor(n / 2) + 2));
  }

  /** r_eff of `x` (length chains · n); NaN for a constant or non-finite series. */
  of(x: Float64Array): number {
    const { chains, n, d, means } = this;
    const half = Math.floor(n / 2);
    const second = Math.ceil(n / 2 + 1) - 1; // posterior drops the middle draw of odd chains
    const m = 2 * chains; // split chains
    const len = half;
    if (len < 3) return NaN;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (!Number.isFinite(v)) return NaN;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(Math.abs(hi - lo) >= Number.EPSILON)) return NaN;
    // Split chain j: chain ⌊j/2⌋… laid out as posterior's .split_chains: first halves, then second halves.
    const start = (j: number): number => (j < chains ? j * n : (j - chains) * n + second);
    let varOfMeans = 0;
    let grand = 0;
    for (let j = 0; j < m; j++) {
      const s0 = start(j);
      let mean = 0;
      for (let i = 0; i < len; i++) mean += x[s0 + i];
      mean /= len;
      means[j] = mean;
      grand += mean;
      for (let i = 0; i < len; i++) d[j * len + i] = x[s0 + i] - mean;
    }
    grand /= m;
    for (let j = 0; j < m; j++) varOfMeans += (means[j] - grand) ** 2;
    varOfMeans /= m - 1;
    const acovAt = (t: number): number => {
      let total = 0;
      for (let j = 0; j < m; j++) {
        const b = j * len;
        let s = 0;
        for (let i = 0; i + t < len; i++) s += d[b + i] * d[b + i + t];
        // A split chain with zero variance has all-zero autocovariances (posterior).
        total += s / len;
      }
      return total / m;
    };
    const acov = this.acov;
    acov[0] = acovAt(0);
    acov[1] = acovAt(1);
    const meanVar = (acov[0] * len) / (len - 1);
    let varPlus = (meanVar * (len - 1)) / len;
    if (m > 1) varPlus += varOfMeans;
    let rhoBuf = new Float64Array(Math.min(len, 64) + 2);
    let t = 0;
    let rhoEven = 1;
    rhoBuf[0] = rhoEven;
    let rhoOdd = 1 - (meanVar - acov[1]) / varPlus;
    rhoBuf[1] = rhoOdd;
    while (t < len - 5 && !Number.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
      t += 2;
      if (t + 1 >= rhoBuf.length) {
        const grown = new Float64Array(Math.min(len + 2, 2 * rhoBuf.length));
        grown.set(rhoBuf);
        rhoBuf = grown;
      }
      rhoEven = 1 - (meanVar - acovAt(t)) / varPlus;
      rhoOdd = 1 - (meanVar - acovAt(t + 1)) / varPlus;
      if (rhoEven + rhoOdd >= 0) {
        rhoBuf[t] = rhoEven;
        rhoBuf[t + 1] = rhoOdd;
      }
    }
    const maxT = t;
    if (rhoEven > 0) rhoBuf[maxT] = rhoEven;
    t = 0;
    while (t <= maxT - 4) {
      t += 2;
      if (rhoBuf[t] + rhoBuf[t + 1] > rhoBuf[t - 2] + rhoBuf[t - 1]) {
        rhoBuf[t] = (rhoBuf[t - 2] + rhoBuf[t - 1]) / 2;
        rhoBuf[t + 1] = rhoBuf[t];
      }
    }
    const total = m * len;
    let sum = 0;
    if (maxT === 0) sum = rhoBuf[0];
    else for (let k = 0; k < maxT; k++) sum += rhoBuf[k];
    let tau = -1 + 2 * sum + rhoBuf[maxT];
    tau = Math.max(tau, 1 / Math.log10(total));
    return total / tau / (chains * n);
  }
}
