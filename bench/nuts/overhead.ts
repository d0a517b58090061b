/**
 * Benchmark (not a test): the NUTS sampler's own cost per leapfrog step and per
 * transition on targets whose gradient costs next to nothing, so the speed work can tell
 * sampler overhead from model cost. Prints medians over repetitions. Times are CPU time
 * of this process (process.cpuUsage), so a busy shared machine inflates them less than
 * wall-clock time would; the density cost is measured the same way.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/nuts/overhead.js [reps]
 */
import { sampleChain } from '../../src/model/nuts';
import { gaussianTarget, standardNormalTarget } from '../../src/model/nuts/test-targets';
import type { CompiledModel } from '../../src/model/types';

/** CPU time (user + system) of this process in nanoseconds. */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/** Nanoseconds per logDensityGradient call, measured alone on moving inputs. */
function densityCost(model: CompiledModel): number {
  const q = new Float64Array(model.dim);
  const g = new Float64Array(model.dim);
  const n = Math.max(20000, Math.floor(2e7 / model.dim));
  let sink = 0;
  for (let i = 0; i < n; i++) {
    q[i % model.dim] = (i % 7) * 0.1;
    sink += model.logDensityGradient(q, g);
  }
  const t0 = cpuNs();
  for (let i = 0; i < n; i++) {
    q[i % model.dim] = (i % 7) * 0.1;
    sink += model.logDensityGradient(q, g);
  }
  const ns = (cpuNs() - t0) / n;
  if (sink === 42) console.log(''); // keep the loop alive
  return ns;
}

function bench(name: string, model: CompiledModel, reps: number): void {
  const densityNs = densityCost(model);
  const rows: Array<{
    evalsPerSec: number;
    overheadNsPerStep: number;
    usPerTransition: number;
    overheadUsPerTransition: number;
    steps: number;
  }> = [];
  for (let r = 0; r < reps; r++) {
    const t0 = cpuNs();
    const res = sampleChain(model, { seed: r + 1, iter: 2000 }, 1);
    const ns = cpuNs() - t0;
    const evals = res.gradientEvaluations;
    const overheadNs = ns - evals * densityNs;
    rows.push({
      evalsPerSec: evals / (ns / 1e9),
      overheadNsPerStep: overheadNs / evals,
      usPerTransition: ns / 2000 / 1000,
      overheadUsPerTransition: overheadNs / 2000 / 1000,
      steps: evals / 2000,
    });
  }
  const med = (k: keyof (typeof rows)[number]) => median(rows.map((x) => x[k]));
  console.log(
    `${name.padEnd(26)} dim ${String(model.dim).padStart(4)} | density ${densityNs.toFixed(0).padStart(6)} ns/eval | ` +
      `${(med('evalsPerSec') / 1e6).toFixed(2)} M grad evals/s | ${med('steps').toFixed(1)} steps/transition | ` +
      `${med('usPerTransition').toFixed(1)} µs/transition, of which sampler ${med('overheadUsPerTransition').toFixed(1)} µs ` +
      `(${med('overheadNsPerStep').toFixed(0)} ns per leapfrog step)`,
  );
}

const reps = Number(process.argv[2] ?? 5);
console.log(
  `NUTS sampler overhead, 1 chain × 2000 iterations (1000 warmup), median of ${reps} runs, CPU time, node ${process.version}`,
);
// Warm the JIT on a throwaway run so the first target does not pay for compilation.
sampleChain(standardNormalTarget({ dim: 3 }), { seed: 99, iter: 2000 }, 1);
for (const dim of [1, 10, 100, 1000]) bench('iid normal', standardNormalTarget({ dim }), reps);
const d = 10;
const sc = Array.from({ length: d }, (_, i) => Math.exp(-1.5 + (3 * i) / (d - 1)));
bench(
  'correlated normal (ρ=0.5ᵏ)',
  gaussianTarget({
    mean: new Array(d).fill(0),
    cov: sc.map((a, i) => sc.map((b, j) => a * b * 0.5 ** Math.abs(i - j))),
  }),
  reps,
);
