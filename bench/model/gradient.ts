/**
 * Gradient throughput of the follower model's log density (gradient
 * evaluations per second, ns per row and per cell), with and without the exact
 * likelihood compression, at benchmark sizes. Usage:
 *   node dist/bench/model/gradient.js [rows...]     (default 50000 2100000)
 */
import { prepareModel, compileModel } from '../../src/model/density';
import { simulateBenchColumns, BENCH_FORMULA } from './simulate';
import { Rng } from '../../src/util/rng';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(rows: number, compress: boolean): Record<string, number> {
  const data = simulateBenchColumns({ rows, names: 300, seed: 2026 });
  const t0 = process.hrtime.bigint();
  const pm = prepareModel({ data, formula: BENCH_FORMULA, family: 'negbinomial', compress });
  const prepareSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const model = compileModel(pm);
  const rng = new Rng(1);
  const theta = new Float64Array(model.dim).map(() => 0.1 * rng.normal());
  const grad = new Float64Array(model.dim);
  const evalsPerRep = Math.max(5, Math.round(2e7 / Math.max(pm.compression.cells, 1000)));
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let rep = 0; rep < 7; rep++) {
    const s = process.hrtime.bigint();
    const c = process.cpuUsage();
    for (let k = 0; k < evalsPerRep; k++) {
      theta[0] += 1e-9; // defeat any caching of identical inputs
      model.logDensityGradient(theta, grad);
    }
    const dc = process.cpuUsage(c);
    times.push(Number(process.hrtime.bigint() - s) / evalsPerRep);
    // CPU time is the fairer figure on a shared, loaded machine (wall time counts waiting).
    cpuTimes.push(((dc.user + dc.system) * 1e3) / evalsPerRep);
  }
  const ns = median(cpuTimes);
  const wallNs = median(times);
  return {
    rows,
    cells: pm.compression.cells,
    compression_ratio: pm.compression.ratio,
    distinct_y: pm.yHistogram.values.length,
    prepare_seconds: prepareSeconds,
    gradient_us_cpu: ns / 1e3,
    gradient_us_wall: wallNs / 1e3,
    gradients_per_second: 1e9 / ns,
    ns_per_row: ns / rows,
    ns_per_cell: ns / pm.compression.cells,
  };
}

if (require.main === module) {
  const sizes = process.argv.slice(2).map(Number);
  for (const rows of sizes.length ? sizes : [50_000, 2_100_000]) {
    for (const compress of [true, false]) {
      const r = measure(rows, compress);
      console.log(JSON.stringify({ compress, ...r }));
    }
  }
}
