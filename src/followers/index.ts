/** The study's model stage: model table, cached fit, truth comparison, findings. */
export * from './coding';
export * from './prepare';
export * from './settings';
export * from './cache';
export * from './draws';
export * from './effects';
export * from './compare';
export * from './verdict';
export * from './names';
export * from './ppc';
