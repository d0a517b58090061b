import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EmulatorHandle } from '../../src/emulator/index';
import { pullMembers, type PullResult } from '../../src/vk/members';
import { VkApiError } from '../../src/vk/errors';
import { readSnapshot } from '../../src/snapshot/read';
import { emulator, expectTruth, snapshotIds, tmpDir } from './helpers';

describe('pull against the emulator (in-process)', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle | undefined;
  let dir: string;
  beforeEach(() => {
    dir = tmpDir('pull');
  });
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a full pull equals the emulator's truth, value for value, and is marked synthetic", async () => {
    emu = await emulator({ members: 8_765, seed: 3 });
    const out = path.join(dir, 'snap');
    const r = await pullMembers({
      base: emu.base,
      token: emu.token,
      group: emu.screenName,
      out,
      rateLimit: 0,
      callsPerExecute: 5,
    });
    expectTruth(out, emu);
    expect(r.manifest.source).to.deep.include({
      kind: 'synthetic',
      synthetic: { seed: 3, members: 8_765, bot_share: 0.03, followers_zero_share: 0 },
    });
    expect(r.manifest.counts).to.deep.equal({
      reported_at_start: 8_765,
      reported_at_end: 8_765,
      rows_written: 8_765,
    });
    expect(r.manifest.group).to.deep.equal({
      id: emu.groupId,
      screen_name: emu.screenName,
      name: r.manifest.group.name,
    });
    expect(r.manifest.api_version).to.equal('5.199');
    expect(r.mode).to.equal('execute');
    expect(r.requests).to.equal(1 + 2); // getById + ceil(8765 / (5 × 999))
    expect(fs.readdirSync(out).sort()).to.deep.equal(['manifest.json', 'members.arrow']);
    const again = await pullMembers({
      base: emu.base,
      token: emu.token,
      group: emu.groupId,
      out,
      rateLimit: 0,
    });
    expect(again.alreadyComplete).to.equal(true);
  });

  for (const [kind, faults, reason] of [
    ['error 10', { error10Rate: 0.5 }, /^error 10$/],
    ['HTTP 500/502', { http5xxRate: 0.5 }, /^HTTP 50[02]$/],
    ['non-JSON answers', { nonJsonRate: 0.5 }, /^non_json$/],
    ['connection resets', { resetRate: 0.5 }, /^reset$/],
    ['timeouts', { slowRate: 0.4, slowMs: 1200 }, /^timeout$/],
  ] as const) {
    it(`under ${kind} nothing is lost, and the retries are counted and reported`, async () => {
      emu = await emulator({ members: 3500, seed: 4, faults });
      const out = path.join(dir, 'snap');
      const retried: string[] = [];
      const r: PullResult = await pullMembers({
        base: emu.base,
        token: emu.token,
        group: emu.screenName,
        out,
        rateLimit: 0,
        mode: 'plain',
        timeoutMs: 500,
        maxAttempts: 15,
        backoffBaseMs: 20,
        backoffMaxMs: 200,
        onRetry: (x) => retried.push(x.reason),
      });
      expectTruth(out, emu, 3);
      expect(retried.filter((x) => reason.test(x)).length, `${kind} retried`).to.be.greaterThan(0);
      expect(r.retries).to.equal(retried.length);
      expect(r.retrySummary).to.match(/^\d+ retr/);
    });
  }

  it('all faults at once, through execute: nothing is lost', async () => {
    emu = await emulator({
      members: 6000,
      seed: 11,
      faults: {
        error10Rate: 0.1,
        http5xxRate: 0.1,
        nonJsonRate: 0.1,
        resetRate: 0.1,
        slowRate: 0.05,
        slowMs: 1200,
      },
    });
    const out = path.join(dir, 'snap');
    const r = await pullMembers({
      base: emu.base,
      token: emu.token,
      group: emu.screenName,
      out,
      rateLimit: 0,
      callsPerExecute: 1,
      timeoutMs: 600,
      maxAttempts: 15,
      backoffBaseMs: 20,
      backoffMaxMs: 200,
    });
    expectTruth(out, emu, 5);
    expect(r.retries).to.be.greaterThan(0);
  });

  it('error 6 storms (client faster than the API allows) are ridden out', async () => {
    emu = await emulator({ members: 4000, seed: 5, rateLimitPerSecond: 3 });
    const out = path.join(dir, 'snap');
    const r = await pullMembers({
      base: emu.base,
      token: emu.token,
      group: emu.screenName,
      out,
      rateLimit: 0,
      mode: 'plain',
      maxAttempts: 20,
    });
    expectTruth(out, emu, 11);
    expect(r.retriesByReason['error 6']).to.be.greaterThan(0);
  });

  it('error 13 (answer too big) shrinks the calls per execute and loses nothing', async () => {
    emu = await emulator({ members: 5000, seed: 6, maxResponseBytes: 250_000 });
    const out = path.join(dir, 'snap');
    const notices: string[] = [];
    const r = await pullMembers({
      base: emu.base,
      token: emu.token,
      group: emu.screenName,
      out,
      rateLimit: 0,
      onNotice: (m) => notices.push(m),
    });
    expectTruth(out, emu, 5);
    expect(r.callsPerExecute).to.be.lessThan(25);
    expect(notices.some((n) => /error 13/.test(n))).to.equal(true);
  });

  it('with the objects shape too (whole user objects), the pull equals the truth', async () => {
    emu = await emulator({ members: 3000, seed: 7 });
    const out = path.join(dir, 'snap');
    await pullMembers({
      base: emu.base,
      token: emu.token,
      group: emu.screenName,
      out,
      rateLimit: 0,
      shape: 'objects',
      callsPerExecute: 2,
    });
    expectTruth(out, emu);
  });

  it('drift during the pull: everyone present throughout appears exactly once, nobody twice', async () => {
    emu = await emulator({ members: 15_000, seed: 8, drift: { leavePerRequest: 25, joinPerRequest: 25 } });
    const out = path.join(dir, 'snap');
    const from = emu.truth.requestCounter();
    const r = await pullMembers({
      base: emu.base,
      token: emu.token,
      group: emu.screenName,
      out,
      rateLimit: 0,
      callsPerExecute: 2,
    });
    const to = emu.truth.requestCounter();
    const ids = snapshotIds(out);
    expect(new Set(ids).size, 'no duplicates').to.equal(ids.length);
    const got = new Set(ids);
    const missing = Array.from(emu.truth.presentThroughout(from, to)).filter((id) => !got.has(id));
    expect(missing, 'present throughout but missing').to.deep.equal([]);
    expect(r.manifest.counts.reported_at_start).to.not.equal(undefined);
    expect(r.requests).to.be.greaterThan(4);
  });

  it('a service token falls back to plain calls (error 28) and still gets everyone', async () => {
    emu = await emulator({ members: 2500, seed: 9 });
    const out = path.join(dir, 'snap');
    const notices: string[] = [];
    const r = await pullMembers({
      base: emu.base,
      token: emu.serviceToken,
      group: emu.screenName,
      out,
      rateLimit: 0,
      onNotice: (m) => notices.push(m),
    });
    expectTruth(out, emu, 3);
    expect(r.mode).to.equal('plain');
    expect(notices.join('\n')).to.match(/error 28.*plain/);
  });

  it('hidden members: error 15 with advice, nothing written', async () => {
    emu = await emulator({ members: 1000, hideMembers: true });
    const out = path.join(dir, 'snap');
    const err = await pullMembers({
      base: emu.base,
      token: emu.token,
      group: emu.screenName,
      out,
      rateLimit: 0,
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(VkApiError);
    expect((err as VkApiError).code).to.equal(15);
    expect((err as Error).message).to.match(/hides its member list/);
    expect(fs.existsSync(out)).to.equal(false);
  });

  it('an interrupted pull (abort at a random batch) resumes to exactly the uninterrupted result', async () => {
    emu = await emulator({ members: 8000, seed: 10 });
    const out = path.join(dir, 'snap');
    const controller = new AbortController();
    let batches = 0;
    const err = await pullMembers({
      base: emu.base,
      token: emu.token,
      group: emu.screenName,
      out,
      rateLimit: 0,
      callsPerExecute: 1,
      signal: controller.signal,
      onProgress: () => {
        if (++batches === 3) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as Error).name).to.equal('AbortedError');
    expect(() => readSnapshot(out)).to.throw(/unfinished/);
    const r = await pullMembers({
      base: emu.base,
      token: emu.token,
      group: emu.screenName,
      out,
      rateLimit: 0,
      callsPerExecute: 1,
    });
    expect(r.resumed).to.equal(true);
    expect(r.rowsThisRun).to.be.lessThan(8000);
    expectTruth(out, emu, 13);
  });
});
