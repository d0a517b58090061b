import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { parseEmulatorArgs } from '../../src/emulator/cli-args';
import { EMULATOR_CLI as CLI, startEmulatorCli } from './cli-child';

describe('emulator / command line', () => {
  it('parses its flags and rejects bad ones with the usage', () => {
    expect(
      parseEmulatorArgs([
        '--port',
        '0',
        '--members=2500000',
        '--seed',
        '9',
        '--bot-share',
        '0.05',
        '--followers-zero-share',
        '0.2',
        '--rate-limit',
        '0',
      ]),
    ).to.deep.equal({
      port: 0,
      members: 2_500_000,
      seed: 9,
      botShare: 0.05,
      followersZeroShare: 0.2,
      rateLimitPerSecond: 0,
      maxResponseBytes: 5 * 1024 * 1024,
      truthFile: null,
    });
    expect(() => parseEmulatorArgs(['--members', 'many'])).to.throw(
      /--members needs a whole number >= 1, got "many"/,
    );
    expect(() => parseEmulatorArgs(['--members', '0'])).to.throw(
      /--members needs a whole number >= 1, got "0"/,
    );
    expect(() => parseEmulatorArgs(['--bot-share', '2'])).to.throw(/--bot-share needs a number/);
    expect(() => parseEmulatorArgs(['--colour'])).to.throw(/unknown option "--colour"/);
    expect(() => parseEmulatorArgs(['--port'])).to.throw(/needs a value/);
  });

  it('prints one JSON line, serves the API, and exits 0 on SIGTERM', async function () {
    this.timeout(30_000);
    const { child, info, exited } = await startEmulatorCli(['--members', '2000', '--rate-limit', '0']);
    expect(Object.keys(info)).to.deep.equal(['base', 'group_id', 'screen_name', 'token']);
    expect(info.base).to.match(/^http:\/\/127\.0\.0\.1:\d+\/method$/);
    const body = new URLSearchParams({
      group_id: info.screen_name,
      count: '5',
      v: '5.199',
      access_token: info.token,
    });
    const res = (await (await fetch(`${info.base}/groups.getMembers`, { method: 'POST', body })).json()) as {
      response: { count: number; items: number[] };
    };
    expect(res.response.count).to.equal(2000);
    expect(res.response.items).to.have.length(5);
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });

  it('exits 2 with the usage on bad arguments', async () => {
    const child = spawn(process.execPath, [CLI, '--members', 'lots'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).to.equal(2);
    expect(stderr).to.match(/--members needs a whole number >= 1, got "lots"/);
  });
});
