/**
 * The reference tables the generator draws from: `data/cities.csv` and
 * `data/first_names.csv` (how they were made: data/README.md). Read once per process and
 * turned into cumulative-weight arrays so a draw is one binary search.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface City {
  id: number;
  title: string;
  countryId: number;
  countryTitle: string;
  populationK: number;
}

export interface FirstName {
  name: string;
  /** 1 female, 2 male (VK's `sex` coding). */
  sex: 1 | 2;
  weight: number;
  form: 'full' | 'short' | 'latin';
}

/** The project's `data/`: three levels above `dist/src/emulator`, four above `.build/<x>/src/emulator`. */
export function dataDir(): string {
  const candidates = [
    path.resolve(__dirname, '..', '..', '..', 'data'),
    path.resolve(__dirname, '..', '..', '..', '..', 'data'),
    path.resolve(process.cwd(), 'data'),
  ];
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, 'cities.csv'))) return dir;
  }
  throw new Error(
    `emulator: cannot find data/cities.csv (looked in ${candidates.join(', ')}); run from the project checkout`,
  );
}

function readCsv(file: string, required: readonly string[]): Record<string, string>[] {
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error(`${file}: no data rows`);
  // The shipped tables contain no quoted commas, so a plain split is exact for them.
  const header = lines[0].split(',');
  for (const col of required) {
    if (!header.includes(col)) throw new Error(`${file}: missing column "${col}" (header: ${lines[0]})`);
  }
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== header.length) {
      throw new Error(`${file}: line ${i + 2} has ${cells.length} cells, expected ${header.length}`);
    }
    const row: Record<string, string> = {};
    header.forEach((h, j) => (row[h] = cells[j]));
    return row;
  });
}

function num(file: string, row: Record<string, string>, col: string): number {
  const v = Number(row[col]);
  if (!Number.isFinite(v)) throw new Error(`${file}: column ${col} is not a number: "${row[col]}"`);
  return v;
}

let citiesCache: City[] | undefined;
export function loadCities(): City[] {
  if (citiesCache) return citiesCache;
  const file = path.join(dataDir(), 'cities.csv');
  citiesCache = readCsv(file, ['vk_id', 'title_ru', 'country_id', 'country_ru', 'population_k']).map((r) => ({
    id: num(file, r, 'vk_id'),
    title: r.title_ru,
    countryId: num(file, r, 'country_id'),
    countryTitle: r.country_ru,
    populationK: num(file, r, 'population_k'),
  }));
  return citiesCache;
}

let namesCache: FirstName[] | undefined;
export function loadFirstNames(): FirstName[] {
  if (namesCache) return namesCache;
  const file = path.join(dataDir(), 'first_names.csv');
  namesCache = readCsv(file, ['name', 'sex', 'weight', 'form']).map((r) => {
    const sex = num(file, r, 'sex');
    if (sex !== 1 && sex !== 2) throw new Error(`${file}: sex must be 1 or 2, got ${r.sex} for ${r.name}`);
    return { name: r.name, sex, weight: num(file, r, 'weight'), form: r.form as FirstName['form'] };
  });
  return namesCache;
}

/** Running sums of weights, for `Rng.pickCumulative`. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => {
    if (!(w >= 0)) throw new Error(`cumulative: negative or missing weight at ${i}`);
    acc += w;
    out[i] = acc;
  });
  return out;
}
