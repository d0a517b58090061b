/**
 * Sample audits of very large communities: the pull reads a random set of pages
 * (`groups.getMembers` pages of up to 1000 consecutive members, sorted by id) instead of
 * all of them, and the shares are estimated from those pages with design-based intervals.
 *
 * Pages are clusters, not members drawn one by one: consecutive ids joined VK at nearby
 * times, and deleted profiles, bans and inactivity all cluster by registration time, so
 * members of one page are more alike than members drawn at random. The estimator treats
 * each page as the unit drawn (docs/compare.md, "Sample audits"):
 *
 *  - share R̂ = Σ y_j / Σ x_j over the m sampled pages (y_j members of page j in the
 *    numerator, x_j in the denominator), the ratio estimator of cluster sampling;
 *  - its variance by linearisation, with the finite population correction for m pages of
 *    M drawn without replacement (Cochran 1977, Sampling Techniques, 3rd ed., §6.4 and
 *    §9A.3):  v(R̂) = (1 − m/M) / (m x̄²) · Σ (y_j − R̂ x_j)² / (m − 1);
 *  - a Wilson interval at the effective sample size n* = R̂(1 − R̂)/v(R̂) (Kish's design
 *    effect), with Korn & Graubard's degrees-of-freedom adjustment n*·(z / t_{m−1})²
 *    (Korn & Graubard 1998, "Confidence intervals for proportions with small expected
 *    number of positive counts estimated from survey data", Survey Methodology 24:193–201),
 *    so the interval stays in [0, 1] and behaves for rare statuses;
 *  - as a check, a bootstrap over pages (pages resampled with replacement; percentile
 *    interval), which makes no normal approximation but ignores the finite population
 *    correction (negligible when m ≪ M).
 */
import quantile from '@stdlib/stats-base-dists-normal-quantile';
import { zFor } from '../audit/intervals';
import { Rng } from '../util/rng';
import { SnapshotError } from '../snapshot/read';
import { isObject } from '../util/json-shape';
import { countOf, type RateDefinition, STATUS_COUNT } from './rates';

/** How a sample snapshot was drawn: its manifest's `sample` object (docs/compare.md). */
export interface PageSampleDesign {
  method: 'pages';
  /** Members a page holds (VK's `count`, at most 1000). */
  page_size: number;
  /** Members VK reported when the pages were drawn (N). */
  members_total: number;
  /** Pages the community had then (M = ⌈N / page_size⌉). */
  pages_total: number;
  /** Seed of the draw, for the record. */
  seed: number | null;
  /** The pages read, in the order their rows are stored: the offset asked for and the rows kept. */
  pages: { offset: number; rows: number }[];
}

/** The sample design of a manifest, or null for a census; a malformed one is a SnapshotError naming `where`. */
export function sampleDesignOf(manifest: unknown, where: string): PageSampleDesign | null {
  if (!isObject(manifest) || manifest.sample === undefined || manifest.sample === null) return null;
  const s = manifest.sample;
  const bad = (what: string): never => {
    throw new SnapshotError(
      `${where}: the manifest's "sample" ${what}; pull the sample again with this version.`,
    );
  };
  if (!isObject(s)) return bad('is not an object');
  if (s.method !== 'pages') bad(`method is ${JSON.stringify(s.method)}, expected "pages"`);
  for (const f of ['page_size', 'members_total', 'pages_total'] as const) {
    if (!(Number.isInteger(s[f]) && (s[f] as number) > 0)) bad(`"${f}" must be a positive integer`);
  }
  if (!Array.isArray(s.pages) || s.pages.length === 0) bad('has no "pages"');
  const pages = (s.pages as unknown[]).map((p, i) => {
    if (!isObject(p) || !Number.isInteger(p.offset) || !Number.isInteger(p.rows) || (p.rows as number) < 0) {
      return bad(`page ${i} needs integer "offset" and "rows"`);
    }
    return { offset: p.offset as number, rows: p.rows as number };
  });
  const design: PageSampleDesign = {
    method: 'pages',
    page_size: s.page_size as number,
    members_total: s.members_total as number,
    pages_total: s.pages_total as number,
    seed: typeof s.seed === 'number' ? s.seed : null,
    pages,
  };
  if (new Set(pages.map((p) => p.offset)).size !== pages.length) bad('lists a page twice');
  const over = pages.findIndex((p) => p.rows > design.page_size);
  if (over >= 0) bad(`page ${over} holds ${pages[over].rows} rows, more than page_size ${design.page_size}`);
  if (pages.length > design.pages_total) bad(`lists ${pages.length} pages of ${design.pages_total}`);
  return design;
}

/** Rows the design's pages hold (must equal the snapshot's rows). */
export function sampleRows(d: PageSampleDesign): number {
  return d.pages.reduce((n, p) => n + p.rows, 0);
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/** "sample of 100,000 of 15,000,000 members (100 of 15,000 pages of 1,000 consecutive members by id, …)". */
export function describeSample(d: PageSampleDesign): string {
  return (
    `sample of ${int(sampleRows(d))} of ${int(d.members_total)} members ` +
    `(${int(d.pages.length)} of ${int(d.pages_total)} pages of ${int(d.page_size)} consecutive members by id, ` +
    `drawn at random without replacement${d.seed === null ? '' : `, seed ${d.seed}`})`
  );
}

/** The page (index into `d.pages`) of each stored row: pages are stored one after another. */
export function pageOfRows(d: PageSampleDesign, rows: number): Int32Array {
  if (sampleRows(d) !== rows) {
    throw new SnapshotError(
      `sample: the manifest's "sample.pages" hold ${sampleRows(d)} rows but members.arrow has ${rows}; the snapshot is damaged — pull the sample again.`,
    );
  }
  const out = new Int32Array(rows);
  let row = 0;
  d.pages.forEach((p, j) => {
    out.fill(j, row, row + p.rows);
    row += p.rows;
  });
  return out;
}

/** Status counts per page, `[page * 5 + status]`, from each member's status and page. */
export function pageTotals(codes: Uint8Array, pageOf: Int32Array, pages: number): Float64Array {
  if (codes.length !== pageOf.length) throw new Error('pageTotals: one page index per member is needed.');
  const out = new Float64Array(pages * STATUS_COUNT);
  for (let i = 0; i < codes.length; i++) out[pageOf[i] * STATUS_COUNT + codes[i]]++;
  return out;
}

/** Per-page numerator and denominator of one share. */
export function pageCounts(totals: Float64Array, def: RateDefinition): { y: Float64Array; x: Float64Array } {
  const m = totals.length / STATUS_COUNT;
  const y = new Float64Array(m);
  const x = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const page = totals.subarray(j * STATUS_COUNT, (j + 1) * STATUS_COUNT);
    y[j] = countOf(page, def.numerator);
    x[j] = countOf(page, def.denominator);
  }
  return { y, x };
}

export interface PageEstimate {
  share: number;
  lo: number;
  hi: number;
  /** Sampled members in the numerator and in the denominator. */
  numerator: number;
  denominator: number;
  /** Standard error of the share (linearisation, with the finite population correction). */
  se: number;
  /** Pages sampled (m) and in the community (M). */
  pages: number;
  pages_total: number;
  df: number;
  /** Variance over the variance of as many members drawn one by one (Kish's deff). */
  design_effect: number;
  /** Members an unclustered sample would need for the same precision. */
  effective_n: number;
}

/**
 * Student t quantile: exact for 1 and 2 degrees of freedom, else the Cornish–Fisher
 * expansion in the normal quantile (Abramowitz & Stegun 1964, 26.7.5): 0.12% low at 3
 * degrees of freedom, within 0.02% from 5 and 1e-5 from 10 (checked against R's qt in the
 * tests; a sample has tens of pages or more).
 */
export function tQuantile(p: number, df: number): number {
  const z = quantile(p, 0, 1);
  if (!Number.isFinite(df) || df > 1e7) return z;
  if (df < 1) throw new Error(`tQuantile: df must be >= 1, got ${df}`);
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z2 = z * z;
  const g1 = (z2 + 1) / 4;
  const g2 = ((5 * z2 + 16) * z2 + 3) / 96;
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384;
  const g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160;
  return z * (1 + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4);
}

/** Wilson's score interval for a share p at a (possibly fractional) sample size n and quantile z. */
function wilsonAt(p: number, n: number, z: number): { lo: number; hi: number } {
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lo: p === 0 ? 0 : Math.max(0, center - half), hi: p === 1 ? 1 : Math.min(1, center + half) };
}

/** The ratio estimator over sampled pages with its design-based interval (see the file's comment). */
export function ratioOverPages(
  y: ArrayLike<number>,
  x: ArrayLike<number>,
  pagesTotal: number,
  level = 0.95,
): PageEstimate {
  const m = y.length;
  if (m !== x.length) throw new Error('ratioOverPages: y and x need one value per page.');
  if (m < 2)
    throw new Error(`ratioOverPages: a sample needs at least 2 pages to estimate its variance, got ${m}.`);
  if (!(Number.isInteger(pagesTotal) && pagesTotal >= m)) {
    throw new Error(
      `ratioOverPages: pagesTotal must be an integer >= the ${m} pages sampled, got ${pagesTotal}.`,
    );
  }
  let Y = 0;
  let X = 0;
  for (let j = 0; j < m; j++) {
    Y += y[j];
    X += x[j];
  }
  const df = m - 1;
  const base = { numerator: Y, denominator: X, pages: m, pages_total: pagesTotal, df };
  if (X === 0) {
    return { ...base, share: NaN, lo: NaN, hi: NaN, se: NaN, design_effect: NaN, effective_n: 0 };
  }
  const r = Y / X;
  let ss = 0;
  for (let j = 0; j < m; j++) ss += (y[j] - r * x[j]) ** 2;
  const xbar = X / m;
  const v = ((1 - m / pagesTotal) * ss) / (df * m * xbar * xbar);
  const srs = (r * (1 - r)) / X;
  // With no spread to measure (a share of 0 or 1, or identical pages) the design effect is unknown: take 1.
  const deff = v > 0 && srs > 0 ? v / srs : 1;
  const nEff = Math.min(X, X / deff);
  const z = zFor(level);
  const t = tQuantile(1 - (1 - level) / 2, df);
  const iv = wilsonAt(r, nEff * (z / t) ** 2, z);
  return {
    ...base,
    share: r,
    lo: iv.lo,
    hi: iv.hi,
    se: Math.sqrt(v),
    design_effect: deff,
    effective_n: nEff,
  };
}

/** Percentile interval of the ratio over `replicates` resamples of the pages (with replacement). */
export function pageBootstrap(
  y: ArrayLike<number>,
  x: ArrayLike<number>,
  options: { replicates?: number; level?: number; seed?: number } = {},
): { lo: number; hi: number; replicates: number } {
  const B = options.replicates ?? 2000;
  const level = options.level ?? 0.95;
  const m = y.length;
  const rng = new Rng(options.seed ?? 1998);
  const stats = new Float64Array(B);
  let kept = 0;
  for (let b = 0; b < B; b++) {
    let Y = 0;
    let X = 0;
    for (let j = 0; j < m; j++) {
      const k = rng.int(m);
      Y += y[k];
      X += x[k];
    }
    if (X > 0) stats[kept++] = Y / X;
  }
  if (kept === 0) return { lo: NaN, hi: NaN, replicates: B };
  const s = stats.subarray(0, kept).sort();
  const a = (1 - level) / 2;
  return { lo: s[Math.floor(a * (kept - 1))], hi: s[Math.ceil((1 - a) * (kept - 1))], replicates: B };
}
