/**
 * `npm run compare -- --snapshots DIR [DIR ...] [--json OUT] [options]`
 *
 * Several communities side by side (status shares with intervals, activity peak, top
 * cities; for every pair the differences of the shares with intervals and the audience
 * overlap), and each community given at two or more times over time (who joined, left,
 * stayed; how the stayers' statuses moved). The method: docs/compare.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_INACTIVE_DAYS } from '../audit/status';
import { compareAll, CompareError, compareJson, loadCommunity } from '../compare/compare';
import { compareText } from '../compare/text';
import { readManifest, SnapshotError } from '../snapshot/read';
import { writeJsonAtomic } from '../util/atomic-write';
import { EXIT, defineCommand, outputFile, runCommand, UsageError, wholeNumber, type Values } from './command';

export const compareCommand = defineCommand({
  name: 'compare',
  synopsis: '--snapshots DIR [DIR ...] [--json OUT] [options]',
  about:
    'Compares snapshots written by `npm run pull`: several communities side by side (shares with 95%\n' +
    'intervals, activity peak, top cities, differences and audience overlap of every pair), and one\n' +
    'community at two or more times (joined, left, stayed, status transitions). Method: docs/compare.md.',
  options: {
    snapshots: {
      type: 'string',
      value: 'DIR [DIR ...]',
      multiple: true,
      help: 'two or more snapshot directories (each a finished `npm run pull`); snapshots of the\nsame community at different times are compared over time, the newest side by side',
    },
    json: { type: 'string', value: 'OUT', read: outputFile(), help: 'also write the results as JSON to OUT' },
    'over-time': {
      type: 'boolean',
      help: 'the snapshots are one community at successive times: another community among them\nis an error instead of a side-by-side comparison',
    },
    'inactive-days': {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 1 }),
      help: `live members not seen for more than N days before their snapshot are inactive (default ${DEFAULT_INACTIVE_DAYS})`,
    },
    top: {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 1 }),
      help: 'cities listed per community (default 5)',
    },
  },
  sections: [
    {
      title: 'samples',
      lines: [
        'A snapshot pulled with --sample is compared by its design: design-based shares, independent',
        'differences; its overlap with a census is estimated from its pages, with another sample it',
        'cannot be, and its churn cannot be counted. The output says which applies.',
      ],
    },
  ],
  exits: [
    [EXIT.OK, 'compared (and written with --json)'],
    [EXIT.FAILED, 'an unexpected error'],
    [
      EXIT.USAGE,
      'usage: bad arguments, or snapshots that cannot be compared as asked (fewer than two, the\nsame one twice, different communities with --over-time)',
    ],
    [EXIT.DATA, 'a snapshot is missing, unfinished or damaged (the message names it)'],
  ],
  errors: [
    [SnapshotError, EXIT.DATA],
    [CompareError, EXIT.USAGE],
  ],
});

/**
 * `--snapshots A B C` as `--snapshots A --snapshots B --snapshots C`: the values after the
 * option up to the next option belong to it (the shell's glob `--snapshots data/snapshots/*`).
 */
export function expandSnapshotArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  let collecting = false;
  let ownValue = false; // the next word is --snapshots' own value
  for (const a of argv) {
    if (a === '--' || (a.startsWith('-') && a.length > 1)) {
      collecting = a === '--snapshots' || a.startsWith('--snapshots=');
      ownValue = a === '--snapshots';
      out.push(a);
    } else {
      if (collecting && !ownValue) out.push('--snapshots');
      out.push(a);
      ownValue = false;
    }
  }
  return out;
}

export interface CompareCliArgs {
  snapshots: string[];
  json: string | null;
  overTime: boolean;
  inactiveDays: number | undefined;
  top: number | undefined;
}

function cliArgs(v: Values<typeof compareCommand.spec.options>): CompareCliArgs {
  const snapshots = v.snapshots;
  if (snapshots.length === 0) throw new UsageError('missing --snapshots');
  if (snapshots.length < 2)
    throw new UsageError(
      `--snapshots needs at least two directories (several communities, or one community at two times), got one: ${snapshots[0]}`,
    );
  const seen = new Map<string, string>();
  for (const s of snapshots) {
    const abs = path.resolve(s);
    if (seen.has(abs))
      throw new UsageError(
        `--snapshots names ${s} twice${seen.get(abs) !== s ? ` (as ${seen.get(abs)})` : ''}`,
      );
    seen.set(abs, s);
  }
  return {
    snapshots,
    json: v.json ?? null,
    overTime: v['over-time'],
    inactiveDays: v['inactive-days'],
    top: v.top,
  };
}

export function parseArgs(argv: readonly string[]): CompareCliArgs {
  return cliArgs(compareCommand.parse(expandSnapshotArgs(argv)));
}

function compare(args: CompareCliArgs, out: (s: string) => void): void {
  const t0 = Date.now();
  // Every snapshot is checked before any is audited: a missing one is named at once.
  for (const d of args.snapshots) readManifest(d);
  const list = args.snapshots.map((d) =>
    loadCommunity(d, { inactiveDays: args.inactiveDays, topCities: args.top }),
  );
  const loadMs = Date.now() - t0;
  const r = compareAll(list, { overTime: args.overTime });
  const compareMs = Date.now() - t0 - loadMs;

  for (const c of list)
    out(
      `Snapshot ${path.resolve(c.source)}: ${c.summary.group.name} (${c.summary.key}, id ${c.summary.group.id}), ` +
        `${c.summary.kind === 'sample' ? c.summary.sample!.text : `${c.summary.members.toLocaleString('en-US')} members`}, taken ${c.summary.snapshot_time}` +
        (c.summary.synthetic ? ' — SYNTHETIC community from the project emulator' : ''),
    );
  out('');
  out(compareText(r));
  out('');
  out(`Loaded and audited in ${loadMs} ms, compared in ${compareMs} ms.`);
  if (args.json !== null) {
    const target = path.resolve(args.json);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    writeJsonAtomic(target, {
      ...compareJson(r),
      snapshots: list.map((c) => ({
        key: c.summary.key,
        snapshot_time: c.summary.snapshot_time,
        dir: path.resolve(c.source),
      })),
    });
    out(`Wrote ${target}`);
  }
}

export function run(argv: readonly string[], out: (s: string) => void = console.log): void {
  compare(parseArgs(argv), out);
}

if (require.main === module)
  void runCommand(compareCommand, expandSnapshotArgs(process.argv.slice(2)), (v) =>
    compare(cliArgs(v), console.log),
  ).then((code) => {
    process.exitCode = code;
  });
