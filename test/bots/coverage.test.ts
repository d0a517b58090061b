import { expect } from 'chai';
import { SHIFTED_COMMUNITY, simulateCoverage, TRAINING_POPULATION } from '../../src/bots/simulate';

// Small scale (seconds): 300 replicates, so a true 95% coverage reads 92.5-97.5% with
// probability ~0.95 (binomial sd 1.26 pp). scripts/bots/coverage.js runs the full scale.
describe('bots: interval coverage by simulation', function () {
  this.timeout(60000);
  const base = { N: 3000, n: 400, share: 0.08, replicates: 300, posteriorDraws: 1500 };

  it('community like the training data: every interval covers the true share about 95% of the time', () => {
    const r = simulateCoverage({ ...base, community: TRAINING_POPULATION, seed: 21 });
    for (const k of ['ppi_tuned', 'ppi', 'labels_only', 'rogan_gladen', 'bayes'] as const) {
      expect(r.methods[k].coverage, k).to.be.within(0.91, 0.99);
      expect(Math.abs(r.methods[k].bias), k).to.be.lessThan(0.01);
    }
    // The score earns its keep: narrower than labels only.
    expect(r.methods.ppi_tuned.mean_width).to.be.lessThan(r.methods.labels_only.mean_width);
  });

  it('community whose bots and humans look different: PPI still covers, the unlabelled adjustment does not', () => {
    const r = simulateCoverage({ ...base, community: SHIFTED_COMMUNITY, seed: 22 });
    expect(r.community_specificity).to.be.lessThan(0.8); // the score transfers badly
    for (const k of ['ppi_tuned', 'ppi', 'labels_only'] as const) {
      expect(r.methods[k].coverage, k).to.be.within(0.91, 0.99);
    }
    expect(r.methods.rogan_gladen.coverage).to.be.lessThan(0.2);
    expect(r.methods.bayes.coverage).to.be.lessThan(0.2);
    expect(r.methods.bayes.bias).to.be.greaterThan(0.05);
  });
});
