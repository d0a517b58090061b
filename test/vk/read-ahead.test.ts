import { expect } from 'chai';
import { ReadAhead } from '../../src/vk/read-ahead';

/** A fake API: each request at `start` with a fixed step; answers resolve on demand. */
function fakeIssuer(step: number) {
  const sent: { start: number; overlap: number; signal: AbortSignal; resolve: (v: string) => void }[] = [];
  const issue = (start: number, overlap: number, signal: AbortSignal) => {
    let resolve!: (v: string) => void;
    const answer = new Promise<string>((r, reject) => {
      resolve = r;
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
    sent.push({ start, overlap, signal, resolve });
    return { answer, next: start + step - overlap };
  };
  return { sent, issue };
}

describe('vk/read-ahead: requests sent at predicted offsets', () => {
  it('keeps `depth` requests in flight at the predicted offsets, none at or past the reported count', async () => {
    const api = fakeIssuer(1000);
    const ahead = new ReadAhead<string>(3, api.issue);
    const first = ahead.take(0, 1, 10_000);
    expect(api.sent.map((r) => r.start)).to.deep.equal([0, 999, 1998]);
    api.sent[0].resolve('a0');
    expect(await first).to.equal('a0');
    ahead.ensure(999, 1, 10_000); // the pager wants what was predicted: nothing is resent
    expect(api.sent.map((r) => r.start)).to.deep.equal([0, 999, 1998, 2997]);
    expect(ahead.wasted).to.equal(0);
    // Near the end: no request is predicted at or past the count.
    const tail = new ReadAhead<string>(3, fakeIssuer(1000).issue);
    tail.ensure(0, 1, 1500);
    expect(tail.inFlight).to.equal(2);
  });

  it('a request ahead that starts later than the pager wants is cancelled with those behind it; one up to `slack` earlier is used', async () => {
    const api = fakeIssuer(1000);
    const ahead = new ReadAhead<string>(3, api.issue, 400);
    void ahead.take(0, 1, 10_000);
    const predicted = api.sent.slice(1);
    ahead.ensure(900, 1, 10_000); // the pager stepped back: 999 would not reach back far enough
    expect(predicted.every((r) => r.signal.aborted)).to.equal(true);
    expect(ahead.wasted).to.equal(2);
    expect(api.sent.slice(3).map((r) => r.start)).to.deep.equal([900, 1899, 2898]);
    // The overlap the pager wants shrank: a request at 900 reads from before 1300, so it serves.
    ahead.ensure(1300, 1, 10_000);
    expect(ahead.wasted).to.equal(2);
    expect(api.sent).to.have.length(6);
    api.sent[3].resolve('from 900');
    expect(await ahead.take(1300, 1, 10_000)).to.equal('from 900');
    // More than `slack` before: cancelled (it would re-read too much).
    ahead.ensure(1899 + 401, 1, 10_000);
    expect(ahead.wasted).to.equal(4);
    expect(api.sent.slice(6).map((r) => r.start)).to.deep.equal([2300, 3299, 4298]);
    ahead.cancel();
    expect(api.sent.every((r) => r.signal.aborted || r.start === 0 || r.start === 900)).to.equal(true);
  });

  it('depth 1 waits for each answer; a bad depth is a clear error', () => {
    const api = fakeIssuer(1000);
    const ahead = new ReadAhead<string>(1, api.issue);
    void ahead.take(0, 1, 10_000);
    expect(api.sent).to.have.length(1);
    ahead.ensure(999, 1, 10_000);
    expect(api.sent).to.have.length(2);
    expect(() => new ReadAhead<string>(0, api.issue)).to.throw(RangeError, /in flight/);
  });
});
