import { expect } from 'chai';
import {
  PhasePoint,
  leapfrog,
  mergeNoUTurn,
  noUTurn,
  logSumExp,
  initStepSize,
} from '../../../src/model/nuts';
import { gaussianTarget } from '../../../src/model/nuts/test-targets';
import { Rng } from '../../../src/util/rng';

const model = gaussianTarget({
  mean: [0.5, -1],
  cov: [
    [2, 0.6],
    [0.6, 0.5],
  ],
});

function start(): PhasePoint {
  const z = new PhasePoint(2);
  z.q.set([1.2, -0.3]);
  z.p.set([0.4, -0.9]);
  z.logp = model.logDensityGradient(z.q, z.grad);
  return z;
}

function energy(z: PhasePoint, invM: Float64Array): number {
  return -z.logp + 0.5 * (invM[0] * z.p[0] ** 2 + invM[1] * z.p[1] ** 2);
}

describe('model/nuts integrator and criterion', () => {
  const invM = new Float64Array([1.5, 0.4]);

  it('leapfrog is time-reversible', () => {
    const z = start();
    for (let i = 0; i < 20; i++) leapfrog(model, invM, z, 0.1);
    for (let i = 0; i < 20; i++) leapfrog(model, invM, z, -0.1);
    const z0 = start();
    for (let i = 0; i < 2; i++) {
      expect(z.q[i]).to.be.closeTo(z0.q[i], 1e-12);
      expect(z.p[i]).to.be.closeTo(z0.p[i], 1e-12);
    }
  });

  it('keeps the energy error second order in the step size', () => {
    const err = (eps: number): number => {
      const z = start();
      const H0 = energy(z, invM);
      const steps = Math.round(1 / eps);
      let worst = 0;
      for (let i = 0; i < steps; i++) {
        leapfrog(model, invM, z, eps);
        worst = Math.max(worst, Math.abs(energy(z, invM) - H0));
      }
      return worst;
    };
    const ratio = err(0.1) / err(0.05);
    expect(ratio).to.be.within(3.2, 4.8); // ≈ 4 for a second-order integrator
  });

  it('stops exactly when a velocity turns against the summed momentum', () => {
    const rho = new Float64Array([1, 1]);
    expect(noUTurn(new Float64Array([1, 0]), new Float64Array([0, 1]), rho)).to.equal(true);
    expect(noUTurn(new Float64Array([-2, 0]), new Float64Array([0, 1]), rho)).to.equal(false);
    expect(noUTurn(new Float64Array([1, 0]), new Float64Array([0, -2]), rho)).to.equal(false);
    // rho + extra = (1, -1): (0,1)·(1,-1) < 0.
    expect(
      noUTurn(new Float64Array([1, 0]), new Float64Array([0, 1]), rho, new Float64Array([0, -2])),
    ).to.equal(false);
  });

  it("the fused merge check equals Stan's three separate criteria", () => {
    const rng = new Rng(12);
    const v = (): Float64Array => Float64Array.from({ length: 5 }, () => rng.normal());
    let agreeTrue = 0,
      agreeFalse = 0;
    for (let t = 0; t < 2000; t++) {
      const [rhoL, lMinus, lPlus, pLPlus, rhoR, rMinus, rPlus, pRMinus] = [
        v(),
        v(),
        v(),
        v(),
        v(),
        v(),
        v(),
        v(),
      ];
      // Bias the vectors toward agreement so both outcomes occur often.
      for (const x of [rhoL, rhoR, lMinus, lPlus, rMinus, rPlus, pLPlus, pRMinus]) x[0] += 2.5;
      const rho = new Float64Array(5);
      const fused = mergeNoUTurn(rhoL, lMinus, lPlus, pLPlus, rhoR, rMinus, rPlus, pRMinus, rho);
      const whole = Float64Array.from(rhoL, (x, i) => x + rhoR[i]);
      const stan =
        noUTurn(lMinus, rPlus, whole) &&
        noUTurn(lMinus, rMinus, rhoL, pRMinus) &&
        noUTurn(lPlus, rPlus, rhoR, pLPlus);
      expect(fused).to.equal(stan);
      expect(Array.from(rho)).to.deep.equal(Array.from(whole));
      if (stan) agreeTrue++;
      else agreeFalse++;
    }
    expect(agreeTrue).to.be.greaterThan(100);
    expect(agreeFalse).to.be.greaterThan(100);
  });

  it('log-sum-exp is stable and handles −∞', () => {
    expect(logSumExp(-Infinity, -Infinity)).to.equal(-Infinity);
    expect(logSumExp(-Infinity, 3)).to.equal(3);
    expect(logSumExp(1000, 1000)).to.be.closeTo(1000 + Math.log(2), 1e-12);
    expect(logSumExp(Math.log(0.25), Math.log(0.5))).to.be.closeTo(Math.log(0.75), 1e-15);
  });

  it('initialises the step size by doubling or halving from the start value', () => {
    const wide = gaussianTarget({ mean: [0], cov: [[1e4]] });
    const narrow = gaussianTarget({ mean: [0], cov: [[1e-4]] });
    const z = (m: typeof wide): PhasePoint => {
      const p = new PhasePoint(1);
      p.q[0] = 0.5;
      p.logp = m.logDensityGradient(p.q, p.grad);
      return p;
    };
    const one = new Float64Array([1]);
    const big = initStepSize(wide, one, z(wide), 1, new Rng(1));
    const small = initStepSize(narrow, one, z(narrow), 1, new Rng(1));
    expect(big).to.be.greaterThan(8);
    expect(small).to.be.lessThan(0.1);
    expect(Math.log2(big) % 1).to.equal(0);
    expect(Math.log2(small) % 1).to.equal(0);
    const zs = z(narrow);
    const before = Float64Array.from(zs.q);
    initStepSize(narrow, one, zs, 1, new Rng(2));
    expect(Array.from(zs.q)).to.deep.equal(Array.from(before)); // the start point is not moved
  });
});
