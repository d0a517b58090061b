import { expect } from 'chai';
import {
  annotate,
  checkAnnotator,
  DEFAULT_ANNOTATOR,
  describeAnnotator,
  expectedLabelledShare,
  simulateLabels,
} from '../../src/bots/annotator';

describe('bots: simulated annotator', () => {
  const a = { bot_as_human: 0.2, human_as_bot: 0.05, unsure: 0.1, seed: 4 };

  it('errs at its stated rates (within Monte Carlo error), unsure whatever the truth', () => {
    const n = 40000;
    const ids = Array.from({ length: n }, (_, i) => i + 1);
    const asBots = simulateLabels(ids, () => true, a);
    const asHumans = simulateLabels(ids, () => false, a);
    const rate = (ls: string[], l: string): number => ls.filter((x) => x === l).length / ls.length;
    const decided = (ls: string[]): string[] => ls.filter((x) => x !== 'unsure');
    // sd of a rate at n = 40000 is below 0.0025; 4 sd
    expect(rate(asBots, 'unsure')).to.be.closeTo(0.1, 0.01);
    expect(rate(asHumans, 'unsure')).to.be.closeTo(0.1, 0.01);
    expect(rate(decided(asBots), 'human')).to.be.closeTo(0.2, 0.01);
    expect(rate(decided(asHumans), 'bot')).to.be.closeTo(0.05, 0.01);
  });

  it('labels each member from (seed, id) alone, whatever the order', () => {
    const ids = [5, 17, 99, 1000, 123456];
    const truth = (id: number): boolean => id % 2 === 1;
    const fwd = simulateLabels(ids, truth, a);
    const back = simulateLabels([...ids].reverse(), truth, a).reverse();
    expect(fwd).to.deep.equal(back);
    expect(fwd).to.deep.equal(ids.map((id) => annotate(a, id, truth(id))));
  });

  it('states what PPI then estimates, and refuses rates that carry no signal', () => {
    expect(expectedLabelledShare(0.05, a)).to.be.closeTo(0.05 * 0.8 + 0.95 * 0.05, 1e-12);
    expect(describeAnnotator(DEFAULT_ANNOTATOR)).to.contain('10%').and.contain('2%').and.contain('5%');
    expect(() => checkAnnotator({ ...a, bot_as_human: 0.6, human_as_bot: 0.4 })).to.throw(/below 1/);
    expect(() => checkAnnotator({ ...a, unsure: 1 })).to.throw(/unsure must be a rate/);
    expect(() => checkAnnotator({ ...a, seed: 1.5 })).to.throw(/seed/);
  });
});
