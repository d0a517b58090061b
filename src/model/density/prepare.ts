import { parseFormula, type FormulaTerm, type GroupTerm } from '../formula/parse';
import { ModelSpecError } from '../formula/errors';
import {
  assertNoMissing,
  DataSource,
  toFactor,
  toFloat64,
  valueKind,
  type DataInput,
} from '../design/columns';
import { codeTerms, type DesignCoding, type VariableSpec } from '../design/coding';
import { allocate, buildDesign, columnMeans } from '../design/build';
import { buildCells, yHistogram, type CompressionMode } from '../design/cells';
import { brmsLevelName } from '../design/naming';
import { dependentColumns } from '../design/rank';
import { SEPARATION_REMEDY, separatingColumns, separationMessage } from '../design/separation';
import { autoCentered, autoCenteredSlopes } from '../design/parameterization';
import { familySpec, type FamilySpec } from '../families/spec';
import { readResponse } from '../families/spec';
import { resolvePriors } from '../priors/resolve';
import type {
  BlockLayout,
  ParameterLayout,
  PredictorSummary,
  PreparedGroup,
  PreparedModel,
  PreparedTerm,
} from './prepared';

/** 'auto' chooses per group-level term from the data (design/parameterization.ts). */
export type GroupParameterization = 'noncentered' | 'centered' | 'auto';

export interface PrepareModelOptions {
  data: DataInput;
  /** brms / lme4 formula, e.g. "count ~ zAge + zBase * Trt + (1 | patient)". */
  formula: string;
  /** A brms family, e.g. poisson, negbinomial, zero_inflated_negbinomial (families/spec.ts). */
  family: string;
  /** User priors in brms notation, e.g. "prior(normal(0, 1), class = b, coef = sexmale)". */
  priors?: readonly string[];
  /** Likelihood compression: 'auto' (default: when cells ≤ 80% of rows), true, false. */
  compress?: CompressionMode;
  /** Put large arrays on SharedArrayBuffer so workers share them (default true). */
  shared?: boolean;
  /**
   * How group-level effects are parameterised for the sampler: 'noncentered' (default,
   * as brms: r = diag(sd) L z, z ~ N(0, 1)) or 'centered' (r ~ MVN(0, Σ) sampled directly),
   * for all terms or per grouping factor. The posterior is the same; the centered form
   * samples better when every level has a lot of data (the study's 2.1M rows / 300 names),
   * the non-centered one when levels have little. 'auto' picks per term from the data
   * (design/parameterization.ts).
   */
  groupParameterization?: GroupParameterization | Record<string, GroupParameterization>;
}

/** A variable's values and summary, read once however many terms use it. */
interface VariableData {
  spec: VariableSpec;
  values: Float64Array | Int32Array;
  summary: PredictorSummary;
}

function readVariable(source: DataSource, name: string, N: number): VariableData {
  if (name === 'Intercept') {
    const ones = new Float64Array(N).fill(1);
    return {
      spec: { name, kind: 'numeric', constant: true },
      values: ones,
      summary: { name, kind: 'numeric', mean: 1, min: 1, max: 1 },
    };
  }
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
    return {
      spec: { name, kind: 'numeric' },
      values: x,
      summary: { name, kind: 'numeric', mean: sum / N, min, max },
    };
  }
  const f = toFactor(raw, kind);
  if (f.levels.length < 2) {
    throw new ModelSpecError(
      `predictor '${name}' has a single level ('${f.levels[0]}'); a constant predictor cannot be estimated — drop it from the formula`,
    );
  }
  return {
    spec: { name, kind: 'factor', valueKind: kind, levels: f.levels },
    values: f.codes,
    summary: { name, kind: 'factor', levels: f.levels },
  };
}

const variablesOf = (terms: readonly FormulaTerm[]): string[] => {
  const out: string[] = [];
  for (const t of terms) for (const v of t.variables) if (!out.includes(v)) out.push(v);
  return out;
};

/**
 * Validates everything and builds the PreparedModel: formula → design (treatment
 * coding, brms names, column means) → group codes and group-level designs → family
 * support → cells → priors → parameter layout and names.
 */
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

  // Every variable once, whichever terms use it.
  const popTerms: FormulaTerm[] = formula.interceptTerm
    ? [{ variables: ['Intercept'], label: 'Intercept' }, ...formula.terms]
    : [...formula.terms];
  const allVars = variablesOf(popTerms);
  for (const gt of formula.groupTerms)
    for (const v of variablesOf(gt.terms)) if (!allVars.includes(v)) allVars.push(v);
  const vars = new Map<string, VariableData>();
  for (const name of allVars) vars.set(name, readVariable(source, name, N));

  // Population level. `0 + Intercept` codes factors as R does next to an intercept.
  const popNames = variablesOf(popTerms);
  const popVars = popNames.map((v) => (vars.get(v) as VariableData).spec);
  const coding = codeTerms(
    { terms: popTerms, intercept: formula.intercept || formula.interceptTerm },
    popVars,
  );
  const K = coding.columnNames.length;
  const rowDesign = buildDesign(
    coding,
    popNames.map((v) => (vars.get(v) as VariableData).values),
    N,
  );
  const means = columnMeans(rowDesign, K);
  checkColumns(rowDesign.col, rowDesign.val, rowDesign.nTerms, N, coding.columnNames, formula.intercept);
  const predictors = popNames
    .filter((v) => v !== 'Intercept')
    .map((v) => (vars.get(v) as VariableData).summary);

  // Grouping factors.
  const groups: PreparedGroup[] = [];
  const groupCodes: Int32Array[] = [];
  for (const g of formula.groups) {
    const raw = source.column(g, 'grouping factor');
    assertNoMissing(g, 'grouping factor', raw);
    const f = toFactor(raw, valueKind(g, 'grouping factor', raw));
    groups.push({ name: g, levels: f.levels, outputLevels: f.levels.map(brmsLevelName) });
    groupCodes.push(f.codes);
  }

  // Group-level terms: their coefficients and per-row slope values.
  const { terms, slopes, nSlopes } = groupLevelTerms(formula.groupTerms, formula.groups, vars, N, shared);

  const yStat = spec.statScale === 'log' ? y.map(Math.log) : y;
  const cells = buildCells(
    rowDesign,
    groupCodes,
    yStat,
    { squares: spec.needSquares, zeros: spec.needZeros },
    compress,
    shared,
    slopes,
    nSlopes,
  );
  const hist = spec.needHistogram
    ? yHistogram(y, shared)
    : { values: new Float64Array(0), counts: new Float64Array(0) };
  let sumY = 0;
  for (let i = 0; i < N; i++) sumY += yStat[i];

  const priorsResolved = resolvePriors(
    {
      family: spec,
      y,
      intercept: formula.intercept,
      interceptTerm: formula.interceptTerm,
      coefNames: coding.columnNames,
      groups: formula.groups,
      terms: terms.map((t) => ({ group: t.groupName, coefs: t.coefs, correlated: t.correlated })),
    },
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
  if (spec.name === 'bernoulli') {
    const separating = separatingColumns(cells.design, cells.n, cells.sumY, K).filter(
      (x) => priorsResolved.b[x.column].dist.dist === 'flat',
    );
    if (separating.length > 0) {
      throw new ModelSpecError(
        separating
          .map((x) => separationMessage(x, coding.columnNames[x.column], formula.response))
          .join('; ') + `. To fit it, ${SEPARATION_REMEDY}.`,
      );
    }
  }
  const centered = chooseParameterization(
    param,
    formula.groups,
    terms,
    spec,
    y,
    groupCodes,
    groups,
    slopes,
    nSlopes,
  );
  const { layout, unconstrainedNames, outputNames } = makeLayout(
    formula.intercept,
    coding.columnNames,
    groups,
    terms,
    spec,
    centered,
  );
  return {
    kind: 'prepared-model',
    version: 2,
    formula: formula.text,
    family: spec.name,
    link: spec.link,
    nRows: N,
    response: { name: formula.response, values: y },
    intercept: formula.intercept,
    interceptTerm: formula.interceptTerm,
    coding,
    termNames: coding.columnNames,
    means,
    predictors,
    groups,
    terms,
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

/**
 * The group-level terms' codings (each lhs coded as its own formula, as brms does) and
 * the rows' slope values: nRows × nSlopes, the non-intercept coefficients of all terms.
 */
function groupLevelTerms(
  groupTerms: readonly GroupTerm[],
  groupNames: readonly string[],
  vars: Map<string, VariableData>,
  N: number,
  shared: boolean,
): { terms: PreparedTerm[]; slopes: Float64Array; nSlopes: number } {
  const codings: DesignCoding[] = [];
  const names: string[][] = [];
  let nSlopes = 0;
  for (const gt of groupTerms) {
    const termVars = variablesOf(gt.terms);
    const coding = codeTerms(
      { terms: gt.terms, intercept: gt.intercept },
      termVars.map((v) => (vars.get(v) as VariableData).spec),
    );
    codings.push(coding);
    names.push(termVars);
    nSlopes += coding.columnNames.length;
  }
  const slopes = new Float64Array(allocate(N * nSlopes * 8, shared));
  const terms: PreparedTerm[] = [];
  const coefsByGroup = new Map<string, Map<string, string>>();
  let offset = 0;
  groupTerms.forEach((gt, b) => {
    const coding = codings[b];
    const M = coding.columnNames.length;
    if (M > 0) {
      const design = buildDesign(
        coding,
        names[b].map((v) => (vars.get(v) as VariableData).values),
        N,
      );
      const T = design.nTerms;
      const nonZero = new Float64Array(M);
      for (let i = 0; i < N; i++) {
        for (let t = 0; t < T; t++) {
          const k = design.col[i * T + t];
          if (k < 0) continue;
          const v = design.val[i * T + t];
          slopes[i * nSlopes + offset + k] = v;
          if (v !== 0) nonZero[k] += 1;
        }
      }
      for (let k = 0; k < M; k++) {
        if (nonZero[k] === 0) {
          throw new ModelSpecError(
            `group-level column '${coding.columnNames[k]}' of ${gt.text} is zero in every row, so its effect cannot be estimated; drop unused levels or simplify the term`,
          );
        }
      }
    }
    const coefs = [...(gt.intercept ? ['Intercept'] : []), ...coding.columnNames];
    const seen = coefsByGroup.get(gt.group) ?? new Map<string, string>();
    for (const c of coefs) {
      const other = seen.get(c);
      if (other !== undefined) {
        throw new ModelSpecError(
          `group-level effect '${c}' of '${gt.group}' appears in both ${other} and ${gt.text}; brms does not allow duplicated group-level effects — keep it in one term`,
        );
      }
      seen.set(c, gt.text);
    }
    coefsByGroup.set(gt.group, seen);
    terms.push({
      group: groupNames.indexOf(gt.group),
      groupName: gt.group,
      coefs,
      intercept: gt.intercept,
      correlated: gt.correlated && coefs.length > 1,
      coding,
      slopeOffset: offset,
      text: gt.text,
    });
    offset += M;
  });
  return { terms, slopes, nSlopes };
}

function chooseParameterization(
  param: GroupParameterization | Record<string, GroupParameterization>,
  groupNames: readonly string[],
  terms: PreparedTerm[],
  spec: FamilySpec,
  y: Float64Array,
  groupCodes: Int32Array[],
  groups: PreparedGroup[],
  slopes: Float64Array,
  nSlopes: number,
): boolean[] {
  const valid = (c: unknown): c is GroupParameterization =>
    c === 'centered' || c === 'noncentered' || c === 'auto';
  if (typeof param === 'object') {
    for (const name of Object.keys(param)) {
      if (!groupNames.includes(name)) {
        throw new ModelSpecError(
          `groupParameterization names '${name}', which is not a grouping factor of this model; the groups are: ${groupNames.join(', ') || '(none)'}`,
        );
      }
    }
  } else if (!valid(param)) {
    throw new ModelSpecError(
      `groupParameterization must be 'centered' or 'noncentered' (or 'auto' to choose from the data), got '${String(param)}'`,
    );
  }
  return terms.map((t) => {
    const choice = typeof param === 'string' ? param : (param[t.groupName] ?? 'noncentered');
    if (!valid(choice)) {
      throw new ModelSpecError(
        `groupParameterization for '${t.groupName}' must be 'centered' or 'noncentered' (or 'auto' to choose from the data), got '${String(choice)}'`,
      );
    }
    if (choice !== 'auto') return choice === 'centered';
    const codes = groupCodes[t.group];
    const J = groups[t.group].levels.length;
    if (t.coefs.length === 1 && t.intercept) return autoCentered(spec, y, codes, J);
    return autoCenteredSlopes(
      spec,
      y,
      codes,
      J,
      t.intercept,
      slopes,
      nSlopes,
      t.slopeOffset,
      t.coefs.length - (t.intercept ? 1 : 0),
    );
  });
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

/** brms's names of a term's correlations, in its order: (1,2), (1,3), (2,3), … */
export function correlationPairs(m: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 1; i < m; i++) for (let j = 0; j < i; j++) out.push([j, i]);
  return out;
}

function makeLayout(
  intercept: boolean,
  termNames: string[],
  groups: PreparedGroup[],
  terms: PreparedTerm[],
  spec: FamilySpec,
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
    logitMix: -1,
    z: [],
    centered,
    blocks: [],
    out: { intercept: -1, b: 0, sd: 0, cor: 0, aux: -1, mix: -1, r: [] },
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
  const blocks: BlockLayout[] = terms.map((t) => ({
    logSd: 0,
    cpc: -1,
    z: 0,
    levels: groups[t.group].levels.length,
    coefs: t.coefs.length,
    outSd: 0,
    outCor: -1,
    outR: 0,
  }));
  layout.logSd = u.length;
  layout.out.sd = o.length;
  terms.forEach((t, b) => {
    blocks[b].logSd = u.length;
    blocks[b].outSd = o.length;
    for (const c of t.coefs) {
      u.push(c === 'Intercept' ? `log_sd_${t.groupName}` : `log_sd_${t.groupName}__${c}`);
      o.push(`sd_${t.groupName}__${c}`);
    }
  });
  layout.out.cor = o.length;
  terms.forEach((t, b) => {
    if (!t.correlated) return;
    blocks[b].outCor = o.length;
    for (const [i, j] of correlationPairs(t.coefs.length))
      o.push(`cor_${t.groupName}__${t.coefs[i]}__${t.coefs[j]}`);
  });
  if (spec.aux) {
    layout.logAux = u.length;
    u.push(`log_${spec.aux}`);
    layout.out.aux = o.length;
    o.push(spec.aux);
  }
  if (spec.mix) {
    layout.logitMix = u.length;
    u.push(`logit_${spec.mix}`);
    layout.out.mix = o.length;
    o.push(spec.mix);
  }
  terms.forEach((t, b) => {
    if (!t.correlated) return;
    blocks[b].cpc = u.length;
    const pairs = correlationPairs(t.coefs.length);
    // Stan's cholesky_factor_corr: one unconstrained value per canonical partial correlation, row by row.
    for (let k = 0; k < pairs.length; k++) u.push(`cpc_${t.groupName}[${k + 1}]`);
  });
  terms.forEach((t, b) => {
    const g = groups[t.group];
    const M = t.coefs.length;
    blocks[b].z = u.length;
    layout.z.push(u.length);
    const prefix = centered[b] ? 'r' : 'z';
    g.levels.forEach((l) => {
      for (const c of t.coefs)
        u.push(M === 1 && c === 'Intercept' ? `${prefix}_${g.name}[${l}]` : `${prefix}_${g.name}[${l},${c}]`);
    });
    blocks[b].outR = o.length;
    layout.out.r.push(o.length);
    for (const c of t.coefs) g.outputLevels.forEach((l) => o.push(`r_${g.name}[${l},${c}]`));
  });
  layout.blocks = blocks;
  layout.dim = u.length;
  layout.nOutputs = o.length;
  return { layout, unconstrainedNames: u, outputNames: o };
}
