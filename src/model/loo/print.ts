/**
 * The loo package's printed forms: print.psis_loo (loo ≥ 2.7, the Pareto k table with the
 * sample-size dependent threshold of Vehtari et al. 2024) and print.compare.loo (elpd_diff,
 * se_diff with the models as row names), one decimal as loo's default.
 */
import type { LooResult } from './loo';
import type { CompareRow } from './compare';

const fr = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : 'NA');

const padLeft = (s: string, w: number): string => s.padStart(w);
const padRight = (s: string, w: number): string => s.padEnd(w);

/** format() of a numeric vector: every value with `digits` decimals, right-justified to a common width. */
function formatColumn(xs: readonly number[], digits: number): string[] {
  const s = xs.map((x) => fr(x, digits));
  const w = Math.max(...s.map((v) => v.length));
  return s.map((v) => padLeft(v, w));
}

export function formatLoo(l: LooResult, digits = 1): string {
  const out: string[] = [''];
  out.push(`Computed from ${l.draws} by ${l.observations} log-likelihood matrix.`);
  out.push('');
  const rows = ['elpd_loo', 'p_loo', 'looic'];
  const est = formatColumn([l.elpd_loo.estimate, l.p_loo.estimate, l.looic.estimate], digits);
  const se = formatColumn([l.elpd_loo.se, l.p_loo.se, l.looic.se], digits);
  const rw = Math.max(...rows.map((r) => r.length));
  const ew = Math.max('Estimate'.length, est[0].length);
  const sw = Math.max('SE'.length, se[0].length);
  out.push(`${' '.repeat(rw)} ${padLeft('Estimate', ew)} ${padLeft('SE', sw)}`);
  rows.forEach((r, i) => out.push(`${padRight(r, rw)} ${padLeft(est[i], ew)} ${padLeft(se[i], sw)}`));
  out.push('------');
  out.push(`MCSE of elpd_loo is ${fr(l.mcse_elpd_loo, digits)}.`);
  out.push(
    `MCSE and ESS estimates assume MCMC draws (r_eff in [${fr(l.rEff.min, digits)}, ${fr(l.rEff.max, digits)}]).`,
  );
  if (l.highK > 0) out.push('');
  out.push(...formatParetoK(l, digits));
  out.push("See help('pareto-k-diagnostic') for details.");
  for (const w of l.warnings) out.push(`Warning: ${w}`);
  return out.join('\n') + '\n';
}

/** loo's print.pareto_k_table. */
export function formatParetoK(l: LooResult, digits = 1): string[] {
  const t = l.paretoK;
  if (t[1].count + t[2].count === 0) {
    return ['', `All Pareto k estimates are good (k < ${Math.round(l.kThreshold * 100) / 100}).`];
  }
  const counts = formatColumn(
    t.map((r) => r.count),
    0,
  );
  const pct = formatColumn(
    t.map((r) => 100 * r.proportion),
    digits,
  ).map((s) => `${s}%`);
  const ess = t.map((r) => (r.minEss === null ? '<NA>' : String(Math.round(r.minEss))));
  const labels = t.map((r) => `(${r.label})`);
  const names = t.map((r) => r.range);
  const nw = Math.max(...names.map((s) => s.length));
  const cols: Array<{ head: string; cells: string[] }> = [
    { head: ' ', cells: ['', '', ''] },
    { head: ' ', cells: labels },
    { head: 'Count', cells: counts },
    { head: 'Pct.   ', cells: pct },
    { head: 'Min. ESS', cells: ess },
  ];
  const widths = cols.map((c) => Math.max(c.head.length, ...c.cells.map((s) => s.length)));
  const lines = ['Pareto k diagnostic values:'];
  lines.push(' '.repeat(nw) + cols.map((c, j) => ' ' + padRight(c.head, widths[j])).join(''));
  names.forEach((n, i) => {
    lines.push(padLeft(n, nw) + cols.map((c, j) => ' ' + padRight(c.cells[i], widths[j])).join(''));
  });
  return lines;
}

/** loo's print.compare.loo (simplify = TRUE): elpd_diff and se_diff, models as row names. */
export function formatLooCompare(rows: readonly CompareRow[], digits = 1): string {
  const all = rows.flatMap((r) => [r.elpd_diff, r.se_diff]);
  const f = formatColumn(all, digits);
  const cell = (i: number, j: number): string => f[2 * i + j];
  const nw = Math.max(...rows.map((r) => r.model.length));
  const w0 = Math.max('elpd_diff'.length, f[0].length);
  const w1 = Math.max('se_diff'.length, f[0].length);
  const lines = [`${' '.repeat(nw)} ${padRight('elpd_diff', w0)} ${padRight('se_diff', w1)}`];
  rows.forEach((r, i) =>
    lines.push(`${padRight(r.model, nw)} ${padRight(cell(i, 0), w0)} ${padRight(cell(i, 1), w1)}`),
  );
  return lines.join('\n') + '\n';
}
