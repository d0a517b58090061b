// Our engine on one brms comparison model, under the priors and settings brms used
// (scripts/brms/results/brms-<model>.json): shared by compare.js and loo-repeat.js.
'use strict';
const path = require('path');

const root = path.resolve(__dirname, '..', '..');

/** The brms priors as our `priors` option: prior(<dist>, class = <class>). */
function brmsPriors(brms) {
  return brms.priors.map((p) => `prior(${p.prior}, class = ${p.class})`);
}

/** fitModel (from the build in `buildDir`) on brms's data, formula, family and priors, with settings `s`. */
function fitAsBrms(buildDir, brms, s, cores) {
  const { fitModel } = require(path.join(buildDir, 'src', 'model', 'fit.js'));
  const { readDataFile } = require(path.join(buildDir, 'src', 'model', 'data.js'));
  return fitModel({
    data: readDataFile(path.join(root, brms.data)).columns,
    formula: brms.formula,
    family: brms.family,
    priors: brmsPriors(brms),
    chains: s.chains,
    iter: s.iter,
    warmup: s.warmup,
    seed: s.seed,
    cores,
    dataName: path.basename(brms.data),
  });
}

module.exports = { brmsPriors, fitAsBrms };
