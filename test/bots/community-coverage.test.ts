import { expect } from 'chai';
import { communityCoverage } from '../../src/bots/community-coverage';
import { FastScorer } from '../../src/bots/score-fast';
import { readScorerModel } from '../../src/bots/scorer';
import { CommunityGenerator } from '../../src/emulator/generator';
import { parseFields, userObject } from '../../src/emulator/serialize';
import { toMemberRow } from '../../src/snapshot/member-row';
import { MEMBER_FIELDS } from '../../src/snapshot/schema';

/**
 * The synthetic community's live members as pulled, scored by the shipped scorer (fitted on
 * other labelled VK profiles, whose bots and humans look different), with their truth.
 */
function scoredCommunity(members: number, seed: number): { scores: Float64Array; truth: Uint8Array } {
  const ref = Date.UTC(2026, 10, 1) / 1000;
  const gen = new CommunityGenerator({ seed, referenceSec: ref });
  const scorer = new FastScorer(readScorerModel());
  const fields = parseFields(MEMBER_FIELDS);
  const scores: number[] = [];
  const truth: number[] = [];
  for (let i = 0; i < members; i++) {
    const rec = gen.member(i);
    if (rec.deactivated !== 0) continue;
    scores.push(scorer.score(toMemberRow(userObject(rec, fields, ref))));
    truth.push(rec.bot ? 1 : 0);
  }
  return { scores: Float64Array.from(scores), truth: Uint8Array.from(truth) };
}

// Small scale (seconds): 300 replicates, so a true 95% coverage reads 92.5-97.5% with
// probability ~0.95; scripts/bots/coverage.js --community runs 2.1M live members.
describe('bots: coverage on the synthetic community with the shipped scorer', function () {
  this.timeout(120000);
  const c = scoredCommunity(30000, 3);

  it('the shipped score is far off here (its mean is not the share), yet PPI covers the true share', () => {
    const r = communityCoverage({ ...c, n: 300, replicates: 300, seed: 1 });
    expect(r.true_share).to.be.within(0.02, 0.045);
    expect(r.score_mean - r.true_share).to.be.greaterThan(0.1); // the score alone would be badly biased
    for (const k of ['ppi', 'labels_only'] as const) {
      expect(r.methods[k].coverage, k).to.be.within(0.91, 0.99);
      expect(Math.abs(r.methods[k].bias), k).to.be.lessThan(0.005);
    }
  });

  it('with an erring annotator the interval covers what the annotator would call bots, not the truth', () => {
    const annotator = { bot_as_human: 0.1, human_as_bot: 0.02, unsure: 0.05, seed: 7 };
    const r = communityCoverage({ ...c, n: 300, replicates: 300, seed: 2, annotator });
    expect(r.target).to.be.greaterThan(r.true_share);
    expect(r.methods.ppi.coverage).to.be.within(0.91, 0.99);
    expect(Math.abs(r.methods.ppi.bias)).to.be.lessThan(0.005);
  });
});
