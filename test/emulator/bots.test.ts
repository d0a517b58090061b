/**
 * Live bots of the synthetic community: drawn at a stated share, listed in the truth, with
 * profiles close to the labelled data's bots yet overlapping the humans, so that the
 * shipped bot score separates them well but not perfectly (docs/synthetic-community.md
 * "Bots").
 */
import { expect } from 'chai';
import { startEmulator } from '../../src/emulator';
import { CommunityGenerator } from '../../src/emulator/generator';
import { parseFields, userObject } from '../../src/emulator/serialize';
import { BOT_HUMAN_LIKENESS, BOT_PROFILE, DEFAULT_BOT_SHARE_OF_LIVE } from '../../src/emulator/truth';
import { auc } from '../../src/bots/fit/metrics';
import { readScorerModel, scoreColumns } from '../../src/bots/scorer';
import { toMemberRow } from '../../src/snapshot/member-row';
import { MEMBER_FIELDS } from '../../src/snapshot/schema';
import { FIXED_NOW_MS } from './helpers';

const REF = FIXED_NOW_MS / 1000;

describe('emulator / bots', function () {
  this.timeout(120_000);

  it('the shipped scorer reaches an AUC in 0.85–0.95 on synthetic live members, pulled as VK sends them', () => {
    const gen = new CommunityGenerator({ seed: 11, referenceSec: REF, botShare: 0.1 });
    const model = readScorerModel();
    const fields = parseFields(MEMBER_FIELDS);
    const scores: number[] = [];
    const bot: boolean[] = [];
    for (let i = 0; i < 25_000; i++) {
      const rec = gen.member(i);
      if (rec.deactivated !== 0) continue;
      scores.push(scoreColumns(model, toMemberRow(userObject(rec, fields, REF))));
      bot.push(rec.bot);
    }
    const nBots = bot.filter(Boolean).length;
    expect(nBots).to.be.within(1900, 2400);
    const a = auc(scores, bot);
    expect(a, `AUC ${a.toFixed(4)} on ${nBots} bots / ${bot.length - nBots} humans`).to.be.within(0.85, 0.95);
  });

  it('draws bots at the stated share of live members (default 3%), only among live members', () => {
    const gen = new CommunityGenerator({ seed: 3, referenceSec: REF });
    expect(gen.botShare).to.equal(DEFAULT_BOT_SHARE_OF_LIVE);
    let live = 0;
    let bots = 0;
    for (let i = 0; i < 40_000; i++) {
      const rec = gen.member(i);
      if (rec.deactivated !== 0) {
        expect(rec.bot).to.equal(false);
        continue;
      }
      live++;
      if (rec.bot) bots++;
    }
    const share = bots / live;
    const sd = Math.sqrt((DEFAULT_BOT_SHARE_OF_LIVE * (1 - DEFAULT_BOT_SHARE_OF_LIVE)) / live);
    expect(Math.abs(share - DEFAULT_BOT_SHARE_OF_LIVE)).to.be.below(4 * sd);
    expect(() => new CommunityGenerator({ seed: 3, referenceSec: REF, botShare: 1.5 })).to.throw(/botShare/);
  });

  it('leaves the humans as they are: a member who is not a bot is the same record whatever the bot share', () => {
    const none = new CommunityGenerator({ seed: 5, referenceSec: REF, botShare: 0 });
    const some = new CommunityGenerator({ seed: 5, referenceSec: REF, botShare: 0.2 });
    let bots = 0;
    for (let i = 0; i < 3000; i++) {
      const a = none.member(i);
      const b = some.member(i);
      expect(a.bot).to.equal(false);
      if (b.bot) bots++;
      else expect(b, `member ${i}`).to.deep.equal(a);
    }
    expect(bots).to.be.above(300);
  });

  it('gives bots the labelled bots’ profile, mixed with the humans’: status mostly absent, few closed profiles', () => {
    const gen = new CommunityGenerator({ seed: 9, referenceSec: REF, botShare: 0.5 });
    const tally = { bot: { n: 0, absent: 0, closed: 0 }, human: { n: 0, absent: 0, closed: 0 } };
    for (let i = 0; i < 20_000; i++) {
      const rec = gen.member(i);
      if (rec.deactivated !== 0) continue;
      const t = tally[rec.bot ? 'bot' : 'human'];
      t.n++;
      if (rec.status === null) t.absent++;
      if (rec.isClosed) t.closed++;
    }
    const q = BOT_HUMAN_LIKENESS;
    const share = (k: 'absent' | 'closed', who: 'bot' | 'human'): number => tally[who][k] / tally[who].n;
    // A field is a bot's with probability 1 - q, else the human's.
    const wantAbsent = (1 - q) * BOT_PROFILE.status.absent + q * share('absent', 'human');
    expect(share('absent', 'bot')).to.be.closeTo(wantAbsent, 0.02);
    expect(share('absent', 'human')).to.be.below(0.04);
    expect(share('closed', 'bot')).to.be.below(share('closed', 'human') / 2);
  });

  it('serves has_mobile and status to live members only; the truth lists the bots', async () => {
    const emu = await startEmulator({
      members: 3000,
      seed: 2,
      now: () => FIXED_NOW_MS,
      rateLimitPerSecond: 0,
    });
    try {
      const ids = emu.truth.memberIds();
      const botIds = new Set(emu.truth.botIds());
      expect(emu.truth.botShare()).to.equal(DEFAULT_BOT_SHARE_OF_LIVE);
      const gen = new CommunityGenerator({ seed: 2, referenceSec: REF });
      let absent = 0;
      let empty = 0;
      for (let i = 0; i < ids.length; i++) {
        const rec = gen.member(i);
        expect(botIds.has(ids[i])).to.equal(rec.bot);
        const user = emu.truth.user(ids[i], ['has_mobile', 'status'])!;
        if (rec.deactivated !== 0) {
          expect(user).not.to.have.any.keys('has_mobile', 'status');
          continue;
        }
        expect(user.has_mobile).to.be.oneOf([0, 1]);
        if (!('status' in user)) absent++;
        else if (user.status === '') empty++;
        else expect(user.status).to.be.a('string');
      }
      expect(botIds.size).to.be.above(30);
      expect(absent).to.be.above(0);
      expect(empty).to.be.above(0);
    } finally {
      await emu.close();
    }
  });
});
