#!/usr/bin/env node
// Coverage of the comparison's 95% intervals by simulation, at the study's scale
// (docs/compare.md, "How the intervals are checked"). The tests in test/compare/ run the
// same simulations small.
//
//   npm run build && node scripts/compare/coverage.js [--members 15000000] [--pages 100]
//        [--replications 2000] [--bootstrap 500] [--seed 1]
//
// 1. Page samples: a synthetic community of --members whose statuses cluster by id, sampled
//    --replications times as --pages random pages of 1000; how often the design-based
//    interval (ratio over pages), the bootstrap over pages, and a Wilson interval that
//    treats the sampled members as drawn one by one cover the census share.
// 2. Differences of two overlapping communities: how often the overlap-aware interval and
//    Newcombe's independent one cover the difference of the two rates.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : dflt;
  if (!Number.isFinite(v) || v < 0) {
    console.error(`error: ${name} needs a number, got ${JSON.stringify(args[i + 1])}`);
    process.exit(2);
  }
  return v;
};
const coverageJs = path.join(root, 'dist', 'src', 'compare', 'coverage.js');
if (!fs.existsSync(coverageJs)) {
  console.error('error: dist/src/compare/coverage.js is missing; run `npm run build` first');
  process.exit(2);
}
const { clusteredCommunity, sampleCoverage, differenceCoverage } = require(coverageJs);

const members = opt('--members', 15_000_000);
const pages = opt('--pages', 100);
const replications = opt('--replications', 2000);
const bootstrap = opt('--bootstrap', 500);
const seed = opt('--seed', 1);
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const pct = (x) => (100 * x).toFixed(1).padStart(6);

console.log(`load ${load()}`);
let t = Date.now();
const codes = clusteredCommunity(members, 1000, seed);
console.log(
  `\n1. Page samples: ${members.toLocaleString('en-US')} members in ${Math.ceil(members / 1000).toLocaleString('en-US')} pages of 1000; ` +
    `${pages} pages (${(pages * 1000).toLocaleString('en-US')} members) drawn ${replications} times ` +
    `(community generated in ${((Date.now() - t) / 1000).toFixed(1)} s)`,
);
t = Date.now();
const rows = sampleCoverage(codes, {
  pageSize: 1000,
  pages,
  replications,
  seed: seed + 1,
  bootstrapReplicates: bootstrap,
});
const se = Math.sqrt((0.95 * 0.05) / replications);
console.log(
  `   Monte Carlo standard error of a 95% coverage: ${(100 * se).toFixed(1)} points; ${((Date.now() - t) / 1000).toFixed(1)} s\n`,
);
console.log(
  '   share                     census %  design-based %  bootstrap %  naive Wilson %  mean width  mean deff',
);
for (const r of rows) {
  console.log(
    `   ${r.key.padEnd(24)} ${pct(r.census)}    ${pct(r.coverage)}        ${r.coverageBootstrap === null ? '   n/a' : pct(r.coverageBootstrap)}       ${pct(r.coverageNaive)}        ${(100 * r.meanWidth).toFixed(2).padStart(5)} pts  ${r.meanDesignEffect.toFixed(1).padStart(7)}`,
  );
}

const scenarios = [
  [
    'disjoint, 300 vs 200',
    { onlyA: 300, onlyB: 200, shared: 0, pOnlyA: 0.3, pOnlyB: 0.25, pShared: 0, flip: 0 },
  ],
  [
    'heavy overlap, same statuses',
    { onlyA: 150, onlyB: 350, shared: 250, pOnlyA: 0.12, pOnlyB: 0.2, pShared: 0.15, flip: 0 },
  ],
  [
    'heavy overlap, 2% flip',
    { onlyA: 150, onlyB: 350, shared: 250, pOnlyA: 0.12, pOnlyB: 0.2, pShared: 0.15, flip: 0.02 },
  ],
  [
    'rare status, 20% shared',
    { onlyA: 400, onlyB: 400, shared: 200, pOnlyA: 0.03, pOnlyB: 0.02, pShared: 0.025, flip: 0.01 },
  ],
  [
    'large, 40% shared',
    { onlyA: 12000, onlyB: 30000, shared: 8000, pOnlyA: 0.14, pOnlyB: 0.12, pShared: 0.13, flip: 0.01 },
  ],
  [
    'nested (B inside A)',
    { onlyA: 2000, onlyB: 0, shared: 1000, pOnlyA: 0.2, pOnlyB: 0, pShared: 0.35, flip: 0.005 },
  ],
];
const reps = Math.max(1000, Math.round(replications * 2.5));
console.log(`\n2. Differences of two overlapping communities: ${reps} replications each`);
console.log(
  '   scenario                        overlap-aware %  Newcombe independent %  width ratio (indep / aware)',
);
scenarios.forEach(([name, s], i) => {
  const c = differenceCoverage(s, reps, seed + 10 + i);
  console.log(
    `   ${name.padEnd(30)} ${pct(c.coverage)}           ${pct(c.coverageIndependent)}                 ${(c.meanWidthIndependent / c.meanWidth).toFixed(2)}`,
  );
});
console.log(`\nload ${load()}`);
