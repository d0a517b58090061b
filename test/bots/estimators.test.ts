import { expect } from 'chai';
import { ppiMean, scoreMean } from '../../src/bots/ppi';
import {
  misclassificationPosterior,
  NOT_VALIDATED_LABEL,
  roganGladen,
  roganGladenInterval,
  specificityBand,
} from '../../src/bots/misclassification';
import {
  botShareWithLabels,
  botShareWithoutLabels,
  labelsOnly,
  type LabelledMember,
} from '../../src/bots/share';
import { wilson } from '../../src/audit/intervals';

describe('bots: prediction-powered inference', () => {
  const labelled = [
    { score: 0.9, bot: true },
    { score: 0.2, bot: false },
    { score: 0.1, bot: false },
    { score: 0.6, bot: true },
    { score: 0.3, bot: false },
  ];

  it('lambda = 1: score mean plus the mean error on the sample, with the finite-population variance', () => {
    const r = ppiMean({ scoreMeanAll: 0.45, N: 50, labelled, lambda: 1 });
    // errors y - f: 0.1, -0.2, -0.1, 0.4, -0.3 -> mean -0.02, sample variance 0.077
    expect(r.estimate).to.be.closeTo(0.45 - 0.02, 1e-12);
    expect(r.se).to.be.closeTo(Math.sqrt(((1 - 5 / 50) * 0.077) / 5), 1e-12);
    expect(r.lo).to.be.closeTo(r.estimate - 1.959963984540054 * r.se, 1e-9);
  });

  it('lambda = 0 is the labels-only mean; tuned lambda is the regression slope and never widens the interval here', () => {
    const zero = ppiMean({ scoreMeanAll: 0.25, N: 1e6, labelled, lambda: 0 });
    expect(zero.estimate).to.be.closeTo(0.4, 1e-12);
    const tuned = ppiMean({ scoreMeanAll: 0.25, N: 1e6, labelled, lambda: 'tuned' });
    const mf = 0.42;
    const cov = [0.9, 0.2, 0.1, 0.6, 0.3].reduce((a, f, i) => a + (f - mf) * ([1, 0, 0, 1, 0][i] - 0.4), 0);
    const varf = [0.9, 0.2, 0.1, 0.6, 0.3].reduce((a, f) => a + (f - mf) ** 2, 0);
    expect(tuned.lambda).to.be.closeTo(cov / varf, 1e-12);
    const one = ppiMean({ scoreMeanAll: 0.25, N: 1e6, labelled, lambda: 1 });
    expect(tuned.se).to.be.at.most(Math.min(zero.se, one.se) + 1e-12);
  });

  it('refuses what it cannot estimate from', () => {
    expect(() => ppiMean({ scoreMeanAll: 0.2, N: 10, labelled: labelled.slice(0, 1), lambda: 1 })).to.throw(
      /at least 2/,
    );
    expect(() => ppiMean({ scoreMeanAll: 0.2, N: 3, labelled, lambda: 1 })).to.throw(/only 3 live/);
    expect(() => scoreMean([0.2, 1.2])).to.throw(/\[0, 1\]/);
  });
});

describe('bots: misclassification-adjusted share', () => {
  const validation = { bots: 480, bots_flagged: 432, humans: 2450, humans_not_flagged: 2327 };

  it('Rogan-Gladen inverts q = p Se + (1 - p)(1 - Sp)', () => {
    const se = 0.9;
    const sp = 0.95;
    const p = 0.04;
    const q = p * se + (1 - p) * (1 - sp);
    expect(roganGladen({ flagged: Math.round(q * 1e6), N: 1e6 }, se, sp)).to.be.closeTo(p, 1e-5);
    expect(roganGladen({ flagged: 10, N: 1e6 }, se, sp)).to.equal(0); // clipped, never negative
    expect(() => roganGladen({ flagged: 1, N: 10 }, 0.4, 0.5)).to.throw(/better than chance/);
  });

  it('the posterior agrees with Rogan-Gladen when the data are many, and its interval is wider than ignoring Se/Sp uncertainty', () => {
    const se = validation.bots_flagged / validation.bots;
    const sp = validation.humans_not_flagged / validation.humans;
    const p = 0.1;
    const N = 500000;
    const flagged = Math.round(N * (p * se + (1 - p) * (1 - sp)));
    const rg = roganGladenInterval({ flagged, N }, validation);
    const post = misclassificationPosterior({ flagged, N }, validation, { draws: 20000, seed: 3 });
    expect(post.estimate).to.be.closeTo(rg.estimate, 0.004);
    expect(post.lo).to.be.closeTo(rg.lo, 0.006);
    expect(post.hi).to.be.closeTo(rg.hi, 0.006);
    expect(post.hi - post.lo).to.be.greaterThan(0.01);
    expect(post.conflict).to.equal(false);
  });

  it('flags fewer than the validated false-positive rate allows: the posterior says so (conflict)', () => {
    // 4.2% flagged, while the validated specificity (0.95) alone implies 5% false positives
    const post = misclassificationPosterior({ flagged: 840, N: 20000 }, validation, {
      draws: 20000,
      seed: 1,
    });
    expect(post.conflict).to.equal(true);
    expect(post.specificity).to.be.greaterThan(validation.humans_not_flagged / validation.humans);
  });

  it('the specificity band rises with the assumed specificity (fewer false flags), and skips impossible ones', () => {
    const band = specificityBand({ flagged: 2000, N: 20000 }, validation, [0.85, 0.9, 0.95, 0.99], {
      draws: 4000,
      seed: 2,
    });
    expect(band.map((b) => b.specificity)).to.deep.equal([0.9, 0.95, 0.99]); // at 0.85, 10% flagged < 15% false positives
    for (let i = 1; i < band.length; i++) expect(band[i].estimate).to.be.greaterThan(band[i - 1].estimate);
    expect(band[band.length - 1].rogan_gladen).to.be.closeTo((0.1 + 0.99 - 1) / (0.9 + 0.99 - 1), 1e-12);
    for (const b of band) expect(b.lo).to.be.at.most(b.estimate);
  });
});

describe('bots: the audit object', () => {
  const scores = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 0.8 : 0.05));
  const labelled: LabelledMember[] = [
    ...Array.from({ length: 8 }, (_, i) => ({ id: i, score: 0.8, label: 'bot' as const })),
    ...Array.from({ length: 2 }, (_, i) => ({ id: 10 + i, score: 0.8, label: 'human' as const })),
    ...Array.from({ length: 85 }, (_, i) => ({ id: 100 + i, score: 0.05, label: 'human' as const })),
    ...Array.from({ length: 3 }, (_, i) => ({ id: 200 + i, score: 0.05, label: 'bot' as const })),
    ...Array.from({ length: 4 }, (_, i) => ({ id: 300 + i, score: 0.05, label: 'unsure' as const })),
    { id: 400, score: 0.05, label: null },
  ];

  it('with labels: PPI estimate, labels-only and PPI++ beside it, unsure reported and bounded, denominator named', () => {
    const b = botShareWithLabels({ scores, labelled, threshold: 0.5 });
    expect(b.denominator).to.equal('live members');
    expect(b.live_members).to.equal(1000);
    expect(b.method).to.equal('ppi');
    expect(b.ppi_tuned!.lambda).to.be.a('number');
    expect(b.validated_on_this_community).to.equal(true);
    expect(b.labelled).to.deep.equal({
      sampled: 103,
      bot: 11,
      human: 87,
      unsure: 4,
      not_labelled: 1,
      used: 98,
    });
    const w = wilson(11, 98);
    expect(b.labels_only).to.deep.equal({ estimate: w.share, lo: w.lo, hi: w.hi });
    expect(b.lo).to.be.at.most(b.estimate);
    expect(b.hi).to.be.at.least(b.estimate);
    expect(b.unsure_as_bot!.estimate).to.be.greaterThan(b.estimate);
    expect(b.unsure_as_human!.estimate).to.be.lessThan(b.estimate);
    expect(b.score.flagged_share).to.equal(0.1);
    expect(b.misclassification).to.equal(null);
    expect(labelsOnly([{ bot: true }, { bot: false }]).estimate).to.equal(0.5);
  });

  it('needs two decided labels', () => {
    expect(() =>
      botShareWithLabels({ scores, labelled: [{ id: 1, score: 0.1, label: 'unsure' }], threshold: 0.5 }),
    ).to.throw(/at least 2/);
  });

  it('without labels: named a bot-like share, not validated, with the band; never the flagged share', () => {
    const validation = { bots: 480, bots_flagged: 432, humans: 2450, humans_not_flagged: 2327 };
    const b = botShareWithoutLabels({ scores, threshold: 0.5, validation, seed: 4 });
    expect(b.method).to.equal(NOT_VALIDATED_LABEL);
    expect(b.method).to.equal('bot-like share, not validated on this community');
    expect(b.validated_on_this_community).to.equal(false);
    expect(b.estimate).to.not.equal(b.score.flagged_share);
    expect(b.misclassification!.specificity_band.length).to.be.greaterThan(5);
    expect(b.estimate).to.be.closeTo(b.misclassification!.rogan_gladen.estimate, 0.01);
  });
});
