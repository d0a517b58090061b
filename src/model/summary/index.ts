/** Results of a fit: parameter table, brms-style summary, draws table, ranef, predictions. */
export * from './table';
export * from './print';
export * from './draws';
export * from './ranef';
export * from './model-info';
export * from './predictive';
