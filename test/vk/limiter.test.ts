import { expect } from 'chai';
import { AbortedError, FakeClock, type Clock } from '../../src/vk/clock';
import { RateLimiter, VK_WINDOW_MS, limiterForToken } from '../../src/vk/limiter';

describe('vk/limiter: request spacing per token (fake clock)', () => {
  it('spaces requests 1133/3 ms apart as vk-io does, the first one at once', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ requestsPerSecond: 3, clock });
    const started: number[] = [];
    const run = async () => {
      await limiter.acquire();
      started.push(clock.now());
    };
    const all = Promise.all([run(), run(), run(), run(), run(), run(), run()]);
    await clock.advance(5000);
    await all;
    expect(started).to.have.length(7);
    const interval = VK_WINDOW_MS / 3;
    started.forEach((t, i) => expect(t).to.be.closeTo(i * interval, 1e-9));
    // Never more than 3 starts in any 1000 ms window (VK's limit), even at the boundary.
    for (let i = 0; i + 3 < started.length; i++) expect(started[i + 3] - started[i]).to.be.greaterThan(1000);
  });

  it('does not make an idle caller wait, and does not bank idle time into a burst', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ requestsPerSecond: 3, clock });
    await clock.advance(10_000);
    const t: number[] = [];
    const p = Promise.all(
      [0, 1, 2].map(async () => {
        await limiter.acquire();
        t.push(clock.now());
      }),
    );
    await clock.advance(2000);
    await p;
    expect(t[0]).to.equal(10_000);
    expect(t[1] - t[0]).to.be.closeTo(VK_WINDOW_MS / 3, 1e-9);
  });

  it('pause() holds every later request (error 6 pauses the whole queue)', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ requestsPerSecond: 3, clock });
    await limiter.acquire();
    limiter.pause(2000);
    let at = -1;
    const p = limiter.acquire().then(() => {
      at = clock.now();
    });
    await clock.advance(1999);
    expect(at).to.equal(-1);
    await clock.advance(10);
    await p;
    expect(at).to.equal(2000);
  });

  it('rate 0 means unlimited; bad rates are rejected with a clear message', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ requestsPerSecond: 0, clock });
    for (let i = 0; i < 100; i++) await limiter.acquire();
    expect(clock.now()).to.equal(0);
    expect(() => new RateLimiter({ requestsPerSecond: -1 })).to.throw(RangeError, /requests per second/);
    expect(() => new RateLimiter({ requestsPerSecond: NaN })).to.throw(RangeError);
  });

  it('spaces each request from when the previous one was actually granted (a late timer does not squeeze the next)', async () => {
    // A clock whose next sleep wakes `late` ms after its deadline: the event loop was busy.
    const fake = new FakeClock();
    let late = 0;
    const clock: Clock = {
      now: () => fake.now(),
      sleep: (ms, signal) => {
        const extra = late;
        late = 0;
        return fake.sleep(ms + extra, signal);
      },
    };
    const limiter = new RateLimiter({ requestsPerSecond: 3, clock });
    const interval = VK_WINDOW_MS / 3;
    const started: number[] = [];
    await limiter.acquire();
    started.push(fake.now());
    late = 300;
    const rest = Promise.all(
      [1, 2, 3, 4].map(async () => {
        await limiter.acquire();
        started.push(fake.now());
      }),
    );
    await fake.advance(5000);
    await rest;
    expect(started[1]).to.be.closeTo(interval + 300, 1e-9);
    for (let i = 1; i < started.length; i++)
      expect(started[i] - started[i - 1]).to.be.at.least(interval - 1e-9);
    for (let i = 0; i + 3 < started.length; i++) expect(started[i + 3] - started[i]).to.be.greaterThan(1000);
  });

  it('a caller aborted while waiting takes no slot from the callers behind it', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ requestsPerSecond: 3, clock });
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal).then(
      () => 'granted',
      (e: unknown) => e,
    );
    let at = -1;
    const next = limiter.acquire().then(() => {
      at = clock.now();
    });
    await clock.advance(100);
    controller.abort();
    await clock.advance(1000);
    await next;
    expect(await aborted).to.be.instanceOf(AbortedError);
    expect(at).to.be.closeTo(VK_WINDOW_MS / 3, 1e-9);
  });

  it('one limiter per token: the same token shares it, another token gets its own', () => {
    const a = limiterForToken('token-a-0000');
    expect(limiterForToken('token-a-0000')).to.equal(a);
    expect(limiterForToken('token-b-0000')).to.not.equal(a);
  });
});
