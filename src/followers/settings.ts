/**
 * The follower model's run settings, read from environment variables (the notebooks'
 * parameters: environment.md). One place for the defaults, so the notebook, the
 * tests and the documentation agree.
 *
 *   MODEL_CHAINS          chains (default 4, as brms)
 *   MODEL_ITER            iterations per chain, warmup included (default DEFAULT_ITER)
 *   MODEL_WARMUP          warmup iterations (default MODEL_ITER / 2)
 *   MODEL_SEED            sampler seed (default 1234)
 *   MODEL_CORES           worker threads (default: min(chains, cores of the machine))
 *   MODEL_MAX_ROWS        fit a deterministic subsample of at most this many rows (default: all)
 *   MODEL_MIN_NAME_COUNT  first names with fewer rows are pooled into "(other)" (default 5; 1 = no pooling)
 *   MODEL_CACHE_DIR       where fits are cached (default <repo>/data/cache; "off" disables the cache)
 */
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_MIN_NAME_COUNT } from './prepare';

/**
 * Default iterations per chain. 4 chains × 1000 (500 warmup) gives 2000 draws: bulk and
 * tail ESS well above 400 for every population-level parameter on this model, and keeps
 * notebook 05 inside the report's time budget at the default STUDY_MEMBERS (measured in
 * the helper's report). brms's own default (2000) is one variable away.
 */
export const DEFAULT_ITER = 1000;
export const DEFAULT_CHAINS = 4;
export const DEFAULT_MODEL_SEED = 1234;

export interface FollowerSettings {
  chains: number;
  iter: number;
  warmup: number;
  seed: number;
  cores: number;
  maxRows: number | undefined;
  minNameCount: number;
  /** Absolute cache folder, or null when caching is off. */
  cacheDir: string | null;
}

type Env = Readonly<Record<string, string | undefined>>;

function intVar(
  env: Env,
  name: string,
  fallback: number | undefined,
  min: number,
  max: number,
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim().replace(/_/g, '');
  if (!/^\d+$/.test(text)) {
    throw new Error(
      `${name}="${raw}" is not a whole number: set ${name} to an integer in ${min} … ${max} or unset it (default ${fallback ?? 'none'}).`,
    );
  }
  const v = Number(text);
  if (v < min || v > max)
    throw new Error(`${name}=${raw} is out of range: use ${min} … ${max} (default ${fallback ?? 'none'}).`);
  return v;
}

/** Reads the settings; every bad value is an error naming the variable and the fix. */
export function followerSettings(env: Env = process.env, repoRoot: string): FollowerSettings {
  const chains = intVar(env, 'MODEL_CHAINS', DEFAULT_CHAINS, 1, 64) as number;
  const iter = intVar(env, 'MODEL_ITER', DEFAULT_ITER, 20, 1_000_000) as number;
  const warmup = intVar(env, 'MODEL_WARMUP', Math.floor(iter / 2), 0, 1_000_000) as number;
  if (warmup >= iter) {
    throw new Error(
      `MODEL_WARMUP=${warmup} must be smaller than MODEL_ITER=${iter}, so that draws are kept after warmup.`,
    );
  }
  const seed = intVar(env, 'MODEL_SEED', DEFAULT_MODEL_SEED, 0, 2 ** 31 - 1) as number;
  const cores = intVar(
    env,
    'MODEL_CORES',
    Math.max(1, Math.min(chains, os.availableParallelism())),
    1,
    256,
  ) as number;
  const maxRows = intVar(env, 'MODEL_MAX_ROWS', undefined, 1, 1e9);
  const minNameCount = intVar(env, 'MODEL_MIN_NAME_COUNT', DEFAULT_MIN_NAME_COUNT, 1, 1e9) as number;
  const cacheRaw = env.MODEL_CACHE_DIR?.trim();
  const cacheDir =
    cacheRaw === 'off'
      ? null
      : cacheRaw
        ? path.resolve(repoRoot, cacheRaw)
        : path.join(repoRoot, 'data', 'cache');
  return { chains, iter, warmup, seed, cores, maxRows, minNameCount, cacheDir };
}

/** `NAME = value` lines for the notebook's parameter output. */
export function formatFollowerSettings(
  s: FollowerSettings,
  repoRoot: string,
  env: Env = process.env,
): string {
  const mark = (name: string): string =>
    env[name] === undefined || env[name]?.trim() === '' ? '  (default)' : '';
  const rel = (p: string): string => {
    const r = path.relative(repoRoot, p);
    return r.startsWith('..') ? p : r;
  };
  return [
    `MODEL_CHAINS          = ${s.chains}${mark('MODEL_CHAINS')}`,
    `MODEL_ITER            = ${s.iter}${mark('MODEL_ITER')}`,
    `MODEL_WARMUP          = ${s.warmup}${mark('MODEL_WARMUP')}`,
    `MODEL_SEED            = ${s.seed}${mark('MODEL_SEED')}`,
    `MODEL_CORES           = ${s.cores}${mark('MODEL_CORES')}`,
    `MODEL_MAX_ROWS        = ${s.maxRows ?? 'all rows'}${mark('MODEL_MAX_ROWS')}`,
    `MODEL_MIN_NAME_COUNT  = ${s.minNameCount}${mark('MODEL_MIN_NAME_COUNT')}`,
    `MODEL_CACHE_DIR       = ${s.cacheDir === null ? 'off' : rel(s.cacheDir)}${mark('MODEL_CACHE_DIR')}`,
  ].join('\n');
}
