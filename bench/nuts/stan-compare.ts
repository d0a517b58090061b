/**
 * Side-by-side sampler statistics of our NUTS and Stan's (rstan) on the same targets:
 * reads bench/nuts/results/stan.json (from stan-compare.R), runs ours with the same
 * settings over its own seeds, and writes bench/nuts/results/nuts-vs-stan.md.
 *
 *   Rscript bench/nuts/stan-compare.R && npx tsc -p tsconfig.json && node dist/bench/nuts/stan-compare.js
 *
 * Seeds cannot match across RNGs: compare the ranges over seeds. If the adaptation
 * schedule, the dual averaging, the tree building or the termination criterion differed
 * from Stan's, the step sizes, tree depths and leapfrog counts would separate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runChainsSequential } from '../../src/model/sampler';
import { funnelTarget, gaussianTarget, poissonGammaTarget } from '../../src/model/nuts/test-targets';
import type { ChainResult, CompiledModel } from '../../src/model/types';

interface RunStats {
  seed: number;
  stepsize: number[];
  accept_stat: number;
  treedepth: number;
  n_leapfrog: number;
  divergent: number;
  warmup_divergent: number;
  max_treedepth_hits: number;
}

/** The repository root: the nearest folder above this compiled file with a package.json (dist/ or .build/<name>/). */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}
const root = repoRoot();
const resultsDir = path.join(root, 'bench/nuts/results');

const d = 10;
const sc = Array.from({ length: d }, (_, i) => Math.exp(-1.5 + (3 * i) / (d - 1)));
const targets: Record<string, () => CompiledModel> = {
  gauss10: () =>
    gaussianTarget({
      mean: new Array(d).fill(0),
      cov: sc.map((a, i) => sc.map((b, j) => a * b * 0.5 ** Math.abs(i - j))),
    }),
  funnel10: () => funnelTarget({ dim: 10 }),
  gammapoisson: () => poissonGammaTarget({ a: 2, b: 0.5, y: [3, 5, 2, 4, 6, 1, 0, 3] }),
};

function ours(res: ChainResult[], seed: number): RunStats {
  const all = (f: (r: ChainResult) => ArrayLike<number>): number[] => res.flatMap((r) => Array.from(f(r)));
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  const td = all((r) => r.stats.treedepth);
  return {
    seed,
    stepsize: res.map((r) => r.stepSize),
    accept_stat: mean(all((r) => r.stats.acceptStat)),
    treedepth: mean(td),
    n_leapfrog: mean(all((r) => r.stats.nLeapfrog)),
    divergent: all((r) => r.stats.divergent).reduce((a, b) => a + b, 0),
    warmup_divergent: res.reduce((s, r) => s + r.warmupDivergences, 0),
    max_treedepth_hits: td.filter((t) => t >= 10).length,
  };
}

function range(xs: number[], digits: number): string {
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[s.length >> 1] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  return `${med.toFixed(digits)} [${s[0].toFixed(digits)}, ${s[s.length - 1].toFixed(digits)}]`;
}

function row(label: string, runs: RunStats[]): string {
  return (
    `| ${label} | ${runs.length} | ${range(
      runs.flatMap((r) => r.stepsize),
      3,
    )} | ${range(
      runs.map((r) => r.accept_stat),
      3,
    )} | ` +
    `${range(
      runs.map((r) => r.treedepth),
      2,
    )} | ${range(
      runs.map((r) => r.n_leapfrog),
      1,
    )} | ${range(
      runs.map((r) => r.divergent),
      0,
    )} | ` +
    `${range(
      runs.map((r) => r.warmup_divergent),
      0,
    )} | ${range(
      runs.map((r) => r.max_treedepth_hits),
      0,
    )} |`
  );
}

function main(): void {
  const stanFile = path.join(resultsDir, 'stan.json');
  if (!fs.existsSync(stanFile))
    throw new Error(`${stanFile} is missing: run Rscript bench/nuts/stan-compare.R first`);
  const stan = JSON.parse(fs.readFileSync(stanFile, 'utf8')) as {
    stan_version: string;
    targets: Record<string, RunStats[]>;
  };
  const lines = [
    "# Our NUTS against Stan's, sampler statistics",
    '',
    `Made by \`bench/nuts/stan-compare.ts\` from \`bench/nuts/results/stan.json\` (rstan, Stan ${stan.stan_version}, ` +
      '`bench/nuts/stan-compare.R`). Each run: 4 chains × 2000 iterations (1000 warmup), adapt_delta 0.8, ' +
      'max_treedepth 10, diagonal metric. Cells: median [min, max] over runs (seeds); step size over chains, ' +
      'the others per run (means over the 4000 saved draws; divergences and treedepth-10 hits are counts per run).',
    '',
    '| target / sampler | runs | step size | accept_stat | treedepth | n_leapfrog | divergent | warmup divergent | treedepth 10 hits |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [name, make] of Object.entries(targets)) {
    const stanRuns = stan.targets[name];
    if (!stanRuns) throw new Error(`stan.json has no target ${name}`);
    const ourRuns: RunStats[] = [];
    for (let seed = 1; seed <= Math.max(stanRuns.length, 8); seed++) {
      ourRuns.push(
        ours(runChainsSequential(make(), { seed, iter: 2000, warmup: 1000 }, { chains: 4 }), seed),
      );
    }
    lines.push(row(`${name} / Stan`, stanRuns), row(`${name} / ours`, ourRuns));
  }
  lines.push('');
  fs.mkdirSync(resultsDir, { recursive: true });
  const out = path.join(resultsDir, 'nuts-vs-stan.md');
  fs.writeFileSync(`${out}.tmp`, lines.join('\n'));
  fs.renameSync(`${out}.tmp`, out);
  console.log(lines.join('\n'));
}

main();
