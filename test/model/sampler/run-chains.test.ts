import { expect } from 'chai';
import * as path from 'node:path';
import { runChains, runChainsSequential } from '../../../src/model/sampler';
import { gaussianTarget } from '../../../src/model/nuts/test-targets';
import type { ChainProgress, ModelFactoryRef } from '../../../src/model/types';

// The compiled test-target module next to this compiled test (dist/ or .build/<name>/).
const targets = path.resolve(__dirname, '../../../src/model/nuts/test-targets.js');
const ref = (exportName: string, payload: unknown): ModelFactoryRef => ({
  module: targets,
  exportName,
  payload,
});

describe('model/sampler runChains', function () {
  this.timeout(60000);
  const payload = {
    mean: [1, -2, 0.5],
    cov: [
      [1, 0.8, 0],
      [0.8, 2, 0.3],
      [0, 0.3, 0.5],
    ],
  };
  const settings = { seed: 17, iter: 600 };

  it('gives the same draws with 2 workers × 4 chains as running the chains one by one', async () => {
    const progress: ChainProgress[] = [];
    const parallel = await runChains(ref('gaussianTarget', payload), settings, {
      chains: 4,
      cores: 2,
      onProgress: (p) => progress.push(p),
    });
    const sequential = runChainsSequential(gaussianTarget(payload), settings, { chains: 4 });
    expect(parallel.map((r) => r.chain)).to.deep.equal([1, 2, 3, 4]);
    for (let k = 0; k < 4; k++) {
      expect(Array.from(parallel[k].draws)).to.deep.equal(Array.from(sequential[k].draws));
      expect(Array.from(parallel[k].stats.treedepth)).to.deep.equal(
        Array.from(sequential[k].stats.treedepth),
      );
      expect(Array.from(parallel[k].invMetric)).to.deep.equal(Array.from(sequential[k].invMetric));
      expect(parallel[k].gradientEvaluations).to.equal(sequential[k].gradientEvaluations);
    }
    // Progress arrives for every chain and ends at the last iteration.
    for (let k = 1; k <= 4; k++) {
      const mine = progress.filter((p) => p.chain === k).map((p) => p.iteration);
      expect(mine.length).to.be.greaterThan(10);
      expect(mine[mine.length - 1]).to.equal(600);
      expect(mine).to.deep.equal([...mine].sort((a, b) => a - b));
    }
  });

  it('does not depend on the number of workers', async () => {
    const one = await runChains(ref('gaussianTarget', payload), settings, { chains: 3, cores: 1 });
    const three = await runChains(ref('gaussianTarget', payload), settings, { chains: 3, cores: 3 });
    for (let k = 0; k < 3; k++) expect(Array.from(one[k].draws)).to.deep.equal(Array.from(three[k].draws));
  });

  it('keeps SharedArrayBuffer payloads usable in the workers', async () => {
    const shared = new Float64Array(new SharedArrayBuffer(8 * 3));
    shared.set([3, 4, 0]);
    const res = await runChains(
      ref('gaussianTarget', { mean: shared, cov: payload.cov }),
      { seed: 1, iter: 400 },
      { chains: 2, cores: 2 },
    );
    expect(res).to.have.length(2);
    let m = 0;
    for (let i = 0; i < res[0].nDraws; i++) m += res[0].draws[i * 3];
    expect(m / res[0].nDraws).to.be.closeTo(3, 0.4);
  });

  it("rejects with the factory's message when the model cannot be built", async () => {
    let err: Error | undefined;
    try {
      await runChains(ref('failingFactory', { message: 'column "age" has missing values' }), settings, {
        chains: 4,
        cores: 2,
      });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/model factory failingFactory .* failed: column "age" has missing values/);
  });

  it('rejects with the chain and message when the density throws while sampling', async () => {
    let err: Error | undefined;
    try {
      await runChains(ref('failingDensityTarget', { after: 300, message: 'boom' }), settings, {
        chains: 4,
        cores: 2,
      });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/^chain [1-4] failed: boom$/);
  });

  it('stops the workers and rejects when aborted', async () => {
    const controller = new AbortController();
    let err: Error | undefined;
    const t0 = Date.now();
    try {
      await runChains(
        ref('gaussianTarget', payload),
        { seed: 1, iter: 200000 },
        {
          chains: 2,
          cores: 2,
          onProgress: (p) => {
            if (p.iteration > 1) controller.abort();
          },
          signal: controller.signal,
        },
      );
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/runChains: aborted \(0 of 2 chains finished\)/);
    expect(Date.now() - t0).to.be.lessThan(30000); // 200 000 iterations would take far longer
  });

  it('rejects bad arguments before starting workers', async () => {
    const cases: Array<[ModelFactoryRef, object, RegExp]> = [
      [ref('gaussianTarget', payload), { chains: 0 }, /chains must be an integer >= 1/],
      [ref('gaussianTarget', payload), { cores: 1.5 }, /cores must be an integer >= 1/],
      [{ module: 'relative.js', exportName: 'x', payload: {} }, {}, /absolute path/],
      [{ module: '/nonexistent/model.js', exportName: 'x', payload: {} }, {}, /does not exist/],
      [ref('noSuchExport', {}), { chains: 1 }, /has no exported function noSuchExport/],
    ];
    for (const [factory, opts, re] of cases) {
      let err: Error | undefined;
      try {
        await runChains(factory, settings, opts);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message, String(re)).to.match(re);
    }
  });
});
