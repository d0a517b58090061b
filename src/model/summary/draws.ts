/**
 * Draws as an arquero table, laid out as posterior's draws_df: `.chain`, `.iteration`,
 * `.draw`, then one column per reported parameter (brms names).
 */
import * as aq from 'arquero';
import type { ChainResult } from '../types';

export function drawsColumns(
  results: readonly ChainResult[],
  names: readonly string[],
): Record<string, Float64Array | Int32Array> {
  const P = names.length;
  const total = results.reduce((a, r) => a + r.nDraws, 0);
  const cols: Record<string, Float64Array | Int32Array> = {
    '.chain': new Int32Array(total),
    '.iteration': new Int32Array(total),
    '.draw': new Int32Array(total),
  };
  const params = names.map(() => new Float64Array(total));
  let row = 0;
  for (const r of results) {
    if (r.draws.length !== r.nDraws * P) {
      throw new Error(
        `drawsTable: chain ${r.chain} has ${r.draws.length} values, expected ${r.nDraws} × ${P}`,
      );
    }
    for (let i = 0; i < r.nDraws; i++, row++) {
      cols['.chain'][row] = r.chain;
      cols['.iteration'][row] = i + 1;
      cols['.draw'][row] = row + 1;
      for (let j = 0; j < P; j++) params[j][row] = r.draws[i * P + j];
    }
  }
  names.forEach((n, j) => {
    if (n in cols) throw new Error(`drawsTable: duplicate parameter name "${n}"`);
    cols[n] = params[j];
  });
  return cols;
}

export function drawsTable(results: readonly ChainResult[], names: readonly string[]): aq.ColumnTable {
  return aq.table(drawsColumns(results, names));
}
