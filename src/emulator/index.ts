/**
 * The VK API emulator serving the synthetic community (docs/synthetic-community.md): the
 * programmatic API fixed by the project (tests, notebook 01 and the pull code run against it).
 *
 * Reading order. What the community is: truth.ts (calibration and true model values),
 * generator.ts (member index → profile), reference-data.ts (names, cities). What VK answers
 * look like: serialize.ts (the user object's field table), api.ts (the methods),
 * errors.ts, rate-limit.ts, membership.ts (drift), server.ts (HTTP), vkscript/ (the
 * execute language: lexer, parser, evaluate, json). The throughput machinery is apart, in
 * fast/, each piece beside the readable one it stands for and tested against it.
 */
import type { MemberStore } from './fast/member-store';
import type { AdvanceRates } from './time';

export interface EmulatorFaults {
  error10Rate?: number; // share of requests answered with VK error 10 (default 0)
  http5xxRate?: number; // share answered with HTTP 500/502 + HTML body (default 0)
  slowRate?: number; // share delayed by slowMs (default 0)
  slowMs?: number; // delay for slow answers, also usable to force client timeouts
  nonJsonRate?: number; // share answered 200 with a non-JSON body
  resetRate?: number; // share where the socket is destroyed without an answer
}
export interface EmulatorDrift {
  leavePerRequest?: number; // members that leave at each API request (default 0)
  joinPerRequest?: number; // new members that join at each API request (default 0)
}
export interface EmulatorOptions {
  members: number; // community size (1k … 2.5M)
  seed?: number; // generator seed (default 1)
  /** Share of live members that are bots (default 0.03, truth.ts DEFAULT_BOT_SHARE_OF_LIVE). */
  botShare?: number;
  /**
   * Share of live members whose followers_count is a structural zero (brms's `zi`; default 0,
   * truth.ts DEFAULT_FOLLOWERS_ZERO_SHARE: plain negative binomial counts).
   */
  followersZeroShare?: number;
  port?: number; // 0 / undefined = a free port on 127.0.0.1
  groupId?: number; // default 1
  screenName?: string; // default 'synthetic_community'
  rateLimitPerSecond?: number; // per token, default 3; 0 = unlimited
  maxResponseBytes?: number; // execute answers above this → error 13 (default 5 MB)
  hideMembers?: boolean; // getMembers → error 15
  /** A closed community the token owner may not see → getMembers error 203 (docs/vk-api.md marks the code [U]). */
  accessDenied?: boolean;
  faults?: EmulatorFaults;
  drift?: EmulatorDrift;
  /**
   * Serve the smaller communities and the 15M one beside the news community (default true;
   * docs/synthetic-community.md "Several communities").
   */
  communities?: boolean;
  /** Called after each step of time (handle.advance or POST /control/advance), e.g. to rewrite a truth file. */
  onAdvance?: (handle: EmulatorHandle) => void;
  /**
   * Clock in milliseconds (like `Date.now`). Read ONCE at start: that moment is the
   * reference time last_seen values are generated back from. Default: the wall clock at
   * start — not a fixed epoch — so that a pull's snapshot time (the real "now") sees the
   * calibrated six-month inactivity; pass `() => fixedMs` for byte-identical answers.
   */
  now?: () => number;
  /**
   * Generate the community ahead of the requests on a worker thread (fast/member-store.ts).
   * Default: from 20,000 members on (server.ts PREGENERATE_MIN_MEMBERS). Answers are the
   * same bytes either way.
   */
  pregenerate?: boolean;
}
/** One community's census in the truth (statuses as the audit's rules give them at 183 days). */
export interface CommunityTruth {
  group_id: number;
  screen_name: string;
  name: string;
  members: number;
  statuses: { active: number; inactive: number; hidden: number; deleted: number; banned: number };
  live: number;
  bots: number;
}
export interface OverlapTruth {
  a: number;
  b: number;
  /** Members in common, exactly. */
  common: number;
}
/** What one step of time did to each censused community. */
export interface StepTruth {
  step: number;
  days: number;
  rates: Required<AdvanceRates>;
  communities: {
    group_id: number;
    joined: number;
    left: number;
    stayed: number;
    /** Stayers by status before (row) and after (column). */
    transitions: Record<string, Record<string, number>>;
    joined_by_status: Record<string, number>;
    left_by_status: Record<string, number>;
  }[];
}
export interface EmulatorTruth {
  /** Sorted ids of current members, this instant, of the default community or of the one named (id or screen name). */
  memberIds(group?: number | string): Int32Array;
  /** Censuses of the news and smaller communities, now. */
  communities(): CommunityTruth[];
  /** Exact members in common for every pair of communities (the 15M one included). */
  overlaps(): OverlapTruth[];
  /** Every step of time so far. */
  steps(): StepTruth[];
  /** All of it as the truth file's JSON (npm run emulator -- --truth FILE). */
  json(): Record<string, unknown>;
  memberCount(): number;
  /** Sorted ids of the current members that are live bots (the truth the bot share estimates). */
  botIds(): Int32Array;
  /** The share of live members drawn as bots (the generator's parameter). */
  botShare(): number;
  /** The share of live members whose followers_count is a structural zero (the generator's parameter, brms's `zi`). */
  followersZeroShare(): number;
  /** ids present at every moment between two request counters (see `requestCounter`). */
  presentThroughout(fromRequest: number, toRequest: number): Int32Array;
  requestCounter(): number; // number of API requests served so far
  user(id: number, fields: readonly string[]): Record<string, unknown> | undefined; // VK-shaped object
  /** The reference time (unix seconds) last_seen values were generated back from. */
  referenceTime(): number;
  /**
   * The true model parameters, named as brms names its draws (truth.ts `trueDraws`), `zi`
   * (the zero share) included: the zero-inflated negative binomial's, which is the plain
   * negative binomial's when the zero share is 0.
   */
  modelTruth(): Record<string, number>;
}
export interface EmulatorHandle {
  base: string; // 'http://127.0.0.1:<port>/method'
  groupId: number;
  screenName: string;
  token: string; // a valid user token (execute allowed)
  serviceToken: string; // valid for plain calls, execute → error 28
  truth: EmulatorTruth; // ground truth for tests: never through the API
  /** Moves the population a step in time and the news community's membership (time.ts); also POST /control/advance. */
  advance(rates?: AdvanceRates): StepTruth;
  configure(
    patch: Partial<
      Pick<
        EmulatorOptions,
        'rateLimitPerSecond' | 'maxResponseBytes' | 'hideMembers' | 'faults' | 'drift' | 'accessDenied'
      >
    >,
  ): void;
  stats(): { requests: number; byMethod: Record<string, number>; errors: Record<string, number> };
  /** The store a worker fills ahead, when `pregenerate` is on (benchmark and tests). */
  store?: Pick<MemberStore, 'storedCount' | 'whenFilled' | 'error' | 'capacity'>;
  close(): Promise<void>;
}

export { startEmulator } from './server';
export { SYNTHETIC_MARKER } from './api';
export { CommunityGenerator, GENERATOR_EPOCH_SEC } from './generator';
export { trueDraws } from './truth';
export { SMALL_COMMUNITIES, LARGE_COMMUNITY } from './communities';
export { DEFAULT_ADVANCE, type AdvanceRates } from './time';
