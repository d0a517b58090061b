/**
 * Benchmark data for the follower model: the same kind of table the study fits
 * (negative binomial, 8 profile predictors, a first-name random intercept), at any size,
 * written as CSV so brms and this engine read byte-identical input.
 *
 * The parameters are illustrative benchmark values (signs as the study reports), not the
 * synthetic community's truth — that lives in src/emulator/truth.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '../../src/util/rng';

export interface BenchDataOptions {
  rows: number;
  names: number;
  seed: number;
}

const LEVELS = {
  sex: ['female', 'male'],
  has_photo: ['no', 'yes'],
  platform: ['android', 'iphone', 'mobile_web', 'web', 'windows_app'],
  is_closed: ['no', 'yes'],
  friend_requests: ['closed', 'open'],
  messages: ['closed', 'open'],
  education: ['none', 'university'],
  relation: ['not_stated', 'stated'],
} as const;

const SHARES: Record<keyof typeof LEVELS, number[]> = {
  sex: [0.55, 0.45],
  has_photo: [0.25, 0.75],
  platform: [0.45, 0.25, 0.1, 0.15, 0.05],
  is_closed: [0.7, 0.3],
  friend_requests: [0.2, 0.8],
  messages: [0.3, 0.7],
  education: [0.6, 0.4],
  relation: [0.65, 0.35],
};

/** log-scale effects of the non-reference levels (index 0 is the reference). */
const EFFECTS: Record<keyof typeof LEVELS, number[]> = {
  sex: [0, -0.35],
  has_photo: [0, 0.6],
  platform: [0, 0.25, -0.1, 0.05, 0.3],
  is_closed: [0, 0.15],
  friend_requests: [0, -0.3],
  messages: [0, -0.2],
  education: [0, 0.1],
  relation: [0, 0.05],
};
const INTERCEPT = 4.2;
const SD_NAME = 0.3;
const SHAPE = 1.2;

function cumulative(w: number[]): number[] {
  let s = 0;
  return w.map((x) => (s += x));
}

export type BenchColumns = Record<string, string[] | Int32Array>;

/** The benchmark table as columns (strings for factors, Int32Array for the count). */
export function simulateBenchColumns(opts: BenchDataOptions): BenchColumns {
  const rng = new Rng(opts.seed);
  const nameCum = cumulative(Array.from({ length: opts.names }, (_, k) => 1 / (k + 1)));
  const nameEffect = Array.from({ length: opts.names }, () => SD_NAME * rng.normal());
  const keys = Object.keys(LEVELS) as (keyof typeof LEVELS)[];
  const cums = keys.map((k) => cumulative(SHARES[k]));
  const names = Array.from({ length: opts.names }, (_, k) => `name${String(k + 1).padStart(3, '0')}`);
  const y = new Int32Array(opts.rows);
  const factors: string[][] = keys.map(() => new Array<string>(opts.rows));
  const firstName = new Array<string>(opts.rows);
  for (let i = 0; i < opts.rows; i++) {
    let eta = INTERCEPT;
    keys.forEach((k, j) => {
      const level = rng.pickCumulative(cums[j]);
      eta += EFFECTS[k][level];
      factors[j][i] = LEVELS[k][level];
    });
    const name = rng.pickCumulative(nameCum);
    eta += nameEffect[name];
    y[i] = rng.negBinomial(Math.exp(eta), SHAPE);
    firstName[i] = names[name];
  }
  const out: BenchColumns = { followers_count: y };
  keys.forEach((k, j) => (out[k] = factors[j]));
  out.first_name = firstName;
  return out;
}

export const BENCH_FORMULA =
  'followers_count ~ sex + has_photo + platform + is_closed + friend_requests + messages + education + relation + (1 | first_name)';

export function toCsv(columns: BenchColumns): string {
  const keys = Object.keys(columns);
  const n = columns[keys[0]].length;
  const lines = [keys.join(',')];
  for (let i = 0; i < n; i++) lines.push(keys.map((k) => columns[k][i]).join(','));
  return lines.join('\n') + '\n';
}

export function simulateBenchData(opts: BenchDataOptions): string {
  return toCsv(simulateBenchColumns(opts));
}

if (require.main === module) {
  const [rows = '50000', out = 'bench/data/followers-50k.csv', seed = '2026'] = process.argv.slice(2);
  const csv = simulateBenchData({ rows: Number(rows), names: 300, seed: Number(seed) });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out + '.tmp', csv);
  fs.renameSync(out + '.tmp', out);
  console.log(`wrote ${rows} rows to ${out}`);
}
