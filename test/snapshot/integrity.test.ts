import { expect } from 'chai';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../../src/util/rng';
import { SnapshotWriter } from '../../src/snapshot/writer';
import { readSnapshot, SnapshotError } from '../../src/snapshot/read';
import { snapshotPaths } from '../../src/snapshot/layout';
import type { MemberRow } from '../../src/snapshot/schema';
import { fakePull, randomRows, tmpDir } from './fixtures';

const TOOL = { name: 'vk-audience-study', version: 'test' };

/** Overwrite `n` bytes at `at` with a pattern (what a failing disk or a bad copy does). */
function damage(file: string, at: number, n = 64): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(n, 0x41), 0, n, at);
  fs.closeSync(fd);
}

async function threeBatches(dir: string, finish: boolean): Promise<MemberRow[]> {
  const rng = new Rng(31);
  const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
  if (opened.kind !== 'writer') throw new Error('expected a writer');
  const all: MemberRow[] = [];
  let last = 0;
  for (const n of [400, 300, 200]) {
    const rows = randomRows(rng, n, last);
    last = rows[rows.length - 1].id;
    all.push(...rows);
    await opened.writer.queueBatch(rows, { next_offset: all.length, last_count: 900, last_id: last }, {});
  }
  if (finish) opened.writer.finish(900, TOOL);
  else opened.writer.close();
  return all;
}

describe('snapshot checksums: damage is found and named', () => {
  let dir: string;
  beforeEach(() => {
    dir = tmpDir('sum');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the manifest records the SHA-256 of members.arrow (what sha256sum prints) and readSnapshot checks it', async () => {
    await threeBatches(dir, true);
    const file = path.join(dir, 'members.arrow');
    const bytes = fs.readFileSync(file);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.checksums).to.deep.equal({
      'members.arrow': { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length },
    });
    const snap = readSnapshot(dir);
    expect(snap.integrity.checked).to.equal(true);
    expect(snap.table.numRows()).to.equal(900);
  });

  it('64 bytes overwritten in the finished file: readSnapshot and the pull both refuse, naming the file', async () => {
    await threeBatches(dir, true);
    const file = path.join(dir, 'members.arrow');
    // Inside the string data of the second batch: the file still parses, a cell changes.
    damage(file, Math.floor(fs.statSync(file).size / 2));
    expect(() => readSnapshot(dir)).to.throw(
      SnapshotError,
      /members\.arrow is damaged: its SHA-256 .*pull the community again/,
    );
    const err = await SnapshotWriter.open(dir, { group: fakePull().identity.group }, async () =>
      fakePull(),
    ).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SnapshotError);
    expect((err as Error).message).to.contain(`${file} is damaged`);
    // A file cut short is named as such.
    fs.truncateSync(file, 1000);
    expect(() => readSnapshot(dir)).to.throw(SnapshotError, /is 1000 bytes long, manifest\.json says/);
  });

  it('a snapshot from before checksums (no "checksums" in its manifest) is still read, and says it was not checked', async () => {
    await threeBatches(dir, true);
    const mf = path.join(dir, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
    delete m.checksums;
    fs.writeFileSync(mf, JSON.stringify(m));
    const snap = readSnapshot(dir);
    expect(snap.table.numRows()).to.equal(900);
    expect(snap.integrity).to.include({ checked: false });
    expect(snap.integrity.note).to.match(/records no checksum .*earlier version.*could not be checked/);
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    expect(opened.kind).to.equal('finished');
    if (opened.kind === 'finished') expect(opened.integrity.checked).to.equal(false);
  });

  it('a malformed "checksums" entry is a manifest error', async () => {
    await threeBatches(dir, true);
    const mf = path.join(dir, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
    m.checksums['members.arrow'].sha256 = 'xyz';
    fs.writeFileSync(mf, JSON.stringify(m));
    expect(() => readSnapshot(dir)).to.throw(SnapshotError, /checksums\.members\.arrow.*hex "sha256"/);
  });

  it('a committed batch damaged in the unfinished pull: the resume refuses, naming the batch', async () => {
    await threeBatches(dir, false);
    const p = snapshotPaths(dir);
    const cp = JSON.parse(fs.readFileSync(p.checkpoint, 'utf8'));
    expect(cp.blocks).to.have.length(3);
    for (const b of cp.blocks) expect(b.sha256).to.match(/^[0-9a-f]{64}$/);
    const second = cp.blocks[1];
    damage(p.part, second.offset + second.metadataLength + 16);
    const err = await SnapshotWriter.open(dir, null, async () => fakePull()).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SnapshotError);
    expect((err as Error).message).to.match(
      /members\.arrow\.part is damaged: record batch 2 of 3 \(bytes \d+–\d+\) does not match its SHA-256 .*delete .*\.pull-partial/,
    );
    expect(fs.existsSync(p.lock), 'the refused resume leaves no lock').to.equal(false);
  });

  it('an undamaged resume goes on and the finished file matches its manifest checksum', async () => {
    const rows = await threeBatches(dir, false);
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    const more = randomRows(new Rng(5), 50, rows[rows.length - 1].id);
    opened.writer.appendBatch(more, { next_offset: 950, last_count: 950, last_id: more[49].id }, {});
    opened.writer.finish(950, TOOL);
    const snap = readSnapshot(dir);
    expect(snap.integrity.checked).to.equal(true);
    expect(Array.from(snap.table.array('id') as Int32Array)).to.deep.equal(
      [...rows, ...more].map((r) => r.id),
    );
  });

  it('killed after the rename, before the manifest: the resume checks the file against the checkpoint', async () => {
    await threeBatches(dir, false);
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    opened.writer.finish(900, TOOL);
    // Put the directory back into the "renamed, no manifest yet" state.
    const p = snapshotPaths(dir);
    fs.rmSync(p.manifest);
    fs.mkdirSync(p.partialDir);
    fs.writeFileSync(p.checkpoint, JSON.stringify(opened.writer.checkpoint));
    expect(opened.writer.checkpoint.members_checksum?.sha256).to.match(/^[0-9a-f]{64}$/);
    damage(p.members, 200, 8);
    const err = await SnapshotWriter.open(dir, null, async () => fakePull()).catch((e: unknown) => e);
    expect((err as Error).message).to.match(
      /members\.arrow does not match the checksum in .*checkpoint\.json/,
    );
    expect(fs.existsSync(p.lock)).to.equal(false);
  });
});
