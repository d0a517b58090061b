/**
 * The one error type of the model-specification stages (formula, design, priors,
 * families). Every message names the offending input and says what to do, so a
 * researcher can fix the call without reading the engine.
 */
export class ModelSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelSpecError';
  }
}
