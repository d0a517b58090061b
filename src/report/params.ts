/**
 * The study's parameters: ONE place that turns environment variables into typed values,
 * so every notebook, CLI and the report runner agree on defaults.
 *
 * Notebooks receive parameters as environment variables because papermill has no
 * TypeScript translator and nbconvert passes the environment to the kernel
 * (docs/toolchain.md). Every variable is documented in environment.md.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Default community size: keeps the whole report within the 3-minute target (README, "Benchmarks"). */
export const DEFAULT_MEMBERS = 20000;
export const DEFAULT_SEED = 1;
/** The real API; only used when a VK token is given. */
export const VK_API_BASE_DEFAULT = 'https://api.vk.com/method';
/** Upper bound on the synthetic community: the study's size with room to spare. */
export const MAX_MEMBERS = 5_000_000;

export type StudyMode = 'synthetic' | 'vk';

export interface StudyParams {
  /** 'synthetic' = local emulator community (no token); 'vk' = a real community via VK_TOKEN. */
  mode: StudyMode;
  /** STUDY_MEMBERS: synthetic community size (ignored in 'vk' mode). */
  members: number;
  /** STUDY_SEED: synthetic generator seed (ignored in 'vk' mode). */
  seed: number;
  /** STUDY_SNAPSHOT: absolute snapshot directory that 01 writes and 02–05 read. */
  snapshotDir: string;
  /** VK_GROUP: id or screen name of the real community ('vk' mode), else null. */
  vkGroup: string | null;
  /** VK_API_BASE: API base URL for 'vk' mode (the token never goes in it). */
  vkApiBase: string;
  /** Whether VK_TOKEN is set. The token itself is deliberately not part of this object. */
  vkTokenSet: boolean;
  /** STUDY_SUMMARY_DIR: where notebooks drop their computed summary for the index page. */
  summaryDir: string | null;
  /** Repository root (absolute). */
  repoRoot: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Finds the repository root by walking up from `start` to the package.json named
 * vk-audience-study, so the same code works from dist/, a private build folder
 * (.build/<name>/) or a notebook kernel whose cwd is notebooks/.
 */
export function findRepoRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'vk-audience-study') return dir;
      } catch {
        // an unreadable package.json is not ours: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `cannot find the vk-audience-study repository root above ${start}: run from inside the repository.`,
      );
    }
    dir = parent;
  }
}

function positiveInt(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim().replace(/_/g, '');
  if (!/^\d+$/.test(text)) {
    throw new Error(
      `${name}="${raw}" is not a whole number: set ${name} to a positive integer (default ${fallback}) or unset it.`,
    );
  }
  const value = Number(text);
  if (value < 1 || value > max) {
    throw new Error(`${name}=${raw} is out of range: use 1 … ${max} (default ${fallback}).`);
  }
  return value;
}

function nonEmpty(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v.trim() === '' ? null : v.trim();
}

/** Snapshot folder name for a real community: screen names and ids only, nothing else. */
function safeGroupName(group: string): string {
  return group.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** Reads the study parameters from `env` (default: process.env). Pure apart from finding the root. */
export function studyParams(env: Env = process.env, repoRoot: string = findRepoRoot()): StudyParams {
  const vkTokenSet = nonEmpty(env, 'VK_TOKEN') !== null;
  const vkGroup = nonEmpty(env, 'VK_GROUP');
  if (vkTokenSet && vkGroup === null) {
    throw new Error(
      'VK_TOKEN is set but VK_GROUP is not: set VK_GROUP to the community id or screen name to pull, or unset VK_TOKEN to run the synthetic study.',
    );
  }
  if (!vkTokenSet && vkGroup !== null) {
    throw new Error(
      `VK_GROUP=${vkGroup} is set but VK_TOKEN is not: a real community needs a user token in VK_TOKEN (see environment.md), or unset VK_GROUP to run the synthetic study.`,
    );
  }
  const mode: StudyMode = vkTokenSet ? 'vk' : 'synthetic';
  const members = positiveInt(env, 'STUDY_MEMBERS', DEFAULT_MEMBERS, MAX_MEMBERS);
  const seed = positiveInt(env, 'STUDY_SEED', DEFAULT_SEED, 2 ** 31 - 1);
  const vkApiBase = (nonEmpty(env, 'VK_API_BASE') ?? VK_API_BASE_DEFAULT).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s?#]+$/.test(vkApiBase)) {
    throw new Error(
      `VK_API_BASE="${vkApiBase}" is not an http(s) URL without query: use e.g. ${VK_API_BASE_DEFAULT} (the token is never put in the URL).`,
    );
  }
  const defaultSnapshot =
    mode === 'vk'
      ? path.join(repoRoot, 'data', 'snapshots', `vk-${safeGroupName(vkGroup as string)}`)
      : path.join(repoRoot, 'data', 'snapshots', `synthetic-${members}-${seed}`);
  // Relative STUDY_SNAPSHOT paths are taken from the repository root, never from the
  // caller's cwd: a kernel runs in notebooks/, a CLI anywhere, and both must agree.
  const snapshotRaw = nonEmpty(env, 'STUDY_SNAPSHOT');
  const snapshotDir = snapshotRaw === null ? defaultSnapshot : path.resolve(repoRoot, snapshotRaw);
  const summaryRaw = nonEmpty(env, 'STUDY_SUMMARY_DIR');
  return {
    mode,
    members,
    seed,
    snapshotDir,
    vkGroup,
    vkApiBase,
    vkTokenSet,
    summaryDir: summaryRaw === null ? null : path.resolve(repoRoot, summaryRaw),
    repoRoot,
  };
}

/** Reads the token only where it is needed (the pull); kept out of `StudyParams` so it can't be printed by accident. */
export function vkToken(env: Env = process.env): string | null {
  return nonEmpty(env, 'VK_TOKEN');
}

export type ParamName =
  | 'STUDY_MEMBERS'
  | 'STUDY_SEED'
  | 'STUDY_SNAPSHOT'
  | 'VK_TOKEN'
  | 'VK_GROUP'
  | 'VK_API_BASE'
  | 'STUDY_SUMMARY_DIR';

export const ALL_PARAMS: readonly ParamName[] = [
  'STUDY_MEMBERS',
  'STUDY_SEED',
  'STUDY_SNAPSHOT',
  'VK_TOKEN',
  'VK_GROUP',
  'VK_API_BASE',
  'STUDY_SUMMARY_DIR',
];

/**
 * One `NAME = value` line per parameter, for a notebook's parameter cell. VK_TOKEN is shown
 * only as "set"/"not set"; values not taken from the environment say "(default)".
 */
export function formatParams(
  p: StudyParams,
  names: readonly ParamName[] = ALL_PARAMS,
  env: Env = process.env,
): string {
  const shown = (name: ParamName, value: string): string =>
    `${name.padEnd(18)}= ${value}${nonEmpty(env, name) === null && name !== 'VK_TOKEN' ? '  (default)' : ''}`;
  const rel = (abs: string): string => {
    const r = path.relative(p.repoRoot, abs);
    return r.startsWith('..') ? abs : r;
  };
  const lines = names.map((name) => {
    switch (name) {
      case 'STUDY_MEMBERS':
        return shown(name, p.mode === 'vk' ? `${p.members} (unused: real community)` : String(p.members));
      case 'STUDY_SEED':
        return shown(name, p.mode === 'vk' ? `${p.seed} (unused: real community)` : String(p.seed));
      case 'STUDY_SNAPSHOT':
        return shown(name, rel(p.snapshotDir));
      case 'VK_TOKEN':
        return shown(name, p.vkTokenSet ? 'set' : 'not set');
      case 'VK_GROUP':
        return shown(name, p.vkGroup ?? '(none: synthetic community)');
      case 'VK_API_BASE':
        return shown(name, p.mode === 'vk' ? p.vkApiBase : `${p.vkApiBase} (unused: in-process emulator)`);
      // The runner's staging folder is gone once the report is swapped in: printing it would confuse.
      case 'STUDY_SUMMARY_DIR':
        return shown(
          name,
          p.summaryDir === null
            ? '(none: interactive run)'
            : 'set (report run: summary goes to the index page)',
        );
    }
  });
  return [
    `mode              = ${p.mode === 'synthetic' ? 'synthetic community (local emulator, no network)' : 'real VK community'}`,
    ...lines,
  ].join('\n');
}

/** Reads the parameters, prints the ones a notebook uses, and returns them. */
export function printParams(names: readonly ParamName[] = ALL_PARAMS, env: Env = process.env): StudyParams {
  const p = studyParams(env);
  console.log(formatParams(p, names, env));
  return p;
}
