import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  bayesR2,
  formatLoo,
  formatLooCompare,
  loo,
  looCompare,
  logLik,
  fillYConstants,
  psisInPlace,
  PsisWorkspace,
  RelativeEfficiency,
  gpdfit,
  tailLength,
} from '../../../src/model/loo';
import { looMatrix } from '../../../src/model/loo/loo';
import { essBasic } from '../../../src/model/diagnostics';
import { prepareModel, expectedValue } from '../../../src/model/density';
import { runChainsSequential } from '../../../src/model/sampler';
import { compileModel } from '../../../src/model/density';
import type { ChainResult } from '../../../src/model/types';
import { Rng } from '../../../src/util/rng';
import { simulate } from '../density/helpers';
import { repoRoot } from '../fit/support';

interface Fixture {
  generatedBy: string;
  chains: number;
  n: number;
  y: number[];
  mu: number[];
  sigma: number[];
  r_eff: number[];
  elpd_loo: number[];
  p_loo: number[];
  pareto_k: number[];
  n_eff: number[];
  mcse: number[];
  estimates: { elpd_loo: number[]; p_loo: number[]; looic: number[] };
}

/** R's dnorm(y, mu, sigma, log = TRUE), operation for operation. */
const M_LN_SQRT_2PI = 0.9189385332046728; // R's M_LN_SQRT_2PI as a double
function dnormLog(y: number, mu: number, sigma: number): number {
  const x = (y - mu) / sigma;
  return -(M_LN_SQRT_2PI + 0.5 * x * x + Math.log(sigma));
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe('loo: PSIS-LOO against the loo and posterior R packages', () => {
  const fx = JSON.parse(
    fs.readFileSync(path.join(repoRoot(), 'test/model/loo/fixtures/loo-reference.json'), 'utf8'),
  ) as Fixture;
  const S = fx.chains * fx.n;
  const ll = fx.y.map((y) => Float64Array.from(fx.mu, (mu, s) => dnormLog(y, mu, fx.sigma[s])));

  it('r_eff = posterior::ess_mean / S, lag by lag, and the same as essBasic', () => {
    const re = new RelativeEfficiency(fx.chains, fx.n);
    ll.forEach((row, i) => {
      const lik = row.map(Math.exp);
      expect(rel(re.of(lik), fx.r_eff[i]), `observation ${i}`).to.be.below(1e-10);
      const chains = Array.from({ length: fx.chains }, (_, c) => lik.subarray(c * fx.n, (c + 1) * fx.n));
      expect(rel(re.of(lik), essBasic(chains) / S)).to.be.below(1e-12);
    });
  });

  it('pointwise elpd_loo, p_loo, Pareto k, PSIS ESS and MCSE as loo computes them; totals and SEs', () => {
    const l = looMatrix(ll, fx.chains, fx.n);
    for (let i = 0; i < fx.y.length; i++) {
      expect(rel(l.pointwise.elpd[i], fx.elpd_loo[i]), `elpd ${i}`).to.be.below(1e-9);
      expect(Math.abs(l.pointwise.p[i] - fx.p_loo[i]), `p_loo ${i}`).to.be.below(1e-9);
      expect(Math.abs(l.pointwise.k[i] - fx.pareto_k[i]), `k ${i}`).to.be.below(1e-9);
      expect(rel(l.pointwise.ess[i], fx.n_eff[i]), `n_eff ${i}`).to.be.below(1e-9);
      expect(rel(l.pointwise.mcse[i], fx.mcse[i]), `mcse ${i}`).to.be.below(1e-8);
    }
    expect(rel(l.elpd_loo.estimate, fx.estimates.elpd_loo[0])).to.be.below(1e-10);
    expect(rel(l.elpd_loo.se, fx.estimates.elpd_loo[1])).to.be.below(1e-9);
    expect(rel(l.p_loo.se, fx.estimates.p_loo[1])).to.be.below(1e-9);
    expect(rel(l.looic.estimate, fx.estimates.looic[0])).to.be.below(1e-10);
    // Two outliers: one k in (0.7, 1], one above 1; MCSE is then NA, and the warning says what to do.
    expect(l.paretoK.map((r) => r.count)).to.deep.equal([28, 1, 1]);
    expect(l.highK).to.equal(2);
    expect(Number.isNaN(l.mcse_elpd_loo)).to.equal(true);
    expect(l.warnings[0]).to.match(/^2 of 30 observations have a Pareto k above 0\.7/);
    expect(l.warnings[0]).to.match(/Moment matching .*reloo.*K-fold/);
    expect(l.warnings[0]).to.match(/a more robust model/);
  });

  it("prints as loo's print.psis_loo: estimates, MCSE, r_eff range, the Pareto k table", () => {
    const text = formatLoo(looMatrix(ll, fx.chains, fx.n));
    const lines = text.split('\n');
    expect(lines[1]).to.equal('Computed from 2000 by 30 log-likelihood matrix.');
    expect(lines[3]).to.equal('         Estimate   SE');
    expect(lines[4]).to.equal('elpd_loo    -63.5 10.7');
    expect(lines[6]).to.equal('looic       127.0 21.5');
    expect(text).to.contain('MCSE of elpd_loo is NA.\n');
    expect(text).to.match(/MCSE and ESS estimates assume MCMC draws \(r_eff in \[\d\.\d, \d\.\d\]\)\./);
    expect(text).to.contain(
      [
        'Pareto k diagnostic values:',
        '                         Count Pct.    Min. ESS',
        '(-Inf, 0.7]   (good)     28    93.3%   ',
      ].join('\n'),
    );
    expect(text).to.contain('   (0.7, 1]   (bad)       1     3.3%   <NA>    \n');
    expect(text).to.contain("See help('pareto-k-diagnostic') for details.");
    const good = formatLoo(looMatrix(ll.slice(0, 28), fx.chains, fx.n));
    expect(good).to.contain('\nAll Pareto k estimates are good (k < 0.7).\n');
    expect(good).to.match(/MCSE of elpd_loo is \d\.\d\./);
  });

  it('selecting the tail gives the same weights as sorting every draw (ties included)', () => {
    const rng = new Rng(3);
    for (const S2 of [100, 1000, 4000]) {
      const x = Float64Array.from({ length: S2 }, () => Math.round(rng.normal() * 3 * 8) / 8); // many ties
      const a = Float64Array.from(x);
      const ka = psisInPlace(a, 0.9, new PsisWorkspace(S2));
      // Reference: a full stable sort, as loo's do_psis_i.
      const b = Float64Array.from(x);
      const max = Math.max(...b);
      for (let s = 0; s < S2; s++) b[s] -= max;
      const order = Array.from({ length: S2 }, (_, i) => i).sort((p, q) => b[p] - b[q] || p - q);
      const M = tailLength(S2, 0.9);
      const tail = order.slice(S2 - M);
      const cutoff = b[order[S2 - M - 1]];
      const ex = Float64Array.from(tail, (i) => Math.exp(b[i]) - Math.exp(cutoff));
      const fit = gpdfit(ex, M, new PsisWorkspace(S2));
      expect(ka).to.equal(fit.k);
      tail.forEach((i, j) => {
        const p = (j + 1 - 0.5) / M;
        const q = (fit.sigma * Math.expm1(-fit.k * Math.log1p(-p))) / fit.k;
        b[i] = Math.log(q + Math.exp(cutoff));
      });
      let lse = -Infinity;
      for (let s = 0; s < S2; s++) {
        b[s] = Math.min(b[s], 0) + max;
        lse = Math.max(lse, b[s]);
      }
      const sum = b.reduce((t, v) => t + Math.exp(v - lse), 0);
      for (let s = 0; s < S2; s++) expect(a[s]).to.be.closeTo(b[s] - lse - Math.log(sum), 1e-12);
    }
  });
});

describe('loo on fits: compressed cells count their rows; loo_compare; bayes_R2', function () {
  this.timeout(600000); // real fits: minutes on a loaded 2-core machine
  const d = simulate('negbinomial', 600, 41);
  const formula = 'y ~ x * sex + platform + (1 | name)';
  const cells = prepareModel({ data: d, formula, family: 'negbinomial', compress: true });
  const rows = prepareModel({ data: d, formula, family: 'negbinomial', compress: false });
  let chains: ChainResult[];
  before(() => {
    chains = runChainsSequential(compileModel(cells), { iter: 400, warmup: 200, seed: 7 }, { chains: 2 });
  });

  it('loo of the compressed model equals loo row by row, and both equal the naive log-likelihood matrix', () => {
    expect(cells.compression.used).to.equal(true);
    const a = loo({ prepared: cells, chains });
    const b = loo({ prepared: rows, chains });
    expect(a.observations).to.equal(600);
    expect(a.pointwise.elpd.length).to.be.below(600); // fewer units than rows
    expect(a.elpd_loo.estimate).to.be.closeTo(b.elpd_loo.estimate, 1e-8);
    expect(a.elpd_loo.se).to.be.closeTo(b.elpd_loo.se, 1e-8);
    expect(a.p_loo.estimate).to.be.closeTo(b.p_loo.estimate, 1e-8);
    expect(a.paretoK.map((r) => r.count)).to.deep.equal(b.paretoK.map((r) => r.count));
    // The naive matrix: every row's full NB2 log pmf at every draw (gammaln written out here).
    const P = cells.layout.nOutputs;
    const S = 400;
    const naive = Array.from({ length: 600 }, () => new Float64Array(S));
    let s = 0;
    const yv = Float64Array.from(d.y);
    for (const ch of chains) {
      for (let i = 0; i < ch.nDraws; i++, s++) {
        const par = ch.draws.subarray(i * P, (i + 1) * P);
        const mu = expectedValue(rows, par);
        const phi = par[cells.layout.out.aux];
        const yc = new Float64Array(yv.length);
        fillYConstants('negbinomial', yv, phi, yc);
        for (let r = 0; r < 600; r++) {
          const y = yv[r];
          const ref = yc[r] + y * Math.log(mu[r] / (mu[r] + phi)) + phi * Math.log(phi / (mu[r] + phi));
          naive[r][s] = ref;
          const eta = Math.log(mu[r]);
          expect(
            logLik('negbinomial', y, eta, { aux: phi, logMix: NaN, log1mMix: NaN, yConst: yc }, r),
          ).to.be.closeTo(ref, 1e-9 * Math.abs(ref));
        }
      }
    }
    const m = looMatrix(naive, 2, 200);
    expect(a.elpd_loo.estimate).to.be.closeTo(m.elpd_loo.estimate, 1e-7);
    expect(a.looic.se).to.be.closeTo(m.looic.se, 1e-7);
  });

  it('loo_compare ranks models by elpd_loo with se_diff from pointwise differences, printed as loo does', () => {
    const full = loo({ prepared: cells, chains });
    const small = prepareModel({ data: d, formula: 'y ~ sex + (1 | name)', family: 'negbinomial' });
    const smallChains = runChainsSequential(
      compileModel(small),
      { iter: 400, warmup: 200, seed: 8 },
      { chains: 2 },
    );
    const other = loo({ prepared: small, chains: smallChains });
    const table = looCompare([
      { name: 'small', loo: other },
      { name: 'full', loo: full },
    ]);
    expect(table[0].model).to.equal('full'); // x matters in the simulation
    expect(table[0].elpd_diff).to.equal(0);
    expect(table[1].elpd_diff).to.be.closeTo(other.elpd_loo.estimate - full.elpd_loo.estimate, 1e-9);
    // se_diff by hand from per-row pointwise values.
    const diff = Array.from(
      { length: 600 },
      (_, i) => other.pointwise.elpd[other.rowUnit[i]] - full.pointwise.elpd[full.rowUnit[i]],
    );
    const mean = diff.reduce((x, y) => x + y, 0) / 600;
    const sd = Math.sqrt(diff.reduce((x, y) => x + (y - mean) ** 2, 0) / 599);
    expect(table[1].se_diff).to.be.closeTo(Math.sqrt(600) * sd, 1e-9);
    const text = formatLooCompare(table);
    expect(text.split('\n')[0]).to.equal('      elpd_diff se_diff');
    expect(text.split('\n')[1]).to.match(/^full +0\.0 +0\.0 *$/);
  });

  it('bayes_R2 is the same from cells and from rows, and equals the per-row formula', () => {
    const a = bayesR2({ prepared: cells, chains });
    const b = bayesR2({ prepared: rows, chains });
    expect(a.Estimate).to.be.closeTo(b.Estimate, 1e-10);
    expect(a.Estimate).to.be.within(0, 1);
    const P = cells.layout.nOutputs;
    const par = chains[1].draws.subarray(5 * P, 6 * P);
    const yhat = expectedValue(rows, par);
    const v = (x: ArrayLike<number>) => {
      const m = Array.from(x).reduce((s, t) => s + t, 0) / x.length;
      return Array.from(x).reduce((s, t) => s + (t - m) ** 2, 0) / (x.length - 1);
    };
    const e = d.y.map((y, i) => y - yhat[i]);
    expect(a.draws[200 + 5]).to.be.closeTo(v(yhat) / (v(yhat) + v(e)), 1e-10);
  });
});
