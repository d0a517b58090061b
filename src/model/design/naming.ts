/**
 * brms's names for coefficients and group levels.
 *
 * Coefficient names are R's model.matrix column names passed through brms's
 * `rename()` (R/misc.R), which strips or spells out characters Stan cannot take:
 * " ( ) [ ] , \" ' ?" are removed; "+" → "P", "-" → "M", "*" → "MU", "/" → "D",
 * "^" → "E", "=" → "EQ", "$" → "USD". ":" of interactions is kept.
 */
const RENAME: ReadonlyArray<readonly [string, string]> = [
  [' ', ''],
  ['(', ''],
  [')', ''],
  ['[', ''],
  [']', ''],
  [',', ''],
  ['"', ''],
  ["'", ''],
  ['?', ''],
  ['+', 'P'],
  ['-', 'M'],
  ['*', 'MU'],
  ['/', 'D'],
  ['^', 'E'],
  ['=', 'EQ'],
  ['$', 'USD'],
];

export function brmsRename(name: string): string {
  let out = name;
  for (const [from, to] of RENAME) out = out.split(from).join(to);
  return out;
}

/**
 * A group level as it appears in `r_<group>[<level>,Intercept]`: brms's
 * `rename_re_levels()` turns whitespace into ".".
 */
export function brmsLevelName(level: string): string {
  return level.replace(/[ \t\r\n]/g, '.');
}
