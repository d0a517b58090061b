// One small real fit of the study's model on generator members (true parameters known),
// and every result built from it: effects, truth comparison, names, pp check, figures.
import { expect } from 'chai';
import { fitModel, type FitResult } from '../../src/model/fit';
import { conditionalEffects } from '../../src/model/summary';
import { TRUE_B, TRUE_SHAPE, trueDraws } from '../../src/emulator/truth';
import { modelData, prepareFollowerTable, type FollowerTable } from '../../src/followers/prepare';
import { FOLLOWER_FAMILY, PREDICTORS } from '../../src/followers/coding';
import { findings, populationEffects } from '../../src/followers/effects';
import { compareWithTruth } from '../../src/followers/compare';
import { nameEffects, topBottom } from '../../src/followers/names';
import { ppcCurves } from '../../src/followers/ppc';
import { diagnosticsVerdict } from '../../src/followers/verdict';
import { candidateModels, compareFollowerModels, isClear } from '../../src/followers/fit';
import { looComparisonMarkdown, looComparisonTableHtml, looTruthMarkdown } from '../../src/followers/present';
import {
  conditionalEffectsFigure,
  forestFigure,
  nameRankFigure,
  ppcFigure,
  shrinkageFigure,
  traceFigure,
} from '../../src/viz/followers';
import { figureHtml } from '../../src/viz/display';
import { arrowTable, manifest, syntheticRows } from './fixtures';

describe('followers: a small real fit recovers the truth', function () {
  this.timeout(300000);
  let table: FollowerTable;
  let fit: FitResult;

  before(async () => {
    table = prepareFollowerTable(
      { table: arrowTable(syntheticRows(2500, 3)), manifest },
      { minNameCount: 3 },
    );
    fit = await fitModel({
      data: modelData(table),
      formula: table.formula,
      family: FOLLOWER_FAMILY,
      chains: 2,
      iter: 400,
      seed: 5,
      cores: 2,
    });
  });

  it('gets the signs of the clear effects right, every b within 4 posterior sd of the truth', () => {
    const effects = populationEffects(fit);
    expect(effects.map((e) => e.term).sort()).to.deep.equal(
      Object.keys(TRUE_B)
        .filter((k) => k !== 'b_Intercept')
        .map((k) => k.slice(2))
        .sort(),
    );
    const byTerm = new Map(effects.map((e) => [e.term, e]));
    // The large, well-populated effects: their 95% intervals exclude 0 on the truth's side.
    for (const term of [
      'sexmale',
      'has_photoyes',
      'is_closedyes',
      'friend_requestsopen',
      'messagesopen',
      'platformiphone',
    ]) {
      const e = byTerm.get(term)!;
      const t = TRUE_B[`b_${term}` as keyof typeof TRUE_B];
      expect(e.clear, term).to.equal(true);
      expect(Math.sign(e.q50), term).to.equal(Math.sign(t));
    }
    for (const p of fit.parameters.filter((x) => x.name.startsWith('b_'))) {
      const t = TRUE_B[p.name as keyof typeof TRUE_B];
      expect(Math.abs(p.mean - t), p.name).to.be.lessThan(4 * p.sd);
    }
    const shape = fit.parameters.find((p) => p.name === 'shape')!;
    expect(Math.abs(shape.mean - TRUE_SHAPE)).to.be.lessThan(4 * shape.sd);
    const f = findings(effects);
    expect(f.clear.length + f.unclear.length).to.equal(effects.length);
    expect(f.clear[0].text).to.match(/^Profile photo yes \(vs no\): \+\d+% expected followers/);
  });

  it('truth comparison: coverage of the 95% intervals is near nominal', () => {
    const c = compareWithTruth([...fit.parameters, ...fit.groupLevels], trueDraws(), fit.prepared.groups);
    expect(c.population.n).to.equal(18); // 16 b + sd + shape
    expect(c.notFitted).to.deep.equal([]);
    expect(c.population.covered).to.be.at.least(14);
    expect(c.names.n).to.equal(table.pooling.kept);
    expect(c.names.share).to.be.within(0.8, 1);
    expect(c.noTruth).to.deep.equal(['r_first_name[(other),Intercept]']);
  });

  it('first names: member counts attached, few-member names shrink more than many-member names', () => {
    const names = nameEffects(fit, table);
    expect(names.length).to.equal(table.names.levels.length);
    expect(names.reduce((a, n) => a + n.members, 0)).to.equal(table.nRows);
    // Shrinkage: |model| / |no pooling| is smaller for small names than for big ones.
    const ratio = (xs: typeof names) => {
      const r = xs.filter((n) => Math.abs(n.raw) > 0.05).map((n) => Math.abs(n.estimate) / Math.abs(n.raw));
      return r.reduce((a, v) => a + v, 0) / r.length;
    };
    const small = names.filter((n) => !n.pooled && n.members <= 5);
    const big = names.filter((n) => !n.pooled && n.members >= 40);
    expect(small.length).to.be.greaterThan(5);
    expect(big.length).to.be.greaterThan(5);
    expect(ratio(small)).to.be.lessThan(ratio(big));
    const { top, bottom } = topBottom(names, 5);
    expect(top).to.have.length(5);
    expect(top[0].estimate).to.be.at.least(top[4].estimate);
    expect(bottom[0].estimate).to.be.at.most(bottom[4].estimate);
    expect([...top, ...bottom].some((n) => n.pooled)).to.equal(false);
  });

  it('diagnostics verdict, pp check and conditional effects from the fit', () => {
    const v = diagnosticsVerdict(fit);
    expect(v.checks.map((c) => c.name)).to.deep.equal([
      'R-hat',
      'ESS',
      'divergences',
      'tree depth',
      'E-BFMI',
    ]);
    expect(v.checks.find((c) => c.name === 'divergences')!.ok).to.equal(fit.sampler.divergences === 0);
    const ppc = ppcCurves(fit, 5, 2);
    expect(ppc.replicated).to.have.length(5);
    // The replicated distributions bracket the observed share of zero-follower profiles.
    const zeros = ppc.replicated.map((r) => r[0]);
    expect(ppc.observed[0]).to.be.within(Math.min(...zeros) * 0.5, Math.max(...zeros) * 1.5);
    const ce = conditionalEffects({ prepared: fit.prepared, chains: fit.chains }, { ndraws: 200 });
    expect(ce.map((c) => c.variable)).to.deep.equal(PREDICTORS.map((p) => p.name));
    const photo = ce.find((c) => c.variable === 'has_photo')!;
    expect(photo.rows[1].estimate / photo.rows[0].estimate).to.be.greaterThan(1.3); // truth: e^0.6 ≈ 1.82
  });

  it('compares the model by PSIS-LOO with the zero-inflated NB and the model without names, in words', async () => {
    const candidates = candidateModels(table.formula);
    expect(candidates.map((c) => [c.name, c.family])).to.deep.equal([
      ['study', 'negbinomial'],
      ['zero_inflated', 'zero_inflated_negbinomial'],
      ['no_names', 'negbinomial'],
    ]);
    expect(candidates[2].formula).to.equal(table.formula.replace(' + (1 | first_name)', ''));
    expect(() => candidateModels('y ~ x')).to.throw(/has no \(1 \| first_name\) term/);
    const others = [];
    for (const c of candidates.slice(1))
      others.push({
        model: c,
        fit: await fitModel({
          data: modelData(table),
          formula: c.formula,
          family: c.family,
          chains: 2,
          iter: 400,
          seed: 5,
          cores: 2,
        }),
      });
    const cmp = compareFollowerModels([{ model: candidates[0], fit }, ...others]);
    // loo_compare's order and differences.
    expect(cmp.rows.map((r) => r.elpd_loo)).to.deep.equal(
      [...cmp.rows.map((r) => r.elpd_loo)].sort((a, b) => b - a),
    );
    expect(cmp.rows[0].elpd_diff).to.equal(0);
    const study = cmp.loos[0].elpd_loo.estimate;
    const noNames = cmp.loos[2].elpd_loo.estimate;
    // The generator gives names an effect (sd 0.25): leaving them out predicts worse.
    expect(noNames).to.be.below(study);
    const sentence = cmp.sentences.find((x) => x.startsWith('Dropping the first-name effect'))!;
    expect(sentence).to.contain(`changes elpd_loo by ${(noNames - study).toFixed(1)} (se `);
    const se = Number(/\(se ([\d.]+)\)/.exec(sentence)![1]);
    expect(sentence).to.match(isClear(noNames - study, se) ? /clearly worse/ : /too small to choose by/);
    expect(cmp.sentences[0]).to.match(
      /^Allowing extra zeros \(zero inflation\) changes elpd_loo by -?\d+\.\d \(se \d+\.\d\)/,
    );
    // The truth has no zero inflation: the study's model is not beaten clearly.
    expect(cmp.kept).to.equal(
      "The study's model is kept: no alternative predicts held-out profiles clearly better.",
    );
    const html = looComparisonTableHtml(cmp);
    expect(html).to.contain('>elpd_diff</th>').and.contain('>se_diff</th>').and.contain('>p_loo</th>');
    for (const r of cmp.rows) {
      const shown = Math.abs(r.elpd_diff) < 0.05 ? '0.0' : r.elpd_diff.toFixed(1);
      expect(html).to.contain(`(${r.model})</td>`);
      expect(html).to.contain(`data-csv="[${r.elpd_diff}]">${shown}</td>`);
    }
    const md = looComparisonMarkdown(cmp);
    expect(md).to.contain(`**${cmp.kept}**`);
    expect(md).to.contain(`- ${cmp.sentences[0]}`);
    expect(cmp.keptName).to.equal('study');
    expect(looTruthMarkdown(cmp, 0)).to.match(
      /drew no structural zeros \(zi = 0\).*; the comparison keeps it\.$/,
    );
    expect(looTruthMarkdown(cmp, 0.3)).to.contain(
      'drew a structural zero for 30% of live profiles (zi = 0.3)',
    );
    expect(looTruthMarkdown({ ...cmp, keptName: 'zero_inflated' }, 0)).to.match(
      /prefers the zero-inflated negative binomial with first names instead: a clear-looking difference that the truth does not have\.$/,
    );
    expect(looTruthMarkdown(cmp, 0.3)).to.match(
      /keeps the negative binomial with first names \(the study's model\) instead/,
    );
    expect(cmp.paretoK.map((p) => p.table[0])).to.have.length(3);
    expect(isClear(-5, 2)).to.equal(true);
    expect(isClear(-5, 3)).to.equal(false);
    expect(isClear(-3, 0.5)).to.equal(false);
  });

  it('every figure builds and renders to HTML', () => {
    const effects = populationEffects(fit);
    const truth = Object.fromEntries(Object.entries(TRUE_B).map(([k, v]) => [k.slice(2), v]));
    const forest = forestFigure(effects, { truth });
    expect(forest.data).to.have.length(4);
    expect((forest.data[2].x as number[]).length).to.equal(effects.length);
    expect((forest.layout.xaxis as { type: string }).type).to.equal('log');
    const names = nameEffects(fit, table);
    const { top, bottom } = topBottom(names, 8);
    const ce = conditionalEffects({ prepared: fit.prepared, chains: fit.chains }, { ndraws: 100 });
    const figs = [
      forest,
      nameRankFigure(top, bottom),
      shrinkageFigure(names),
      conditionalEffectsFigure(ce, { labels: Object.fromEntries(PREDICTORS.map((p) => [p.name, p.label])) }),
      ppcFigure(ppcCurves(fit, 4, 1)),
      traceFigure(fit.chains, fit.outputNames, ['b_Intercept', 'sd_first_name__Intercept', 'shape']),
    ];
    figs.forEach((f, i) => expect(figureHtml(f, `fig${i}`)).to.contain('Plotly.newPlot'));
    expect(figs[3].data).to.have.length(PREDICTORS.length);
    expect(figs[5].data).to.have.length(3 * fit.chains.length);
    expect(() => traceFigure(fit.chains, fit.outputNames, ['nope'])).to.throw(/no parameter "nope"/);
    expect(() => forestFigure([])).to.throw(/no population-level effects/);
  });
});
