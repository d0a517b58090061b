/**
 * Seeded pseudo-random numbers shared by the generator, the sampler and the tests.
 *
 * xoshiro128** (Blackman & Vigna) on 32-bit integers: JS has fast 32-bit integer ops
 * (Math.imul) but no fast 64-bit ones, so a 64-bit generator would go through BigInt.
 * Seeds are expanded with splitmix32 so that nearby seeds (chain 1, chain 2, …) give
 * unrelated streams. `Rng.forKey(seed, key)` gives an independent stream per key
 * (per member, per chain) so work can be split and resumed without replaying a stream.
 */

/** splitmix32's output function for one state value. */
function splitmix32Mix(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return z >>> 0;
}

/** A 32-bit avalanche hash of (seed, key): the starting point of keyed streams. */
export function hash32(seed: number, key: number): number {
  let h = Math.imul((seed | 0) ^ 0x27d4eb2d, 0x165667b1) ^ Math.imul(key | 0, 0x9e3779b1);
  h ^= Math.floor(key / 4294967296) | 0; // keys beyond 2^32 still differ
  h = Math.imul(h ^ (h >>> 15), 0x85ebca77);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae3d);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = NaN;

  constructor(seed: number) {
    this.a = this.b = this.c = this.d = 0;
    this.reseed(seed);
  }

  /** An independent stream for `key` under `seed` (e.g. one per member or per chain). */
  static forKey(seed: number, key: number): Rng {
    return new Rng(hash32(seed, key));
  }

  /**
   * Restarts this generator in place: afterwards it draws exactly the stream `new Rng(seed)`
   * draws. For hot loops that need a fresh stream per item (the emulator generates one
   * member per keyed stream) without allocating a generator each time.
   */
  reseed(seed: number): this {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    // splitmix32, four steps, inlined: the state advances by the golden gamma, the output is mixed.
    let s = Math.trunc(seed) | 0;
    s = (s + 0x9e3779b9) | 0;
    this.a = splitmix32Mix(s);
    s = (s + 0x9e3779b9) | 0;
    this.b = splitmix32Mix(s);
    s = (s + 0x9e3779b9) | 0;
    this.c = splitmix32Mix(s);
    s = (s + 0x9e3779b9) | 0;
    this.d = splitmix32Mix(s);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
    this.spareNormal = NaN;
    return this;
  }

  /** In place, the stream `Rng.forKey(seed, key)` draws. */
  reseedForKey(seed: number, key: number): this {
    return this.reseed(hash32(seed, key));
  }

  /** Next raw 32-bit unsigned integer. */
  nextU32(): number {
    // The xoshiro128** step with the state in locals (each field read and written once):
    // the same numbers as the textbook sequence of in-place updates, in less bytecode, so
    // the compiler inlines it at more call sites (the emulator draws ~40 per member).
    const a = this.a;
    const b = this.b;
    const c = this.c ^ a;
    const d = this.d ^ b;
    const m = Math.imul(b, 5);
    this.a = a ^ d;
    this.b = b ^ c;
    this.c = c ^ (b << 9);
    this.d = (d << 11) | (d >>> 21);
    return Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform on (0, 1): safe for logs. */
  uniformOpen(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    return u;
  }

  /** Integer uniform on [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Marsaglia polar method; the spare is kept). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const s = this.spareNormal;
      this.spareNormal = NaN;
      return s;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    return u * m;
  }

  /** Gamma(shape, rate = 1): Marsaglia & Tsang (2000), with the shape < 1 boost. */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new Error(`Rng.gamma: shape must be > 0, got ${shape}`);
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniformOpen(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniformOpen();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Poisson(lambda): inversion for small lambda, PTRS (Hörmann 1993) above 10. */
  poisson(lambda: number): number {
    if (!(lambda >= 0)) throw new Error(`Rng.poisson: lambda must be >= 0, got ${lambda}`);
    if (lambda === 0) return 0;
    if (lambda < 10) {
      let k = 0;
      let p = Math.exp(-lambda);
      let cdf = p;
      const u = this.uniform();
      while (u > cdf && k < 1000) {
        k += 1;
        p *= lambda / k;
        cdf += p;
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniformOpen();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -lambda + k * loglam - logFactorial(k)
      ) {
        return k;
      }
    }
  }

  /** Negative binomial NB2 with mean mu and shape phi (variance mu + mu^2/phi): gamma–Poisson mixture. */
  negBinomial(mu: number, phi: number): number {
    return this.poisson((mu * this.gamma(phi)) / phi);
  }

  /** Draw an index from unnormalised cumulative weights (binary search). */
  pickCumulative(cumulative: ArrayLike<number>): number {
    const total = cumulative[cumulative.length - 1];
    const u = this.uniform() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

const LOG_FACTORIAL_CACHE: number[] = [0];
function logFactorial(k: number): number {
  if (k < 1024) {
    for (let i = LOG_FACTORIAL_CACHE.length; i <= k; i++) {
      LOG_FACTORIAL_CACHE[i] = LOG_FACTORIAL_CACHE[i - 1] + Math.log(i);
    }
    return LOG_FACTORIAL_CACHE[k];
  }
  // Stirling series: error < 1e-10 for k >= 1024.
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k * k * k);
}
