/**
 * Member sets and communities with known answers for the comparison tests: sets drawn from
 * one population (so they overlap), each id's status fixed per person, as on VK.
 */
import type { MemberSet } from '../../src/compare/member-set';
import { Rng } from '../../src/util/rng';

/** Status of person `id` under `seed`: shares roughly the study's (active, inactive, hidden, deleted, banned). */
export function personStatus(id: number, seed: number, probs = [0.6, 0.2, 0.05, 0.12, 0.03]): number {
  const u = Rng.forKey(seed, id).uniform();
  let acc = 0;
  for (let s = 0; s < probs.length; s++) {
    acc += probs[s];
    if (u < acc) return s;
  }
  return probs.length - 1;
}

/** `count` sets, each member of a population of `population` ids with probability `p[k]`. */
export function drawSets(
  count: number,
  population: number,
  p: number | number[],
  seed = 1,
  idOf: (i: number) => number = (i) => 1 + 3 * i,
): MemberSet[] {
  const rng = new Rng(seed);
  const out: MemberSet[] = [];
  for (let k = 0; k < count; k++) {
    const pk = Array.isArray(p) ? p[k] : p;
    const ids: number[] = [];
    const codes: number[] = [];
    for (let i = 0; i < population; i++) {
      if (rng.uniform() < pk) {
        ids.push(idOf(i));
        codes.push(personStatus(idOf(i), seed));
      }
    }
    out.push({ key: `c${k}`, ids: Int32Array.from(ids), codes: Uint8Array.from(codes) });
  }
  return out;
}
