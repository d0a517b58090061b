import { expect } from 'chai';
import {
  drawsTable,
  formatBrmsSummary,
  formatMatrix,
  isSummaryParameter,
  ranef,
  summariseParameters,
  type ModelInfo,
} from '../../../src/model/summary';
import { essBulk, quantiles, rhat } from '../../../src/model/diagnostics';
import type { ChainResult } from '../../../src/model/types';
import { Rng } from '../../../src/util/rng';

const names = ['b_Intercept', 'b_x', 'sd_g__Intercept', 'shape', 'r_g[a,Intercept]', 'r_g[b.c,Intercept]'];
const info: ModelInfo = {
  formula: 'y ~ x + (1 | g)',
  family: 'negbinomial',
  nRows: 50,
  groups: [{ name: 'g', levels: ['a', 'b c'], outputLevels: ['a', 'b.c'] }],
  outputNames: names,
};
const truth = [1, -0.5, 0.3, 2, 0.1, -0.2];

/** Stand-in sampler output: independent normal draws around `truth` (sd 0.1), per chain. */
function fakeChains(nChains: number, nDraws: number, seed: number, shift = 0): ChainResult[] {
  return Array.from({ length: nChains }, (_, c) => {
    const rng = Rng.forKey(seed, c + 1);
    const P = names.length;
    const draws = new Float64Array(nDraws * P);
    for (let i = 0; i < nDraws; i++) {
      for (let j = 0; j < P; j++) draws[i * P + j] = truth[j] + 0.1 * rng.normal() + (c === 0 ? shift : 0);
    }
    const z = () => new Float64Array(nDraws);
    return {
      chain: c + 1,
      draws,
      nDraws,
      stats: {
        lp: z(),
        acceptStat: z(),
        stepsize: z(),
        treedepth: new Int32Array(nDraws),
        nLeapfrog: new Int32Array(nDraws),
        divergent: new Uint8Array(nDraws),
        energy: z(),
      },
      stepSize: 0.5,
      invMetric: new Float64Array(4),
      warmupDivergences: 0,
      gradientEvaluations: 0,
      timings: { warmupSeconds: 0, samplingSeconds: 0 },
    };
  });
}

describe('summary: parameter table', () => {
  it('summarises each reported parameter from the pooled draws with posterior diagnostics', () => {
    const res = fakeChains(4, 250, 11);
    const table = summariseParameters(res, names);
    expect(table.map((p) => p.name)).to.deep.equal(names);
    table.forEach((p, j) => {
      expect(p.mean).to.be.closeTo(truth[j], 0.01);
      expect(p.sd).to.be.closeTo(0.1, 0.01);
      expect(p['q2.5']).to.be.closeTo(truth[j] - 0.196, 0.02);
      expect(p['q97.5']).to.be.closeTo(truth[j] + 0.196, 0.02);
      expect(p.rhat).to.be.lessThan(1.01);
      expect(p.ess_bulk).to.be.greaterThan(700);
    });
    // the same numbers the diagnostics give on the per-chain layout
    const bChains = res.map((r) =>
      Float64Array.from({ length: r.nDraws }, (_, i) => r.draws[i * names.length + 1]),
    );
    expect(table[1].rhat).to.equal(rhat(bChains));
    expect(table[1].ess_bulk).to.equal(essBulk(bChains));
    expect(table[1]['q2.5']).to.equal(
      quantiles(
        bChains.flatMap((c) => Array.from(c)),
        [0.025],
      )[0],
    );
  });
  it('flags a shifted chain through R-hat and drops r_ levels from the summary selection', () => {
    const table = summariseParameters(fakeChains(4, 250, 12, 0.5), names, isSummaryParameter);
    expect(table.map((p) => p.name)).to.deep.equal(['b_Intercept', 'b_x', 'sd_g__Intercept', 'shape']);
    for (const p of table) expect(p.rhat).to.be.greaterThan(1.5);
  });
  it('rejects chains whose draws do not match the parameter count', () => {
    expect(() => summariseParameters(fakeChains(2, 10, 1), names.slice(1))).to.throw(
      /expected nDraws × parameters/,
    );
  });
});

describe('summary: brms-style print', () => {
  it('lays out a matrix as R prints it (right-aligned cells, left-aligned row names)', () => {
    // R: brms:::print_format(x) on the same values
    expect(
      formatMatrix(
        ['Intercept', 'zBase:Trttreated'],
        ['Estimate', 'Rhat', 'Bulk_ESS'],
        [
          ['1.78', '1.00', '1036'],
          ['-0.00', 'NA', '12346'],
        ],
      ),
    ).to.equal(
      '                 Estimate Rhat Bulk_ESS\n' +
        'Intercept            1.78 1.00     1036\n' +
        'zBase:Trttreated    -0.00   NA    12346',
    );
  });
  it('prints the header, sections, closing note and warnings as brms', () => {
    const parameters = [
      {
        name: 'b_Intercept',
        mean: 1.7812,
        sd: 0.1234,
        'q2.5': 1.5,
        'q97.5': 2.02,
        rhat: 1.0004,
        ess_bulk: 1036.4,
        ess_tail: 1691,
      },
      {
        name: 'b_x',
        mean: -0.0041,
        sd: 0.05,
        'q2.5': -0.1,
        'q97.5': 0.09,
        rhat: 1.001,
        ess_bulk: 2345.6,
        ess_tail: 2000.2,
      },
      {
        name: 'sd_g__Intercept',
        mean: 0.58,
        sd: 0.07,
        'q2.5': 0.46,
        'q97.5': 0.73,
        rhat: 1.0,
        ess_bulk: 768,
        ess_tail: 1359,
      },
      {
        name: 'shape',
        mean: 1.27,
        sd: 0.16,
        'q2.5': 0.98,
        'q97.5': 1.62,
        rhat: 1.0,
        ess_bulk: 4710,
        ess_tail: 2924,
      },
    ];
    const text = formatBrmsSummary({
      info,
      dataName: 'quine.csv',
      chains: 4,
      iter: 2000,
      warmup: 1000,
      thin: 1,
      parameters,
      warnings: ['There were 3 divergent transitions after warmup.'],
    });
    expect(text).to.equal(
      [
        ' Family: negbinomial ',
        '  Links: mu = log; shape = identity ',
        'Formula: y ~ x + (1 | g) ',
        '   Data: quine.csv (Number of observations: 50) ',
        '  Draws: 4 chains, each with iter = 2000; warmup = 1000; thin = 1;',
        '         total post-warmup draws = 4000',
        '',
        'Multilevel Hyperparameters:',
        '~g (Number of levels: 2) ',
        '              Estimate Est.Error l-95% CI u-95% CI Rhat Bulk_ESS Tail_ESS',
        'sd(Intercept)     0.58      0.07     0.46     0.73 1.00      768     1359',
        '',
        'Regression Coefficients:',
        '          Estimate Est.Error l-95% CI u-95% CI Rhat Bulk_ESS Tail_ESS',
        'Intercept     1.78      0.12     1.50     2.02 1.00     1036     1691',
        'x            -0.00      0.05    -0.10     0.09 1.00     2346     2000',
        '',
        'Further Distributional Parameters:',
        '      Estimate Est.Error l-95% CI u-95% CI Rhat Bulk_ESS Tail_ESS',
        'shape     1.27      0.16     0.98     1.62 1.00     4710     2924',
        '',
        'Draws were sampled using sampling(NUTS). For each parameter, Bulk_ESS',
        'and Tail_ESS are effective sample size measures, and Rhat is the potential',
        'scale reduction factor on split chains (at convergence, Rhat = 1).',
        'Warning: There were 3 divergent transitions after warmup.',
        '',
      ].join('\n'),
    );
  });
});

describe('summary: draws table and ranef', () => {
  it('builds an arquero table with .chain, .iteration, .draw and brms-named columns', () => {
    const res = fakeChains(2, 5, 3);
    const t = drawsTable(res, names);
    expect(t.numRows()).to.equal(10);
    expect(t.columnNames()).to.deep.equal(['.chain', '.iteration', '.draw', ...names]);
    expect(t.get('.chain', 7)).to.equal(2);
    expect(t.get('.iteration', 7)).to.equal(3);
    expect(t.get('.draw', 7)).to.equal(8);
    expect(t.get('b_x', 7)).to.equal(res[1].draws[2 * names.length + 1]);
  });
  it('ranef gives Estimate / Est.Error / Q2.5 / Q97.5 per level under the data labels', () => {
    const res = fakeChains(4, 200, 5);
    const r = ranef(res, info);
    expect(Object.keys(r)).to.deep.equal(['g']);
    expect(r.g.map((x) => x.level)).to.deep.equal(['a', 'b c']);
    expect(r.g[1].Estimate).to.be.closeTo(-0.2, 0.02);
    expect(r.g[1]['Est.Error']).to.be.closeTo(0.1, 0.01);
    expect(r.g[1]['Q2.5']).to.be.lessThan(r.g[1].Estimate);
    expect(r.g[1]['Q97.5']).to.be.greaterThan(r.g[1].Estimate);
  });
});
