/**
 * Warmup trace (diagnostic): one chain of the benchmark model at N rows, printing every
 * warmup iteration's tree depth, leapfrog steps, step size and seconds — where warmup
 * time goes at the study's size.
 *
 *   node dist/bench/model/warmup-trace.js [--rows 2100000] [--iters 150] [--param auto] [--start random|laplace]
 */
import { prepareFitModel } from '../../src/model/fit';
import { compileModel } from '../../src/model/density';
import { Rng } from '../../src/util/rng';
import { PhasePoint } from '../../src/model/nuts/phase-point';
import { NutsTransition } from '../../src/model/nuts/trajectory';
import { initStepSize } from '../../src/model/nuts/step-size-init';
import { DualAveraging } from '../../src/model/nuts/dual-averaging';
import { WindowedVarianceAdaptation } from '../../src/model/nuts/windowed-adaptation';
import { initialPoint } from '../../src/model/nuts/chain';
import { simulateBenchColumns, BENCH_FORMULA } from './simulate';
import { laplaceStarts, WhitenedModel } from '../../src/model/init';
import type { CompiledModel } from '../../src/model/types';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const rows = Number(arg('rows', '2100000'));
const iters = Number(arg('iters', '150'));
const param = arg('param', 'auto') as 'auto';
const t0 = performance.now();
const data = simulateBenchColumns({ rows, names: 300, seed: 2026 });
const prepared = prepareFitModel({
  data,
  formula: BENCH_FORMULA,
  family: 'negbinomial',
  groupParameterization: param,
});
const model = compileModel(prepared);
console.log(
  `prepared ${rows} rows → ${prepared.compression.cells} cells, dim ${model.dim}, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
const rng = Rng.forKey(2026, 1);
const z = new PhasePoint(model.dim);
let target: CompiledModel = model;
if (arg('start', 'random') === 'laplace') {
  const t1 = performance.now();
  const found = laplaceStarts(model, 1, 2026);
  if (!found.ok) throw new Error(found.reason);
  console.log(
    `laplace: sd(log w) ${found.logWeightSd.toFixed(2)}, ${found.evaluations} gradients, optimizer ${JSON.stringify(found.laplace.optimizer)}, ${((performance.now() - t1) / 1000).toFixed(1)} s, logp at mode ${found.laplace.logpAtMode.toFixed(1)}`,
  );
  target = new WhitenedModel(model, found.preconditioner);
  z.q.set(found.starts[0].init!);
  z.logp = target.logDensityGradient(z.q, z.grad);
} else {
  initialPoint(model, 2, rng, z);
}
const nuts = new NutsTransition(target, rng, 10);
const scratch = new PhasePoint(model.dim);
nuts.stepSize = initStepSize(target, nuts.invMetric, z, 1, rng, scratch);
const dual = new DualAveraging({ delta: 0.8, mu: Math.log(10) });
const windows = new WindowedVarianceAdaptation(target.dim, 1000);
let tPrev = performance.now();
let total = 0;
for (let it = 0; it < iters; it++) {
  const eps = nuts.stepSize;
  const s = nuts.transition(z);
  total += s.nLeapfrog;
  nuts.stepSize = dual.learn(s.acceptStat);
  const adapted = windows.learn(nuts.invMetric, z.q);
  if (adapted) {
    nuts.stepSize = initStepSize(target, nuts.invMetric, z, nuts.stepSize, rng, scratch);
    dual.mu = Math.log(10 * nuts.stepSize);
    dual.restart();
  }
  const now = performance.now();
  console.log(
    `${it + 1}\tdepth ${s.treedepth}\tleapfrog ${s.nLeapfrog}\teps ${eps.toExponential(2)}\taccept ${s.acceptStat.toFixed(2)}\tlp ${z.logp.toFixed(1)}\t${((now - tPrev) / 1000).toFixed(2)} s${adapted ? '\t(metric updated)' : ''}`,
  );
  tPrev = now;
}
console.log(`total leapfrog ${total} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
