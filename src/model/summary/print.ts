/**
 * brms's printed summary (print.brmssummary, brms ≥ 2.21 section names; docs/model-engine.md
 * §brms defaults): header, "Multilevel Hyperparameters", "Regression Coefficients",
 * "Further Distributional Parameters", the closing note, then warnings.
 */
import { familyLinks, termsOf, type ModelInfo } from './model-info';
import type { ParameterSummary } from './table';

export interface PrintInput {
  info: ModelInfo;
  /** Shown as "Data: <name>" (brms shows the data argument's name). */
  dataName: string;
  chains: number;
  iter: number;
  warmup: number;
  thin: number;
  parameters: readonly ParameterSummary[];
  warnings: readonly string[];
  digits?: number;
}

const COLUMNS = ['Estimate', 'Est.Error', 'l-95% CI', 'u-95% CI', 'Rhat', 'Bulk_ESS', 'Tail_ESS'];

/** R's sprintf("%.<d>f"), including "NA" for missing values. */
function fmt(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'NA';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  return x.toFixed(digits);
}

/** print(<character matrix>, quote = FALSE, right = TRUE): row names left, cells right-aligned. */
export function formatMatrix(
  rowNames: readonly string[],
  colNames: readonly string[],
  cells: readonly string[][],
): string {
  const rw = Math.max(0, ...rowNames.map((r) => r.length));
  const widths = colNames.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const lines = [' '.repeat(rw) + colNames.map((c, j) => ' ' + c.padStart(widths[j])).join('')];
  rowNames.forEach((r, i) => {
    lines.push(r.padEnd(rw) + cells[i].map((v, j) => ' ' + v.padStart(widths[j])).join(''));
  });
  return lines.join('\n');
}

function block(rows: { label: string; p: ParameterSummary }[], digits: number): string {
  const cells = rows.map(({ p }) => [
    fmt(p.mean, digits),
    fmt(p.sd, digits),
    fmt(p['q2.5'], digits),
    fmt(p['q97.5'], digits),
    fmt(p.rhat, digits),
    fmt(p.ess_bulk, 0),
    fmt(p.ess_tail, 0),
  ]);
  return formatMatrix(
    rows.map((r) => r.label),
    COLUMNS,
    cells,
  );
}

export function formatBrmsSummary(x: PrintInput): string {
  const digits = x.digits ?? 2;
  const byName = new Map(x.parameters.map((p) => [p.name, p]));
  const total = Math.ceil(((x.iter - x.warmup) / x.thin) * x.chains);
  const out: string[] = [];
  out.push(` Family: ${x.info.family} `);
  out.push(`  Links: ${familyLinks(x.info.family)} `);
  out.push(`Formula: ${x.info.formula} `);
  out.push(`   Data: ${x.dataName} (Number of observations: ${x.info.nRows}) `);
  out.push(
    `  Draws: ${x.chains} chains, each with iter = ${x.iter}; warmup = ${x.warmup}; thin = ${x.thin};`,
  );
  out.push(`         total post-warmup draws = ${total}`);
  out.push('');
  if (x.info.groups.length) {
    // Per grouping factor: sd(coef) rows of all its terms, then their cor(coef1,coef2) rows.
    out.push('Multilevel Hyperparameters:');
    const terms = termsOf(x.info);
    for (const g of x.info.groups) {
      const rows: { label: string; p: ParameterSummary }[] = [];
      const mine = terms.filter((t) => t.groupName === g.name);
      for (const t of mine) {
        for (const c of t.coefs) {
          const p = byName.get(`sd_${g.name}__${c}`);
          if (p) rows.push({ label: `sd(${c})`, p });
        }
      }
      for (const t of mine) {
        for (let i = 1; i < t.coefs.length; i++) {
          for (let j = 0; j < i; j++) {
            const p = byName.get(`cor_${g.name}__${t.coefs[j]}__${t.coefs[i]}`);
            if (p) rows.push({ label: `cor(${t.coefs[j]},${t.coefs[i]})`, p });
          }
        }
      }
      if (rows.length === 0) continue;
      out.push(`~${g.name} (Number of levels: ${g.levels.length}) `);
      out.push(block(rows, digits));
      out.push('');
    }
  }
  const fixed = x.parameters.filter((p) => p.name.startsWith('b_'));
  if (fixed.length) {
    out.push('Regression Coefficients:');
    out.push(
      block(
        fixed.map((p) => ({ label: p.name.slice(2), p })),
        digits,
      ),
    );
    out.push('');
  }
  const spec = x.parameters.filter((p) => ['shape', 'sigma', 'zi', 'hu'].includes(p.name));
  if (spec.length) {
    out.push('Further Distributional Parameters:');
    out.push(
      block(
        spec.map((p) => ({ label: p.name, p })),
        digits,
      ),
    );
    out.push('');
  }
  out.push('Draws were sampled using sampling(NUTS). For each parameter, Bulk_ESS');
  out.push('and Tail_ESS are effective sample size measures, and Rhat is the potential');
  out.push('scale reduction factor on split chains (at convergence, Rhat = 1).');
  for (const w of x.warnings) out.push(`Warning: ${w}`);
  return out.join('\n') + '\n';
}
