/**
 * The study's parameters: ONE place that turns the study's environment variables into typed
 * values (read by src/util/env.ts's rules), so every notebook, command and the report runner
 * agree on defaults. Every variable is documented in environment.md.
 */
import * as path from 'node:path';
import { DEFAULT_VK_API_BASE } from '../vk/client';
import { EnvError, envInt, envIsSet, envPath, envText, envUrl, formatSettings, type Env } from '../util/env';
import { findRepoRoot } from '../util/repo-root';

export type { Env } from '../util/env';

/** Default community size: keeps the whole report within the 3-minute target (README, "Benchmarks"). */
export const DEFAULT_MEMBERS = 20000;
export const DEFAULT_SEED = 1;
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

/**
 * Where a real community's snapshot lives by default (`npm run pull` writes it there, the
 * notebooks look there with VK_GROUP): the folder name keeps screen-name characters only.
 */
export function vkSnapshotDir(repoRoot: string, group: string): string {
  return path.join(repoRoot, 'data', 'snapshots', `vk-${group.trim().replace(/[^A-Za-z0-9_.-]/g, '_')}`);
}

/** Reads the study parameters from `env` (default: process.env). Pure apart from finding the root. */
export function studyParams(env: Env = process.env, repoRoot: string = findRepoRoot()): StudyParams {
  const vkTokenSet = envIsSet(env, 'VK_TOKEN');
  const vkGroup = envText(env, 'VK_GROUP');
  if (vkTokenSet && vkGroup === null) {
    throw new EnvError(
      'VK_GROUP',
      'VK_TOKEN is set but VK_GROUP is not: set VK_GROUP to the community id or screen name to pull, or unset VK_TOKEN to run the synthetic study.',
    );
  }
  if (!vkTokenSet && vkGroup !== null) {
    throw new EnvError(
      'VK_TOKEN',
      `VK_GROUP=${vkGroup} is set but VK_TOKEN is not: a real community needs a user token in VK_TOKEN (see environment.md), or unset VK_GROUP to run the synthetic study.`,
    );
  }
  const mode: StudyMode = vkTokenSet ? 'vk' : 'synthetic';
  const members = envInt(env, 'STUDY_MEMBERS', { default: DEFAULT_MEMBERS, min: 1, max: MAX_MEMBERS });
  const seed = envInt(env, 'STUDY_SEED', { default: DEFAULT_SEED, min: 1, max: 2 ** 31 - 1 });
  const vkApiBase = envUrl(env, 'VK_API_BASE', DEFAULT_VK_API_BASE);
  // Relative paths are taken from the repository root, never from the caller's cwd: a
  // kernel runs in notebooks/, a command anywhere, and both must agree.
  const snapshotDir = envPath(env, 'STUDY_SNAPSHOT', {
    base: repoRoot,
    default:
      mode === 'vk'
        ? vkSnapshotDir(repoRoot, vkGroup as string)
        : path.join(repoRoot, 'data', 'snapshots', `synthetic-${members}-${seed}`),
  });
  return {
    mode,
    members,
    seed,
    snapshotDir,
    vkGroup,
    vkApiBase,
    vkTokenSet,
    summaryDir: envPath(env, 'STUDY_SUMMARY_DIR', { base: repoRoot, default: null }),
    repoRoot,
  };
}

/** Reads the token only where it is needed (the pull); kept out of `StudyParams` so it can't be printed by accident. */
export function vkToken(env: Env = process.env): string | null {
  return envText(env, 'VK_TOKEN');
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
  const rel = (abs: string): string => {
    const r = path.relative(p.repoRoot, abs);
    return r.startsWith('..') ? abs : r;
  };
  const value = (name: ParamName): string => {
    switch (name) {
      case 'STUDY_MEMBERS':
        return p.mode === 'vk' ? `${p.members} (unused: real community)` : String(p.members);
      case 'STUDY_SEED':
        return p.mode === 'vk' ? `${p.seed} (unused: real community)` : String(p.seed);
      case 'STUDY_SNAPSHOT':
        return rel(p.snapshotDir);
      case 'VK_TOKEN':
        return p.vkTokenSet ? 'set' : 'not set';
      case 'VK_GROUP':
        return p.vkGroup ?? '(none: synthetic community)';
      case 'VK_API_BASE':
        return p.mode === 'vk' ? p.vkApiBase : `${p.vkApiBase} (unused: in-process emulator)`;
      // The runner's staging folder is gone once the report is swapped in: printing it would confuse.
      case 'STUDY_SUMMARY_DIR':
        return p.summaryDir === null
          ? '(none: interactive run)'
          : 'set (report run: summary goes to the index page)';
    }
  };
  return [
    `mode              = ${p.mode === 'synthetic' ? 'synthetic community (local emulator, no network)' : 'real VK community'}`,
    formatSettings(
      names.map((n) => [n, value(n)] as const),
      env,
      { width: 18, neverDefault: ['VK_TOKEN'] },
    ),
  ].join('\n');
}
