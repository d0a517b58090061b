#!/usr/bin/env node
// Coverage of the bot-share intervals at full scale: a community of 2.1M live members (the
// original study's), labelled samples of 200-1000, true shares 2-15%, with the score used
// on a community like its training population and on one whose bots and humans look
// different ("shift"). Prints a table and writes data/bots/coverage.json.
//
//   npm run build && node scripts/bots/coverage.js [--replicates 1000] [--members 2100000]
//       [--shares 0.02,0.05,0.15] [--sizes 200,400,1000] [--out FILE]
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const simJs = path.join(root, 'dist', 'src', 'bots', 'simulate.js');
if (!fs.existsSync(simJs)) {
  console.error('error: dist/ is missing the bots code; run `npm run build` first');
  process.exit(2);
}
const { simulateCoverage, TRAINING_POPULATION, SHIFTED_COMMUNITY } = require(simJs);
const { writeJsonAtomic } = require(path.join(root, 'dist', 'src', 'util', 'atomic-write.js'));

const replicates = Number(opt('--replicates', '1000'));
const N = Number(opt('--members', '2100000'));
const out = path.resolve(opt('--out', path.join(root, 'data', 'bots', 'coverage.json')));
const shares = opt('--shares', '0.02,0.05,0.15').split(',').map(Number);
const sizes = opt('--sizes', '200,400,1000').split(',').map(Number);
const results = [];
const t0 = Date.now();
let seed = 1;
for (const [community, spec] of [
  ['like training', TRAINING_POPULATION],
  ['shift', SHIFTED_COMMUNITY],
]) {
  for (const share of shares) {
    for (const n of sizes) {
      const r = simulateCoverage({
        community: spec,
        N,
        n,
        share,
        replicates,
        seed: seed++,
        posteriorDraws: 2000,
        redrawCommunity: false,
      });
      const row = { community, share, n, N, replicates, ...r };
      delete row.options;
      results.push(row);
      const f = (m) => `${(100 * m.coverage).toFixed(1)}% (±${(100 * m.mean_width).toFixed(2)} pp wide)`;
      console.error(
        `[${((Date.now() - t0) / 1000).toFixed(0)} s] ${community}, p=${share}, n=${n}: ` +
          `Se ${r.community_sensitivity.toFixed(2)} Sp ${r.community_specificity.toFixed(2)} | ` +
          `PPI++ ${f(r.methods.ppi_tuned)} PPI ${f(r.methods.ppi)} flag-PPI++ ${f(r.methods.ppi_flag)} ` +
          `labels ${f(r.methods.labels_only)} RG ${f(r.methods.rogan_gladen)} Bayes ${f(r.methods.bayes)}`,
      );
    }
  }
}
writeJsonAtomic(out, {
  script: 'scripts/bots/coverage.js',
  date: new Date().toISOString().slice(0, 10),
  level: 0.95,
  results,
});
const pct = (x) => (100 * x).toFixed(1);
console.log(
  '| community | true share | n | PPI++ | PPI | PPI++ on flags | labels only (Wilson) | Rogan–Gladen | Bayes (G&C) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  const m = r.methods;
  console.log(
    `| ${r.community} | ${pct(r.share)}% | ${r.n} | ${pct(m.ppi_tuned.coverage)} | ${pct(m.ppi.coverage)} | ` +
      `${pct(m.ppi_flag.coverage)} | ${pct(m.labels_only.coverage)} | ${pct(m.rogan_gladen.coverage)} | ${pct(m.bayes.coverage)} |`,
  );
}
