import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { botsAudit, type BotsAvailable, type BotsOptions } from '../../src/bots/audit-section';
import { simulatedSampleLabels } from '../../src/bots/labels';
import { liveMembers } from '../../src/bots/live-members';
import { NOT_VALIDATED_LABEL } from '../../src/bots/misclassification';
import { botsLines } from '../../src/bots/present';
import { auditJson, runAudit } from '../../src/audit/run';
import { botsTable, BOTS_MANIFEST } from './fixtures';

const SCHEMAS = path.resolve(__dirname, '../../../schemas');

function auditSchema(): ValidateFunction {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  for (const f of fs.readdirSync(SCHEMAS).filter((x) => x.endsWith('.schema.json')))
    ajv.addSchema(JSON.parse(fs.readFileSync(path.join(SCHEMAS, f), 'utf8')));
  return ajv.getSchema('audit.schema.json')!;
}

const perfect = { bot_as_human: 0, human_as_bot: 0, unsure: 0, seed: 1 };
const sloppy = { bot_as_human: 0.1, human_as_bot: 0.02, unsure: 0.1, seed: 2 };

describe('bots: the audit section', function () {
  this.timeout(60000);
  const world = botsTable(6000, { seed: 5 });
  const input = { table: world.table, manifest: BOTS_MANIFEST };
  const live = liveMembers(world.table);
  const liveIds = Array.from(live.ids);
  const trueShare = liveIds.filter(world.isBot).length / liveIds.length;
  const validate = auditSchema();

  /** The section inside a whole audit document, validated against schemas/audit.schema.json. */
  const documented = (bots: BotsOptions, table = world.table): Record<string, any> => {
    const doc = auditJson(runAudit({ table, manifest: BOTS_MANIFEST }, { bots, bootstrapReplicates: 20 }));
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).to.equal(true);
    return doc.bots as Record<string, any>;
  };

  it('without labels: only the bot-like share, named as not validated, over live members; never the flagged share', () => {
    const b = botsAudit(input).section as BotsAvailable;
    expect(b.available).to.equal(true);
    expect(b.method).to.equal(NOT_VALIDATED_LABEL);
    expect(b.validated_on_this_community).to.equal(false);
    expect(b.denominator).to.equal('live members');
    expect(b.live_members).to.equal(live.rows.length);
    expect(b.estimate).to.equal(b.misclassification!.bot_like_share.estimate);
    expect(b.estimate).to.not.equal(b.score!.flagged_share);
    expect(b.labelled).to.equal(null);
    expect(b.sensitivity!.this_community).to.equal(null);
    expect(b.specificity!.training.of).to.equal(b.scorer!.validation.humans);
    expect(b.score!.distribution.reduce((s, x) => s + x.members, 0)).to.equal(live.rows.length);
    expect(b.misclassification!.specificity_band.length).to.be.greaterThan(0);
    const doc = documented({});
    expect(doc.method).to.equal(NOT_VALIDATED_LABEL);
    expect(botsLines(b).join('\n'))
      .to.contain(NOT_VALIDATED_LABEL)
      .and.contain('classify-and-count, not an estimate');
  });

  it('deleted and banned members are never scored', () => {
    const a = botsAudit(input);
    expect(a.scores!.length).to.equal(live.rows.length);
    const dead = world.rows.filter((r) => r.deactivated !== null).length;
    expect(dead).to.be.greaterThan(0);
    expect(live.rows.length + dead).to.equal(world.rows.length);
  });

  it('with labels: prediction-powered inference, labels only beside it, the score checked on the sample', () => {
    const labels = simulatedSampleLabels(input, { n: 1500, seed: 3, isBot: world.isBot, annotator: perfect });
    const a = botsAudit(input, { labels });
    const b = a.section as BotsAvailable;
    expect(b.method).to.equal('ppi');
    expect(b.validated_on_this_community).to.equal(true);
    // Perfect labels: the estimate is the true share up to sampling error (sd ~ (hi-lo)/3.92).
    expect(Math.abs(b.estimate - trueShare)).to.be.lessThan(((b.hi - b.lo) / 3.92) * 3.5);
    expect(b.lo).to.be.lessThan(b.estimate);
    expect(b.labels_only!.estimate).to.equal(b.labelled!.bot / b.labelled!.used);
    expect(b.sensitivity!.this_community!.of).to.equal(b.labelled!.bot);
    expect(b.specificity!.this_community!.of).to.equal(b.labelled!.human);
    // The PPI correction is the score's mean error on the sample.
    const index = new Map(liveIds.map((id, k) => [id, k]));
    const err =
      labels.rows.reduce((s, r) => s + (r.label === 'bot' ? 1 : 0) - a.scores![index.get(r.id)!], 0) /
      labels.rows.length;
    expect(b.estimate).to.be.closeTo(b.score!.mean + err, 1e-12);
    expect(b.unsure_as_bot).to.equal(null);
    documented({ labels });
  });

  it('unsure labels: left out, counted, and bounded both ways', () => {
    const labels = simulatedSampleLabels(input, { n: 800, seed: 4, isBot: world.isBot, annotator: sloppy });
    const b = botsAudit(input, { labels }).section as BotsAvailable;
    expect(b.labelled!.unsure).to.be.greaterThan(40);
    expect(b.labelled!.used).to.equal(800 - b.labelled!.unsure);
    expect(b.unsure_as_bot!.estimate).to.be.greaterThan(b.estimate);
    expect(b.unsure_as_human!.estimate).to.be.lessThan(b.estimate);
    expect(b.unsure_handling).to.match(
      new RegExp(`^${b.labelled!.unsure} of 800 sampled members labelled unsure: left out`),
    );
    const text = botsLines(b).join('\n');
    expect(text).to.contain('labels only').and.contain('as bot').and.contain('simulated annotator');
  });

  it('a snapshot without the score columns: labels only with labels, no estimate (with the reason) without', () => {
    const old = botsTable(3000, { seed: 6, newColumns: false });
    const oldInput = { table: old.table, manifest: BOTS_MANIFEST };
    const none = botsAudit(oldInput).section;
    expect(none.available).to.equal(false);
    if (none.available) return;
    expect(none.missing_columns).to.deep.equal(['has_mobile', 'status_length']);
    expect(none.reason).to.match(/pull the community again/);
    expect(documented({}, old.table).available).to.equal(false);
    const labels = simulatedSampleLabels(oldInput, { n: 300, seed: 1, isBot: old.isBot, annotator: perfect });
    const b = botsAudit(oldInput, { labels }).section as BotsAvailable;
    expect(b.method).to.equal('labels only');
    expect(b.estimate).to.equal(b.labels_only!.estimate);
    expect(b.score).to.equal(null);
    expect(b.score_unavailable!.missing_columns).to.deep.equal(['has_mobile', 'status_length']);
    expect(documented({ labels }, old.table).method).to.equal('labels only');
  });

  it('columns present but null for every live member (the pull did not ask for them): not scored', () => {
    const n = world.table.numRows();
    const blind = world.table.assign({ has_mobile: new Array(n).fill(null) });
    const s = botsAudit({ table: blind }).section;
    expect(s.available).to.equal(false);
    if (!s.available) expect(s.reason).to.match(/no has_mobile for any live member/);
  });

  it('too few decided labels is a labels error naming the source', () => {
    const labels = simulatedSampleLabels(input, { n: 3, seed: 1, isBot: world.isBot, annotator: perfect });
    labels.rows.forEach((r) => (r.label = null));
    expect(() => botsAudit(input, { labels })).to.throw(/simulated annotator.*0 member\(s\).*label more/);
  });
});
