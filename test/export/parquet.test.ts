import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tableFromIPC } from '@uwdata/flechette';
import { readParquet } from 'parquet-wasm/node';
import { EXPORT_COLUMNS } from '../../src/export/columns';
import { exportSnapshots } from '../../src/export/export';
import { readSnapshot } from '../../src/snapshot/read';
import {
  auditCounts,
  countsOf,
  docSnippet,
  duckdb,
  edgeRows,
  expectSameValues,
  pullSynthetic,
  query,
  tmpDir,
  writeSnapshot,
} from './fixtures';

const SQL_TYPES = {
  int32: 'INTEGER',
  int16: 'SMALLINT',
  int8: 'TINYINT',
  float64: 'DOUBLE',
  bool: 'BOOLEAN',
  utf8: 'VARCHAR',
} as const;

describe('export: Parquet files read back by DuckDB', function () {
  this.timeout(60_000);
  const root = tmpDir('parquet');
  const T1 = '2026-11-01T08:00:00.250Z';
  const T2 = '2026-11-20T17:30:00Z';
  let edgeA: string;
  let edgeB: string;
  let synthetic: string;
  let db: Awaited<ReturnType<typeof duckdb>>;

  before(async () => {
    edgeA = await writeSnapshot(path.join(root, 'edge-a'), edgeRows(Date.parse(T1) / 1000, 2500, 1), {
      groupId: 1,
      snapshotTime: T1,
    });
    edgeB = await writeSnapshot(path.join(root, 'edge-b'), edgeRows(Date.parse(T2) / 1000, 1800, 2), {
      groupId: 1,
      snapshotTime: T2,
    });
    synthetic = await pullSynthetic(path.join(root, 'synthetic'), 4000, 77);
    db = await duckdb();
  });
  after(() => {
    db.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('one snapshot: the documented columns in order, with their types, REQUIRED where not nullable', async () => {
    const out = path.join(root, 'out-types');
    const r = await exportSnapshots({ snapshots: [edgeA], format: 'parquet', out });
    expect(r.layout).to.equal('single');
    expect(fs.readdirSync(out).sort()).to.deep.equal(['export.json', 'manifest.json', 'members.parquet']);
    const file = path.join(out, 'members.parquet');
    const cols = await query(db.con, `DESCRIBE SELECT * FROM '${file}'`);
    expect(cols.map((c) => [c.column_name, c.column_type])).to.deep.equal(
      EXPORT_COLUMNS.map((c) => [c.name, SQL_TYPES[c.type]]),
    );
    const schema = await query(
      db.con,
      `SELECT name, repetition_type FROM parquet_schema('${file}') WHERE name <> 'arrow_schema'`,
    );
    expect(schema.map((s) => [s.name, s.repetition_type])).to.deep.equal(
      EXPORT_COLUMNS.map((c) => [c.name, c.nullable ? 'OPTIONAL' : 'REQUIRED']),
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest).to.deep.equal(readSnapshot(edgeA).manifest);
  });

  it('one snapshot: every value as stored (nulls, edge integers, quotes, line breaks, Cyrillic, emoji)', async () => {
    const out = path.join(root, 'out-values');
    await exportSnapshots({ snapshots: [edgeA], format: 'parquet', out });
    await expectSameValues(db.con, `'${path.join(out, 'members.parquet')}'`, edgeA);
  });

  it("the file's Arrow schema gives back exactly the snapshot's Arrow types (what pyarrow and R arrow use)", async () => {
    const out = path.join(root, 'out-arrow');
    await exportSnapshots({ snapshots: [synthetic], format: 'parquet', out });
    const bytes = fs.readFileSync(path.join(out, 'members.parquet'));
    const back = tableFromIPC(readParquet(bytes).intoIPCStream());
    const types = back.schema.fields.map((f) => {
      const t = f.type as { typeId: number; bitWidth?: number; precision?: number };
      return [f.name, t.typeId, t.bitWidth ?? t.precision ?? null, f.nullable];
    });
    const want = EXPORT_COLUMNS.map((c) => {
      const [id, width] = {
        int32: [2, 32],
        int16: [2, 16],
        int8: [2, 8],
        float64: [3, 2],
        bool: [6, null],
        utf8: [5, null],
      }[c.type];
      return [c.name, id, width, c.nullable];
    });
    expect(types).to.deep.equal(want);
    expect(back.numRows).to.equal(4000);
  });

  it("reproduces the audit's status counts with the one SQL query of docs/export.md", async () => {
    const sql = docSnippet('status-sql');
    for (const snap of [edgeA, synthetic]) {
      const out = path.join(root, `out-sql-${path.basename(snap)}`);
      await exportSnapshots({ snapshots: [snap], format: 'parquet', out });
      await db.con.run(`SET file_search_path = '${out}'`);
      const counts = countsOf(await query(db.con, sql));
      expect(counts, snap).to.deep.equal(auditCounts(snap));
    }
    // The edge rows reach every status, so the comparison covers every branch of the rules.
    expect(Object.values(auditCounts(edgeA)).every((n) => n > 0)).to.equal(true);
  });

  it('several snapshots: one Hive-partitioned dataset, opened as one table; the dataset query gives each snapshot its audit counts', async () => {
    const out = path.join(root, 'out-dataset');
    const r = await exportSnapshots({ snapshots: [synthetic, edgeB, edgeA], format: 'parquet', out });
    expect(r.layout).to.equal('hive');
    const synthDate = readSnapshot(synthetic).manifest.snapshot_time.slice(0, 10);
    const parts = [
      'members/group=1/snapshot=2026-11-01/part-0.parquet',
      'members/group=1/snapshot=2026-11-20/part-0.parquet',
      `members/group=77/snapshot=${synthDate}/part-0.parquet`,
    ];
    expect(r.snapshots.map((s) => s.members)).to.deep.equal(parts);
    for (const p of parts) {
      expect(fs.existsSync(path.join(out, p)), p).to.equal(true);
      const manifest = p.replace(/^members\//, 'manifests/').replace(/part-0\.parquet$/, 'manifest.json');
      expect(fs.existsSync(path.join(out, manifest)), manifest).to.equal(true);
    }
    // Nothing but Parquet under members/, so readers can be pointed at the folder.
    const files = fs.readdirSync(path.join(out, 'members'), { recursive: true, withFileTypes: true });
    expect(files.filter((f) => f.isFile()).every((f) => f.name.endsWith('.parquet'))).to.equal(true);

    await db.con.run(`SET file_search_path = '${out}'`);
    const all = await query(
      db.con,
      `SELECT "group", CAST(snapshot AS VARCHAR) AS snapshot, count(*) AS n
       FROM read_parquet('members/**/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY ALL`,
    );
    expect(all).to.deep.equal([
      { group: 1, snapshot: '2026-11-01', n: 2500 },
      { group: 1, snapshot: '2026-11-20', n: 1800 },
      { group: 77, snapshot: synthDate, n: 4000 },
    ]);

    const rows = await query(db.con, docSnippet('status-sql-dataset'));
    const keyOf = (g: number, d: string): string => `${g}/${Date.parse(d)}`; // DATE comes back as a JS Date
    const snapshotKey = (row: Record<string, unknown>): string =>
      `${row.group}/${(row.snapshot as Date).getTime()}`;
    const grouped = new Map<string, Record<string, unknown>[]>();
    for (const row of rows) grouped.set(snapshotKey(row), [...(grouped.get(snapshotKey(row)) ?? []), row]);
    expect(grouped.size).to.equal(3);
    expect(countsOf(grouped.get(keyOf(1, '2026-11-01'))!)).to.deep.equal(auditCounts(edgeA));
    expect(countsOf(grouped.get(keyOf(1, '2026-11-20'))!)).to.deep.equal(auditCounts(edgeB));
    expect(countsOf(grouped.get(keyOf(77, synthDate))!)).to.deep.equal(auditCounts(synthetic));

    // And the rows of each partition are that snapshot's, value for value.
    await expectSameValues(db.con, `'${path.join(out, parts[1])}'`, edgeB);
  });

  it('a snapshot of no members exports as a Parquet file with the schema and no rows', async () => {
    const empty = await writeSnapshot(path.join(root, 'empty'), [], { groupId: 3, snapshotTime: T1 });
    const out = path.join(root, 'out-empty');
    const r = await exportSnapshots({ snapshots: [empty], format: 'parquet', out });
    expect(r.rows).to.equal(0);
    const file = path.join(out, 'members.parquet');
    expect(await query(db.con, `SELECT count(*) AS n FROM '${file}'`)).to.deep.equal([{ n: 0 }]);
    const cols = await query(db.con, `DESCRIBE SELECT * FROM '${file}'`);
    expect(cols.map((c) => c.column_name)).to.deep.equal(EXPORT_COLUMNS.map((c) => c.name));
  });
});
