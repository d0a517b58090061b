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
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvError, envInt, envPath, formatSettings, type Env } from '../util/env';
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

/** Reads the settings; every bad value is an error naming the variable and the fix. */
export function followerSettings(env: Env = process.env, repoRoot: string): FollowerSettings {
  const chains = envInt(env, 'MODEL_CHAINS', { default: DEFAULT_CHAINS, min: 1, max: 64 });
  const iter = envInt(env, 'MODEL_ITER', { default: DEFAULT_ITER, min: 20, max: 1_000_000 });
  const warmup = envInt(env, 'MODEL_WARMUP', {
    default: Math.floor(iter / 2),
    defaultText: 'MODEL_ITER / 2',
    min: 0,
    max: 1_000_000,
  });
  if (warmup >= iter) {
    throw new EnvError(
      'MODEL_WARMUP',
      `MODEL_WARMUP=${warmup} must be smaller than MODEL_ITER=${iter}, so that draws are kept after warmup.`,
    );
  }
  const seed = envInt(env, 'MODEL_SEED', { default: DEFAULT_MODEL_SEED, min: 0, max: 2 ** 31 - 1 });
  const cores = envInt(env, 'MODEL_CORES', {
    default: Math.max(1, Math.min(chains, os.availableParallelism())),
    min: 1,
    max: 256,
  });
  const maxRows = envInt(env, 'MODEL_MAX_ROWS', {
    default: undefined,
    defaultText: 'all rows',
    min: 1,
    max: 1e9,
  });
  const minNameCount = envInt(env, 'MODEL_MIN_NAME_COUNT', {
    default: DEFAULT_MIN_NAME_COUNT,
    min: 1,
    max: 1e9,
  });
  const cacheDir = envPath(env, 'MODEL_CACHE_DIR', {
    base: repoRoot,
    default: path.join(repoRoot, 'data', 'cache'),
    off: 'off',
  });
  return { chains, iter, warmup, seed, cores, maxRows, minNameCount, cacheDir };
}

/** `NAME = value` lines for the notebook's parameter output. */
export function formatFollowerSettings(
  s: FollowerSettings,
  repoRoot: string,
  env: Env = process.env,
): string {
  const rel = (p: string): string => {
    const r = path.relative(repoRoot, p);
    return r.startsWith('..') ? p : r;
  };
  return formatSettings(
    [
      ['MODEL_CHAINS', s.chains],
      ['MODEL_ITER', s.iter],
      ['MODEL_WARMUP', s.warmup],
      ['MODEL_SEED', s.seed],
      ['MODEL_CORES', s.cores],
      ['MODEL_MAX_ROWS', s.maxRows ?? 'all rows'],
      ['MODEL_MIN_NAME_COUNT', s.minNameCount],
      ['MODEL_CACHE_DIR', s.cacheDir === null ? 'off' : rel(s.cacheDir)],
    ],
    env,
    { width: 22 },
  );
}
