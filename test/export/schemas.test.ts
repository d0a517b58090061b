import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { auditJson, runAudit } from '../../src/audit/run';
import { exportSnapshots } from '../../src/export/export';
import { readDataFile } from '../../src/model/data';
import { fitJson, fitModel } from '../../src/model/fit';
import { readSnapshot } from '../../src/snapshot/read';
import { edgeRows, pullSynthetic, tmpDir, writeSnapshot } from './fixtures';

const ROOT = path.resolve(__dirname, '../../..');
const SCHEMAS = path.join(ROOT, 'schemas');

/** Every schema file, registered by its $id, compiled in strict mode. */
function validators(): Record<string, ValidateFunction> {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const files = fs.readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json'));
  for (const f of files) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(SCHEMAS, f), 'utf8')));
  return Object.fromEntries(files.map((f) => [f.replace('.schema.json', ''), ajv.getSchema(f)!]));
}

function expectValid(validate: ValidateFunction, doc: unknown): void {
  const ok = validate(doc);
  expect(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2)).to.equal(true);
}

function expectInvalid(validate: ValidateFunction, doc: unknown, where: RegExp): void {
  expect(validate(doc), 'should be invalid').to.equal(false);
  expect(validate.errors!.map((e) => `${e.instancePath} ${e.message}`).join('\n')).to.match(where);
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('schemas/: the JSON documents validate against their schemas', function () {
  this.timeout(60_000);
  const root = tmpDir('schemas');
  let v: Record<string, ValidateFunction>;
  let synthetic: string;
  let edge: string;
  const T = '2026-11-01T08:00:00.250Z';

  before(async () => {
    v = validators();
    synthetic = await pullSynthetic(path.join(root, 'synthetic'), 3000, 9);
    edge = await writeSnapshot(path.join(root, 'edge'), edgeRows(Date.parse(T) / 1000, 2000, 4), {
      groupId: 2,
      snapshotTime: T,
    });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('every schema compiles in strict mode, and each document schema has its file', () => {
    expect(Object.keys(v).sort()).to.deep.equal(['audit', 'common', 'export', 'fit']);
  });

  it('audit: what `npm run audit -- --json` writes is valid', () => {
    const out = path.join(root, 'audit.json');
    const cli = path.join(ROOT, 'dist/src/cli/audit.js');
    const r = spawnSync(process.execPath, [cli, '--snapshot', synthetic, '--json', out], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).to.equal(0);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expectValid(v.audit, doc);
    expect(doc.snapshot.source.kind).to.equal('synthetic');
  });

  it('audit: a document without the snapshot block, on edge rows (hidden, unrecognised statuses, no coordinates), is valid', () => {
    const s = readSnapshot(edge);
    const doc = auditJson(runAudit({ table: s.table, manifest: s.manifest }, { bootstrapReplicates: 50 }));
    expectValid(v.audit, doc);
  });

  it('audit: the schema rejects what it does not document (so it cannot pass everything)', () => {
    const s = readSnapshot(synthetic);
    const good = auditJson(
      runAudit({ table: s.table, manifest: s.manifest }, { bootstrapReplicates: 50 }),
    ) as {
      status: { rows: Record<string, unknown>[] };
      [k: string]: unknown;
    };
    expectValid(v.audit, good);
    const missing = clone(good);
    delete missing.status.rows[0].count;
    expectInvalid(v.audit, missing, /status\/rows\/0 must have required property 'count'/);
    const share = clone(good);
    share.status.rows[1].share = 1.5;
    expectInvalid(v.audit, share, /status\/rows\/1\/share must be <= 1/);
    const extra = { ...clone(good), fake_share: {} };
    expectInvalid(v.audit, extra, /must NOT have additional properties/);
    expectInvalid(v.audit, { ...clone(good), format_version: 2 }, /format_version must be equal to constant/);
  });

  it('fit: what fitJson gives for a small brms-style model is valid', async () => {
    const data = readDataFile(path.join(ROOT, 'data/public/epilepsy.csv'));
    const fit = await fitModel({
      data: data.columns,
      formula: 'count ~ zAge + zBase * Trt + (1 | patient)',
      family: 'poisson',
      chains: 2,
      iter: 200,
      cores: 1,
      seed: 3,
    });
    const doc = fitJson(fit, { file: 'data/public/epilepsy.csv', rows: data.rows });
    expectValid(v.fit, doc);
    expectInvalid(
      v.fit,
      { ...doc, parameters: { b_Intercept: { mean: 1 } } },
      /must have required property 'sd'/,
    );
  });

  it('export: export.json of a single file and of a dataset is valid', async () => {
    for (const [snapshots, format] of [
      [[synthetic], 'csv'],
      [[synthetic, edge], 'parquet'],
    ] as const) {
      const out = path.join(root, `export-${format}`);
      await exportSnapshots({ snapshots, format, out });
      const doc = JSON.parse(fs.readFileSync(path.join(out, 'export.json'), 'utf8'));
      expectValid(v.export, doc);
    }
  });
});
