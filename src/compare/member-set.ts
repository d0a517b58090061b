/**
 * A community's members as the comparison needs them: ids sorted ascending (int32, as the
 * snapshot stores them) with each member's status code alongside. Four bytes an id plus
 * one for the status: 50 communities of 1M members take 250 MB, where the members tables
 * they come from take gigabytes, so tables can be dropped once their sets are made.
 */
import type { ColumnTable } from 'arquero';
import { readNumber } from '../audit/columns';
import { SnapshotError } from '../snapshot/read';
import { STATUS_COUNT } from './rates';

export interface MemberSet {
  /** Names the community in error messages and results. */
  key: string;
  /** Strictly ascending member ids. */
  ids: Int32Array;
  /** Status code (ACTIVE … BANNED, src/audit/status.ts) per id. */
  codes: Uint8Array;
  /** For a sample: the index of the page (in the design's list) each member was read from. */
  pages?: Int32Array;
}

/** Throws unless `ids` ascend strictly and every code is a status. */
export function checkMemberSet(s: MemberSet): MemberSet {
  const { ids, codes, key } = s;
  if (ids.length !== codes.length) {
    throw new Error(`${key}: ${ids.length} ids but ${codes.length} status codes.`);
  }
  for (let i = 0; i < ids.length; i++) {
    if (i > 0 && ids[i] <= ids[i - 1]) {
      throw new Error(
        `${key}: member ids must ascend strictly; id ${ids[i]} follows ${ids[i - 1]} (a snapshot lists each member once).`,
      );
    }
    if (codes[i] >= STATUS_COUNT)
      throw new Error(`${key}: status code ${codes[i]} at row ${i} is not a status.`);
  }
  return s;
}

/**
 * The set of a members table and its status codes (`classifyStatus(...).codes`, aligned
 * with the rows). Rows out of id order are sorted; a repeated or non-integer id is a
 * SnapshotError naming the community (a damaged snapshot: every count would be wrong).
 */
export function memberSetOf(
  key: string,
  table: ColumnTable,
  codes: Uint8Array,
  pageOfRow: Int32Array | null = null,
): MemberSet {
  const raw = readNumber(table, 'id', `compare (${key})`);
  if (raw.length !== codes.length) {
    throw new Error(
      `${key}: the status codes are for another table (${codes.length} codes, ${raw.length} rows).`,
    );
  }
  let sorted = true;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (!(Number.isInteger(v) && v > 0 && v <= 0x7fffffff)) {
      throw new SnapshotError(
        `${key}: row ${i} has member id ${v}; VK user ids are positive 32-bit integers.`,
      );
    }
    if (i > 0 && v <= raw[i - 1]) sorted = false;
  }
  if (pageOfRow !== null && pageOfRow.length !== raw.length) {
    throw new Error(`${key}: ${pageOfRow.length} page indices for ${raw.length} rows.`);
  }
  let ids: Int32Array;
  let out: Uint8Array;
  let pages: Int32Array | null = null;
  if (sorted) {
    ids = Int32Array.from(raw);
    out = codes.slice();
    pages = pageOfRow && pageOfRow.slice();
  } else {
    const order = Uint32Array.from(raw.keys()).sort((a, b) => raw[a] - raw[b]);
    ids = new Int32Array(raw.length);
    out = new Uint8Array(raw.length);
    if (pageOfRow) pages = new Int32Array(raw.length);
    for (let i = 0; i < order.length; i++) {
      ids[i] = raw[order[i]];
      out[i] = codes[order[i]];
      if (pages && pageOfRow) pages[i] = pageOfRow[order[i]];
    }
  }
  for (let i = 1; i < ids.length; i++) {
    if (ids[i] === ids[i - 1]) {
      throw new SnapshotError(
        `${key}: member id ${ids[i]} appears more than once; a snapshot lists each member once — pull it again.`,
      );
    }
  }
  return pages ? { key, ids, codes: out, pages } : { key, ids, codes: out };
}

/** Status counts of a set (index = status code). */
export function statusCounts(codes: Uint8Array): Float64Array {
  const c = new Float64Array(STATUS_COUNT);
  for (let i = 0; i < codes.length; i++) c[codes[i]]++;
  return c;
}
