import { parseFormula } from '../formula/parse';
import { ModelSpecError } from '../formula/errors';
import {
  assertNoMissing,
  DataSource,
  toFactor,
  toFloat64,
  valueKind,
  type DataInput,
} from '../design/columns';
import { codeTerms, type VariableSpec } from '../design/coding';
import { allocate, buildDesign, columnMeans, type VariableValues } from '../design/build';
import { buildCells, yHistogram, type CompressionMode } from '../design/cells';
import { brmsLevelName } from '../design/naming';
import { dependentColumns } from '../design/rank';
import { autoCentered } from '../design/parameterization';
import { familySpec } from '../families/spec';
import { readResponse } from '../families/spec';
import { resolvePriors } from '../priors/resolve';
import type { ParameterLayout, PredictorSummary, PreparedGroup, PreparedModel } from './prepared';

export interface PrepareModelOptions {
  data: DataInput;
  /** brms / lme4 formula, e.g. "count ~ zAge + zBase * Trt + (1 | patient)". */
  formula: string;
  /** poisson | negbinomial | gaussian | lognormal | bernoulli. */
  family: string;
  /** User priors in brms notation, e.g. "prior(normal(0, 1), class = b, coef = sexmale)". */
  priors?: readonly string[];
  /** Likelihood compression: 'auto' (default: when cells ≤ 80% of rows), true, false. */
  compress?: CompressionMode;
  /** Put large arrays on SharedArrayBuffer so workers share them (default true). */
  shared?: boolean;
  /**
   * How group-level effects are parameterised for the sampler: 'noncentered' (default,
   * as brms: r = sd·z, z ~ N(0, 1)) or 'centered' (r ~ N(0, sd) sampled directly), for
   * all groups or per group name. The posterior is the same; the centered form samples
   * better when every level has a lot of data (the study's 2.1M rows / 300 names), the
   * non-centered one when levels have little. 'auto' picks per group from the data
   * (design/parameterization.ts: centered when the median level's information times a
   * moment estimate of sd² is at least 1).
   */
  groupParameterization?: GroupParameterization | Record<string, GroupParameterization>;
}

/**
 * Validates everything and builds the PreparedModel: formula → design (treatment
 * coding, brms names, column means) → group codes → family support → cells → priors
 * → parameter layout and names.
 */
/** 'auto' chooses per group from the data (design/parameterization.ts). */
export type GroupParameterization = 'noncentered' | 'centered' | 'auto';

export function prepareModel(options: PrepareModelOptions): PreparedModel {
  const {
    data,
    formula: formulaText,
    family: familyName,
    priors = [],
    compress = 'auto',
    shared = true,
  } = options;
  const param = options.groupParameterization ?? 'noncentered';
  const formula = parseFormula(formulaText);
  const spec = familySpec(familyName);
  const source = new DataSource(data);
  const N = source.nRows;
  if (N === 0) throw new ModelSpecError('data has no rows');

  const rawY = source.column(formula.response, 'response');
  assertNoMissing(formula.response, 'response', rawY);
  const y = new Float64Array(allocate(N * 8, shared));
  y.set(readResponse(spec, formula.response, rawY));

  // Population-level variables in formula order.
  const varNames: string[] = [];
  for (const t of formula.terms) for (const v of t.variables) if (!varNames.includes(v)) varNames.push(v);
  const variables: VariableSpec[] = [];
  const values: VariableValues = [];
  const predictors: PredictorSummary[] = [];
  for (const name of varNames) {
    const raw = source.column(name, 'predictor');
    assertNoMissing(name, 'predictor', raw);
    const kind = valueKind(name, 'predictor', raw);
    if (kind === 'numeric') {
      const x = toFloat64(raw);
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (let i = 0; i < N; i++) {
        if (!Number.isFinite(x[i]))
          throw new ModelSpecError(
            `predictor '${name}' has a non-finite value (${x[i]}) at row ${i}; filter or fix it`,
          );
        min = Math.min(min, x[i]);
        max = Math.max(max, x[i]);
        sum += x[i];
      }
      if (min === max) {
        throw new ModelSpecError(
          `predictor '${name}' is constant (every row is ${min}); its coefficient cannot be estimated — drop it from the formula`,
        );
      }
      variables.push({ name, kind: 'numeric' });
      values.push(x);
      predictors.push({ name, kind: 'numeric', mean: sum / N, min, max });
    } else {
      const f = toFactor(raw, kind);
      if (f.levels.length < 2) {
        throw new ModelSpecError(
          `predictor '${name}' has a single level ('${f.levels[0]}'); a constant predictor cannot be estimated — drop it from the formula`,
        );
      }
      variables.push({ name, kind: 'factor', valueKind: kind, levels: f.levels });
      values.push(f.codes);
      predictors.push({ name, kind: 'factor', levels: f.levels });
    }
  }
  const coding = codeTerms(formula, variables);
  const K = coding.columnNames.length;
  const rowDesign = buildDesign(coding, values, N);
  const means = columnMeans(rowDesign, K);
  checkColumns(rowDesign.col, rowDesign.val, rowDesign.nTerms, N, coding.columnNames, formula.intercept);

  const groups: PreparedGroup[] = [];
  const groupCodes: Int32Array[] = [];
  for (const g of formula.groups) {
    const raw = source.column(g, 'grouping factor');
    assertNoMissing(g, 'grouping factor', raw);
    const f = toFactor(raw, valueKind(g, 'grouping factor', raw));
    groups.push({ name: g, levels: f.levels, outputLevels: f.levels.map(brmsLevelName) });
    groupCodes.push(f.codes);
  }

  const yStat = spec.statScale === 'log' ? y.map(Math.log) : y;
  const cells = buildCells(rowDesign, groupCodes, yStat, spec.needSquares, compress, shared);
  const hist = spec.needHistogram
    ? yHistogram(y, shared)
    : { values: new Float64Array(0), counts: new Float64Array(0) };
  let sumY = 0;
  for (let i = 0; i < N; i++) sumY += yStat[i];

  const priorsResolved = resolvePriors(
    { family: spec, y, intercept: formula.intercept, coefNames: coding.columnNames, groups: formula.groups },
    priors,
  );
  const dependent = dependentColumns(cells.design, cells.n, means, formula.intercept).filter(
    (k) => priorsResolved.b[k].dist.dist === 'flat',
  );
  if (dependent.length > 0) {
    const list = dependent.map((k) => `'${coding.columnNames[k]}'`).join(', ');
    throw new ModelSpecError(
      `design column${dependent.length > 1 ? 's' : ''} ${list} ${dependent.length > 1 ? 'are linear combinations' : 'is a linear combination'} of ${formula.intercept ? 'the intercept and ' : ''}earlier columns ` +
        `(e.g. levels that always occur together, or an interaction without its main effects next to an intercept); ` +
        `with brms's flat priors the coefficient${dependent.length > 1 ? 's are' : ' is'} not identified — simplify the formula or give ${dependent.length > 1 ? 'them' : 'it'} a proper prior`,
    );
  }
  const centered = groups.map((g, gi) => {
    const choice = typeof param === 'string' ? param : (param[g.name] ?? 'noncentered');
    if (choice !== 'centered' && choice !== 'noncentered' && choice !== 'auto') {
      throw new ModelSpecError(
        `groupParameterization for '${g.name}' must be 'centered' or 'noncentered' (or 'auto' to choose from the data), got '${String(choice)}'`,
      );
    }
    return choice === 'auto' ? autoCentered(spec, y, groupCodes[gi], g.levels.length) : choice === 'centered';
  });
  if (typeof param === 'object') {
    for (const name of Object.keys(param)) {
      if (!formula.groups.includes(name)) {
        throw new ModelSpecError(
          `groupParameterization names '${name}', which is not a grouping factor of this model; the groups are: ${formula.groups.join(', ') || '(none)'}`,
        );
      }
    }
  } else if (param !== 'centered' && param !== 'noncentered' && param !== 'auto') {
    throw new ModelSpecError(
      `groupParameterization must be 'centered' or 'noncentered' (or 'auto' to choose from the data), got '${String(param)}'`,
    );
  }
  const { layout, unconstrainedNames, outputNames } = makeLayout(
    formula.intercept,
    coding.columnNames,
    groups,
    spec.aux,
    centered,
  );
  return {
    kind: 'prepared-model',
    version: 1,
    formula: formula.text,
    family: spec.name,
    link: spec.link,
    nRows: N,
    response: { name: formula.response, values: y },
    intercept: formula.intercept,
    coding,
    termNames: coding.columnNames,
    means,
    predictors,
    groups,
    cells,
    yHistogram: hist,
    totals: { n: N, sumY },
    compression: {
      rows: N,
      cells: cells.nCells,
      ratio: N / cells.nCells,
      used: cells.compressed,
      mode: compress === 'auto' ? 'auto' : compress ? 'on' : 'off',
    },
    priors: priorsResolved,
    layout,
    unconstrainedNames,
    outputNames,
  };
}

/** An all-zero column, or a constant one next to the intercept, cannot be estimated. */
function checkColumns(
  col: Int32Array,
  val: Float64Array,
  T: number,
  N: number,
  names: string[],
  intercept: boolean,
): void {
  const K = names.length;
  const nz = new Float64Array(K);
  const min = new Float64Array(K).fill(Infinity);
  const max = new Float64Array(K).fill(-Infinity);
  for (let j = 0; j < N * T; j++) {
    const k = col[j];
    if (k < 0) continue;
    if (val[j] !== 0) nz[k] += 1;
    if (val[j] < min[k]) min[k] = val[j];
    if (val[j] > max[k]) max[k] = val[j];
  }
  for (let k = 0; k < K; k++) {
    if (nz[k] === 0) {
      throw new ModelSpecError(
        `design column '${names[k]}' is zero in every row (no row has that level or combination), so its coefficient cannot be estimated; drop unused levels or simplify the interaction`,
      );
    }
  }
  if (!intercept) return;
  // Rows that skip a column (reference level) hold 0 there.
  const present = new Float64Array(K);
  for (let j = 0; j < N * T; j++) if (col[j] >= 0) present[col[j]] += 1;
  for (let k = 0; k < K; k++) {
    const lo = present[k] < N ? Math.min(min[k], 0) : min[k];
    const hi = present[k] < N ? Math.max(max[k], 0) : max[k];
    if (lo === hi) {
      throw new ModelSpecError(
        `design column '${names[k]}' is constant (${lo}) in every row, so it cannot be told apart from the intercept; drop the term or remove the intercept`,
      );
    }
  }
}

function makeLayout(
  intercept: boolean,
  termNames: string[],
  groups: PreparedGroup[],
  aux: 'shape' | 'sigma' | null,
  centered: boolean[],
): { layout: ParameterLayout; unconstrainedNames: string[]; outputNames: string[] } {
  const u: string[] = [];
  const o: string[] = [];
  const K = termNames.length;
  const layout: ParameterLayout = {
    dim: 0,
    nOutputs: 0,
    intercept: -1,
    b: 0,
    logSd: 0,
    logAux: -1,
    z: [],
    centered,
    out: { intercept: -1, b: 0, sd: 0, aux: -1, r: [] },
  };
  if (intercept) {
    layout.intercept = u.length;
    u.push('Intercept');
    layout.out.intercept = o.length;
    o.push('b_Intercept');
  }
  layout.b = u.length;
  layout.out.b = o.length;
  for (let k = 0; k < K; k++) {
    u.push(`b[${termNames[k]}]`);
    o.push(`b_${termNames[k]}`);
  }
  layout.logSd = u.length;
  layout.out.sd = o.length;
  for (const g of groups) {
    u.push(`log_sd_${g.name}`);
    o.push(`sd_${g.name}__Intercept`);
  }
  if (aux) {
    layout.logAux = u.length;
    u.push(`log_${aux}`);
    layout.out.aux = o.length;
    o.push(aux);
  }
  groups.forEach((g, gi) => {
    layout.z.push(u.length);
    layout.out.r.push(o.length);
    g.levels.forEach((l, i) => {
      u.push(`${centered[gi] ? 'r' : 'z'}_${g.name}[${l}]`);
      o.push(`r_${g.name}[${g.outputLevels[i]},Intercept]`);
    });
  });
  layout.dim = u.length;
  layout.nOutputs = o.length;
  return { layout, unconstrainedNames: u, outputNames: o };
}
