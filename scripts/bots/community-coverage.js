#!/usr/bin/env node
// Coverage of the bot-share interval on the synthetic community itself, scored by the
// shipped scorer (fitted on other labelled VK profiles, whose bots and humans look
// different from the synthetic ones): labelled samples drawn again and again, labelled
// perfectly and through the default simulated annotator; how often the 95% interval covers
// the target (the true share; the annotator's expected share). Prints a table and writes
// data/bots/community-coverage.json.
//
//   npm run build && node scripts/bots/community-coverage.js [--members 2500000] [--seed 1]
//       [--sizes 200,400,1000] [--replicates 1000] [--out FILE]
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const dist = (p) => path.join(root, 'dist', 'src', p);
if (!fs.existsSync(dist('bots/community-coverage.js'))) {
  console.error('error: dist/ is missing the bots code; run `npm run build` first');
  process.exit(2);
}
const { communityCoverage } = require(dist('bots/community-coverage.js'));
const { DEFAULT_ANNOTATOR } = require(dist('bots/annotator.js'));
const { FastScorer } = require(dist('bots/score-fast.js'));
const { readScorerModel } = require(dist('bots/scorer.js'));
const { CommunityGenerator } = require(dist('emulator/generator.js'));
const { parseFields, userObject } = require(dist('emulator/serialize.js'));
const { toMemberRow } = require(dist('snapshot/member-row.js'));
const { MEMBER_FIELDS } = require(dist('snapshot/schema.js'));
const { writeJsonAtomic } = require(dist('util/atomic-write.js'));

const members = Number(opt('--members', '2500000'));
const seed = Number(opt('--seed', '1'));
const replicates = Number(opt('--replicates', '1000'));
const sizes = opt('--sizes', '200,400,1000').split(',').map(Number);
const out = path.resolve(opt('--out', path.join(root, 'data', 'bots', 'community-coverage.json')));

const t0 = Date.now();
const ref = Date.UTC(2026, 10, 1) / 1000;
const gen = new CommunityGenerator({ seed, referenceSec: ref });
const scorer = new FastScorer(readScorerModel());
const fields = parseFields(MEMBER_FIELDS);
const scores = [];
const truth = [];
for (let i = 0; i < members; i++) {
  const rec = gen.member(i);
  if (rec.deactivated !== 0) continue;
  scores.push(scorer.score(toMemberRow(userObject(rec, fields, ref))));
  truth.push(rec.bot ? 1 : 0);
}
const community = { scores: Float64Array.from(scores), truth: Uint8Array.from(truth) };
console.error(`[${((Date.now() - t0) / 1000).toFixed(0)} s] ${scores.length} live members scored`);

const results = [];
let s = 1;
for (const n of sizes) {
  for (const annotator of [null, DEFAULT_ANNOTATOR]) {
    const r = communityCoverage({ ...community, n, replicates, seed: s++, annotator });
    results.push(r);
    console.error(
      `[${((Date.now() - t0) / 1000).toFixed(0)} s] n=${n} ${annotator ? 'annotator' : 'perfect labels'}: ` +
        `PPI ${(100 * r.methods.ppi.coverage).toFixed(1)}%, labels only ${(100 * r.methods.labels_only.coverage).toFixed(1)}%`,
    );
  }
}
writeJsonAtomic(out, {
  script: 'scripts/bots/community-coverage.js',
  date: new Date().toISOString().slice(0, 10),
  members,
  seed,
  level: 0.95,
  results,
});
const pct = (x, d = 1) => (100 * x).toFixed(d);
const r0 = results[0];
console.log(
  `${r0.live_members} live members of a synthetic community of ${members} (seed ${seed}); true share ${pct(r0.true_share, 2)}%, ` +
    `the shipped score's mean ${pct(r0.score_mean, 2)}%; ${replicates} replicates each.`,
);
console.log('| labels | target | n | PPI | labels only (Wilson) |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of results) {
  const f = (m) => `${pct(m.coverage)}% (${pct(m.mean_width, 1)}; bias ${pct(m.bias, 2)})`;
  console.log(
    `| ${r.annotator ? 'simulated annotator' : 'perfect'} | ${pct(r.target, 2)}% | ${r.n} | ${f(r.methods.ppi)} | ${f(r.methods.labels_only)} |`,
  );
}
