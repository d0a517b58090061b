/**
 * The labelled sample: a seeded simple random sample of live members, and the sheet a
 * person labels it on.
 *
 * Simple random sampling without replacement is what makes the labelled estimate (and the
 * PPI correction) unbiased; the sheet lists members in the order drawn, so a labeller who
 * stops early still leaves a simple random sample (the first k of a random order) — one
 * who skips members at will does not. The bot score is not on the sheet: a labeller who
 * sees it is pulled towards it, and the correction assumes the labels do not lean on it.
 */
import { Rng } from '../util/rng';

/**
 * n distinct indices of 0..N-1, uniformly at random, in draw order: a Fisher–Yates shuffle
 * stopped after n steps, with the swapped positions kept in a map (O(n) memory however
 * large N is). The draw is prefix-consistent: the first k indices of a draw of n are the
 * draw of k with the same seed, so a sheet whose tail was cut off is still checkable and
 * still a simple random sample.
 */
export function sampleWithoutReplacement(N: number, n: number, rng: Rng): number[] {
  if (!(Number.isInteger(N) && N >= 0 && Number.isInteger(n) && n >= 0)) {
    throw new Error(`sample: need integers N >= 0 and n >= 0, got N=${N}, n=${n}`);
  }
  if (n > N) throw new Error(`sample: cannot draw ${n} members from ${N}`);
  const moved = new Map<number, number>();
  const at = (i: number): number => moved.get(i) ?? i;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(N - i);
    const pick = at(j);
    moved.set(j, at(i));
    out.push(pick);
  }
  return out;
}

/** The identity a sheet carries, so labels are never read back against another snapshot. */
export interface SnapshotIdentity {
  group_id: number;
  snapshot_time: string;
}

export function snapshotKey(s: SnapshotIdentity): string {
  return `vk-group-${s.group_id}@${s.snapshot_time}`;
}

/** What a person looks at besides the profile itself. No last names, no free text. */
export interface SheetMember {
  id: number;
  first_name: string | null;
  sex: number | null;
  has_photo: boolean | null;
  city_title: string | null;
  followers_count: number | null;
  is_closed: boolean | null;
  /** ISO date (UTC) of the last visit, or null when hidden. */
  last_seen: string | null;
}

export interface LabelSample {
  snapshot: string;
  seed: number;
  members: SheetMember[];
}

/**
 * Draws the sample. `live` are the live members (deleted and banned never enter), in any
 * fixed order (the snapshot's). The same snapshot, n and seed give the same sample.
 */
export function drawLabelSample(
  live: readonly SheetMember[],
  n: number,
  seed: number,
  snapshot: SnapshotIdentity,
): LabelSample {
  if (!(Number.isInteger(seed) && seed >= 0)) throw new Error(`--seed must be an integer >= 0, got ${seed}`);
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`--n must be an integer >= 1, got ${n}`);
  if (n > live.length) {
    throw new Error(
      `--n ${n} is more than the ${live.length} live members of the snapshot; ask for at most ${live.length}`,
    );
  }
  const idx = sampleWithoutReplacement(live.length, n, new Rng(seed));
  return { snapshot: snapshotKey(snapshot), seed, members: idx.map((i) => live[i]) };
}
