import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXPORT_COLUMNS } from '../../src/export/columns';
import { ExportUsageError, exportSnapshots } from '../../src/export/export';
import {
  auditCounts,
  countsOf,
  docSnippet,
  duckdb,
  edgeRows,
  expectSameValues,
  query,
  tmpDir,
  writeSnapshot,
} from './fixtures';

describe('export: CSV', function () {
  this.timeout(60_000);
  const root = tmpDir('csv');
  const T = '2026-10-05T23:59:59.999Z';
  let snap: string;
  let db: Awaited<ReturnType<typeof duckdb>>;

  before(async () => {
    snap = await writeSnapshot(path.join(root, 'snap'), edgeRows(Date.parse(T) / 1000, 2000, 3), {
      groupId: 5,
      snapshotTime: T,
    });
    db = await duckdb();
  });
  after(() => {
    db.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('writes members.csv, manifest.json and export.json; a header of the export columns', async () => {
    const out = path.join(root, 'out');
    const r = await exportSnapshots({ snapshots: [snap], format: 'csv', out });
    expect(r.rows).to.equal(2000);
    expect(fs.readdirSync(out).sort()).to.deep.equal(['export.json', 'manifest.json', 'members.csv']);
    const text = fs.readFileSync(path.join(out, 'members.csv'), 'utf8');
    expect(text.slice(0, text.indexOf('\n'))).to.equal(EXPORT_COLUMNS.map((c) => c.name).join(','));
    expect(text.charCodeAt(0)).to.not.equal(0xfeff); // no byte-order mark
    expect(text.endsWith('\n')).to.equal(true);
  });

  it('read back as docs/export.md says (DuckDB read_csv, allow_quoted_nulls = false): every value, "" apart from null', async () => {
    const out = path.join(root, 'out-values');
    await exportSnapshots({ snapshots: [snap], format: 'csv', out });
    const file = path.join(out, 'members.csv');
    await expectSameValues(db.con, `read_csv('${file}', allow_quoted_nulls = false)`, snap);
    const empty = await query(
      db.con,
      `SELECT count(*) FILTER (WHERE first_name = '') AS empty, count(*) FILTER (WHERE first_name IS NULL) AS nulls
       FROM read_csv('${file}', allow_quoted_nulls = false)`,
    );
    expect(empty[0].empty).to.be.greaterThan(0);
    expect(empty[0].nulls).to.be.greaterThan(0);
  });

  it("the docs' status query over read_csv gives the audit's counts", async () => {
    const out = path.join(root, 'out-sql');
    await exportSnapshots({ snapshots: [snap], format: 'csv', out });
    const sql = docSnippet('status-sql').replace(
      "'members.parquet'",
      "read_csv('members.csv', allow_quoted_nulls = false)",
    );
    await db.con.run(`SET file_search_path = '${out}'`);
    expect(countsOf(await query(db.con, sql))).to.deep.equal(auditCounts(snap));
  });

  it('several snapshots as CSV are refused (a dataset is Parquet), before anything is written', async () => {
    const other = await writeSnapshot(path.join(root, 'other'), edgeRows(Date.parse(T) / 1000, 10, 4), {
      groupId: 6,
      snapshotTime: T,
    });
    const out = path.join(root, 'out-two');
    let err: unknown;
    try {
      await exportSnapshots({ snapshots: [snap, other], format: 'csv', out });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ExportUsageError);
    expect((err as Error).message).to.match(/--format parquet/);
    expect(fs.existsSync(out)).to.equal(false);
    expect(fs.readdirSync(root).filter((f) => f.startsWith('.'))).to.deep.equal([]);
  });
});
