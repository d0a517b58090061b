import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../../src/util/atomic-write';
import { makeStagingDir, swapIntoPlace } from '../../src/report/swap';

describe('report/swap and atomic writes', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swap-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replaces an existing report folder and leaves no staging or old folders', () => {
    const target = path.join(dir, 'reports');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'old.html'), 'old');
    const staging = makeStagingDir(target);
    expect(path.dirname(staging)).to.equal(dir);
    expect(fs.statSync(staging).mode & 0o777).to.equal(0o755);
    fs.writeFileSync(path.join(staging, 'index.html'), 'new');
    swapIntoPlace(staging, target);
    expect(fs.readdirSync(target)).to.deep.equal(['index.html']);
    expect(fs.readdirSync(dir)).to.deep.equal(['reports']);
  });

  it('creates the report folder when there was none', () => {
    const target = path.join(dir, 'nested', 'reports');
    const staging = makeStagingDir(target);
    swapIntoPlace(staging, target);
    expect(fs.existsSync(target)).to.equal(true);
  });

  it('writes files atomically without leaving temp files', () => {
    const f = path.join(dir, 'sub', 'a.json');
    writeFileAtomic(f, '1');
    writeFileAtomic(f, new Uint8Array([50]));
    expect(fs.readFileSync(f, 'utf8')).to.equal('2');
    expect(fs.readdirSync(path.dirname(f))).to.deep.equal(['a.json']);
  });
});
