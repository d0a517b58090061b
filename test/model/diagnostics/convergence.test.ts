import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import {
  autocovariance,
  essBasic,
  essBulk,
  essQuantile,
  essTail,
  mad,
  mean,
  median,
  quantiles,
  rhat,
  rhatBasic,
  sd,
  splitChains,
  averageRanks,
} from '../../../src/model/diagnostics';
import { repoRoot } from '../fit/support';

// Fixture made by test/fixtures/diagnostics/make.R with R's posterior package.
interface Case {
  name: string;
  draws: number[][];
  expected: Record<string, number | null>;
}
const fixturePath = path.join(repoRoot(), 'test/fixtures/diagnostics/draws.json');
const fixture = JSON.parse(fs.readFileSync(fixturePath, 'utf8')) as {
  cases: Case[];
  posterior_version: string;
};

function close(actual: number, expected: number | null, rel: number, what: string): void {
  if (expected === null) {
    expect(Number.isNaN(actual), `${what}: posterior gives NA, we give ${actual}`).to.equal(true);
    return;
  }
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  expect(err, `${what}: ours ${actual}, posterior ${expected}`).to.be.lessThan(rel);
}

describe('diagnostics against posterior ' + fixture.posterior_version, () => {
  it('the fixture has the cases the tests rely on', () => {
    expect(fixture.cases.length).to.be.greaterThan(10);
    expect(fixture.cases.map((c) => c.name)).to.include.members([
      'ar_0.9',
      'heavy_tails',
      'shifted_chain',
      'odd_length',
      'constant',
    ]);
  });
  for (const c of fixture.cases) {
    it(`${c.name}: rhat, ess_bulk, ess_tail, basic and quantile ESS match to 1e-9`, () => {
      const e = c.expected;
      const tol = 1e-9;
      close(rhat(c.draws), e.rhat, tol, 'rhat');
      close(rhatBasic(c.draws), e.rhat_basic, tol, 'rhat_basic');
      close(essBulk(c.draws), e.ess_bulk, tol, 'ess_bulk');
      close(essTail(c.draws), e.ess_tail, tol, 'ess_tail');
      close(essBasic(c.draws), e.ess_basic, tol, 'ess_basic');
      close(essQuantile(c.draws, 0.05), e.ess_q05, tol, 'ess_q05');
      close(essQuantile(c.draws, 0.95), e.ess_q95, tol, 'ess_q95');
    });
    it(`${c.name}: mean, sd, mad, median and type-7 quantiles match`, () => {
      const flat = c.draws.flat();
      const e = c.expected;
      close(mean(flat), e.mean, 1e-12, 'mean');
      if (e.sd === 0) expect(sd(flat)).to.equal(0);
      else close(sd(flat), e.sd, 1e-9, 'sd');
      if (e.mad === 0) expect(mad(flat)).to.equal(0);
      else close(mad(flat), e.mad, 1e-12, 'mad');
      close(median(flat), e.median, 1e-14, 'median');
      const q = quantiles(flat, [0.025, 0.05, 0.95, 0.975]);
      close(q[0], e['q2.5'], 1e-14, 'q2.5');
      close(q[1], e.q5, 1e-14, 'q5');
      close(q[2], e.q95, 1e-14, 'q95');
      close(q[3], e['q97.5'], 1e-14, 'q97.5');
    });
  }
});

describe('diagnostics building blocks', () => {
  it('FFT autocovariance equals the direct O(n²) sum', () => {
    const x = Array.from({ length: 37 }, (_, i) => Math.sin(i * 1.3) + 0.1 * i);
    const n = x.length;
    const m = x.reduce((a, b) => a + b) / n;
    const ac = autocovariance(x);
    for (const t of [0, 1, 5, 36]) {
      let s = 0;
      for (let i = 0; i + t < n; i++) s += (x[i] - m) * (x[i + t] - m);
      expect(ac[t]).to.be.closeTo(s / n, 1e-12);
    }
  });
  it('split drops the middle draw of an odd-length chain', () => {
    const s = splitChains([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
    ]);
    expect(s.map((c) => Array.from(c))).to.deep.equal([
      [1, 2],
      [6, 7],
      [4, 5],
      [9, 10],
    ]);
  });
  it('ranks average ties as R does', () => {
    expect(Array.from(averageRanks([3, 1, 3, 2, 3]))).to.deep.equal([4, 1, 4, 2, 4]);
  });
  it('R-hat detects a chain stuck elsewhere and ESS is near S for independent draws', () => {
    const iid = [0, 1, 2, 3].map((k) =>
      Array.from({ length: 500 }, (_, i) => Math.sin(1e4 * (k + 1) * (i + 1))),
    );
    expect(rhat(iid)).to.be.lessThan(1.01);
    const stuck = iid.map((c, k) => (k === 3 ? c.map((v) => v + 2) : c));
    expect(rhat(stuck)).to.be.greaterThan(1.2);
  });
  it('rejects chains of unequal length with a clear message', () => {
    expect(() =>
      rhat([
        [1, 2, 3],
        [1, 2],
      ]),
    ).to.throw(/equal lengths/);
  });
});

describe('diagnostics on missing values', () => {
  it('NaN draws give NaN (posterior: NA), not a number', () => {
    const ch = [
      [1, 2, 3, 4, 5, 6],
      [2, 3, NaN, 5, 1, 0],
    ];
    expect(Number.isNaN(rhat(ch))).to.equal(true);
    expect(Number.isNaN(essBulk(ch))).to.equal(true);
    expect(Number.isNaN(essTail(ch))).to.equal(true);
    expect(Array.from(averageRanks([2, NaN, 1, 2]))).to.deep.equal([2.5, NaN, 1, 2.5]);
  });
});
