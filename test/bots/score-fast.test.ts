import { expect } from 'chai';
import { scoreLive } from '../../src/bots/audit-section';
import type { BotColumns } from '../../src/bots/columns';
import { botColumnsAt, botColumnsInto, liveMembers, scoreColumnArrays } from '../../src/bots/live-members';
import { FastScorer, scoreLiveFast } from '../../src/bots/score-fast';
import { featuresFromColumns } from '../../src/bots/features';
import { readScorerModel, termVector, type ScorerModel } from '../../src/bots/scorer';
import { botsTable } from './fixtures';

describe('bots: the fast scoring path agrees with the readable one', () => {
  const { table } = botsTable(4000, { seed: 3 });
  const live = liveMembers(table);
  const boosted = readScorerModel();

  it('boosted trees: the same score for every live member, bit for bit, the trees run once per distinct key', () => {
    const slow = scoreLive(table, live, boosted);
    const fast = scoreLiveFast(table, live, boosted);
    expect(fast.length).to.equal(live.rows.length);
    let differ = 0;
    for (let i = 0; i < slow.length; i++) if (!Object.is(slow[i], fast[i])) differ++;
    expect(differ).to.equal(0);
    // The table is varied enough to test something: many distinct scores...
    expect(new Set(slow).size).to.be.greaterThan(50);
    // ...yet the trees ran once per distinct key, not once per member.
    const scorer = new FastScorer(boosted);
    const a = scoreColumnArrays(table);
    const c = {} as BotColumns;
    for (const row of live.rows) scorer.score(botColumnsInto(a, row, c));
    expect(scorer.evaluated).to.be.at.least(new Set(slow).size);
    // A key is coarser than the term vector: never more evaluations than distinct vectors.
    const vectors = new Set(
      Array.from(live.rows, (r) => termVector(boosted, featuresFromColumns(botColumnsAt(a, r))).join()),
    );
    expect(scorer.evaluated).to.be.at.most(vectors.size);
  });

  it('logistic model: evaluated directly, same numbers', () => {
    const p = boosted.terms.length;
    const logistic: ScorerModel = {
      ...boosted,
      kind: 'logistic',
      boosted: undefined,
      logistic: { intercept: -1, coefficients: Array.from({ length: p }, (_, j) => ((j % 5) - 2) / 3) },
    };
    const slow = scoreLive(table, live, logistic);
    const fast = scoreLiveFast(table, live, logistic);
    expect(Array.from(fast)).to.deep.equal(Array.from(slow));
  });
});
