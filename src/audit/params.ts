/**
 * The audit's own parameters for notebooks 02–04, read from environment variables like
 * every study parameter (nbconvert passes the environment to the kernel: docs/toolchain.md).
 * Documented in environment.md:
 *   AUDIT_INACTIVE_DAYS     inactive = live and not seen for more than N days (default 183)
 *   AUDIT_MIN_CITY_COUNT    cities with fewer live members are pooled as "other" (default 50)
 *   AUDIT_RECENT_MINUTES    time of day leaves out visits from N minutes before the snapshot on (default 15)
 *   AUDIT_TIME_POPULATION   "live" (default) or "active": whose last visits the time of day uses
 */
import { DEFAULT_MIN_CITY_COUNT } from './geography';
import { DEFAULT_INACTIVE_DAYS } from './status';
import { DEFAULT_RECENT_MINUTES } from './time';

export interface AuditParams {
  inactiveDays: number;
  minCityCount: number;
  recentMinutes: number;
  population: 'live' | 'active';
}

type Env = Readonly<Record<string, string | undefined>>;

function wholeNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = Number(raw.trim());
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new Error(
      `${name}="${raw}" must be a whole number from ${min} to ${max} (default ${fallback}); fix or unset it.`,
    );
  }
  return v;
}

export function auditParams(env: Env = process.env): AuditParams {
  const pop = (env.AUDIT_TIME_POPULATION ?? '').trim() || 'live';
  if (pop !== 'live' && pop !== 'active') {
    throw new Error(
      `AUDIT_TIME_POPULATION="${env.AUDIT_TIME_POPULATION}" must be "live" or "active" (default live); fix or unset it.`,
    );
  }
  return {
    inactiveDays: wholeNumber(env, 'AUDIT_INACTIVE_DAYS', DEFAULT_INACTIVE_DAYS, 1, 36500),
    minCityCount: wholeNumber(env, 'AUDIT_MIN_CITY_COUNT', DEFAULT_MIN_CITY_COUNT, 1, 1_000_000),
    recentMinutes: wholeNumber(env, 'AUDIT_RECENT_MINUTES', DEFAULT_RECENT_MINUTES, 0, 1440),
    population: pop,
  };
}

/** `NAME = value` lines for a notebook's parameter cell. */
export function formatAuditParams(p: AuditParams, env: Env = process.env): string {
  const line = (name: string, value: string | number): string =>
    `${name.padEnd(22)}= ${value}${(env[name] ?? '').trim() === '' ? '  (default)' : ''}`;
  return [
    line('AUDIT_INACTIVE_DAYS', p.inactiveDays),
    line('AUDIT_MIN_CITY_COUNT', p.minCityCount),
    line('AUDIT_RECENT_MINUTES', p.recentMinutes),
    line('AUDIT_TIME_POPULATION', p.population),
  ].join('\n');
}
