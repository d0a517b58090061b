/**
 * The community generated ahead by a worker thread (fast/member-store.ts, record-codec.ts): a
 * stored member is the generator's member exactly, every block gets stored (also after a
 * jump), and the emulator starts and stops the worker with itself. Byte-identical answers
 * with the store on are checked in golden.test.ts.
 */
import { expect } from 'chai';
import { startEmulator } from '../../src/emulator';
import { CommunityGenerator, emptyRecord } from '../../src/emulator/generator';
import { BLOCK_SHIFT, MemberStore } from '../../src/emulator/fast/member-store';
import { RecordCodec, allocateColumns } from '../../src/emulator/fast/record-codec';
import { PREGENERATE_MIN_MEMBERS } from '../../src/emulator/server';

const REF_SEC = Date.UTC(2026, 10, 1) / 1000;

describe('emulator / member store', function () {
  this.timeout(60_000);

  it('packs and unpacks 30,000 members losslessly (every kind of profile)', () => {
    const gen = new CommunityGenerator({ seed: 7, referenceSec: REF_SEC });
    const codec = new RecordCodec();
    const { columns } = allocateColumns(30_000);
    const seen = {
      deleted: 0,
      banned: 0,
      closed: 0,
      university: 0,
      school: 0,
      noBdate: 0,
      shortBdate: 0,
      country: 0,
    };
    for (let i = 0; i < 30_000; i++) {
      const rec = gen.member(i);
      codec.encode(rec, columns, i);
      expect(codec.decodeInto(columns, i, i, emptyRecord())).to.deep.equal(rec);
      seen.deleted += +(rec.deactivated === 1);
      seen.banned += +(rec.deactivated === 2);
      seen.closed += +rec.isClosed;
      seen.university += +(rec.university !== null);
      seen.school += +(rec.occupation?.type === 'school');
      seen.noBdate += +(rec.bdate === null);
      seen.shortBdate += +(rec.bdate !== null && rec.bdate.split('.').length === 2);
      seen.country += +(rec.city === null && rec.countryId !== 0);
    }
    for (const [kind, n] of Object.entries(seen)) expect(n, kind).to.be.greaterThan(50);
  });

  it('refuses a value it cannot store, naming it', () => {
    const gen = new CommunityGenerator({ seed: 7, referenceSec: REF_SEC });
    const codec = new RecordCodec();
    const { columns } = allocateColumns(1);
    const rec = gen.member(3);
    expect(() => codec.encode({ ...rec, firstName: 'Зевс' }, columns, 0)).to.throw(
      RangeError,
      /first name "Зевс" is not in recordCatalog/,
    );
    expect(() => codec.encode({ ...rec, bdate: '31.12.1990x' }, columns, 0)).to.throw(RangeError, /birthday/);
    expect(() => codec.encode({ ...rec, platform: 300 }, columns, 0)).to.throw(RangeError, /platform 300/);
  });

  it('the worker stores every block, also after a read it had not reached (it jumps ahead, then wraps round); reads match the generator', async () => {
    const gen = new CommunityGenerator({ seed: 11, referenceSec: REF_SEC });
    const capacity = 3 * (1 << BLOCK_SHIFT) - 100;
    const store = new MemberStore(gen, capacity);
    try {
      const reference = new CommunityGenerator({ seed: 11, referenceSec: REF_SEC });
      // Before the worker can have got there: generated on the spot, and the worker is sent there.
      expect(store.member(capacity - 1)).to.deep.equal(reference.member(capacity - 1));
      await store.whenFilled();
      expect(store.error()).to.equal(undefined);
      expect(store.storedCount()).to.equal(capacity);
      for (let i = 0; i < capacity; i++) {
        expect(store.has(i)).to.equal(true);
        if (i % 13 === 0) expect(store.member(i), `member ${i}`).to.deep.equal(reference.member(i));
      }
      // Past the stored community (members who joined later): the generator's.
      expect(store.has(capacity)).to.equal(false);
      expect(store.member(capacity + 5)).to.deep.equal(reference.member(capacity + 5));
      expect(store.idOf(17)).to.equal(reference.idOf(17));
    } finally {
      await store.close();
    }
  });

  it(`the emulator pre-generates from ${PREGENERATE_MIN_MEMBERS.toLocaleString('en-US')} members on, or when asked; close() stops the worker`, async () => {
    const small = await startEmulator({ members: 2000 });
    expect(small.store).to.equal(undefined);
    await small.close();
    const asked = await startEmulator({ members: 2000, pregenerate: true });
    expect(asked.store?.capacity).to.equal(2000);
    await asked.store!.whenFilled();
    expect(asked.store!.storedCount()).to.equal(2000);
    await asked.close();
    const big = await startEmulator({ members: PREGENERATE_MIN_MEMBERS });
    expect(big.store?.capacity).to.equal(PREGENERATE_MIN_MEMBERS);
    await big.close();
    // Terminated, not left running: the wait ends although the 20k may not all be stored.
    await big.store!.whenFilled();
    const off = await startEmulator({ members: PREGENERATE_MIN_MEMBERS, pregenerate: false });
    expect(off.store).to.equal(undefined);
    await off.close();
    let err: Error | undefined;
    await startEmulator({ members: 2000, pregenerate: 'yes' as unknown as boolean }).catch(
      (e: Error) => (err = e),
    );
    expect(err?.message).to.match(/pregenerate must be true or false/);
  });
});
