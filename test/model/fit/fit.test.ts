import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import {
  fitDraws,
  fitJson,
  fitModel,
  fitRanef,
  fitSummary,
  resolveFitSettings,
  type FitResult,
} from '../../../src/model/fit';
import { parseFitArgs, runFitCli, UsageError } from '../../../src/cli/fit';
import {
  conditionalEffect,
  conditionalEffects,
  drawAt,
  posteriorEpred,
  posteriorPredict,
  ppCheckDraws,
} from '../../../src/model/summary';
import { median } from '../../../src/model/diagnostics';
import { simulate } from './simulate';
import { repoRoot } from './support';

/** The fit document against schemas/fit.schema.json (the contract `--json` promises). */
function expectFitSchema(doc: unknown): void {
  const dir = path.join(repoRoot(), 'schemas');
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  for (const f of ['common.schema.json', 'fit.schema.json'])
    ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  const validate = ajv.getSchema('fit.schema.json')!;
  expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5))).to.equal(true);
}

describe('fitModel end to end (poisson, random intercept, 2 chains on workers)', function () {
  this.timeout(120000);
  const sim = simulate(
    'poisson',
    { b_Intercept: 1, b_x: 0.4, b_sexm: -0.3, sd_g__Intercept: 0.5 },
    400,
    12,
    7,
  );
  let fit: FitResult;
  before(async () => {
    fit = await fitModel({
      data: sim.columns,
      formula: 'y ~ x + sex + (1 | g)',
      family: 'poisson',
      chains: 2,
      iter: 600,
      seed: 3,
      cores: 2,
      dataName: 'sim',
    });
  });

  it('reports brms-named parameters near the truth, with diagnostics', () => {
    expect(fit.parameters.map((p) => p.name)).to.deep.equal([
      'b_Intercept',
      'b_x',
      'b_sexm',
      'sd_g__Intercept',
    ]);
    expect(fit.groupLevels).to.have.length(12);
    expect(fit.groupLevels[0].name).to.equal('r_g[L00,Intercept]');
    const truth = sim.truth as unknown as Record<string, number>;
    for (const p of fit.parameters) {
      expect(Math.abs(p.mean - truth[p.name]), `${p.name}: ${p.mean} vs ${truth[p.name]}`).to.be.lessThan(
        4 * p.sd,
      );
      expect(p.rhat).to.be.within(0.99, 1.1);
      expect(p.ess_bulk).to.be.greaterThan(50);
    }
    expect(fit.settings).to.include({
      chains: 2,
      iter: 600,
      warmup: 300,
      thin: 1,
      adaptDelta: 0.8,
      maxTreedepth: 10,
    });
    expect(fit.timings.total).to.be.greaterThan(0);
  });
  it('prints the brms summary, gives draws, ranef and the JSON contract', () => {
    const text = fitSummary(fit);
    expect(text).to.match(
      /^ Family: poisson \n {2}Links: mu = log \nFormula: y ~ x \+ sex \+ \(1 \| g\) \n {3}Data: sim \(Number of observations: 400\) /,
    );
    expect(text).to.contain('~g (Number of levels: 12) ');
    expect(text).to.match(/\nsexm +-0\.\d\d/);
    const draws = fitDraws(fit);
    expect(draws.numRows()).to.equal(600);
    expect(draws.columnNames().slice(0, 4)).to.deep.equal(['.chain', '.iteration', '.draw', 'b_Intercept']);
    const re = fitRanef(fit);
    expect(re.g).to.have.length(12);
    let inside = 0;
    re.g.forEach((row, l) => {
      if (row['Q2.5'] <= sim.r[l] && sim.r[l] <= row['Q97.5']) inside++;
    });
    expect(inside).to.be.at.least(9);
    const json = JSON.parse(JSON.stringify(fitJson(fit, { file: 'sim.csv', rows: 400 }))) as Record<
      string,
      any
    >;
    expect(Object.keys(json.parameters)).to.deep.equal(['b_Intercept', 'b_x', 'b_sexm', 'sd_g__Intercept']);
    expect(Object.keys(json.parameters.b_x)).to.deep.equal([
      'mean',
      'sd',
      'q2.5',
      'q97.5',
      'rhat',
      'ess_bulk',
      'ess_tail',
    ]);
    expect(Object.keys(json.group_levels)).to.have.length(12);
    expect(json.data).to.deep.equal({ file: 'sim.csv', rows: 400 });
    expect(json.divergences).to.be.a('number');
    expect(Object.keys(json.timings)).to.include.members(['prepare', 'warmup', 'sampling', 'total']);
  });
  it('posterior predictive draws and epred have one row per draw and match the data scale', () => {
    const yrep = posteriorPredict(fit, { ndraws: 50, seed: 2 });
    expect(yrep).to.have.length(50);
    expect(yrep[0]).to.have.length(400);
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0) / a.length;
    const yMean = mean(sim.columns.y);
    expect(mean(yrep.map(mean))).to.be.closeTo(yMean, 0.15 * yMean);
    for (const row of yrep) for (const v of row) expect(Number.isInteger(v) && v >= 0).to.equal(true);
    const pp = ppCheckDraws(fit);
    expect(pp.yrep).to.have.length(10);
    expect(pp.y).to.equal(fit.prepared.response.values);
    // epred with group effects equals exp(η) computed by hand for one draw
    const ep = posteriorEpred(fit);
    expect(ep).to.have.length(600);
    const P = fit.outputNames.length;
    const d = drawAt(fit.chains, 123, P);
    const rIndex = fit.outputNames.indexOf(`r_g[${sim.columns.g[7]},Intercept]`);
    const eta7 = d[0] + d[1] * sim.columns.x[7] + (sim.columns.sex[7] === 'm' ? d[2] : 0) + d[rIndex];
    expect(ep[123][7]).to.be.closeTo(Math.exp(eta7), 1e-9 * Math.exp(eta7));
  });
  it('conditional effects: median and 95% interval of epred along each predictor, groups off', () => {
    const cx = conditionalEffect(fit, 'x', { resolution: 20 });
    expect(cx.kind).to.equal('numeric');
    expect(cx.rows).to.have.length(20);
    expect(cx.conditions).to.deep.equal({ sex: 'f' });
    for (let i = 1; i < cx.rows.length; i++)
      expect(cx.rows[i].estimate).to.be.greaterThan(cx.rows[i - 1].estimate);
    for (const r of cx.rows) expect(r.lower).to.be.lessThan(r.estimate).and.lessThan(r.upper);
    // by hand at the first grid point: exp(b_Intercept + b_x·x) over all draws (sex = f, r off)
    const P = fit.outputNames.length;
    const S = fit.chains.reduce((a, c) => a + c.nDraws, 0);
    const x0 = cx.rows[0].value as number;
    const hand = Float64Array.from({ length: S }, (_, s) => {
      const d = drawAt(fit.chains, s, P);
      return Math.exp(d[0] + d[1] * x0);
    });
    expect(cx.rows[0].estimate).to.be.closeTo(median(hand), 1e-9);
    const all = conditionalEffects(fit, { resolution: 10 });
    expect(all.map((c) => c.variable)).to.deep.equal(['x', 'sex']);
    const sex = all[1];
    expect(sex.rows.map((r) => r.value)).to.deep.equal(['f', 'm']);
    expect(Math.log(sex.rows[1].estimate / sex.rows[0].estimate)).to.be.closeTo(sim.truth.b_sexm, 0.25);
  });
});

describe('fit settings and command line', () => {
  it('resolves brms defaults and rejects bad settings clearly', () => {
    expect(resolveFitSettings({})).to.include({
      chains: 4,
      iter: 2000,
      warmup: 1000,
      thin: 1,
      adaptDelta: 0.8,
      maxTreedepth: 10,
      initRadius: 2,
    });
    expect(() => resolveFitSettings({ iter: 100, warmup: 100 })).to.throw(
      /warmup \(100\) must be smaller than iter \(100\)/,
    );
    expect(() => resolveFitSettings({ chains: 0 })).to.throw(/chains must be an integer >= 1/);
  });
  it('parses the fit command line and names what is wrong', () => {
    const a = parseFitArgs([
      '--data',
      'd.csv',
      '--formula',
      'y ~ x',
      '--family',
      'poisson',
      '--prior',
      'normal(0, 1)',
      '--prior',
      'prior(exponential(1), class = sd)',
      '--chains',
      '2',
      '--seed',
      '9',
      '--json',
      'o.json',
    ]);
    expect(a).to.include({
      data: 'd.csv',
      formula: 'y ~ x',
      family: 'poisson',
      chains: 2,
      seed: 9,
      json: 'o.json',
    });
    expect(a.priors).to.deep.equal(['normal(0, 1)', 'prior(exponential(1), class = sd)']);
    expect(() => parseFitArgs(['--data', 'd.csv'])).to.throw(UsageError, /missing --formula, --family/);
    expect(() =>
      parseFitArgs(['--data', 'd.csv', '--formula', 'y ~ x', '--family', 'poisson', '--chains', 'two']),
    ).to.throw(/--chains needs a whole number >= 1, got "two"/);
    expect(() =>
      parseFitArgs([
        '--data',
        'd.csv',
        '--formula',
        'y ~ x',
        '--family',
        'poisson',
        '--iter',
        '100',
        '--warmup',
        '200',
      ]),
    ).to.throw(/--warmup \(200\) must be smaller than --iter \(100\)/);
    expect(() => parseFitArgs(['--bogus'])).to.throw(/unknown option "--bogus"/);
    const b = parseFitArgs([
      '--data',
      'd.csv',
      '--formula',
      'y ~ x',
      '--family',
      'poisson',
      '--init',
      'laplace',
      '--param',
      'auto',
    ]);
    expect(b).to.include({ init: 'laplace', groupParameterization: 'auto' });
    const c = parseFitArgs([
      '--data',
      'd.csv',
      '--formula',
      'y ~ x',
      '--family',
      'poisson',
      '--preset',
      'brms',
      '--loo',
    ]);
    expect(c).to.include({ preset: 'brms', loo: true });
    expect(
      parseFitArgs(['--data', 'd.csv', '--formula', 'y ~ x', '--family', 'poisson']),
    ).to.not.have.any.keys('preset', 'loo', 'init');
    expect(() =>
      parseFitArgs(['--data', 'd.csv', '--formula', 'y ~ x', '--family', 'poisson', '--preset', 'slow']),
    ).to.throw(/--preset must be one of fast, brms, got "slow"/);
    expect(() =>
      parseFitArgs(['--data', 'd.csv', '--formula', 'y ~ x', '--family', 'poisson', '--init', 'mode']),
    ).to.throw(/--init must be one of random, laplace, got "mode"/);
    expect(() =>
      parseFitArgs(['--data', 'd.csv', '--formula', 'y ~ x', '--family', 'poisson', '--param', 'x']),
    ).to.throw(/--param must be one of noncentered, centered, auto, got "x"/);
  });
  it('reports a missing file, a bad formula and an unknown family before sampling', async () => {
    const quine = path.join(repoRoot(), 'data/public/quine.csv');
    const fails = async (argv: string[]): Promise<string> => {
      try {
        await runFitCli(argv, () => undefined);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected the fit command to fail');
    };
    expect(
      await fails(['--data', '/nonexistent/x.csv', '--formula', 'y ~ x', '--family', 'poisson']),
    ).to.match(/does not exist/);
    expect(await fails(['--data', quine, '--formula', 'Days ~ Eth + (Sex', '--family', 'poisson'])).to.match(
      /formula/,
    );
    expect(await fails(['--data', quine, '--formula', 'Days ~ Eth', '--family', 'weibull'])).to.match(
      /family 'weibull' is not supported/,
    );
    expect(await fails(['--data', quine, '--formula', 'Days ~ Nope', '--family', 'poisson'])).to.match(
      /'Nope' is not a column/,
    );
  });
  it('runs on a CSV and writes the JSON atomically', async function () {
    this.timeout(120000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fit-cli-'));
    try {
      const out = path.join(dir, 'sub', 'fit.json');
      let printed = '';
      await runFitCli(
        [
          '--data',
          path.join(repoRoot(), 'data/public/quine.csv'),
          '--formula',
          'Days ~ Eth + Sex',
          '--family',
          'negbinomial',
          '--chains',
          '2',
          '--iter',
          '400',
          '--seed',
          '1',
          '--cores',
          '1',
          '--quiet',
          '--loo',
          '--json',
          out,
        ],
        (l) => {
          printed += l;
        },
      );
      expect(printed).to.contain('Further Distributional Parameters:');
      expect(printed).to.contain('   Data: quine.csv (Number of observations: 146) ');
      const json = JSON.parse(fs.readFileSync(out, 'utf8'));
      expect(Object.keys(json.parameters)).to.deep.equal(['b_Intercept', 'b_EthN', 'b_SexM', 'shape']);
      // --loo: loo's print after the summary, and the same figures in the JSON.
      expect(printed).to.contain('Computed from 400 by 146 log-likelihood matrix.');
      expect(printed).to.match(
        /\n {9}Estimate +SE\nelpd_loo +-\d+\.\d +\d+\.\d\np_loo +\d+\.\d +\d+\.\d\nlooic +\d+\.\d/,
      );
      expect(printed).to.match(/All Pareto k estimates are good \(k < 0\.\d+\)\./);
      expect(printed).to.match(/Bayes R2: Estimate 0\.\d\d, Est\.Error 0\.\d\d/);
      expect(json.loo.observations).to.equal(146);
      expect(json.loo.draws).to.equal(400);
      const shown = /\nelpd_loo +(-?\d+\.\d) +(\d+\.\d)\n/.exec(printed)!;
      expect(shown[1]).to.equal(json.loo.elpd_loo.estimate.toFixed(1));
      expect(shown[2]).to.equal(json.loo.elpd_loo.se.toFixed(1));
      expect(json.loo.looic.estimate).to.be.closeTo(-2 * json.loo.elpd_loo.estimate, 1e-9);
      expect(json.bayes_R2.Estimate).to.be.within(0, 1);
      expectFitSchema(json);
      expect(fs.readdirSync(path.dirname(out))).to.deep.equal(['fit.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
