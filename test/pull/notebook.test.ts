import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSnapshot } from '../../src/snapshot/read';
import { allFiles, emulator, tmpDir } from './helpers';

/** The repository root: this file runs from dist/test/pull or .build/<name>/test/pull. */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'notebooks', '01-pull.ipynb'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

describe('notebook 01 with VK_TOKEN + VK_GROUP (the emulator standing in for VK)', function () {
  this.timeout(240_000);
  it('pulls the community; no notebook output and no snapshot file holds the token', async function () {
    const repo = repoRoot();
    const jupyterPath = path.join(repo, '.jupyter', 'share', 'jupyter');
    const haveJupyter = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' }).status === 0;
    const haveKernel = fs.existsSync(path.join(jupyterPath, 'kernels', 'tslab', 'kernel.json'));
    const haveDist = fs.existsSync(path.join(repo, 'dist', 'src', 'vk', 'members.js'));
    // The notebook runs on the project's tslab kernel against dist/ (`npm run setup`, `npm run build`).
    if (!haveJupyter || !haveKernel || !haveDist) this.skip();

    const emu = await emulator({ members: 4000, seed: 31, rateLimitPerSecond: 3 });
    const dir = tmpDir('nb01');
    try {
      const snap = path.join(dir, 'snap');
      // Asynchronous spawn: the emulator answers from this process's event loop.
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(
          'jupyter',
          [
            'nbconvert',
            '--to',
            'notebook',
            '--execute',
            '--ExecutePreprocessor.kernel_name=tslab',
            '--ExecutePreprocessor.timeout=180',
            path.join(repo, 'notebooks', '01-pull.ipynb'),
            '--output-dir',
            dir,
            '--output',
            'out.ipynb',
          ],
          {
            env: {
              PATH: process.env.PATH ?? '',
              HOME: process.env.HOME ?? dir,
              JUPYTER_PATH: jupyterPath,
              VK_TOKEN: emu.token,
              VK_GROUP: emu.screenName,
              VK_API_BASE: emu.base,
              STUDY_SNAPSHOT: snap,
            },
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stderr }));
      });
      expect(result.code, result.stderr.slice(-2000)).to.equal(0);
      const executed = fs.readFileSync(path.join(dir, 'out.ipynb'), 'utf8');
      expect(executed).to.contain('Pulled 4,000 members');
      const { manifest, table } = readSnapshot(snap);
      expect(table.numRows()).to.equal(4000);
      expect(manifest.source.kind).to.equal('synthetic');
      for (const needle of [emu.token, encodeURIComponent(emu.token)]) {
        expect(executed.includes(needle), 'token in the executed notebook').to.equal(false);
        expect(result.stderr.includes(needle), 'token in nbconvert stderr').to.equal(false);
        for (const f of allFiles(snap)) expect(f.bytes.includes(Buffer.from(needle)), f.file).to.equal(false);
      }
    } finally {
      await emu.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
