export { parseFormula } from './parse';
export type { ParsedFormula, FormulaTerm } from './parse';
export { ModelSpecError } from './errors';
