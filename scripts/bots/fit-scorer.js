#!/usr/bin/env node
// Fits the bot score on the labelled VK profiles and writes what may ship: the fitted
// numbers with their provenance (data/bots/scorer.json) and the study's figures
// (data/bots/scorer-study.json: cross-validation, which fields, transfer, calibration),
// plus the calibration chart (HTML, and PNG when Chromium is installed) for a person to look at.
//
//   npm run build && node scripts/bots/fit-scorer.js --data PATH/bots_vs_users.csv
//       [--out data/bots] [--figures reports/bots] [--repeats 5] [--ablation-repeats 5] [--quick]
//
// The data set is read from --data (or BOTS_LABELLED_CSV); it is never copied into the
// repository. Takes tens of minutes on a busy 2-core machine (nested CV of boosted trees).
'use strict';
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const dist = path.join(root, 'dist', 'src');
if (!fs.existsSync(path.join(dist, 'bots', 'fit', 'study.js'))) {
  console.error('error: dist/ is missing the bots code; run `npm run build` first');
  process.exit(2);
}
const dataFile = opt('--data', process.env.BOTS_LABELLED_CSV);
if (!dataFile) {
  console.error('error: give the labelled data with --data FILE (or BOTS_LABELLED_CSV=FILE)');
  process.exit(2);
}
if (!fs.existsSync(dataFile)) {
  console.error(`error: ${dataFile} does not exist`);
  process.exit(2);
}
const outDir = path.resolve(opt('--out', path.join(root, 'data', 'bots')));
const figDir = path.resolve(opt('--figures', path.join(root, 'reports', 'bots')));
const quick = args.includes('--quick');

const { parseLabelledProfiles } = require(path.join(dist, 'bots', 'fit', 'labelled-profiles.js'));
const { DEFAULT_STUDY, runStudy } = require(path.join(dist, 'bots', 'fit', 'study.js'));
const { parseScorerModel } = require(path.join(dist, 'bots', 'scorer.js'));
const { writeJsonAtomic, writeFileAtomic } = require(path.join(dist, 'util', 'atomic-write.js'));
const { calibrationFigure } = require(path.join(dist, 'viz', 'bots', 'calibration.js'));
const { figureHtml, plotlyLibraryHtml } = require(path.join(dist, 'viz', 'display.js'));

const bytes = fs.readFileSync(dataFile);
const sha1 = createHash('sha1').update(bytes).digest('hex');
const profiles = parseLabelledProfiles(bytes.toString('utf8'), path.basename(dataFile));
const options = {
  ...DEFAULT_STUDY,
  repeats: Number(opt('--repeats', quick ? 1 : DEFAULT_STUDY.repeats)),
  ablationRepeats: Number(opt('--ablation-repeats', quick ? 1 : DEFAULT_STUDY.ablationRepeats)),
  quick,
};
const t0 = Date.now();
const { report, model } = runStudy(profiles, options, (line) =>
  console.error(`[${((Date.now() - t0) / 1000).toFixed(0)} s] ${line}`),
);
const chosen = report.families[report.chosen_family];
const round = (x) => Math.round(x * 1e4) / 1e4;
const provenance = {
  data_set:
    'Kaggle "Users vs Bots Classification" (juice0lover/users-vs-bots-classification), ' +
    'as copied in github.com/sim975/Users-vs-Bots-Classification (notebook/bots_vs_users.csv); no licence stated',
  data_sha1: sha1,
  rows: report.counts,
  rows_used: 'live-looking (has_mobile known), exact duplicates removed',
  fitted: new Date().toISOString().slice(0, 10),
  script: 'scripts/bots/fit-scorer.js',
  seed: options.seed,
  family: report.chosen_family,
  setting: report.final.setting,
  threshold_rule: 'the highest inner cross-validated balanced accuracy',
  cross_validation: {
    scheme: `${options.repeats} x ${options.outer}-fold stratified, settings and threshold chosen by ${options.inner}-fold inner CV`,
    auc: round(chosen.auc),
    auc_sd: round(chosen.auc_sd),
    balanced_accuracy: round(chosen.balanced_accuracy),
    sensitivity: round(chosen.sensitivity),
    specificity: round(chosen.specificity),
  },
  validation_counts: 'out-of-fold flags of the first cross-validation repeat (distinct profiles)',
  study: 'data/bots/scorer-study.json',
  method: 'docs/bots.md',
};
const scorer = parseScorerModel({ ...model, provenance }, 'the fitted scorer');
fs.mkdirSync(outDir, { recursive: true });
writeJsonAtomic(path.join(outDir, 'scorer.json'), scorer);
writeJsonAtomic(path.join(outDir, 'scorer-study.json'), {
  ...report,
  data_sha1: sha1,
  fitted: provenance.fitted,
  script: provenance.script,
});

fs.mkdirSync(figDir, { recursive: true });
const n = report.counts.live_distinct.bots + report.counts.live_distinct.humans;
const fig = calibrationFigure({
  bins: report.calibration,
  subtitle: `out-of-fold predictions, ${n.toLocaleString('en-US')} labelled live profiles (${report.chosen_family})`,
});
const htmlFile = path.join(figDir, 'calibration.html');
writeFileAtomic(
  htmlFile,
  `<!doctype html><html><head><meta charset="utf-8"><title>Calibration of the bot score</title></head>` +
    `<body style="width:760px">${plotlyLibraryHtml()}${figureHtml(fig, 'calibration')}</body></html>\n`,
);
const chromium = '/usr/bin/chromium';
if (fs.existsSync(chromium)) {
  const png = path.join(figDir, 'calibration.png');
  const profile = fs.mkdtempSync(path.join(require('os').tmpdir(), 'bots-chromium-'));
  const r = spawnSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      `--user-data-dir=${profile}`,
      '--window-size=800,540',
      '--virtual-time-budget=10000',
      `--screenshot=${png}`,
      `file://${htmlFile}`,
    ],
    { encoding: 'utf8', timeout: 120000 },
  );
  fs.rmSync(profile, { recursive: true, force: true });
  console.error(
    r.status === 0 ? `calibration chart: ${png}` : `chromium could not draw the PNG (exit ${r.status})`,
  );
}
console.log(
  JSON.stringify(
    {
      scorer: path.join(outDir, 'scorer.json'),
      family: report.chosen_family,
      cv: provenance.cross_validation,
    },
    null,
    2,
  ),
);
