import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/export/cli';
import { exportSnapshots } from '../../src/export/export';
import { edgeRows, tmpDir, writeSnapshot } from './fixtures';

const CLI = path.resolve(__dirname, '../../src/export/cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the export command; `onStderr` may signal the child (e.g. on a progress line). */
function run(
  args: string[],
  onStderr?: (text: string, signal: (s: NodeJS.Signals) => void) => void,
): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr, (s) => child.kill(s));
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The same command in this process (its exit code and output lines): no node start-up per case. */
async function runHere(args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, stdout: out.map((l) => l + '\n').join(''), stderr: err.map((l) => l + '\n').join('') };
}

/** Every file under `dir` with its bytes, for "nothing changed" checks. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (f.isFile()) {
      const p = path.join(f.parentPath, f.name);
      out[path.relative(dir, p)] = fs.readFileSync(p).toString('base64');
    }
  }
  return out;
}

/** Hidden staging folders left next to an export. */
const leftovers = (parent: string): string[] => fs.readdirSync(parent).filter((f) => f.startsWith('.'));

function expectOneLineError(r: Run, code: number, pattern: RegExp): void {
  expect(r.code, r.stderr).to.equal(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^error: /);
  expect(lines[0]).to.match(pattern);
  expect(r.stderr).to.not.match(/\n\s+at /); // no stack trace
}

describe('export command (exit codes and messages; child processes where the process matters)', function () {
  this.timeout(60_000);
  const root = tmpDir('cli');
  const T = '2026-11-01T08:00:00Z';
  let a: string;
  let b: string;

  before(async () => {
    a = await writeSnapshot(path.join(root, 'a'), edgeRows(Date.parse(T) / 1000, 500, 1), {
      groupId: 1,
      snapshotTime: T,
    });
    b = await writeSnapshot(path.join(root, 'b'), edgeRows(Date.parse(T) / 1000, 800, 2), {
      groupId: 2,
      snapshotTime: T,
    });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('--help prints the usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^usage: npm run export -- --snapshot DIR/);
    expect(r.stdout).to.match(/Exit codes:/);
  });

  it('bad arguments: one line naming the problem, exit 2', async () => {
    expectOneLineError(await runHere([]), 2, /--snapshot DIR is required/);
    expectOneLineError(await runHere(['--snapshot', a]), 2, /--format is required/);
    expectOneLineError(
      await runHere(['--snapshot', a, '--format', 'xlsx']),
      2,
      /--format must be parquet or csv, got "xlsx"/,
    );
    expectOneLineError(await run(['--snapshot', a, '--format', 'csv', '--frobnicate']), 2, /--frobnicate/);
    expectOneLineError(await runHere(['--snapshot', a, '--format', 'csv', 'stray']), 2, /stray/);
    expectOneLineError(await runHere(['--snapshot', '--format', 'csv']), 2, /--snapshot/);
    expectOneLineError(
      await runHere(['--snapshot', a, '--snapshot', b, '--format', 'csv']),
      2,
      /--format parquet/,
    );
  });

  it('a missing, unfinished or damaged snapshot directory: exit 5 with the reader’s advice, nothing written', async () => {
    const out = path.join(root, 'out-5');
    expectOneLineError(
      await run(['--snapshot', path.join(root, 'nope'), '--format', 'parquet', '--out', out]),
      5,
      /does not exist; run `npm run pull/,
    );
    const unfinished = path.join(root, 'unfinished');
    fs.mkdirSync(path.join(unfinished, '.pull-partial'), { recursive: true });
    expectOneLineError(
      await runHere(['--snapshot', unfinished, '--format', 'parquet', '--out', out]),
      5,
      /unfinished/,
    );
    expect(fs.existsSync(out)).to.equal(false);
    expect(leftovers(root)).to.deep.equal([]);
  });

  it('writes the export and says where, with the row count, on one stdout line', async () => {
    const out = path.join(root, 'out-ok');
    const r = await run(['--snapshot', a, '--format', 'parquet', '--out', out]);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^wrote .*out-ok: members\.parquet, 500 members from 1 snapshot\(s\)/);
    expect(fs.readdirSync(out).sort()).to.deep.equal(['export.json', 'manifest.json', 'members.parquet']);
  });

  it('a failure halfway (the second snapshot is damaged) leaves the earlier export as it was and no staging folder', async () => {
    const out = path.join(root, 'out-atomic');
    expect((await run(['--snapshot', a, '--format', 'parquet', '--out', out])).code).to.equal(0);
    const before = tree(out);
    // A copy of b whose members file is cut short: the manifest is fine, so the export
    // starts, writes the first snapshot, and fails on reading this one.
    const damaged = path.join(root, 'damaged');
    fs.cpSync(b, damaged, { recursive: true });
    const file = path.join(damaged, 'members.arrow');
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    const r = await run(['--snapshot', a, '--snapshot', damaged, '--format', 'parquet', '--out', out]);
    expect(r.code, r.stderr).to.equal(5);
    expect(r.stderr).to.match(/^.*: 500 members -> members\/group=1\//m); // the first one was written
    expect(r.stderr).to.match(/damaged/);
    expect(tree(out)).to.deep.equal(before);
    expect(leftovers(root)).to.deep.equal([]);
  });

  it('refuses to replace a folder that is not an export (exit 2, folder untouched)', async () => {
    const out = path.join(root, 'precious');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    expectOneLineError(await runHere(['--snapshot', a, '--format', 'csv', '--out', out]), 2, /not an export/);
    expect(tree(out)).to.deep.equal({ 'notes.txt': Buffer.from('mine').toString('base64') });
    expectOneLineError(await runHere(['--snapshot', a, '--format', 'csv', '--out', a]), 2, /overlap/);
    expect(fs.existsSync(path.join(a, 'members.csv'))).to.equal(false);
  });

  it('an abort between snapshots removes the staging folder and writes nothing', async () => {
    const out = path.join(root, 'out-abort');
    const controller = new AbortController();
    let err: unknown;
    try {
      await exportSnapshots({
        snapshots: [a, b],
        format: 'parquet',
        out,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
    } catch (e) {
      err = e;
    }
    expect((err as Error).name).to.equal('AbortError');
    expect(fs.existsSync(out)).to.equal(false);
    expect(leftovers(root)).to.deep.equal([]);
  });

  it('Ctrl-C (SIGINT) while writing: exit 130, nothing written', async () => {
    const big = await writeSnapshot(path.join(root, 'big'), edgeRows(Date.parse(T) / 1000, 40_000, 3), {
      groupId: 3,
      snapshotTime: T,
    });
    const out = path.join(root, 'out-sigint');
    let sent = false;
    // a (group 1) is written first; the signal comes while the large one (group 3) is.
    const r = await run(
      ['--snapshot', big, '--snapshot', a, '--format', 'parquet', '--out', out],
      (text, signal) => {
        if (!sent && text.includes('members -> ')) {
          sent = true;
          signal('SIGINT');
        }
      },
    );
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.match(/interrupted: nothing was written/);
    expect(fs.existsSync(out)).to.equal(false);
    expect(leftovers(root)).to.deep.equal([]);
  });
});
