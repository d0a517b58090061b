import { expect } from 'chai';
import { EmulatorHandle, SYNTHETIC_MARKER, startEmulator } from '../../src/emulator';
import { CommunityGenerator } from '../../src/emulator/generator';
import { parseFields, userObject } from '../../src/emulator/serialize';
import { VKScriptHost, runVKScript } from '../../src/emulator/vkscript/evaluate';
import { valueToJson } from '../../src/emulator/vkscript/json';
import { parseVKScript } from '../../src/emulator/vkscript/parser';
import { Value, fromPlain } from '../../src/emulator/vkscript/values';
import { MEMBER_FIELDS } from '../../src/snapshot/schema';
import { membersScript } from '../../src/vk/members-script';
import { FIXED_NOW_MS, call, fixedNow, vkApiExecuteCode, vkIoExecuteCode } from './helpers';

const FIELDS = MEMBER_FIELDS.join(',');

function expectVkError(answer: { status: number; json: any }, code: number): void {
  expect(answer.status).to.equal(200);
  expect(answer.json, JSON.stringify(answer.json)).to.have.property('error');
  expect(answer.json.error.error_code).to.equal(code);
  expect(answer.json.error.error_msg).to.be.a('string').and.not.equal('');
  expect(answer.json.error.request_params).to.be.an('array');
}

describe('emulator / HTTP API conformance', () => {
  let emu: EmulatorHandle;
  before(async () => {
    emu = await startEmulator({ members: 5000, seed: 7, rateLimitPerSecond: 0, now: fixedNow });
  });
  after(() => emu.close());
  afterEach(() =>
    emu.configure({
      rateLimitPerSecond: 0,
      hideMembers: false,
      accessDenied: false,
      faults: {},
      maxResponseBytes: 5 * 1024 * 1024,
    }),
  );

  it('groups.getById: {groups, profiles} for 5.199 with the synthetic marker; bare array for old versions', async () => {
    const a = await call(emu, 'groups.getById', { group_id: emu.screenName });
    const g = a.json.response.groups[0];
    expect(g).to.include({ id: 1, screen_name: 'synthetic_community', is_closed: 0, members_count: 5000 });
    expect(g.description.startsWith(`${SYNTHETIC_MARKER} seed=7 members=5000`)).to.equal(true);
    expect(a.json.response.profiles).to.deep.equal([]);
    for (const id of ['1', '-1', 'club1']) {
      expect((await call(emu, 'groups.getById', { group_ids: id })).json.response.groups[0].id).to.equal(1);
    }
    const old = await call(emu, 'groups.getById', { group_id: '1', v: '5.131' });
    expect(old.json.response[0].id).to.equal(1);
    expectVkError(await call(emu, 'groups.getById', { group_id: 'no_such_group' }), 100);
  });

  it('groups.getMembers: count, ids or fielded users, paging by offset, sort, count capped at 1000', async () => {
    const ids = await call(emu, 'groups.getMembers', { group_id: '1', count: 10 });
    expect(ids.json.response.count).to.equal(5000);
    expect(ids.json.response.items).to.deep.equal(Array.from(emu.truth.memberIds().slice(0, 10)));
    const page = await call(emu, 'groups.getMembers', {
      group_id: 'synthetic_community',
      offset: 4990,
      count: 50,
      fields: FIELDS,
    });
    expect(page.json.response.items).to.have.length(10);
    const u = page.json.response.items[0];
    expect(u).to.have.keys(Object.keys(emu.truth.user(u.id, MEMBER_FIELDS)!));
    expect(u).to.deep.equal(emu.truth.user(u.id, MEMBER_FIELDS));
    expect(u).to.include.keys('id', 'first_name', 'last_name', 'can_access_closed', 'is_closed');
    const desc = await call(emu, 'groups.getMembers', { group_id: '1', count: 3, sort: 'id_desc' });
    expect(desc.json.response.items).to.deep.equal(Array.from(emu.truth.memberIds().slice(-3)).reverse());
    const big = await call(emu, 'groups.getMembers', { group_id: '1', count: 5000 });
    expect(big.json.response.items).to.have.length(1000);
    const past = await call(emu, 'groups.getMembers', { group_id: '1', offset: 9000 });
    expect(past.json.response).to.deep.equal({ count: 5000, items: [] });
    expect(
      (await call(emu, 'groups.getMembers', { group_id: '1', filter: 'friends' })).json.response.count,
    ).to.equal(0);
  });

  it('a fielded page is sent in parts as it is written (chunked), and arrives whole; errors and short pages are not', async () => {
    const get = (params: Record<string, string>): Promise<Response> =>
      fetch(`${emu.base}/groups.getMembers`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ v: '5.199', access_token: emu.token, group_id: '1', ...params }),
      });
    const page = await get({ offset: '1000', count: '1000', fields: FIELDS });
    expect(page.headers.get('transfer-encoding')).to.equal('chunked');
    const json = (await page.json()) as { response: { items: { id: number }[] } };
    expect(json.response.items).to.have.length(1000);
    expect(json.response.items[999].id).to.be.greaterThan(json.response.items[0].id);
    const short = await get({ count: '100', fields: FIELDS });
    expect(short.headers.get('content-length')).to.equal(String(Buffer.byteLength(await short.text())));
    const bad = await get({ count: '1000', fields: FIELDS, group_id: 'no_such_group' });
    expect(((await bad.json()) as { error: { error_code: number } }).error.error_code).to.equal(125);
    // A client that hangs up after the first part (the pull cancels requests sent ahead):
    // the emulator goes on serving.
    for (let k = 0; k < 5; k++) {
      const ctl = new AbortController();
      const r = await fetch(`${emu.base}/groups.getMembers`, {
        method: 'POST',
        body: new URLSearchParams({
          v: '5.199',
          access_token: emu.token,
          group_id: '1',
          offset: String(k * 1000),
          count: '1000',
          fields: FIELDS,
        }),
        signal: ctl.signal,
      });
      const reader = r.body!.getReader();
      await reader.read();
      ctl.abort();
      await reader.read().catch(() => undefined);
    }
    const after = (await (await get({ count: '1000', fields: FIELDS })).json()) as {
      response: { items: unknown[] };
    };
    expect(after.response.items).to.have.length(1000);
  });

  it('GET with query parameters and the Authorization: Bearer header work too', async () => {
    const res = await fetch(`${emu.base}/groups.getMembers?group_id=1&count=2&v=5.199`, {
      headers: { authorization: `Bearer ${emu.token}` },
    });
    const json = (await res.json()) as { response: { items: number[] } };
    expect(json.response.items).to.have.length(2);
  });

  it('errors: 5 (no / bad token), 8 (no v), 3 (unknown method), 100 (bad parameters), 125 (unknown group), 15 (hidden members, time sort), 203 (closed group)', async () => {
    expectVkError(await call(emu, 'groups.getMembers', { group_id: '1' }, { token: null }), 5);
    expectVkError(await call(emu, 'groups.getMembers', { group_id: '1' }, { token: 'not-a-token' }), 5);
    expectVkError(await call(emu, 'groups.getMembers', { group_id: '1', v: '' }), 8);
    expectVkError(await call(emu, 'groups.getMembers', { group_id: '1', v: '5.50' }), 8);
    expectVkError(await call(emu, 'users.search', {}), 3);
    expectVkError(await call(emu, 'groups.getMembers', {}), 100);
    expectVkError(await call(emu, 'groups.getMembers', { group_id: '1', offset: -1 }), 100);
    expectVkError(await call(emu, 'groups.getMembers', { group_id: '1', count: 'ten' }), 100);
    expectVkError(await call(emu, 'groups.getMembers', { group_id: '1', sort: 'random' }), 100);
    expectVkError(await call(emu, 'groups.getMembers', { group_id: '999' }), 125);
    expectVkError(await call(emu, 'groups.getMembers', { group_id: '1', sort: 'time_asc' }), 15);
    emu.configure({ hideMembers: true });
    expectVkError(await call(emu, 'groups.getMembers', { group_id: '1' }), 15);
    emu.configure({ hideMembers: false, accessDenied: true });
    expectVkError(await call(emu, 'groups.getMembers', { group_id: '1' }), 203);
    expect((await call(emu, 'groups.getById', { group_id: '1' })).json).to.have.property('response');
    // A JSON body is not a VK request body: the parameters are missing.
    const res = await fetch(`${emu.base}/groups.getMembers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ group_id: 1, v: '5.199', access_token: emu.token }),
    });
    expect(((await res.json()) as { error: { error_code: number } }).error.error_code).to.equal(8);
  });

  it('never echoes the token in request_params, whether sent in the body or the header', async () => {
    const a = await call(emu, 'groups.getMembers', { group_id: '999' });
    expect(a.text).not.to.include(emu.token);
    expect(a.json.error.request_params).to.deep.include({ key: 'group_id', value: '999' });
    expect(a.json.error.request_params.map((p: { key: string }) => p.key)).not.to.include('access_token');
    const res = await fetch(`${emu.base}/groups.getMembers?group_id=999&v=5.199`, {
      headers: { authorization: `Bearer ${emu.token}` },
    });
    expect(await res.text()).not.to.include(emu.token);
  });

  it('execute: vk-io paging code pulls every member exactly once, in id order', async () => {
    emu.configure({ maxResponseBytes: 50 * 1024 * 1024 });
    const code = vkIoExecuteCode(
      'groups.getMembers',
      { group_id: emu.screenName, count: 1000, fields: [...MEMBER_FIELDS] },
      25,
    );
    const got: { id: number }[] = [];
    let total: number | undefined;
    while (total === undefined || got.length < total) {
      const a = await call(emu, 'execute', {
        code,
        offset: got.length,
        received: got.length,
        ...(total ? { total } : {}),
      });
      expect(a.json, a.text.slice(0, 300)).to.have.property('response');
      total = a.json.response.total;
      if (a.json.response.items.length === 0) break;
      got.push(...a.json.response.items);
    }
    expect(got.map((u) => u.id)).to.deep.equal(Array.from(emu.truth.memberIds()));
    expect(got[123]).to.deep.equal(emu.truth.user(got[123].id, MEMBER_FIELDS));
  });

  it('execute: python vk_api get_all_iter code pulls every member', async () => {
    const got: number[] = [];
    let offset = 0;
    let count: number | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const a = await call(emu, 'execute', {
        code: vkApiExecuteCode('groups.getMembers', { group_id: '1', count: 1000 }, count, offset),
      });
      got.push(...a.json.response.items);
      offset = a.json.response.offset;
      count = a.json.response.count;
      if (!a.json.response.more) break;
    }
    expect(got).to.deep.equal(Array.from(emu.truth.memberIds()));
  });

  it('execute errors: 28 with a service token, 12 on bad syntax, 13 above 25 calls or above maxResponseBytes', async () => {
    const code = vkIoExecuteCode('groups.getMembers', { group_id: '1', count: 1000, fields: FIELDS }, 25);
    expectVkError(await call(emu, 'execute', { code }, { token: emu.serviceToken }), 28);
    expect(
      (await call(emu, 'groups.getMembers', { group_id: '1', count: 1 }, { token: emu.serviceToken })).json,
    ).to.have.property('response');
    expectVkError(await call(emu, 'execute', { code: 'for (;;) {}' }), 12);
    // Nested past what the interpreter can walk: refused (12), not a stack overflow (10,
    // which clients retry as an internal error).
    const parens = await call(emu, 'execute', {
      code: `return ${'('.repeat(50_000)}1${')'.repeat(50_000)};`,
    });
    expectVkError(parens, 12);
    expect(parens.json.error.error_msg).to.match(/nested too deeply/);
    expectVkError(await call(emu, 'execute', { code: `return 1${'+1'.repeat(200_000)};` }), 12);
    expectVkError(await call(emu, 'execute', { code: 'var a = []; a.push(a); return a;' }), 13);
    expectVkError(
      await call(emu, 'execute', {
        code: 'var i = 0; while (i < 30) { API.groups.getMembers({group_id: 1, count: 1}); i = i + 1; } return i;',
      }),
      13,
    );
    emu.configure({ maxResponseBytes: 100_000 });
    const big = await call(emu, 'execute', { code, offset: 0, received: 0 });
    expectVkError(big, 13);
    expect(big.json.error.error_msg).to.match(/response size is too big/);
    const small = await call(emu, 'execute', {
      code: vkIoExecuteCode('groups.getMembers', { group_id: '1', count: 100, fields: FIELDS }, 1),
      offset: 0,
      received: 0,
    });
    expect(small.json.response.items).to.have.length(100);
  });

  it('execute: VKScript projections (items@.field@.sub) read the same values the objects carry', async () => {
    const code = `var r = API.groups.getMembers({"group_id": 1, "offset": 100, "count": 300, "fields": "${FIELDS}"});
      return {"ids": r.items@.id, "city": r.items@.city@.id, "sex": r.items@.sex, "seen": r.items@.last_seen@.time, "n": r.items.length};`;
    const a = await call(emu, 'execute', { code });
    const { ids, city, sex, seen, n } = a.json.response;
    expect(n).to.equal(300);
    expect(ids).to.deep.equal(Array.from(emu.truth.memberIds().slice(100, 400)));
    for (let i = 0; i < n; i++) {
      const u = emu.truth.user(ids[i], MEMBER_FIELDS)!;
      expect(city[i]).to.equal((u.city as { id: number } | undefined)?.id ?? null);
      expect(sex[i]).to.equal(u.sex ?? null);
      expect(seen[i]).to.equal((u.last_seen as { time: number } | undefined)?.time ?? null);
    }
    expect(city.filter((c: number | null) => c === null).length).to.be.greaterThan(30);
  });

  it('execute: a failing inner call gives false plus execute_errors', async () => {
    emu.configure({ hideMembers: true });
    const a = await call(emu, 'execute', {
      code: 'return [API.groups.getMembers({group_id: 1}), API.groups.getById({group_id: 1}).groups[0].id];',
    });
    expect(a.json.response).to.deep.equal([false, 1]);
    expect(a.json.execute_errors).to.deep.equal([
      { method: 'groups.getMembers', error_code: 15, error_msg: 'Access denied: group hide members' },
    ]);
  });

  it('faults: error 10, HTTP 5xx with HTML, non-JSON 200, reset sockets, slow answers — each switchable', async () => {
    emu.configure({ faults: { error10Rate: 1 } });
    expectVkError(await call(emu, 'groups.getMembers', { group_id: '1' }), 10);
    emu.configure({ faults: { http5xxRate: 1 } });
    const h = await call(emu, 'groups.getMembers', { group_id: '1' });
    expect([500, 502]).to.include(h.status);
    expect(h.text).to.match(/<html>/);
    emu.configure({ faults: { nonJsonRate: 1 } });
    const nj = await call(emu, 'groups.getMembers', { group_id: '1' });
    expect(nj.status).to.equal(200);
    expect(nj.json).to.equal(undefined);
    emu.configure({ faults: { resetRate: 1 } });
    let failed = false;
    try {
      await call(emu, 'groups.getMembers', { group_id: '1' });
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
    emu.configure({ faults: { slowRate: 1, slowMs: 300 } });
    const t0 = Date.now();
    expect((await call(emu, 'groups.getMembers', { group_id: '1', count: 1 })).json).to.have.property(
      'response',
    );
    expect(Date.now() - t0).to.be.at.least(290);
    emu.configure({ faults: {} });
    expect((await call(emu, 'groups.getMembers', { group_id: '1', count: 1 })).json).to.have.property(
      'response',
    );
    const stats = emu.stats();
    expect(stats.errors['10']).to.be.at.least(1);
    expect(stats.errors.reset).to.equal(1);
    expect(stats.byMethod['groups.getMembers']).to.be.greaterThan(5);
    expect(() => emu.configure({ faults: { error10Rate: 2 } })).to.throw(/between 0 and 1/);
  });

  it('determinism: two emulators with the same seed and clock answer with the same bytes', async () => {
    const other = await startEmulator({ members: 5000, seed: 7, rateLimitPerSecond: 0, now: fixedNow });
    try {
      const params = { group_id: '1', offset: 1234, count: 200, fields: FIELDS };
      const a = await call(emu, 'groups.getMembers', params);
      const b = await call(other, 'groups.getMembers', params, { token: other.token });
      expect(a.text).to.equal(b.text);
      expect(a.text.length).to.be.greaterThan(50_000);
    } finally {
      await other.close();
    }
  });

  it('rejects bad options with clear errors', async () => {
    for (const bad of [
      { members: 0 },
      { members: 1.5 },
      { members: 10, seed: 0.5 },
      { members: 10, faults: { http5xxRate: -1 } },
      { members: 10, drift: { joinPerRequest: 1.5 } },
    ]) {
      let message = '';
      try {
        await startEmulator(bad);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, JSON.stringify(bad)).to.match(/^emulator: /);
    }
  });
});

describe('emulator / rate limit', () => {
  it('answers error 6 above 3 requests per second per token, and serves again after the window', async () => {
    const emu = await startEmulator({ members: 1000, now: fixedNow });
    try {
      const first = await Promise.all(
        [1, 2, 3, 4].map(() => call(emu, 'groups.getMembers', { group_id: '1', count: 1 })),
      );
      const codes = first.map((a) => (a.json.error ? a.json.error.error_code : 0)).sort();
      expect(codes).to.deep.equal([0, 0, 0, 6]);
      // Another token has its own budget.
      expect(
        (await call(emu, 'groups.getMembers', { group_id: '1', count: 1 }, { token: emu.serviceToken })).json,
      ).to.have.property('response');
      await new Promise((r) => setTimeout(r, 1050));
      expect((await call(emu, 'groups.getMembers', { group_id: '1', count: 1 })).json).to.have.property(
        'response',
      );
      emu.configure({ rateLimitPerSecond: 0 });
      const burst = await Promise.all(
        Array.from({ length: 10 }, () => call(emu, 'groups.getMembers', { group_id: '1', count: 1 })),
      );
      expect(burst.every((a) => a.json.response)).to.equal(true);
      expect(emu.stats().errors['6']).to.equal(1);
    } finally {
      await emu.close();
    }
  });
});

describe('emulator / drift over HTTP', () => {
  it('members leave and join at each request; truth tracks who was present throughout', async () => {
    const emu = await startEmulator({
      members: 3000,
      seed: 3,
      rateLimitPerSecond: 0,
      now: fixedNow,
      drift: { leavePerRequest: 4, joinPerRequest: 2 },
    });
    try {
      const initial = new Set(emu.truth.memberIds());
      const start = emu.truth.requestCounter();
      const seen = new Set<number>();
      for (let offset = 0; offset < 3000; offset += 1000) {
        const a = await call(emu, 'groups.getMembers', { group_id: '1', offset, count: 1000 });
        for (const id of a.json.response.items) seen.add(id);
      }
      const end = emu.truth.requestCounter();
      expect(end - start).to.equal(3);
      expect(emu.truth.memberCount()).to.equal(3000 - 3 * 4 + 3 * 2);
      const now = emu.truth.memberIds();
      expect(now.length).to.equal(emu.truth.memberCount());
      const joined = [...now].filter((id) => !initial.has(id));
      expect(joined).to.have.length(6);
      expect(Math.min(...joined)).to.be.greaterThan(Math.max(...initial));
      const stayed = emu.truth.presentThroughout(start, end);
      expect(stayed.length).to.equal(3000 - 12);
      for (const id of stayed) expect(initial.has(id)).to.equal(true);
      // State c is what request c sees: request start+1 already lost 4 and gained 2.
      expect(emu.truth.presentThroughout(start + 1, end).length).to.equal(3000 - 12 + 2);
      expect(emu.truth.presentThroughout(start + 2, end).length).to.equal(3000 - 12 + 4);
      expect(emu.truth.presentThroughout(end, end).length).to.equal(emu.truth.memberCount());
      // Plain offset paging under drift skips members (what the pull must compensate for).
      const missed = [...stayed].filter((id) => !seen.has(id));
      expect(missed.length).to.be.greaterThan(0);
      emu.configure({ drift: {} });
      const before = emu.truth.memberCount();
      await call(emu, 'groups.getMembers', { group_id: '1', count: 1 });
      expect(emu.truth.memberCount()).to.equal(before);
    } finally {
      await emu.close();
    }
  });
});

describe('emulator / execute: the fast path against the plain one', () => {
  // The emulator runs execute with the fast interpreter on lazy users written by the byte
  // writer (src/emulator/fast/). The plain way: the plain interpreter on each user's
  // `userObject` as a script value, written by the plain JSON writer. Same answers.
  const MEMBERS = 6000;
  const SEED = 5;
  let emu: EmulatorHandle;
  before(async () => {
    emu = await startEmulator({
      members: MEMBERS,
      seed: SEED,
      rateLimitPerSecond: 0,
      now: fixedNow,
      maxResponseBytes: 1 << 30,
    });
  });
  after(() => emu.close());

  /** groups.getMembers the plain way, on the same community (no drift, id order). */
  function plainHost(args: Record<string, string>): VKScriptHost {
    const gen = new CommunityGenerator({ seed: SEED, referenceSec: FIXED_NOW_MS / 1000 });
    return {
      args: (name) => args[name] ?? null,
      callApi: (method, params) => {
        expect(method).to.equal('groups.getMembers');
        const offset = Number(params.get('offset') ?? 0);
        const count = Math.min(1000, Number(params.get('count') ?? 1000));
        const fieldsText = params.get('fields') ?? '';
        const fields = fieldsText.trim() === '' ? null : parseFields(fieldsText);
        const items: Value[] = [];
        for (let i = offset; i < Math.min(MEMBERS, offset + count); i++)
          items.push(fields ? fromPlain(userObject(gen.member(i), fields, gen.referenceSec)) : gen.idOf(i));
        return new Map<string, Value>([
          ['count', MEMBERS],
          ['items', items],
        ]);
      },
    };
  }

  it("vk-io's loop, python vk_api's loop and the pull's columns and objects scripts", async () => {
    const scripts: { name: string; code: string; args: Record<string, string> }[] = [
      {
        name: 'vk-io',
        code: vkIoExecuteCode(
          'groups.getMembers',
          { group_id: emu.groupId, count: 1000, fields: FIELDS },
          25,
        ),
        args: { offset: '1000', received: '1000', total: String(MEMBERS) },
      },
      {
        name: 'vk_api',
        code: vkApiExecuteCode(
          'groups.getMembers',
          { group_id: emu.groupId, count: 1000, fields: FIELDS },
          null,
          0,
        ),
        args: {},
      },
      ...(['columns', 'objects'] as const).map((shape) => ({
        name: `pull ${shape}`,
        code: membersScript({
          groupId: emu.groupId,
          start: 999,
          page: 1000,
          overlap: 1,
          calls: 25,
          fields: MEMBER_FIELDS,
          shape,
        }),
        args: {},
      })),
    ];
    for (const s of scripts) {
      const answer = await call(emu, 'execute', { code: s.code, ...s.args });
      expect(answer.text.startsWith('{"response":'), s.name).to.equal(true);
      const fast = answer.text.slice('{"response":'.length, -1);
      const plain = valueToJson(runVKScript(parseVKScript(s.code), plainHost(s.args)), () => 'null');
      expect(fast.length, s.name).to.be.greaterThan(100_000);
      if (fast !== plain) expect(fast, s.name).to.equal(plain);
    }
  });
});
