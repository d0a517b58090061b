/**
 * Benchmark: audience overlap and differences of shares for many communities (README
 * target: 50 communities × 1M members, 1,225 pairs, ≤ 60 s on 2 cores after loading,
 * ≤ 4 GB).
 *
 *   node dist/bench/compare.js [--communities 50] [--members 1000000] [--population 10000000]
 *                              [--runs 3] [--seed 1] [--merge-pairs 20]
 *
 * Draws the communities' member sets from one population of people (ids spread over VK's
 * id range, each person's status fixed, as on VK), so the sets overlap (by members /
 * population of each, on average), then times what the comparison does once the snapshots
 * are loaded: every pair's cross-table in one sweep (src/compare/overlap.ts), the overlap
 * measures, the five differences of shares per pair with shared members paired, and the
 * UpSet counts of six communities. Also times the readable pairwise merge on a few pairs
 * and scales it to all pairs, for comparison. Prints medians of the runs (wall, CPU), the
 * process's peak RSS and the load average.
 */
import * as os from 'node:os';
import { censusDifferences } from '../src/compare/differences';
import type { MemberSet } from '../src/compare/member-set';
import { statusCounts } from '../src/compare/member-set';
import { crossTab, crossTabsAll, overlapMeasures } from '../src/compare/overlap';
import { rateDefinitions } from '../src/compare/rates';
import { upsetCounts } from '../src/compare/upset';
import { hash32, Rng } from '../src/util/rng';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(Number.isFinite(v) && v >= 0)) throw new Error(`${name} needs a number, got ${process.argv[i + 1]}`);
  return v;
}

const K = arg('--communities', 50);
const MEMBERS = arg('--members', 1_000_000);
const POPULATION = arg('--population', 10_000_000);
const RUNS = arg('--runs', 3);
const SEED = arg('--seed', 1);
const MERGE_PAIRS = arg('--merge-pairs', 20);
// People's ids spread over 0 … 800M like VK user ids: person i has id ≈ i · ID_STEP.
const ID_STEP = Math.max(1, Math.floor(800_000_000 / POPULATION));

/** Person i's id and status (the same in every community, as on VK). */
const idOf = (i: number): number => 1 + i * ID_STEP + (hash32(SEED, i) % ID_STEP);
function statusOf(i: number): number {
  const u = hash32(SEED + 1, i) / 4294967296;
  return u < 0.6 ? 0 : u < 0.83 ? 1 : u < 0.86 ? 2 : u < 0.977 ? 3 : 4;
}

/** A community: each person follows it with probability members / population (geometric skips). */
function community(k: number): MemberSet {
  const rng = Rng.forKey(SEED, 1000 + k);
  const p = Math.min(1, MEMBERS / POPULATION);
  const ids = new Int32Array(Math.ceil(MEMBERS * 1.01 + 6 * Math.sqrt(MEMBERS) + 16));
  const codes = new Uint8Array(ids.length);
  let n = 0;
  const logq = Math.log(1 - p);
  for (
    let i = p >= 1 ? 0 : Math.floor(Math.log(rng.uniformOpen()) / logq);
    i < POPULATION && n < ids.length;
  ) {
    ids[n] = idOf(i);
    codes[n++] = statusOf(i);
    i += p >= 1 ? 1 : 1 + Math.floor(Math.log(rng.uniformOpen()) / logq);
  }
  return { key: `community_${k + 1}`, ids: ids.slice(0, n), codes: codes.slice(0, n) };
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

function main(): void {
  const loadStart = load();
  let t = Date.now();
  const sets = Array.from({ length: K }, (_, k) => community(k));
  const genSeconds = (Date.now() - t) / 1000;
  const total = sets.reduce((n, s) => n + s.ids.length, 0);
  console.log(
    `${K} communities, ${total.toLocaleString('en-US')} memberships from ${POPULATION.toLocaleString('en-US')} people ` +
      `(generated in ${genSeconds.toFixed(1)} s; load ${loadStart})`,
  );
  const defs = rateDefinitions(183);
  const counts = sets.map((s) => statusCounts(s.codes));
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const w0 = Date.now();
    const c0 = cpuSeconds();
    const tables = crossTabsAll(sets);
    let common = 0;
    let rows = 0;
    for (let i = 0; i < K; i++) {
      for (let j = i + 1; j < K; j++) {
        const o = overlapMeasures(sets[i].ids.length, sets[j].ids.length, tables.common(i, j));
        common += o.common;
        rows += censusDifferences(
          sets[i].key,
          sets[j].key,
          defs,
          counts[i],
          counts[j],
          tables.table(i, j),
        ).length;
      }
    }
    const upset = upsetCounts(sets.slice(0, Math.min(6, K)));
    walls.push((Date.now() - w0) / 1000);
    cpus.push(cpuSeconds() - c0);
    console.log(
      `run ${r + 1}: ${walls[r].toFixed(2)} s wall, ${cpus[r].toFixed(2)} s CPU; ${((K * (K - 1)) / 2).toLocaleString('en-US')} pairs, ` +
        `${rows} difference rows, mean common ${Math.round(common / ((K * (K - 1)) / 2)).toLocaleString('en-US')}, ` +
        `UpSet union ${upset.union.toLocaleString('en-US')} (load ${load()})`,
    );
  }
  let mergeEstimate: number | null = null;
  if (MERGE_PAIRS > 0 && K >= 2) {
    t = Date.now();
    let done = 0;
    for (let i = 0; i < K && done < MERGE_PAIRS; i++)
      for (let j = i + 1; j < K && done < MERGE_PAIRS; j++, done++) crossTab(sets[i], sets[j]);
    mergeEstimate = (((Date.now() - t) / 1000) * ((K * (K - 1)) / 2)) / done;
    console.log(
      `pairwise merge (the readable crossTab): ${done} pairs in ${((Date.now() - t) / 1000).toFixed(2)} s → ${mergeEstimate.toFixed(1)} s for all pairs`,
    );
  }
  const peakMB = process.resourceUsage().maxRSS / 1024;
  const summary = {
    bench: 'compare',
    communities: K,
    members: MEMBERS,
    population: POPULATION,
    pairs: (K * (K - 1)) / 2,
    runs: RUNS,
    median_wall_s: median(walls),
    median_cpu_s: median(cpus),
    pairwise_merge_s_estimate: mergeEstimate,
    peak_rss_mb: Math.round(peakMB),
    load_start: loadStart,
    load_end: load(),
  };
  console.log(
    `\noverlap + differences for ${summary.pairs} pairs: median ${summary.median_wall_s.toFixed(2)} s wall, ` +
      `${summary.median_cpu_s.toFixed(2)} s CPU (target ≤ 60 s); peak RSS ${summary.peak_rss_mb} MB (target ≤ 4096)`,
  );
  console.log(JSON.stringify(summary));
}

main();
