import { expect } from 'chai';
import { fitLogistic, logisticProbability } from '../../src/bots/fit/logistic';
import { boostedProbability, fitBoosted } from '../../src/bots/fit/boosting';
import { auc, bestThreshold, calibrationBins, confusion } from '../../src/bots/fit/metrics';
import { nestedCv, stratifiedFolds, imputeMeans, fillMissing } from '../../src/bots/fit/cross-validation';
import { boostedTrees, ridgeLogistic } from '../../src/bots/fit/learners';
import { Rng } from '../../src/util/rng';

describe('bots/fit: logistic regression', () => {
  it('matches R glm() without a penalty (coefficients to 1e-6)', () => {
    // Rscript: i <- 0:59; x1 <- i %% 3; x2 <- round(sin(i), 6);
    // y <- as.numeric((i*7) %% 5 < 2 | (x1==2 & x2>0.5)); coef(glm(y ~ x1 + x2, family=binomial))
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 60; i++) {
      const x1 = i % 3;
      const x2 = Math.round(Math.sin(i) * 1e6) / 1e6;
      X.push([x1, x2]);
      y.push((i * 7) % 5 < 2 || (x1 === 2 && x2 > 0.5) ? 1 : 0);
    }
    const fit = fitLogistic(X, y, { lambda: 0 });
    expect(fit.intercept).to.be.closeTo(-0.6029030537, 1e-6);
    expect(fit.coefficients[0]).to.be.closeTo(0.5172636512, 1e-6);
    expect(fit.coefficients[1]).to.be.closeTo(0.4265686309, 1e-6);
  });

  it('stays finite on separable data with a penalty, and shrinks as lambda grows', () => {
    const X = [[0], [0], [0], [1], [1], [1]];
    const y = [0, 0, 0, 1, 1, 1];
    const small = fitLogistic(X, y, { lambda: 0.01 });
    const big = fitLogistic(X, y, { lambda: 1 });
    expect(Number.isFinite(small.coefficients[0])).to.equal(true);
    expect(small.coefficients[0]).to.be.greaterThan(big.coefficients[0]);
    expect(big.coefficients[0]).to.be.greaterThan(0);
    expect(logisticProbability(small, [1])).to.be.greaterThan(0.9);
  });
});

describe('bots/fit: boosted trees', () => {
  it('learns an interaction a linear score cannot (xor of two flags)', () => {
    const rng = new Rng(3);
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 800; i++) {
      const a = rng.uniform() < 0.5 ? 1 : 0;
      const b = rng.uniform() < 0.5 ? 1 : 0;
      X.push([a, b]);
      y.push(rng.uniform() < (a !== b ? 0.9 : 0.1) ? 1 : 0);
    }
    const m = fitBoosted(X, y, { trees: 100, depth: 2, learningRate: 0.1 });
    expect(boostedProbability(m, [1, 0])).to.be.greaterThan(0.8);
    expect(boostedProbability(m, [1, 1])).to.be.lessThan(0.2);
    const lin = fitLogistic(X, y, { lambda: 0 });
    expect(Math.abs(logisticProbability(lin, [1, 0]) - logisticProbability(lin, [1, 1]))).to.be.lessThan(0.2);
  });
});

describe('bots/fit: metrics', () => {
  it('AUC counts ties as one half and is 1 / 0.5 / 0 where it must be', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).to.equal(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [false, false, true, true])).to.equal(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [false, true, false, true])).to.equal(0.5);
    // one bot above both humans, one tied with a human: (2 + 1.5) / 4
    expect(auc([0.2, 0.5, 0.5, 0.9], [false, false, true, true])).to.equal(0.875);
  });

  it('confusion, best threshold and calibration bins', () => {
    const s = [0.1, 0.2, 0.3, 0.6, 0.7, 0.9];
    const b = [false, false, true, false, true, true];
    const c = confusion(s, b, 0.3);
    expect([c.bots_flagged, c.humans_not_flagged]).to.deep.equal([3, 2]);
    expect(c.balanced_accuracy).to.be.closeTo((1 + 2 / 3) / 2, 1e-12);
    expect(bestThreshold(s, b)).to.equal(0.3);
    const bins = calibrationBins(s, b, [0, 0.5, 1]);
    expect(bins.map((x) => [x.n, x.observed])).to.deep.equal([
      [3, 1 / 3],
      [3, 2 / 3],
    ]);
  });
});

describe('bots/fit: cross-validation', () => {
  it('stratified folds spread each class evenly', () => {
    const bot = Array.from({ length: 103 }, (_, i) => i % 5 === 0);
    const f = stratifiedFolds(bot, 5, new Rng(1));
    for (let k = 0; k < 5; k++) {
      const inFold = f.map((v, i) => (v === k ? i : -1)).filter((i) => i >= 0);
      const bots = inFold.filter((i) => bot[i]).length;
      expect(bots).to.be.within(4, 5);
    }
  });

  it('imputes nulls with the mean of observed values only', () => {
    const m = imputeMeans([
      [1, null],
      [3, 4],
      [null, 6],
    ]);
    expect(m).to.deep.equal([2, 5]);
    expect(fillMissing([null, 1], m)).to.deep.equal([2, 1]);
  });

  it('nested CV recovers a known separation on synthetic rows (both families)', function () {
    this.timeout(30000);
    const rng = new Rng(11);
    const rows: (number | null)[][] = [];
    const bot: boolean[] = [];
    for (let i = 0; i < 400; i++) {
      const b = rng.uniform() < 0.2;
      bot.push(b);
      rows.push([b ? rng.normal() + 1.5 : rng.normal(), rng.uniform() < 0.1 ? null : rng.normal()]);
    }
    for (const learner of [
      ridgeLogistic([1e-3, 1e-1]),
      boostedTrees({ depths: [1], treeCounts: [30, 60], learningRate: 0.1, minLeaf: 10 }),
    ]) {
      const cv = nestedCv(rows, bot, learner, { outer: 4, inner: 3, repeats: 1, seed: 5 });
      // Two normals 1.5 sd apart: AUC = Phi(1.5 / sqrt 2) = 0.856
      expect(cv.mean.auc, learner.family).to.be.within(0.78, 0.92);
      expect(cv.repeats[0].probability.every((p) => p > 0 && p < 1)).to.equal(true);
    }
  });
});
