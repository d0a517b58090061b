/**
 * The audit's own parameters for notebooks 02–04, read from environment variables like
 * every study parameter (nbconvert passes the environment to the kernel: docs/toolchain.md).
 * Documented in environment.md:
 *   AUDIT_INACTIVE_DAYS     inactive = live and not seen for more than N days (default 183)
 *   AUDIT_MIN_CITY_COUNT    cities with fewer live members are pooled as "other" (default 50)
 *   AUDIT_RECENT_MINUTES    time of day leaves out visits from N minutes before the snapshot on (default 15)
 *   AUDIT_TIME_POPULATION   "live" (default) or "active": whose last visits the time of day uses
 */
import { envEnum, envInt, formatSettings, type Env } from '../util/env';
import { DEFAULT_MIN_CITY_COUNT } from './geography';
import { DEFAULT_INACTIVE_DAYS } from './status';
import { DEFAULT_RECENT_MINUTES } from './time';

export interface AuditParams {
  inactiveDays: number;
  minCityCount: number;
  recentMinutes: number;
  population: 'live' | 'active';
}

export function auditParams(env: Env = process.env): AuditParams {
  return {
    inactiveDays: envInt(env, 'AUDIT_INACTIVE_DAYS', { default: DEFAULT_INACTIVE_DAYS, min: 1, max: 36500 }),
    minCityCount: envInt(env, 'AUDIT_MIN_CITY_COUNT', {
      default: DEFAULT_MIN_CITY_COUNT,
      min: 1,
      max: 1_000_000,
    }),
    recentMinutes: envInt(env, 'AUDIT_RECENT_MINUTES', {
      default: DEFAULT_RECENT_MINUTES,
      min: 0,
      max: 1440,
    }),
    population: envEnum(env, 'AUDIT_TIME_POPULATION', ['live', 'active'], 'live'),
  };
}

/** `NAME = value` lines for a notebook's parameter cell. */
export function formatAuditParams(p: AuditParams, env: Env = process.env): string {
  return formatSettings(
    [
      ['AUDIT_INACTIVE_DAYS', p.inactiveDays],
      ['AUDIT_MIN_CITY_COUNT', p.minCityCount],
      ['AUDIT_RECENT_MINUTES', p.recentMinutes],
      ['AUDIT_TIME_POPULATION', p.population],
    ],
    env,
  );
}
