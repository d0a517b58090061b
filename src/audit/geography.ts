/**
 * Where followers live: members per stated city, split by sex, the share of live members
 * who state a city, the female share per city with intervals, and coordinates for a map.
 *
 * Population: live profiles only (docs/geography.md: deactivated profiles carry no
 * reliable city or sex). "States a city" = `city_id` > 0 (VK's id; 0 or null = none).
 * Privacy: cities with fewer than `minCount` live members are pooled into one "other"
 * row, so no table or figure exposes a tiny group; the pooled row reports how many
 * cities it holds.
 * Female share per city = female / (female + male): members with sex 0/unknown are
 * counted in `members` and `unknown_sex` but not in the share's denominator.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { type CityIndex, matchCity } from './cities';
import { readNumber } from './columns';
import { type AuditInput, isSynthetic } from './input';
import { type Interval, wilson } from './intervals';
import { BANNED, DELETED, type StatusClassification } from './status';

export const DEFAULT_MIN_CITY_COUNT = 50;

export interface GeographyOptions {
  /** Cities with fewer live members go to "other" (default 50). */
  minCount?: number;
  /** Coordinates; without it the map columns stay null. */
  cities?: CityIndex | null;
  level?: number;
}

export interface CityRow {
  rank: number | null;
  city_id: number | null;
  city: string;
  /** English title from the cities table when matched (for the map's hover). */
  city_en: string | null;
  members: number;
  female: number;
  male: number;
  unknown_sex: number;
  /** Share of live members who state a city. */
  share_of_stating: number;
  female_share: number;
  female_lo: number;
  female_hi: number;
  lat: number | null;
  lon: number | null;
  matched_by: 'id' | 'title' | null;
  /** For the "other" row: how many cities it pools (1 for a city row). */
  cities_pooled: number;
}

export interface GeographySummary {
  live: number;
  stating: Interval & { count: number; denominator: number };
  /** Distinct stated cities, and how many of them are shown (≥ minCount). */
  citiesTotal: number;
  citiesShown: number;
  otherCities: number;
  otherMembers: number;
  minCount: number;
  /** Shown cities without coordinates (no bubble on the map), and their members. */
  withoutCoords: { cities: number; members: number };
  matchedByTitle: number;
  /** Live members by sex (stating a city or not). */
  female: number;
  male: number;
  /** Live members stating a city, by sex. */
  femaleStating: number;
  maleStating: number;
  level: number;
}

export interface Geography {
  summary: GeographySummary;
  /** Shown cities by members (descending), then the "other" row if any. */
  table: ColumnTable;
  rows: CityRow[];
}

export function geography(
  input: AuditInput,
  cls: StatusClassification,
  options: GeographyOptions = {},
): Geography {
  const { table, manifest } = input;
  const minCount = options.minCount ?? DEFAULT_MIN_CITY_COUNT;
  if (!(Number.isInteger(minCount) && minCount >= 1))
    throw new Error(`geography: minCount must be a positive integer, got ${minCount}`);
  const level = options.level ?? 0.95;
  const what = 'geography';
  const cityId = readNumber(table, 'city_id', what);
  const sex = readNumber(table, 'sex', what);
  const { codes } = cls;
  if (codes.length !== table.numRows())
    throw new Error('geography: the status classification is for a different table (row counts differ).');

  // City slot per id: a direct-addressed Int32Array when ids are small enough (VK city
  // ids are below a few million), else a Map. Direct addressing is several times faster
  // than Map lookups over millions of rows (bench/audit.ts).
  let maxId = 0;
  for (let i = 0; i < cityId.length; i++) if (cityId[i] > maxId) maxId = cityId[i];
  const direct = maxId <= 16_000_000 ? new Int32Array(Math.floor(maxId) + 1).fill(-1) : null;
  const slotMap = direct ? null : new Map<number, number>();
  const ids: number[] = [];
  const firstRow: number[] = [];
  // counts per city slot: [female, male, unknown]
  let counts = new Float64Array(3 * 1024);
  let live = 0;
  let female = 0;
  let male = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === DELETED || c === BANNED) continue;
    live++;
    const sx = sex[i];
    const s = sx === 1 ? 0 : sx === 2 ? 1 : 2;
    if (s === 0) female++;
    else if (s === 1) male++;
    const id = cityId[i];
    if (!(id > 0) || !Number.isInteger(id)) continue;
    let k = direct ? direct[id] : (slotMap!.get(id) ?? -1);
    if (k === -1) {
      k = ids.length;
      if (direct) direct[id] = k;
      else slotMap!.set(id, k);
      ids.push(id);
      firstRow.push(i);
      if (3 * ids.length > counts.length) {
        const grown = new Float64Array(counts.length * 2);
        grown.set(counts);
        counts = grown;
      }
    }
    counts[3 * k + s]++;
  }

  const stating = ids.reduce((acc, _id, k) => acc + counts[3 * k] + counts[3 * k + 1] + counts[3 * k + 2], 0);
  const order = ids.map((_, k) => k);
  const total = (k: number): number => counts[3 * k] + counts[3 * k + 1] + counts[3 * k + 2];
  order.sort((a, b) => total(b) - total(a) || ids[a] - ids[b]);

  const trustIds = isSynthetic(manifest);
  const rows: CityRow[] = [];
  let other = { members: 0, female: 0, male: 0, unknown: 0, cities: 0 };
  let withoutCoords = { cities: 0, members: 0 };
  let matchedByTitle = 0;
  for (const k of order) {
    const members = total(k);
    if (members < minCount) {
      other = {
        members: other.members + members,
        female: other.female + counts[3 * k],
        male: other.male + counts[3 * k + 1],
        unknown: other.unknown + counts[3 * k + 2],
        cities: other.cities + 1,
      };
      continue;
    }
    // Only shown cities need their title: one string decoded per city, not per member.
    const rawTitle = table.get('city_title', firstRow[k]);
    const title = typeof rawTitle === 'string' && rawTitle.trim() !== '' ? rawTitle : null;
    const m = options.cities ? matchCity(options.cities, ids[k], title, trustIds) : null;
    if (!m) withoutCoords = { cities: withoutCoords.cities + 1, members: withoutCoords.members + members };
    if (m?.by === 'title') matchedByTitle++;
    const f = counts[3 * k];
    const ma = counts[3 * k + 1];
    const iv = wilson(f, f + ma, level);
    rows.push({
      rank: rows.length + 1,
      city_id: ids[k],
      city: title ?? m?.city.titleRu ?? `city ${ids[k]}`,
      city_en: m ? m.city.titleEn : null,
      members,
      female: f,
      male: ma,
      unknown_sex: counts[3 * k + 2],
      share_of_stating: members / stating,
      female_share: iv.share,
      female_lo: iv.lo,
      female_hi: iv.hi,
      lat: m ? m.city.lat : null,
      lon: m ? m.city.lon : null,
      matched_by: m ? m.by : null,
      cities_pooled: 1,
    });
  }
  if (other.cities > 0) {
    const iv = wilson(other.female, other.female + other.male, level);
    rows.push({
      rank: null,
      city_id: null,
      city: `other (${other.cities} cities with fewer than ${minCount} members each)`,
      city_en: null,
      members: other.members,
      female: other.female,
      male: other.male,
      unknown_sex: other.unknown,
      share_of_stating: other.members / stating,
      female_share: iv.share,
      female_lo: iv.lo,
      female_hi: iv.hi,
      lat: null,
      lon: null,
      matched_by: null,
      cities_pooled: other.cities,
    });
  }
  const st = wilson(stating, live, level);
  const summary: GeographySummary = {
    live,
    stating: { ...st, count: stating, denominator: live },
    citiesTotal: ids.length,
    citiesShown: ids.length - other.cities,
    otherCities: other.cities,
    otherMembers: other.members,
    minCount,
    withoutCoords,
    matchedByTitle,
    female,
    male,
    femaleStating: ids.reduce((acc, _id, k) => acc + counts[3 * k], 0),
    maleStating: ids.reduce((acc, _id, k) => acc + counts[3 * k + 1], 0),
    level,
  };
  return { summary, rows, table: aq.from(rows) };
}

/** The top `n` shown cities (the "other" row excluded). */
export function topCities(g: Geography, n = 20): CityRow[] {
  return g.rows.filter((r) => r.rank !== null).slice(0, n);
}
