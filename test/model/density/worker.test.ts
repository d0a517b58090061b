import { expect } from 'chai';
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { compileModel, modelFactory, prepareModel } from '../../../src/model/density';
import { randomTheta, simulate } from './helpers';

describe('density: the worker factory', () => {
  it('module path exists; a worker rebuilds the model from the cloned payload and agrees exactly', async () => {
    const pm = prepareModel({
      data: simulate('negbinomial', 300, 2),
      formula: 'y ~ x * sex + (1 | name)',
      family: 'negbinomial',
    });
    const ref = modelFactory(pm);
    expect(ref.exportName).to.equal('compileModel');
    expect(fs.existsSync(ref.module)).to.equal(true);
    expect(pm.cells.n.buffer).to.be.instanceOf(SharedArrayBuffer);
    const m = compileModel(pm);
    const theta = randomTheta(m.dim, 5);
    const grad = new Float64Array(m.dim);
    const lp = m.logDensityGradient(theta, grad);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const m = require(workerData.ref.module)[workerData.ref.exportName](workerData.ref.payload);
      const g = new Float64Array(m.dim);
      const lp = m.logDensityGradient(workerData.theta, g);
      workerData.ref.payload.cells.n[0] += 0; // shared buffers are readable in place
      parentPort.postMessage({ lp, g, names: m.outputNames });`;
    const result = await new Promise<{ lp: number; g: Float64Array; names: string[] }>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { ref, theta } });
      w.once('message', resolve);
      w.once('error', reject);
    });
    expect(result.lp).to.equal(lp);
    expect(Array.from(result.g)).to.deep.equal(Array.from(grad));
    expect(result.names).to.deep.equal(m.outputNames);
  });

  it('rejects a payload that is not a PreparedModel', () => {
    expect(() => compileModel({})).to.throw(/not a PreparedModel/);
  });
});
