import { expect } from 'chai';
import { NutsTransition, PhasePoint } from '../../../src/model/nuts';
import { funnelTarget, gaussianTarget } from '../../../src/model/nuts/test-targets';
import type { CompiledModel } from '../../../src/model/types';
import { Rng } from '../../../src/util/rng';
import { StanReferenceNuts } from './stan-reference';

interface OneStep {
  nLeapfrog: number[];
  divergent: number[];
  accept: number[];
  next0: number[];
}

function meanSe(x: number[]): [number, number] {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
  return [m, Math.sqrt(v / x.length)];
}

/** N independent transitions from the same point q0, with fixed step size and metric. */
function ours(model: CompiledModel, q0: number[], eps: number, invM: number[], n: number): OneStep {
  const nuts = new NutsTransition(model, new Rng(1), 10);
  nuts.stepSize = eps;
  nuts.invMetric.set(invM);
  const z = new PhasePoint(model.dim);
  const out: OneStep = { nLeapfrog: [], divergent: [], accept: [], next0: [] };
  for (let k = 0; k < n; k++) {
    z.q.set(q0);
    z.logp = model.logDensityGradient(z.q, z.grad);
    const s = nuts.transition(z);
    out.nLeapfrog.push(s.nLeapfrog);
    out.divergent.push(s.divergent ? 1 : 0);
    out.accept.push(s.acceptStat);
    out.next0.push(z.q[0]);
  }
  return out;
}

function reference(model: CompiledModel, q0: number[], eps: number, invM: number[], n: number): OneStep {
  const nuts = new StanReferenceNuts(model, new Rng(2), eps, Float64Array.from(invM));
  const out: OneStep = { nLeapfrog: [], divergent: [], accept: [], next0: [] };
  for (let k = 0; k < n; k++) {
    const q = nuts.transition(Float64Array.from(q0));
    out.nLeapfrog.push(nuts.nLeapfrog);
    out.divergent.push(nuts.divergent ? 1 : 0);
    out.accept.push(nuts.acceptStat);
    out.next0.push(q[0]);
  }
  return out;
}

function expectSameLaw(a: OneStep, b: OneStep): void {
  for (const key of ['nLeapfrog', 'divergent', 'accept', 'next0'] as const) {
    const [ma, sa] = meanSe(a[key]);
    const [mb, sb] = meanSe(b[key]);
    const se = Math.sqrt(sa * sa + sb * sb);
    expect(
      Math.abs(ma - mb),
      `${key}: ours ${ma.toFixed(4)} vs Stan transliteration ${mb.toFixed(4)} (se ${se.toFixed(4)})`,
    ).to.be.at.most(4.5 * se + 1e-12);
  }
}

describe("model/nuts against a literal transliteration of Stan's base_nuts", function () {
  this.timeout(60000);

  it('gives the same one-transition law on a correlated Gaussian', () => {
    const model = gaussianTarget({
      mean: [0, 1, -1],
      cov: [
        [1, 0.9, 0.2],
        [0.9, 1, 0.1],
        [0.2, 0.1, 0.3],
      ],
    });
    const args: [number[], number, number[], number] = [[0.8, 2.1, -1.2], 0.25, [0.9, 1.1, 0.4], 4000];
    expectSameLaw(ours(model, ...args), reference(model, ...args));
  });

  it('gives the same one-transition law in the neck of a 10-D funnel (divergences included)', () => {
    const model = funnelTarget({ dim: 10 });
    const q0 = [-3.5, 0.1, -0.12, 0.05, 0.2, -0.03, 0.08, -0.15, 0.02, 0.11];
    const invM = [6.3, 8.5, 10.2, 22.6, 6.8, 12.1, 12.9, 8.3, 10.1, 6.5];
    const a = ours(model, q0, 0.096, invM, 3000);
    const b = reference(model, q0, 0.096, invM, 3000);
    expect(meanSe(a.divergent)[0]).to.be.greaterThan(0.02); // the check covers divergent transitions
    expectSameLaw(a, b);
  });
});
