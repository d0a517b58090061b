/**
 * City coordinates shipped with the project (`data/cities.csv`, see data/README.md):
 * read once, matched on VK's `city_id` first and on the title second (the data README:
 * ids marked `assigned` are the project's own, so a real snapshot's cities may only
 * match by title). Nothing is fetched at run time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CityRef {
  vkId: number;
  titleRu: string;
  titleEn: string;
  countryId: number | null;
  lat: number;
  lon: number;
  idSource: string;
}

export interface CityIndex {
  byId: Map<number, CityRef>;
  /** Keyed by `normalizeTitle` of both the Russian and the English title. */
  byTitle: Map<string, CityRef>;
  source: string;
  size: number;
}

const REQUIRED = ['vk_id', 'title_ru', 'latitude', 'longitude'] as const;

/** Case-, space- and ё-insensitive key for matching city titles. */
export function normalizeTitle(title: string): string {
  return title
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

/** Splits one CSV line (RFC 4180 quoting; the shipped file has none, a user's may). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses the cities CSV text; `source` names the file in error messages. */
export function parseCities(text: string, source: string): CityIndex {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (lines.length === 0)
    throw new Error(`${source} is empty; it needs a header with ${REQUIRED.join(', ')}.`);
  const header = splitCsvLine(lines[0]).map((h) => h.trim());
  const missing = REQUIRED.filter((h) => !header.includes(h));
  if (missing.length > 0)
    throw new Error(`${source}: header lacks ${missing.join(', ')} (found ${header.join(', ')}).`);
  const col = (name: string): number => header.indexOf(name);
  const byId = new Map<number, CityRef>();
  const byTitle = new Map<string, CityRef>();
  for (let r = 1; r < lines.length; r++) {
    const f = splitCsvLine(lines[r]);
    const get = (name: string): string => (col(name) >= 0 ? (f[col(name)] ?? '').trim() : '');
    const vkId = Number(get('vk_id'));
    const lat = Number(get('latitude'));
    const lon = Number(get('longitude'));
    if (
      !Number.isInteger(vkId) ||
      vkId <= 0 ||
      !(Math.abs(lat) <= 90) ||
      !(Math.abs(lon) <= 180) ||
      get('latitude') === '' ||
      get('longitude') === ''
    ) {
      throw new Error(
        `${source} line ${r + 1}: need a positive integer vk_id and latitude/longitude in degrees, got "${lines[r]}".`,
      );
    }
    const country = get('country_id');
    const city: CityRef = {
      vkId,
      titleRu: get('title_ru'),
      titleEn: get('title_en') || get('title_ru'),
      countryId: country === '' ? null : Number(country),
      lat,
      lon,
      idSource: get('id_source'),
    };
    if (byId.has(vkId)) throw new Error(`${source} line ${r + 1}: vk_id ${vkId} appears twice.`);
    byId.set(vkId, city);
    for (const t of [city.titleRu, city.titleEn]) {
      // A title shared by two cities (e.g. two towns named alike) is ambiguous: drop it
      // from title matching rather than guess.
      const key = normalizeTitle(t);
      if (key === '') continue;
      const prev = byTitle.get(key);
      if (prev && prev !== city) byTitle.set(key, AMBIGUOUS);
      else byTitle.set(key, city);
    }
  }
  for (const [k, v] of byTitle) if (v === AMBIGUOUS) byTitle.delete(k);
  return { byId, byTitle, source, size: byId.size };
}

const AMBIGUOUS: CityRef = {
  vkId: -1,
  titleRu: '',
  titleEn: '',
  countryId: null,
  lat: NaN,
  lon: NaN,
  idSource: '',
};

/** The repository's data/cities.csv, found by walking up from this file (works from dist/ and .build/). */
export function defaultCitiesPath(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'data', 'cities.csv');
    if (fs.existsSync(candidate) && fs.existsSync(path.join(dir, 'package.json'))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(
    'data/cities.csv not found above ' + __dirname + '; pass the path of a cities table explicitly.',
  );
}

/** Reads a cities CSV (default: the one shipped in data/). */
export function loadCities(file: string = defaultCitiesPath()): CityIndex {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the cities table ${file}: ${(e as Error).message}`, { cause: e });
  }
  return parseCities(text, file);
}

/**
 * Looks a city up by VK id, then by title; says which matched. Ids the project assigned
 * itself (`id_source` ≠ "vk") identify a city only in synthetic snapshots, whose
 * generator uses them (`trustAssignedIds`); in a real snapshot they could collide with a
 * real VK city, so only the title can match those rows.
 */
export function matchCity(
  index: CityIndex,
  id: number | null,
  title: string | null,
  trustAssignedIds: boolean,
): { city: CityRef; by: 'id' | 'title' } | null {
  if (id !== null) {
    const c = index.byId.get(id);
    if (c && (trustAssignedIds || c.idSource === 'vk')) return { city: c, by: 'id' };
  }
  if (title) {
    const c = index.byTitle.get(normalizeTitle(title));
    if (c) return { city: c, by: 'title' };
  }
  return null;
}
