import { ModelSpecError } from '../formula/errors';
import {
  assertNoMissing,
  codesFor,
  DataSource,
  toFloat64,
  valueKind,
  type DataInput,
} from '../design/columns';
import { buildDesign, type TermSparseDesign, type VariableValues } from '../design/build';
import type { VariableSpec } from '../design/coding';
import type { Rng } from '../../util/rng';
import type { PreparedModel } from './prepared';
import type { FamilyName } from '../families/spec';

export interface PredictOptions {
  /** Include group-level effects r (brms `re_formula = NULL`); false = `re_formula = NA`. Default true. */
  groups?: boolean;
  /**
   * With new data, a group level the model has not seen gets r = 0 (the population
   * mean) instead of an error. brms instead draws it from N(0, sd) (`sample_new_levels`);
   * use `groups: false` for brms-style population-level predictions.
   */
  allowNewLevels?: boolean;
}

export interface RowsView {
  nRows: number;
  design: TermSparseDesign;
  /** nRows × G codes, -1 = no group effect for that row and group. */
  codes: Int32Array;
  /** nRows × nSlopes values of the group-level slope columns. */
  slopes: Float64Array;
}

function trainingView(pm: PreparedModel): RowsView {
  // Per cell; linearPredictor maps cells back to rows through rowCell.
  return {
    nRows: pm.nRows,
    design: pm.cells.design,
    codes: pm.cells.groupCodes,
    slopes: pm.cells.slopes,
  };
}

/** A column of new data as the variable's values (numbers, or level codes of the fitted levels). */
function variableValues(spec: VariableSpec, src: DataSource, n: number): Float64Array | Int32Array {
  if (spec.kind === 'numeric' && spec.constant) return new Float64Array(n).fill(1);
  const raw = src.column(spec.name, 'new data: predictor');
  assertNoMissing(spec.name, 'new data: predictor', raw);
  if (spec.kind === 'numeric') {
    if (valueKind(spec.name, 'new data: predictor', raw) !== 'numeric') {
      throw new ModelSpecError(`new data: predictor '${spec.name}' must be numeric, as in the fitted data`);
    }
    return toFloat64(raw);
  }
  return codesFor(spec.name, raw, spec.levels);
}

/** The design of new data, coded with the fitted model's levels (levels by name). */
export function newdataView(pm: PreparedModel, newdata: DataInput, options: PredictOptions = {}): RowsView {
  const src = new DataSource(newdata);
  const n = src.nRows;
  const values: VariableValues = pm.coding.variables.map((spec) => variableValues(spec, src, n));
  const design = buildDesign(pm.coding, values, n);
  const G = pm.groups.length;
  const codes = new Int32Array(n * G).fill(-1);
  const nSlopes = pm.cells.nSlopes;
  const slopes = new Float64Array(options.groups === false ? 0 : n * nSlopes);
  if (options.groups !== false) {
    for (const t of pm.terms) {
      if (t.coding.columnNames.length === 0) continue;
      const d = buildDesign(
        t.coding,
        t.coding.variables.map((spec) => variableValues(spec, src, n)),
        n,
      );
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < d.nTerms; k++) {
          const c = d.col[i * d.nTerms + k];
          if (c >= 0) slopes[i * nSlopes + t.slopeOffset + c] = d.val[i * d.nTerms + k];
        }
      }
    }
    pm.groups.forEach((g, gi) => {
      if (!src.names.includes(g.name)) {
        throw new ModelSpecError(
          `new data has no column '${g.name}' for the group-level effects of ${g.name}; add it, or predict with { groups: false }`,
        );
      }
      const raw = src.column(g.name, 'new data: grouping factor');
      assertNoMissing(g.name, 'new data: grouping factor', raw);
      const index = new Map(g.levels.map((l, i) => [l, i] as const));
      for (let i = 0; i < n; i++) {
        const v = raw[i];
        const label = typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v);
        const code = index.get(label);
        if (code === undefined) {
          if (!options.allowNewLevels) {
            throw new ModelSpecError(
              `new data: '${g.name}' has level '${label}' (row ${i}) the model was not fitted with; pass { allowNewLevels: true } (r = 0) or { groups: false }`,
            );
          }
          continue;
        }
        codes[i * G + gi] = code;
      }
    });
  }
  return { nRows: n, design, codes, slopes };
}

/**
 * η per row at one draw of the reported parameters (outputNames order, so b_Intercept
 * is already de-centered): η = b_Intercept + x·b + Σ_terms Σ_m Z_m r_term[level, m].
 */
export function linearPredictor(
  pm: PreparedModel,
  params: ArrayLike<number>,
  newdata?: DataInput,
  options: PredictOptions = {},
): Float64Array {
  if (params.length !== pm.layout.nOutputs) {
    throw new Error(
      `linearPredictor: expected ${pm.layout.nOutputs} parameters (outputNames order), got ${params.length}`,
    );
  }
  const view = newdata === undefined ? trainingView(pm) : newdataView(pm, newdata, options);
  // Per design row (cells for training data), then mapped to rows.
  const etaDesign = new Float64Array(view.design.nRows);
  designEta(pm, view, params, 0, view.design.nRows, etaDesign, options.groups !== false);
  if (newdata !== undefined || !pm.cells.compressed) return etaDesign;
  const eta = new Float64Array(pm.nRows);
  const rowCell = pm.cells.rowCell;
  for (let i = 0; i < pm.nRows; i++) eta[i] = etaDesign[rowCell[i]];
  return eta;
}

/**
 * η of design rows c0 … c1 − 1 of a view (the cells of the training data, or new data) at
 * one draw of the reported parameters, into out[0 …]: the one definition of the linear
 * predictor that predictions and LOO share.
 */
export function designEta(
  pm: PreparedModel,
  view: RowsView,
  params: ArrayLike<number>,
  c0: number,
  c1: number,
  out: Float64Array,
  withGroups = true,
): void {
  const o = pm.layout.out;
  const T = view.design.nTerms;
  const G = pm.groups.length;
  const b0 = o.intercept >= 0 ? params[o.intercept] : 0;
  const nSlopes = pm.cells.nSlopes;
  const { col, val } = view.design;
  for (let c = c0; c < c1; c++) {
    let e = b0;
    for (let t = 0; t < T; t++) {
      const k = col[c * T + t];
      if (k >= 0) e += val[c * T + t] * params[o.b + k];
    }
    if (withGroups) {
      for (let b = 0; b < pm.terms.length; b++) {
        const term = pm.terms[b];
        const code = view.codes[c * G + term.group];
        if (code < 0) continue;
        const J = pm.groups[term.group].levels.length;
        const base = o.r[b] + code;
        const M = term.coefs.length;
        for (let m = 0; m < M; m++) {
          const z =
            term.intercept && m === 0
              ? 1
              : view.slopes[c * nSlopes + term.slopeOffset + m - (term.intercept ? 1 : 0)];
          e += z * params[base + m * J];
        }
      }
    }
    out[c - c0] = e;
  }
}

/** The training data's cells as a view for designEta. */
export function cellView(pm: PreparedModel): RowsView {
  return trainingView(pm);
}

/** brms's posterior_epred per row: the mean of the response given η. */
export function expectedValue(
  pm: PreparedModel,
  params: ArrayLike<number>,
  newdata?: DataInput,
  options: PredictOptions = {},
): Float64Array {
  const eta = linearPredictor(pm, params, newdata, options);
  const aux = pm.layout.out.aux >= 0 ? params[pm.layout.out.aux] : NaN;
  const mix = pm.layout.out.mix >= 0 ? params[pm.layout.out.mix] : NaN;
  for (let i = 0; i < eta.length; i++) eta[i] = responseMean(pm.family, eta[i], aux, mix);
  return eta;
}

/** E[y | η] for a family (brms's posterior_epred), given its shape/sigma and zi/hu. */
export function responseMean(family: FamilyName, e: number, aux: number, mix: number): number {
  switch (family) {
    case 'poisson':
    case 'negbinomial':
      return Math.exp(e);
    case 'zero_inflated_poisson':
    case 'zero_inflated_negbinomial':
      return (1 - mix) * Math.exp(e);
    case 'hurdle_poisson':
      // (1 − hu) μ / (1 − e^−μ)
      return ((1 - mix) * Math.exp(e)) / -Math.expm1(-Math.exp(e));
    case 'hurdle_negbinomial': {
      // (1 − hu) μ / (1 − (φ/(μ + φ))^φ)
      const mu = Math.exp(e);
      return ((1 - mix) * mu) / -Math.expm1(-aux * Math.log1p(mu / aux));
    }
    case 'gaussian':
      return e;
    case 'lognormal':
      return Math.exp(e + 0.5 * aux * aux);
    case 'bernoulli':
      return 1 / (1 + Math.exp(-e));
  }
}

/** brms's posterior_predict per row: one draw of the response given one parameter draw. */
export function predictDraw(
  pm: PreparedModel,
  params: ArrayLike<number>,
  rng: Rng,
  newdata?: DataInput,
  options: PredictOptions = {},
): Float64Array {
  const eta = linearPredictor(pm, params, newdata, options);
  const aux = pm.layout.out.aux >= 0 ? params[pm.layout.out.aux] : NaN;
  const mix = pm.layout.out.mix >= 0 ? params[pm.layout.out.mix] : NaN;
  for (let i = 0; i < eta.length; i++) {
    const e = eta[i];
    switch (pm.family) {
      case 'poisson':
        eta[i] = rng.poisson(Math.exp(e));
        break;
      case 'negbinomial':
        eta[i] = rng.negBinomial(Math.exp(e), aux);
        break;
      case 'zero_inflated_poisson':
        eta[i] = rng.uniform() < mix ? 0 : rng.poisson(Math.exp(e));
        break;
      case 'zero_inflated_negbinomial':
        eta[i] = rng.uniform() < mix ? 0 : rng.negBinomial(Math.exp(e), aux);
        break;
      case 'hurdle_poisson':
        eta[i] = rng.uniform() < mix ? 0 : positiveCount(rng, Math.exp(e), Infinity);
        break;
      case 'hurdle_negbinomial':
        eta[i] = rng.uniform() < mix ? 0 : positiveCount(rng, Math.exp(e), aux);
        break;
      case 'gaussian':
        eta[i] = e + aux * rng.normal();
        break;
      case 'lognormal':
        eta[i] = Math.exp(e + aux * rng.normal());
        break;
      case 'bernoulli':
        eta[i] = rng.uniform() < 1 / (1 + Math.exp(-e)) ? 1 : 0;
        break;
    }
  }
  return eta;
}

/**
 * A draw from the count distribution (Poisson when φ = ∞, else NB2(μ, φ)) given y > 0, as
 * the positive part of a hurdle model. When zeros are unlikely (p0 < 0.5) redraw until
 * positive (fewer than two draws on average); otherwise invert the truncated CDF from
 * y = 1 with one uniform (μ is then small, so few terms are summed).
 */
export function positiveCount(rng: Rng, mu: number, phi: number): number {
  const poisson = phi === Infinity;
  const logP0 = poisson ? -mu : -phi * Math.log1p(mu / phi);
  const p0 = Math.exp(logP0);
  if (p0 < 0.5) {
    for (;;) {
      const y = poisson ? rng.poisson(mu) : rng.negBinomial(mu, phi);
      if (y > 0) return y;
    }
  }
  // P(y) / P(y − 1) = μ / y (Poisson), ((y − 1 + φ) / y) · μ / (μ + φ) (NB2).
  const target = rng.uniformOpen() * -Math.expm1(logP0);
  let p = p0;
  let cdf = 0;
  for (let y = 1; ; y++) {
    p *= poisson ? mu / y : ((y - 1 + phi) / y) * (mu / (mu + phi));
    cdf += p;
    if (cdf >= target || p === 0) return y;
  }
}

/**
 * New data for brms's `conditional_effects` on one predictor: the predictor over its
 * range (numeric: `resolution` evenly spaced points from min to max; factor: every
 * level), every other predictor held at its mean (numeric) or reference level (factor).
 * Predict on it with `{ groups: false }` (brms uses `re_formula = NA`).
 */
export function conditionalGrid(
  pm: PreparedModel,
  variable: string,
  resolution = 100,
): Record<string, Array<number | string | boolean>> {
  const target = pm.predictors.find((p) => p.name === variable);
  if (!target) {
    throw new ModelSpecError(
      `conditional effects: '${variable}' is not a population-level predictor; the predictors are: ${pm.predictors.map((p) => p.name).join(', ')}`,
    );
  }
  const fromLabel = (name: string, label: string): number | string | boolean => {
    const spec = pm.coding.variables.find((v) => v.name === name);
    if (spec?.kind === 'factor' && spec.valueKind === 'boolean') return label === 'TRUE';
    if (spec?.kind === 'factor' && spec.valueKind === 'numeric') return Number(label);
    return label;
  };
  let axis: Array<number | string | boolean>;
  if (target.kind === 'numeric') {
    const r = Math.max(2, Math.floor(resolution));
    axis = Array.from({ length: r }, (_, i) => target.min + ((target.max - target.min) * i) / (r - 1));
  } else {
    axis = target.levels.map((l) => fromLabel(target.name, l));
  }
  const out: Record<string, Array<number | string | boolean>> = {};
  for (const p of pm.predictors) {
    if (p.name === variable) out[p.name] = axis;
    else if (p.kind === 'numeric') out[p.name] = axis.map(() => p.mean);
    else out[p.name] = axis.map(() => fromLabel(p.name, p.levels[0]));
  }
  return out;
}

/**
 * brms's centered `Intercept` (the sampled one, with the design centered at `means`)
 * from one draw of the reported parameters: Intercept = b_Intercept + means·b.
 * NaN when the model has no intercept.
 */
export function centeredIntercept(pm: PreparedModel, params: ArrayLike<number>): number {
  const o = pm.layout.out;
  if (o.intercept < 0) return NaN;
  let v = params[o.intercept];
  for (let k = 0; k < pm.means.length; k++) v += pm.means[k] * params[o.b + k];
  return v;
}
