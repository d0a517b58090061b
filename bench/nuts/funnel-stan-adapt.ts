/**
 * Our NUTS transitions started from Stan's adapted state on Neal's 10-D funnel (see
 * funnel-stan-adapt.R): same start point, step size and inverse metric, adaptation off,
 * 1000 post-warmup iterations, `reps` runs per Stan chain. Prints per-chain and pooled
 * divergences / accept_stat / n_leapfrog against Stan's single run of each chain.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/nuts/funnel-stan-adapt.js [reps]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sampleChain } from '../../src/model/nuts';
import { funnelTarget } from '../../src/model/nuts/test-targets';

interface StanChain {
  seed: number;
  chain: number;
  init: number[];
  stepsize: number;
  inv_metric: number[];
  divergent: number;
  accept: number;
  n_leapfrog: number;
}

function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

const reps = Number(process.argv[2] ?? 5);
const file = path.join(repoRoot(), 'bench/nuts/results/funnel-stan-adapt.json');
const runs = JSON.parse(fs.readFileSync(file, 'utf8')) as StanChain[];
const model = funnelTarget({ dim: 10 });
const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const stan = { div: [] as number[], acc: [] as number[], leap: [] as number[] };
const ours = { div: [] as number[], acc: [] as number[], leap: [] as number[] };
for (const r of runs) {
  for (let rep = 0; rep < reps; rep++) {
    const res = sampleChain(
      model,
      { seed: 1000 + rep, iter: 1000, warmup: 0 },
      r.seed * 10 + r.chain,
      undefined,
      {
        init: r.init,
        invMetric: r.inv_metric,
        stepSize: r.stepsize,
      },
    );
    ours.div.push(res.stats.divergent.reduce((a, b) => a + b, 0));
    ours.acc.push(mean(Array.from(res.stats.acceptStat)));
    ours.leap.push(mean(Array.from(res.stats.nLeapfrog)));
  }
  stan.div.push(r.divergent);
  stan.acc.push(r.accept);
  stan.leap.push(r.n_leapfrog);
}
const zero = (x: number[]) => x.filter((d) => d === 0).length / x.length;
for (const [name, s] of [
  ['Stan', stan],
  ['ours', ours],
] as const) {
  console.log(
    `${name.padEnd(5)} chains ${String(s.div.length).padStart(4)} | divergences per chain ${mean(s.div).toFixed(2)} ` +
      `(share with none ${zero(s.div).toFixed(2)}, max ${Math.max(...s.div)}) | accept_stat ${mean(s.acc).toFixed(3)} | n_leapfrog ${mean(s.leap).toFixed(1)}`,
  );
}
