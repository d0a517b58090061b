/**
 * The density stage of the model engine: formula + data → PreparedModel (all
 * validation) → CompiledModel (log density, gradient, constrain) for the sampler.
 */
export { prepareModel } from './prepare';
export type { PrepareModelOptions } from './prepare';
export { compileModel, modelFactory, densityModulePath } from './compile';
export type { PreparedModel, PreparedGroup, PredictorSummary, ParameterLayout } from './prepared';
export {
  linearPredictor,
  expectedValue,
  responseMean,
  predictDraw,
  positiveCount,
  conditionalGrid,
  newdataView,
  cellView,
  designEta,
  centeredIntercept,
} from './predict';
export type { PredictOptions, RowsView } from './predict';
export { parseFormula } from '../formula/parse';
export { ModelSpecError } from '../formula/errors';
