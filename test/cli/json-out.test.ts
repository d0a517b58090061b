/**
 * `--json OUT` of the commands that write one (fit, audit) is checked before the work: a
 * folder, or a path below a file, is a usage error (exit 2) at once — not an error after a
 * whole fit, and no temporary file left beside it.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI_DIR = path.resolve(__dirname, '../../src/cli');

function run(cli: string, args: string[]) {
  const r = spawnSync(process.execPath, [path.join(CLI_DIR, cli), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('--json OUT is refused before the work when it cannot be written', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-json-out-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fit: --json naming a folder exits 2 before fitting, and leaves the folder empty', () => {
    const csv = path.join(dir, 'data.csv');
    fs.writeFileSync(
      csv,
      ['y,x', ...Array.from({ length: 40 }, (_, i) => `${(i % 7) + 0.5 * i},${i}`)].join('\n'),
    );
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const r = run('fit.js', ['--data', csv, '--formula', 'y ~ x', '--family', 'gaussian', '--json', out]);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/--json ".*out" is a folder: give a file path/);
    expect(r.stdout, 'nothing was fitted').to.equal('');
    expect(fs.readdirSync(out)).to.deep.equal([]);
  });

  it('audit: --json below a file exits 2 before the snapshot is even read', () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    const r = run('audit.js', [
      '--snapshot',
      path.join(dir, 'no-such-snapshot'),
      '--json',
      path.join(file, 'a.json'),
    ]);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/--json ".*a\.json" cannot be created: .*a-file is not a folder/);
  });
});
