import { expect } from 'chai';
import { compareWithTruth, coverage, kindOf, type Estimate } from '../../src/followers/compare';
import {
  findings,
  formatMultiplier,
  formatPercent,
  percentChange,
  type PopulationEffect,
} from '../../src/followers/effects';
import { logBinEdges, logDensity } from '../../src/followers/ppc';
import { diagnosticsVerdict } from '../../src/followers/verdict';
import { OTHER_NAME } from '../../src/followers/coding';
import { truthMarkdown } from '../../src/followers/present';
import type { ParameterSummary } from '../../src/model/summary';

const est = (name: string, mean: number, lo: number, hi: number) => ({ name, mean, 'q2.5': lo, 'q97.5': hi });

describe('followers/compare: estimates against the truth', () => {
  it('matches by brms name, checks coverage with closed interval ends, and counts per kind', () => {
    const truth = {
      b_Intercept: 3.9,
      b_sexmale: -0.35,
      b_platformipad: 0.1,
      sd_first_name__Intercept: 0.25,
      shape: 0.9,
      'r_first_name[Анна,Intercept]': 0.1,
      'r_first_name[Анна Мария,Intercept]': -0.2,
      'r_first_name[Ия,Intercept]': 0.4,
    };
    const groups = [
      {
        name: 'first_name',
        levels: ['(other)', 'Анна', 'Анна Мария'],
        outputLevels: ['(other)', 'Анна', 'Анна.Мария'],
      },
    ];
    const c = compareWithTruth(
      [
        est('b_Intercept', 3.8, 3.7, 3.9), // truth on the upper end: covered
        est('b_sexmale', -0.2, -0.3, -0.1), // missed
        est('sd_first_name__Intercept', 0.3, 0.2, 0.4),
        est('shape', 0.88, 0.85, 0.91),
        est('r_first_name[(other),Intercept]', 0, -0.1, 0.1),
        est('r_first_name[Анна,Intercept]', 0.05, -0.05, 0.2),
        est('r_first_name[Анна.Мария,Intercept]', 0.3, 0.1, 0.5),
        est('lp__', 0, 0, 0),
      ],
      truth,
      groups,
    );
    expect(c.rows.map((r) => [r.name, r.covered])).to.deep.equal([
      ['b_Intercept', true],
      ['b_sexmale', false],
      ['sd_first_name__Intercept', true],
      ['shape', true],
      ['r_first_name[Анна,Intercept]', true],
      ['r_first_name[Анна.Мария,Intercept]', false],
    ]);
    expect(c.rows[1].error).to.be.closeTo(0.15, 1e-12);
    expect(c.population).to.deep.equal({ n: 4, covered: 3, share: 0.75 });
    expect(c.names).to.deep.equal({ n: 2, covered: 1, share: 0.5 });
    expect(c.noTruth).to.deep.equal([`r_first_name[${OTHER_NAME},Intercept]`]);
    expect(c.notFitted).to.deep.equal(['b_platformipad']);
    expect(Number.isNaN(coverage([]).share)).to.equal(true);
    expect([
      kindOf('b_x'),
      kindOf('sd_g__Intercept'),
      kindOf('shape'),
      kindOf('zi'),
      kindOf('r_g[a,Intercept]'),
      kindOf('lp__'),
    ]).to.deep.equal(['b', 'sd', 'shape', 'zi', 'r', null]);
  });

  it('a true zi is compared when the fit has one, and named as missing when it has none', () => {
    const truth = { b_Intercept: 1, shape: 2, zi: 0.3 };
    const est = (name: string, mean: number): Estimate => ({
      name,
      mean,
      'q2.5': mean - 0.1,
      'q97.5': mean + 0.1,
    });
    const zinb = compareWithTruth([est('b_Intercept', 1), est('shape', 2), est('zi', 0.35)], truth);
    expect(zinb.rows.map((r) => [r.name, r.kind, r.covered])).to.deep.equal([
      ['b_Intercept', 'b', true],
      ['shape', 'shape', true],
      ['zi', 'zi', true],
    ]);
    expect(zinb.population.n).to.equal(3);
    const nb = compareWithTruth([est('b_Intercept', 1), est('shape', 2)], truth);
    expect(nb.notFitted).to.deep.equal(['zi']);
    expect(truthMarkdown(nb, 0))
      .to.contain('structural zeros')
      .and.contain('30%')
      .and.not.contain('level absent');
    const none = compareWithTruth([est('b_Intercept', 1), est('shape', 2)], { ...truth, zi: 0 });
    expect(none.notFitted).to.deep.equal([]);
    expect(truthMarkdown(none, 0)).not.to.contain('structural zeros');
  });
});

describe('followers/effects: multiplicative effects and findings', () => {
  const eff = (term: string, q50: number, q025: number, q975: number): PopulationEffect => ({
    term,
    predictor: term,
    predictorLabel: term,
    level: 'yes',
    reference: 'no',
    mean: q50,
    q025,
    q25: q50 - 0.01,
    q50,
    q75: q50 + 0.01,
    q975,
    clear: q025 > 0 || q975 < 0,
  });
  it('percent and multiplier arithmetic on the exp scale', () => {
    expect(percentChange(Math.log(1.5))).to.be.closeTo(50, 1e-9);
    expect(formatPercent(Math.log(1.5))).to.equal('+50%');
    expect(formatPercent(Math.log(0.8))).to.equal('−20%');
    expect(formatPercent(0.001)).to.equal('±0%');
    expect(formatMultiplier(eff('a', Math.log(1.42), Math.log(1.31), Math.log(1.55)))).to.equal(
      '×1.42 (95% interval 1.31–1.55)',
    );
  });
  it('keeps effects whose 95% interval excludes 0, largest first', () => {
    const f = findings([
      eff('small', 0.1, 0.02, 0.2),
      eff('none', 0.05, -0.1, 0.2),
      eff('big', -0.4, -0.5, -0.3),
    ]);
    expect(f.clear.map((x) => x.effect.term)).to.deep.equal(['big', 'small']);
    expect(f.clear[0].text).to.contain('−33%');
    expect(f.unclear.map((x) => x.term)).to.deep.equal(['none']);
  });
});

describe('followers/ppc: log bins', () => {
  it('0 followers is its own bin; bins grow by about √2; densities integrate to 1', () => {
    const edges = logBinEdges(100);
    expect(edges.slice(0, 6)).to.deep.equal([1, 2, 3, 4, 6, 8]);
    expect(edges[edges.length - 1]).to.be.greaterThan(101);
    const y = [0, 0, 1, 2, 3, 5, 7, 50, 100];
    const d = logDensity(y, edges);
    const total = d.reduce((a, v, b) => a + v * Math.log10(edges[b + 1] / edges[b]), 0);
    expect(total).to.be.closeTo(1, 1e-12);
    expect(d[0] * Math.log10(2)).to.be.closeTo(2 / 9, 1e-12); // the two zeros
  });
});

describe('followers/verdict: diagnostics in plain words', () => {
  const p = (name: string, rhat: number, bulk: number, tail: number): ParameterSummary => ({
    name,
    mean: 0,
    sd: 1,
    'q2.5': -2,
    'q97.5': 2,
    rhat,
    ess_bulk: bulk,
    ess_tail: tail,
  });
  const sampler = {
    divergences: 0,
    divergencesPerChain: [0, 0],
    warmupDivergences: 3,
    maxTreedepthHits: 0,
    ebfmi: [0.9, 0.8],
    meanAcceptStat: [0.8, 0.8],
    stepSize: [0.3, 0.3],
  };
  const settings = { maxTreedepth: 10, chains: 2 };
  it('passes a clean fit', () => {
    const v = diagnosticsVerdict({
      parameters: [p('b_x', 1.002, 900, 800)],
      groupLevels: [p('r_g[a,Intercept]', 1.004, 1500, 700)],
      sampler,
      settings,
    });
    expect(v.ok).to.equal(true);
    expect(v.checks.map((c) => c.ok)).to.deep.equal([true, true, true, true, true]);
    expect(v.checks[0].text).to.contain('largest 1.004, r_g[a,Intercept]');
  });
  it('names each failed check, with the worst parameter', () => {
    const v = diagnosticsVerdict({
      parameters: [p('b_x', 1.06, 150, 800)],
      groupLevels: [p('r_g[a,Intercept]', 1.004, 1500, 90)],
      sampler: { ...sampler, divergences: 4, maxTreedepthHits: 2, ebfmi: [0.2, 0.8] },
      settings,
    });
    expect(v.ok).to.equal(false);
    expect(v.checks.map((c) => c.status)).to.deep.equal(['fail', 'fail', 'fail', 'warn', 'warn']);
    expect(v.checks.filter((c) => !c.ok).map((c) => c.name)).to.deep.equal(['R-hat', 'ESS', 'divergences']);
    expect(v.checks[0].text).to.contain(
      '1 of 2 parameters have R-hat ≥ 1.01 (largest 1.060, b_x): the chains disagree',
    );
    expect(v.checks[1].text).to.contain('smallest 90, r_g[a,Intercept]');
    expect(v.checks[2].text).to.contain('4 divergent');
    expect(v.headline).to.contain('fails R-hat, ESS, divergences');
  });
  it("R-hat between the strict target 1.01 and brms's 1.05 is a caveat, not a failure", () => {
    const v = diagnosticsVerdict({
      parameters: [p('b_x', 1.014, 900, 800)],
      groupLevels: [p('r_g[a,Intercept]', 1.004, 1500, 700)],
      sampler,
      settings,
    });
    expect(v.checks[0]).to.deep.include({ status: 'warn', ok: true });
    expect(v.checks[0].text).to.contain("below brms's warning level 1.05");
    expect(v.ok).to.equal(true);
    expect(v.headline).to.match(/usable, with a caveat on R-hat/);
  });
  it('one chain: R-hat cannot pass', () => {
    const v = diagnosticsVerdict({
      parameters: [p('b_x', 1.0, 900, 800)],
      groupLevels: [],
      sampler,
      settings: { maxTreedepth: 10, chains: 1 },
    });
    expect(v.checks[0]).to.deep.include({ ok: false });
    expect(v.checks[0].text).to.match(/at least two chains/);
  });
});
