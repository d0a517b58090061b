import { expect } from 'chai';
import { botsInModel, botsInModelMarkdown } from '../../src/bots/model-data';
import { botsTable } from './fixtures';

describe('bots: in the follower model’s data (notebook 05)', function () {
  this.timeout(30000);

  it('counts the modelled bots from the truth and compares their followers; says none is removed', () => {
    const w = botsTable(3000, { seed: 8 });
    const ids = w.rows.filter((r) => r.deactivated === null && r.id % 3 !== 0).map((r) => r.id);
    const b = botsInModel({ table: w.table }, Int32Array.from(ids), {
      truth: { isBot: w.isBot, source: 't' },
    });
    expect(b.modelled).to.equal(ids.length);
    expect(b.truth!.bots).to.equal(ids.filter(w.isBot).length);
    expect(b.truth!.medianFollowers.bots).to.be.lessThan(b.truth!.medianFollowers.humans);
    expect(b.score!.modelled).to.be.within(0, 1);
    const md = botsInModelMarkdown(b);
    expect(md).to.contain(`keeps ${ids.length.toLocaleString('en-US')} of the`);
    expect(md).to.contain(`${b.truth!.bots} of the modelled rows are bots`);
  });

  it('a snapshot without the score columns: still says bots are in, and why there is no score', () => {
    const w = botsTable(500, { seed: 2, newColumns: false });
    const b = botsInModel({ table: w.table }, [1, 2, 3]);
    expect(b.score).to.equal(null);
    expect(botsInModelMarkdown(b)).to.match(
      /Bots are in the model's data.*No bot score for this snapshot \(the bot score needs/,
    );
  });
});
