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

/** One community the study pulls, and the snapshot folder it goes to. */
export interface StudyGroup {
  /** Id or screen name: of a real community, or of one the embedded emulator serves. */
  group: string;
  snapshotDir: string;
}

/** The embedded emulator's news community (its default screen name, src/emulator/server.ts). */
export const SYNTHETIC_NEWS = 'synthetic_community';
/**
 * What the synthetic study pulls by default: the news community and the smaller ones drawn
 * from the same population (docs/synthetic-community.md, "Several communities"), so the
 * comparison has known overlaps. The 15M community is for sample audits, not pulled here.
 * Written out rather than imported, so that studying a real community never loads the
 * emulator; test/emulator/boundary.test.ts checks it against the emulator's own list.
 */
export const SYNTHETIC_GROUPS: readonly string[] = [
  SYNTHETIC_NEWS,
  'synthetic_regional',
  'synthetic_brand',
  'synthetic_youth',
];

export interface StudyParams {
  /** 'synthetic' = local emulator community (no token); 'vk' = a real community via VK_TOKEN. */
  mode: StudyMode;
  /** STUDY_MEMBERS: synthetic community size (ignored in 'vk' mode). */
  members: number;
  /** STUDY_SEED: synthetic generator seed (ignored in 'vk' mode). */
  seed: number;
  /** STUDY_SNAPSHOT: absolute snapshot directory that 01 writes and 02–05 read. */
  snapshotDir: string;
  /** VK_GROUP, or the first of VK_GROUPS: the real community 02–05 audit ('vk' mode), else null. */
  vkGroup: string | null;
  /**
   * The communities notebook 01 pulls, each into its own snapshot (VK_GROUPS=a,b,c, or VK_GROUP
   * alone); the first is the one notebooks 02–05 audit, its folder is `snapshotDir`.
   */
  groups: StudyGroup[];
  /** STUDY_COMPARE_WITH: further snapshot folders notebook 06 compares (an earlier pull: over time). */
  compareWith: string[];
  /** Synthetic study: where notebook 01 saves the emulator's truth (censuses, exact overlaps) for 06; else null. */
  truthFile: string | null;
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
/** VK_GROUPS=a,b,c: the names in order, each once. */
function groupList(env: Env): string[] | null {
  const text = envText(env, 'VK_GROUPS');
  if (text === null) return null;
  const names = text.split(',').map((g) => g.trim());
  if (names.some((g) => g === '')) {
    throw new EnvError(
      'VK_GROUPS',
      `VK_GROUPS="${text}" has an empty name: set VK_GROUPS to community ids or screen names separated by commas, e.g. VK_GROUPS=ria,tass,lentaru.`,
    );
  }
  const twice = names.find((g, i) => names.indexOf(g) !== i);
  if (twice !== undefined) {
    throw new EnvError(
      'VK_GROUPS',
      `VK_GROUPS="${text}" names ${twice} twice: name each community once (an earlier snapshot of one goes in STUDY_COMPARE_WITH).`,
    );
  }
  return names;
}

/** STUDY_COMPARE_WITH=DIR[,DIR…]: folders, relative to the repository root. */
function pathList(env: Env, name: string, base: string): string[] {
  const text = envText(env, name);
  if (text === null) return [];
  const dirs = text.split(',').map((d) => d.trim());
  if (dirs.some((d) => d === '')) {
    throw new EnvError(
      name,
      `${name}="${text}" has an empty folder name: set ${name} to snapshot folders separated by commas, or unset it.`,
    );
  }
  return dirs.map((d) => path.resolve(base, d));
}

export function studyParams(env: Env = process.env, repoRoot: string = findRepoRoot()): StudyParams {
  const vkTokenSet = envIsSet(env, 'VK_TOKEN');
  const single = envText(env, 'VK_GROUP');
  const several = groupList(env);
  if (single !== null && several !== null) {
    throw new EnvError(
      'VK_GROUPS',
      `both VK_GROUP=${single} and VK_GROUPS=${several.join(',')} are set: set VK_GROUPS alone for several communities (the first is audited in 02–05), or VK_GROUP alone for one.`,
    );
  }
  const names = several ?? (single === null ? null : [single]);
  const vkGroup = names?.[0] ?? null;
  const which = several !== null ? 'VK_GROUPS' : 'VK_GROUP';
  if (vkTokenSet && vkGroup === null) {
    throw new EnvError(
      'VK_GROUP',
      'VK_TOKEN is set but VK_GROUP is not: set VK_GROUP to the community id or screen name to pull (or VK_GROUPS=a,b,c for several), or unset VK_TOKEN to run the synthetic study.',
    );
  }
  if (!vkTokenSet && single !== null) {
    throw new EnvError(
      'VK_TOKEN',
      `VK_GROUP=${single} is set but VK_TOKEN is not: a real community needs a user token in VK_TOKEN (see environment.md), or unset VK_GROUP to run the synthetic study.`,
    );
  }
  const notServed = vkTokenSet ? [] : (several ?? []).filter((g) => !SYNTHETIC_GROUPS.includes(g));
  if (notServed.length > 0) {
    throw new EnvError(
      'VK_TOKEN',
      `${which}=${names!.join(',')} is set but VK_TOKEN is not, and the embedded emulator serves only ${SYNTHETIC_GROUPS.join(', ')} (not ${notServed.join(', ')}): real communities need a user token in VK_TOKEN (see environment.md), or name synthetic ones, or unset ${which}.`,
    );
  }
  const mode: StudyMode = vkTokenSet ? 'vk' : 'synthetic';
  const members = envInt(env, 'STUDY_MEMBERS', { default: DEFAULT_MEMBERS, min: 1, max: MAX_MEMBERS });
  const seed = envInt(env, 'STUDY_SEED', { default: DEFAULT_SEED, min: 1, max: 2 ** 31 - 1 });
  const vkApiBase = envUrl(env, 'VK_API_BASE', DEFAULT_VK_API_BASE);
  // Relative paths are taken from the repository root, never from the caller's cwd: a
  // kernel runs in notebooks/, a command anywhere, and both must agree.
  const synthetic = path.join(repoRoot, 'data', 'snapshots', `synthetic-${members}-${seed}`);
  const dirFor = (g: string): string =>
    mode === 'vk' ? vkSnapshotDir(repoRoot, g) : g === SYNTHETIC_NEWS ? synthetic : `${synthetic}-${g}`;
  const groupNames = mode === 'vk' ? (names as string[]) : (several ?? SYNTHETIC_GROUPS);
  const snapshotDir = envPath(env, 'STUDY_SNAPSHOT', { base: repoRoot, default: dirFor(groupNames[0]) });
  // The synthetic study keeps its further communities beside the first one's folder (so a
  // STUDY_SNAPSHOT elsewhere takes them along); a real one in data/snapshots/vk-<group>.
  const groups: StudyGroup[] = groupNames.map((g, i) => ({
    group: g,
    snapshotDir: i === 0 ? snapshotDir : mode === 'vk' ? dirFor(g) : `${snapshotDir}-${g}`,
  }));
  return {
    mode,
    members,
    seed,
    snapshotDir,
    vkGroup,
    groups,
    compareWith: pathList(env, 'STUDY_COMPARE_WITH', repoRoot),
    truthFile: mode === 'synthetic' ? `${snapshotDir}-truth.json` : null,
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
  | 'VK_GROUPS'
  | 'STUDY_COMPARE_WITH'
  | 'VK_API_BASE'
  | 'STUDY_SUMMARY_DIR';

export const ALL_PARAMS: readonly ParamName[] = [
  'STUDY_MEMBERS',
  'STUDY_SEED',
  'STUDY_SNAPSHOT',
  'VK_TOKEN',
  'VK_GROUP',
  'VK_GROUPS',
  'STUDY_COMPARE_WITH',
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
      case 'VK_GROUPS':
        return p.groups.map((g) => g.group).join(',');
      case 'STUDY_COMPARE_WITH':
        return p.compareWith.length === 0 ? '(none)' : p.compareWith.map(rel).join(', ');
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
