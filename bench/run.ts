/**
 * `npm run bench -- [model|gradient|fit|scale|emulator|pull|audit|all] [extra args]`
 *
 * Runs the benchmark scripts one after another as child processes (each gets a fresh
 * heap, so one bench's garbage does not slow the next) and prints a table of what each
 * reported. Benchmarks are scripts, never timed tests: the machine is shared, so the
 * model benches report CPU time next to wall time and the load average.
 *   model    = gradient (50k rows) + fit (50k rows, 4 × 2000, 2 cores, auto parameterisation, warm start)
 *   gradient = bench/model/gradient.js [rows...]
 *   fit      = bench/model/fit.js [--rows N --param auto --init laplace ...]
 *   scale    = the fit at the study's size, 2.1M rows (about 8 minutes on 2 cores; not in `all`)
 *   emulator / pull / audit = the existing benches with their own options
 *   all      = model + emulator + pull + audit
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';

const SCRIPTS: Record<string, { file: string; args: string[] }> = {
  gradient: { file: 'model/gradient.js', args: ['50000'] },
  fit: { file: 'model/fit.js', args: ['--rows', '50000', '--param', 'auto', '--init', 'laplace'] },
  scale: { file: 'model/fit.js', args: ['--rows', '2100000', '--param', 'auto', '--init', 'laplace'] },
  emulator: { file: 'emulator.js', args: [] },
  pull: { file: 'pull.js', args: [] },
  audit: { file: 'audit.js', args: [] },
  compare: { file: 'compare.js', args: [] },
  sample: { file: 'sample.js', args: [] },
};
const GROUPS: Record<string, string[]> = {
  model: ['gradient', 'fit'],
  all: ['gradient', 'fit', 'emulator', 'pull', 'audit', 'compare', 'sample'],
};

function main(): void {
  const [which = 'model', ...extra] = process.argv.slice(2);
  const names = GROUPS[which] ?? (SCRIPTS[which] ? [which] : null);
  if (!names) {
    console.error(
      `bench: unknown benchmark "${which}"; choose one of: ${[...Object.keys(GROUPS), ...Object.keys(SCRIPTS)].join(', ')}`,
    );
    process.exit(2);
  }
  const rows: { bench: string; seconds: number; status: number | null }[] = [];
  for (const name of names) {
    const s = SCRIPTS[name];
    // Extra arguments go to a single named bench only (groups run with their defaults).
    const args = names.length === 1 && extra.length > 0 ? extra : s.args;
    console.log(
      `\n== ${name}: node ${path.join('dist/bench', s.file)} ${args.join(' ')}  (load ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')})`,
    );
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [path.join(__dirname, s.file), ...args], { stdio: 'inherit' });
    rows.push({ bench: name, seconds: (Date.now() - t0) / 1000, status: r.status });
  }
  console.log('\nbench        wall s   exit');
  for (const r of rows)
    console.log(`${r.bench.padEnd(12)} ${r.seconds.toFixed(1).padStart(7)}   ${r.status}`);
  if (rows.some((r) => r.status !== 0)) process.exit(1);
}

main();
