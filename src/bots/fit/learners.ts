/**
 * The two model families compared by cross-validation, each with its grid of settings.
 * A learner fits the whole grid at once where that is cheaper (boosting: one fit, read at
 * several tree counts), and returns one predictor (row -> probability of bot) per setting.
 */
import { boostedProbability, fitBoosted, type BoostedModel } from './boosting';
import { fitLogistic, logisticProbability, type LogisticFit } from './logistic';

export type Predictor = (row: readonly number[]) => number;

export interface FittedSetting {
  setting: Record<string, number>;
  predict: Predictor;
  /** The fitted parameters, for shipping. */
  model: { kind: 'logistic'; fit: LogisticFit } | { kind: 'boosted'; fit: BoostedModel };
}

export interface Learner {
  family: 'logistic' | 'boosted';
  grid: readonly Record<string, number>[];
  fitGrid(X: readonly (readonly number[])[], y: readonly number[]): FittedSetting[];
}

export function ridgeLogistic(lambdas: readonly number[]): Learner {
  return {
    family: 'logistic',
    grid: lambdas.map((lambda) => ({ lambda })),
    fitGrid(X, y) {
      return lambdas.map((lambda) => {
        const fit = fitLogistic(X, y, { lambda });
        return {
          setting: { lambda },
          predict: (row) => logisticProbability(fit, row),
          model: { kind: 'logistic' as const, fit },
        };
      });
    },
  };
}

export function boostedTrees(opts: {
  depths: readonly number[];
  treeCounts: readonly number[];
  learningRate: number;
  minLeaf: number;
}): Learner {
  const grid = opts.depths.flatMap((depth) => opts.treeCounts.map((trees) => ({ depth, trees })));
  return {
    family: 'boosted',
    grid,
    fitGrid(X, y) {
      const out: FittedSetting[] = [];
      const most = Math.max(...opts.treeCounts);
      for (const depth of opts.depths) {
        const full = fitBoosted(X, y, {
          trees: most,
          depth,
          learningRate: opts.learningRate,
          minLeaf: opts.minLeaf,
        });
        for (const trees of opts.treeCounts) {
          const fit: BoostedModel = { base: full.base, trees: full.trees.slice(0, trees) };
          out.push({
            setting: { depth, trees },
            predict: (row) => boostedProbability(fit, row),
            model: { kind: 'boosted', fit },
          });
        }
      }
      return out;
    },
  };
}
