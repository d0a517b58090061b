/**
 * log(1 + m) for m ≥ 0 without a call out of the optimised loop: V8 runs Math.log1p as a
 * C function (fdlibm, ~80 instructions plus spilling the loop's live registers around the
 * call), which was a third of the instructions of the fused likelihood per cell
 * (valgrind --tool=callgrind, 50k-row follower model). This is Tang's table method:
 *
 *   1 + m = t + c exactly (c the rounding error of the addition),
 *   t = 2^k · f, f ∈ [1, 2),  F = 1 + i/128 the table point at or below f,
 *   log(1 + m) = k·ln 2 + log F + log1p((f − F)/F) + c/t,
 *
 * with f − F exact, |(f − F)/F| < 2⁻⁷ and log1p of it by a degree-7 series (truncation
 * below 2⁻⁵⁹). Small m (< 2⁻⁶) goes through the series of log1p(m) itself.
 *
 * The exponent and the table index are read from the high word of t, but f is made as
 * t·2⁻ᵏ (an exact product, from a table) rather than by writing the word back: reading
 * the 8 bytes of a double just after a 4-byte store into it stalls store-to-load
 * forwarding, which made this function slower than Math.log1p itself. c comes from TwoSum,
 * without a branch on m > 1, which mispredicts when m = μ/φ straddles 1. Within 1 ulp
 * of Math.log1p over the range the fits need (test/model/density/fast-log.test.ts);
 * non-finite or negative m, and a big-endian machine, fall back to Math.log1p.
 */
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);
// The high word of a double is I32[1] on little-endian machines (x86, ARM as Node runs them).
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TABLE_POINT = new Float64Array(129);
const LOG_TABLE = new Float64Array(129);
const INV_TABLE = new Float64Array(129);
for (let i = 0; i <= 128; i++) {
  const F = 1 + i / 128;
  TABLE_POINT[i] = F;
  LOG_TABLE[i] = Math.log(F);
  INV_TABLE[i] = 1 / F;
}
/** 2⁻ᵏ for the exponents k = 0 … 1023 of t = 1 + m (exact: halving a power of two). */
const POW2_NEG = new Float64Array(1024);
POW2_NEG[0] = 1;
for (let k = 1; k < 1024; k++) POW2_NEG[k] = POW2_NEG[k - 1] / 2;
/** ln 2 split so that k·LN2_HI is exact for |k| < 2^11 (fdlibm's constants). */
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const C3 = 1 / 3;
const C5 = 1 / 5;
const C6 = -1 / 6;
const C7 = 1 / 7;
const C9 = 1 / 9;
const SMALL = 0.015625;

export function log1pFast(m: number): number {
  if (m < SMALL) {
    if (!(m >= 0) || !LITTLE_ENDIAN) return Math.log1p(m);
    // m − m²/2 + … − m¹⁰/10: truncation below m¹¹/11 < 2⁻⁶⁹.
    return (
      m *
      (1 +
        m *
          (-0.5 +
            m * (C3 + m * (-0.25 + m * (C5 + m * (C6 + m * (C7 + m * (-0.125 + m * (C9 + m * -0.1)))))))))
    );
  }
  if (!(m < Infinity) || !LITTLE_ENDIAN) return Math.log1p(m);
  const t = 1 + m;
  const b = t - 1;
  const c = 1 - (t - b) + (m - b);
  F64[0] = t;
  const hi = I32[1];
  const k = (hi >> 20) - 1023;
  const i = (hi >> 13) & 127;
  const r = (t * POW2_NEG[k] - TABLE_POINT[i]) * INV_TABLE[i];
  const p = r * (1 + r * (-0.5 + r * (C3 + r * (-0.25 + r * (C5 + r * (C6 + r * C7))))));
  return k * LN2_HI + (LOG_TABLE[i] + (k * LN2_LO + (p + c / t)));
}
