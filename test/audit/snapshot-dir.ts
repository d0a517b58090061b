/** Writes hand-built rows as a real snapshot directory with the pull's own writer. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SnapshotWriter } from '../../src/snapshot/writer';
import type { MemberRow } from '../../src/snapshot/schema';

export interface SnapshotDirOptions {
  snapshotTime: string;
  kind?: 'synthetic' | 'vk';
  group?: { id: number; screen_name: string; name: string };
  /** Rows per record batch. */
  batch?: number;
}

export async function writeSnapshotDir(
  rows: MemberRow[],
  snapshotTime: string,
  kind: 'synthetic' | 'vk' = 'synthetic',
  batch = 1000,
): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-audit-'));
  return writeSnapshotAt(dir, rows, { snapshotTime, kind, batch });
}

export async function writeSnapshotAt(
  dir: string,
  rows: MemberRow[],
  opts: SnapshotDirOptions,
): Promise<string> {
  const kind = opts.kind ?? 'synthetic';
  const batch = opts.batch ?? 1000;
  const opened = await SnapshotWriter.open(dir, null, async () => ({
    identity: {
      group: opts.group ?? { id: 1, screen_name: 'test_community', name: 'Test community' },
      source:
        kind === 'synthetic'
          ? {
              kind: 'synthetic' as const,
              api_base: 'http://127.0.0.1:1/method',
              synthetic: { seed: 1, members: rows.length },
            }
          : { kind: 'vk' as const, api_base: 'https://api.vk.com/method', synthetic: null },
      api_version: '5.199',
      fields: ['sex'],
    },
    snapshot_time: opts.snapshotTime,
    reported_at_start: rows.length,
    extra: {},
  }));
  if (opened.kind !== 'writer') throw new Error('expected a fresh snapshot writer');
  const sorted = [...rows].sort((a, b) => a.id - b.id);
  for (let i = 0; i < sorted.length; i += batch) {
    const part = sorted.slice(i, i + batch);
    opened.writer.appendBatch(
      part,
      { next_offset: i + part.length, last_count: rows.length, last_id: part[part.length - 1].id },
      {},
    );
  }
  opened.writer.finish(rows.length, { name: 'vk-audience-study', version: 'test' });
  return dir;
}
