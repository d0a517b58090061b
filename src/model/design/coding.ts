import type { FormulaTerm } from '../formula/parse';
import { ModelSpecError } from '../formula/errors';
import type { ValueKind } from './columns';
import { brmsRename } from './naming';

/** A population-level predictor as the design sees it. */
export type VariableSpec =
  /** `constant`: brms's `Intercept` term of `0 + Intercept`, a column of ones not read from the data. */
  | { name: string; kind: 'numeric'; constant?: boolean }
  | { name: string; kind: 'factor'; valueKind: ValueKind; levels: string[] };

export interface TermPart {
  variable: string;
  /** Index into DesignCoding.variables. */
  index: number;
  factor: boolean;
  /**
   * How a factor is coded in this term: treatment contrasts (reference level dropped)
   * or indicators for every level — R's TermCode rule, see `codeTerms`.
   */
  indicator: boolean;
}

export interface TermCoding {
  label: string;
  parts: TermPart[];
  /** First design column of the term and its number of columns. */
  offset: number;
  size: number;
}

/** How formula terms map to design columns: everything needed to rebuild a design for new data. */
export interface DesignCoding {
  variables: VariableSpec[];
  terms: TermCoding[];
  /** brms's coefficient names (without the `b_` prefix), one per design column. */
  columnNames: string[];
}

/**
 * R's choice between contrasts and indicators for each factor in each term
 * (`TermCode` in R's src/library/stats/src/model.c): a factor in term T is coded by
 * contrasts if T without it is empty or contained in a preceding term; otherwise by
 * indicators. Without an intercept, the first factor of the first term holding a factor
 * gets indicators (so `0 + sex` gives `sexfemale` and `sexmale`).
 */
export function codeTerms(
  formula: { readonly terms: readonly FormulaTerm[]; readonly intercept: boolean },
  variables: VariableSpec[],
): DesignCoding {
  const index = new Map(variables.map((v, i) => [v.name, i] as const));
  const termSets = formula.terms.map((t) => new Set(t.variables));
  const terms: TermCoding[] = formula.terms.map((term, k) => ({
    label: term.label,
    offset: 0,
    size: 0,
    parts: term.variables.map((name) => {
      const vi = index.get(name) as number;
      const isFactor = variables[vi].kind === 'factor';
      let indicator = false;
      if (isFactor && term.variables.length > 1) {
        const rest = term.variables.filter((v) => v !== name);
        const covered = termSets.slice(0, k).some((s) => rest.every((v) => s.has(v)));
        indicator = !covered;
      }
      return { variable: name, index: vi, factor: isFactor, indicator };
    }),
  }));
  if (!formula.intercept) {
    outer: for (const term of terms) {
      for (const part of term.parts) {
        if (part.factor) {
          part.indicator = true;
          break outer;
        }
      }
    }
  }
  const columnNames: string[] = [];
  let offset = 0;
  for (const term of terms) {
    // Columns of an interaction: first variable varies fastest, as in model.matrix.
    let labels = [''];
    for (const part of term.parts) {
      const spec = variables[part.index];
      const pieces =
        spec.kind === 'numeric'
          ? [spec.name]
          : (part.indicator ? spec.levels : spec.levels.slice(1)).map((l) => spec.name + l);
      const next: string[] = [];
      for (const piece of pieces)
        for (const prefix of labels) next.push(prefix === '' ? piece : `${prefix}:${piece}`);
      labels = next;
    }
    term.offset = offset;
    term.size = labels.length;
    offset += labels.length;
    columnNames.push(...labels.map(brmsRename));
  }
  const seen = new Map<string, number>();
  columnNames.forEach((n, i) => {
    if (seen.has(n)) {
      throw new ModelSpecError(
        `two design columns get the same brms name '${n}' (columns ${seen.get(n)} and ${i}) after brms's renaming of special characters; rename the levels or columns`,
      );
    }
    seen.set(n, i);
  });
  return { variables, terms, columnNames };
}
