/**
 * The study's colours. Okabe & Ito's colour-blind-safe palette (Okabe & Ito 2008, "Color
 * Universal Design"), with a fixed colour per category so the same sex, status or platform
 * has the same colour on every chart of every notebook. Other stages import these; never
 * pick category colours ad hoc.
 */

export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  grey: '#999999',
} as const;

/** Colour cycle for series with no fixed category colour. */
export const SERIES_COLORS: readonly string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.vermillion,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.yellow,
  OKABE_ITO.black,
];

export type SexCategory = 'female' | 'male' | 'unknown';
export const SEX_COLORS: Readonly<Record<SexCategory, string>> = {
  female: OKABE_ITO.reddishPurple,
  male: OKABE_ITO.blue,
  unknown: OKABE_ITO.grey,
};
/** VK `sex` codes (docs/vk-api.md): 0 unknown, 1 female, 2 male. */
export function sexCategory(code: number | null | undefined): SexCategory {
  return code === 1 ? 'female' : code === 2 ? 'male' : 'unknown';
}

export type StatusCategory = 'active' | 'inactive' | 'hidden' | 'deleted' | 'banned';
export const STATUS_COLORS: Readonly<Record<StatusCategory, string>> = {
  active: OKABE_ITO.bluishGreen,
  inactive: OKABE_ITO.orange,
  hidden: OKABE_ITO.grey,
  deleted: OKABE_ITO.vermillion,
  banned: OKABE_ITO.black,
};
/** Order in which statuses are listed in legends and bars: live first, then gone. */
export const STATUS_ORDER: readonly StatusCategory[] = ['active', 'inactive', 'hidden', 'deleted', 'banned'];

export type PlatformCategory =
  'mobile web' | 'iPhone' | 'iPad' | 'Android' | 'Windows Phone' | 'Windows app' | 'full web' | 'unknown';
/** VK `last_seen.platform` codes 1…7 (docs/vk-api.md). */
export const PLATFORM_BY_CODE: Readonly<Record<number, PlatformCategory>> = {
  1: 'mobile web',
  2: 'iPhone',
  3: 'iPad',
  4: 'Android',
  5: 'Windows Phone',
  6: 'Windows app',
  7: 'full web',
};
export const PLATFORM_COLORS: Readonly<Record<PlatformCategory, string>> = {
  'mobile web': OKABE_ITO.orange,
  iPhone: OKABE_ITO.skyBlue,
  iPad: OKABE_ITO.blue,
  Android: OKABE_ITO.bluishGreen,
  'Windows Phone': OKABE_ITO.yellow,
  'Windows app': OKABE_ITO.vermillion,
  'full web': OKABE_ITO.reddishPurple,
  unknown: OKABE_ITO.grey,
};
export function platformCategory(code: number | null | undefined): PlatformCategory {
  return (code !== null && code !== undefined && PLATFORM_BY_CODE[code]) || 'unknown';
}

/** Colour for a category of a known family, or the series cycle for anything else. */
export function categoryColor(category: string, index = 0): string {
  const fixed =
    (SEX_COLORS as Record<string, string>)[category] ??
    (STATUS_COLORS as Record<string, string>)[category] ??
    (PLATFORM_COLORS as Record<string, string>)[category];
  return fixed ?? SERIES_COLORS[index % SERIES_COLORS.length];
}
