/**
 * Several communities from one population, time advancing, and the 15M community's pages
 * (docs/synthetic-community.md "Several communities", "Time", "The 15M community").
 */
import { expect } from 'chai';
import { LARGE_COMMUNITY, SMALL_COMMUNITIES, type StepTruth, startEmulator } from '../../src/emulator';
import { idOfIndex } from '../../src/emulator/generator';
import { FIXED_NOW_MS, call } from './helpers';

const pageIds = async (emu: Awaited<ReturnType<typeof startEmulator>>, group: string, offset: number) =>
  (await call(emu, 'groups.getMembers', { group_id: group, offset, count: 1000 })).json.response;

describe('emulator / several communities and time', function () {
  this.timeout(120_000);

  it('serves each community by id and screen name; overlaps and shares in the truth are exact and differ', async () => {
    const emu = await startEmulator({
      members: 8000,
      seed: 4,
      now: () => FIXED_NOW_MS,
      rateLimitPerSecond: 0,
    });
    try {
      const byId = await call(emu, 'groups.getById', { group_id: `${emu.groupId + 2},synthetic_youth` });
      const groups = byId.json.response.groups;
      expect(groups.map((g: { screen_name: string }) => g.screen_name)).to.deep.equal([
        'synthetic_brand',
        'synthetic_youth',
      ]);
      const truth = emu.truth.communities();
      expect(truth.map((c) => c.group_id)).to.deep.equal([
        1,
        ...SMALL_COMMUNITIES.map((s) => 1 + s.idOffset),
      ]);
      // Pull each community whole by getMembers and check the truth's sizes and overlaps.
      const ids = new Map<number, Set<number>>();
      for (const c of truth) {
        const got: number[] = [];
        for (let offset = 0; ; offset += 1000) {
          const page = await pageIds(emu, c.screen_name, offset);
          got.push(...page.items);
          expect(page.count).to.equal(c.members);
          if (page.items.length < 1000) break;
        }
        expect(got).to.deep.equal([...emu.truth.memberIds(c.group_id)]);
        ids.set(c.group_id, new Set(got));
      }
      for (const o of emu.truth.overlaps()) {
        if (o.b === emu.groupId + LARGE_COMMUNITY.idOffset) continue;
        const a = ids.get(o.a)!;
        expect(o.common, `${o.a} x ${o.b}`).to.equal([...ids.get(o.b)!].filter((x) => a.has(x)).length);
        expect(o.common).to.be.above(0);
      }
      const share = (g: number, k: 'deleted' | 'inactive') =>
        truth.find((c) => c.group_id === g)!.statuses[k] / truth.find((c) => c.group_id === g)!.members;
      const bots = (g: number) =>
        truth.find((c) => c.group_id === g)!.bots / truth.find((c) => c.group_id === g)!.live;
      expect(share(2, 'inactive')).to.be.above(share(1, 'inactive') + 0.05);
      expect(share(4, 'deleted')).to.be.below(share(1, 'deleted') / 2);
      expect(bots(3)).to.be.above(3 * bots(1));
      expect(emu.truth.json()).to.have.keys(
        'format',
        'seed',
        'reference_time',
        'bot_share_of_live',
        'followers_zero_share_of_live',
        'inactive_days',
        'communities',
        'overlaps',
        'steps',
        'model',
      );
    } finally {
      await emu.close();
    }
  });

  it('advances time: joins, leaves and status moves are the truth of a second pull', async () => {
    const emu = await startEmulator({
      members: 5000,
      seed: 6,
      now: () => FIXED_NOW_MS,
      rateLimitPerSecond: 0,
    });
    try {
      const pull = async (): Promise<Map<number, Record<string, unknown>>> => {
        const out = new Map<number, Record<string, unknown>>();
        for (let offset = 0; ; offset += 1000) {
          const r = (
            await call(emu, 'groups.getMembers', {
              group_id: emu.groupId,
              offset,
              count: 1000,
              fields: 'last_seen',
            })
          ).json.response;
          for (const u of r.items) out.set(u.id, u);
          if (r.items.length < 1000) break;
        }
        return out;
      };
      const first = await pull();
      const res = await fetch(emu.base.replace(/\/method$/, '/control/advance'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ access_token: emu.token, days: '60', leave: '0.05', join: '0.1' }),
      });
      const step = ((await res.json()) as { response: StepTruth }).response;
      const second = await pull();
      const news = step.communities.find((c) => c.group_id === emu.groupId)!;
      const stayed = [...second.keys()].filter((id) => first.has(id)).length;
      expect(news.stayed).to.equal(stayed);
      expect(news.left).to.equal(first.size - stayed);
      expect(news.joined).to.equal(second.size - stayed);
      expect(news.left).to.equal(250);
      expect(news.joined).to.equal(500);
      // Deletions and bans among stayers, visits that moved last_seen on.
      let deactivated = 0;
      let visitedAgain = 0;
      for (const [id, u] of second) {
        const before = first.get(id);
        if (!before) continue;
        if (u.deactivated && !before.deactivated) deactivated++;
        const t0 = (before.last_seen as { time: number } | undefined)?.time;
        const t1 = (u.last_seen as { time: number } | undefined)?.time;
        if (t0 !== undefined && t1 !== undefined && t1 > t0) visitedAgain++;
      }
      const moved = news.transitions;
      expect(
        moved.active.deleted +
          moved.active.banned +
          moved.inactive.deleted +
          moved.inactive.banned +
          moved.hidden.deleted +
          moved.hidden.banned,
      ).to.equal(deactivated);
      expect(deactivated).to.be.above(0);
      expect(visitedAgain).to.be.above(1000);
      expect(moved.active.inactive).to.be.above(0);
      expect(emu.truth.steps()).to.have.length(1);
      expect(() => emu.advance({ days: 0 })).to.throw(/days/);
    } finally {
      await emu.close();
    }
  });

  it('the 15M community: pages at random offsets are generated on demand, deterministic and offset-consistent', async () => {
    const emu = await startEmulator({
      members: 2000,
      seed: 8,
      now: () => FIXED_NOW_MS,
      rateLimitPerSecond: 0,
    });
    const again = await startEmulator({
      members: 3000,
      seed: 8,
      now: () => FIXED_NOW_MS,
      rateLimitPerSecond: 0,
    });
    try {
      const g = LARGE_COMMUNITY.screenName;
      const offset = 14_123_456;
      const a = await pageIds(emu, g, offset);
      expect(a.count).to.equal(15_000_000);
      expect(a.items).to.have.length(1000);
      expect(a.items[0]).to.equal(idOfIndex(8, LARGE_COMMUNITY.firstIndex + offset));
      // Another emulator with the same seed (and another news size) serves the same page.
      expect((await pageIds(again, g, offset)).items).to.deep.equal(a.items);
      // Overlapping pages agree where they overlap.
      const b = await pageIds(emu, g, offset + 400);
      expect(b.items.slice(0, 600)).to.deep.equal(a.items.slice(400));
      const last = await pageIds(emu, g, 15_000_000 - 10);
      expect(last.items).to.have.length(10);
      const fielded = (
        await call(emu, 'groups.getMembers', {
          group_id: g,
          offset: 7_000_000,
          count: 3,
          fields: 'sex,status',
        })
      ).json.response.items;
      expect(fielded).to.have.length(3);
    } finally {
      await emu.close();
      await again.close();
    }
  });
});
