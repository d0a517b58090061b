#!/usr/bin/env node
// Our side of scripts/brms/loo-repeat.R: elpd_loo of the long runs (4 x 11000) of one
// comparison model over several seeds, under the priors brms used.
//   npm run build && node scripts/brms/loo-repeat.js [model] [seed ...]   (default: zinb 20261127 20261128 5 6 7)
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const { fitLoo } = require(path.join(root, 'dist', 'src', 'model', 'fit.js'));
const { fitAsBrms } = require('./our-fit');

async function main() {
  const [name = 'zinb', ...given] = process.argv.slice(2);
  const seeds = given.length ? given.map(Number) : [20261127, 20261128, 5, 6, 7];
  const brms = JSON.parse(
    fs.readFileSync(path.join(root, 'scripts', 'brms', 'results', `brms-${name}.json`), 'utf8'),
  );
  const s = brms.long_settings;
  for (const seed of seeds) {
    const fit = await fitAsBrms(path.join(root, 'dist'), brms, { ...s, seed }, 1);
    const l = fitLoo(fit);
    console.log(
      `ours ${name} seed ${seed} elpd_loo ${l.elpd_loo.estimate.toFixed(4)} mcse ${l.mcse_elpd_loo.toFixed(4)}`,
    );
  }
}

main().catch((e) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
