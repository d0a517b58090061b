import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pullMembers } from '../../src/vk/members';
import { readSnapshot } from '../../src/snapshot/read';
import { startScriptServer, vkError, type ScriptServer } from './script-server';

/**
 * An API whose execute runs the paging loop but rejects VKScript field projections (`@.`)
 * with a runtime error 13 — the case where shrinking would never help. 2,500 members with
 * ids 10, 20, 30, …
 */
function projectionHostileApi(server: ScriptServer, members: number): void {
  server.handler = (seen) => {
    if (seen.url.endsWith('/groups.getById')) {
      return {
        body: JSON.stringify({
          response: {
            groups: [{ id: 7, name: 'G', screen_name: 'g', description: 'a real-looking group' }],
            profiles: [],
          },
        }),
      };
    }
    const code = seen.form.get('code') ?? '';
    if (code.includes('@.')) return { body: vkError(13, 'Runtime error occurred during code invocation') };
    const start = Number(/var o = (\d+);/.exec(code)?.[1]);
    const calls = Number(/while \(n < (\d+)\)/.exec(code)?.[1]);
    const page = Number(/"count":(\d+)/.exec(code)?.[1]);
    const step = Number(/o = o \+ (\d+);/.exec(code)?.[1]);
    const counts: number[] = [];
    const lens: number[] = [];
    const items: unknown[] = [];
    for (let k = 0; k < calls; k++) {
      const off = start + k * step;
      const n = Math.max(0, Math.min(page, members - off));
      counts.push(members);
      lens.push(n);
      for (let i = 0; i < n; i++)
        items.push({ id: (off + i + 1) * 10, first_name: 'A', last_name: 'B', sex: 1 });
      if (n < page) break;
    }
    return { body: JSON.stringify({ response: { counts, lens, items } }) };
  };
}

describe('vk/members: adapting to an API that rejects field projections', () => {
  let server: ScriptServer;
  let dir: string;
  beforeEach(async () => {
    server = await startScriptServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-fb-'));
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('error 13 down to one call switches to whole objects (not endless shrinking) and gets everyone', async () => {
    projectionHostileApi(server, 2500);
    const notices: string[] = [];
    const out = path.join(dir, 'snap');
    const r = await pullMembers({
      base: server.base,
      token: 'tok-123456',
      group: 'g',
      out,
      rateLimit: 0,
      callsPerExecute: 4,
      onNotice: (m) => notices.push(m),
    });
    expect(notices.join('\n')).to.match(/whole user objects/);
    expect(r.manifest.source.kind).to.equal('vk');
    const ids = Array.from(readSnapshot(out).table.array('id') as Int32Array);
    expect(ids).to.deep.equal(Array.from({ length: 2500 }, (_, i) => (i + 1) * 10));
  });
});
