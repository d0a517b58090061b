/**
 * Sampler settings with brms's defaults (per docs/model-engine.md: iter 2000, warmup
 * iter/2, adapt_delta 0.8, max_treedepth 10, inits uniform(−2, 2)) and validation that
 * names the bad setting and says what to do.
 */
import type { SamplerSettings } from '../types';

export const DEFAULT_SAMPLER_SETTINGS: Readonly<Omit<SamplerSettings, 'warmup'>> = {
  iter: 2000,
  thin: 1,
  adaptDelta: 0.8,
  maxTreedepth: 10,
  seed: 1,
  initRadius: 2,
};

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`Sampler setting ${name} must be an integer >= ${min}, got ${value}`);
  }
}

export function resolveSamplerSettings(partial: Partial<SamplerSettings> = {}): SamplerSettings {
  const iter = partial.iter ?? DEFAULT_SAMPLER_SETTINGS.iter;
  checkInteger('iter', iter, 1);
  const warmup = partial.warmup ?? Math.floor(iter / 2);
  checkInteger('warmup', warmup, 0);
  if (warmup >= iter) {
    throw new Error(
      `Sampler setting warmup (${warmup}) must be smaller than iter (${iter}) so that draws are saved`,
    );
  }
  const thin = partial.thin ?? DEFAULT_SAMPLER_SETTINGS.thin;
  checkInteger('thin', thin, 1);
  const maxTreedepth = partial.maxTreedepth ?? DEFAULT_SAMPLER_SETTINGS.maxTreedepth;
  checkInteger('maxTreedepth', maxTreedepth, 1);
  if (maxTreedepth > 30) throw new Error(`Sampler setting maxTreedepth must be <= 30, got ${maxTreedepth}`);
  const adaptDelta = partial.adaptDelta ?? DEFAULT_SAMPLER_SETTINGS.adaptDelta;
  if (!(adaptDelta > 0 && adaptDelta < 1)) {
    throw new Error(
      `Sampler setting adaptDelta must be strictly between 0 and 1 (e.g. 0.8 or 0.95), got ${adaptDelta}`,
    );
  }
  const seed = partial.seed ?? DEFAULT_SAMPLER_SETTINGS.seed;
  if (!Number.isInteger(seed)) throw new Error(`Sampler setting seed must be an integer, got ${seed}`);
  const initRadius = partial.initRadius ?? DEFAULT_SAMPLER_SETTINGS.initRadius;
  if (!(initRadius >= 0 && Number.isFinite(initRadius))) {
    throw new Error(`Sampler setting initRadius must be a finite number >= 0, got ${initRadius}`);
  }
  return { iter, warmup, thin, adaptDelta, maxTreedepth, seed, initRadius };
}
