/**
 * A `MemberRecord` packed into typed-array columns and back, losslessly: the member store
 * (member-store.ts) keeps the community in shared memory so that a worker thread can
 * generate it while the server thread serialises. Strings and shared objects become small
 * codes into `recordCatalog()`'s lists (the same lists in every thread), so a decoded
 * record holds the very objects and equal strings the generator would have produced, and
 * the served bytes cannot differ (test/emulator/member-store.test.ts compares them).
 */
import type { City } from '../reference-data';
import { MemberRecord, Occupation, RecordCatalog, University, recordCatalog } from '../generator';

/** One column per record property that is not a flag; flags share `flags`. */
export interface RecordColumns {
  id: Int32Array;
  flags: Uint16Array;
  firstName: Uint16Array;
  lastName: Uint16Array;
  /** 0: no birthday; else day + 32 × month + 512 × year (year 0: "D.M" without a year). */
  bdate: Int32Array;
  /** Codes below: 0 is null, k is the catalog's entry k - 1. */
  city: Uint16Array;
  countryId: Uint16Array;
  countryTitle: Uint16Array;
  photoKey: Uint32Array;
  lastSeen: Float64Array;
  platform: Uint8Array;
  followers: Float64Array;
  relation: Uint8Array;
  university: Uint16Array;
  faculty: Uint16Array;
  graduation: Uint16Array;
  educationForm: Uint8Array;
  educationStatus: Uint8Array;
  occupation: Uint16Array;
  /** 0: no `status` key; k: the catalog's status k - 1 ("" first). */
  status: Uint8Array;
}

type ColumnType =
  | Int32ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | Float64ArrayConstructor
  | Uint8ArrayConstructor;
const LAYOUT: Readonly<Record<keyof RecordColumns, ColumnType>> = {
  id: Int32Array,
  flags: Uint16Array,
  firstName: Uint16Array,
  lastName: Uint16Array,
  bdate: Int32Array,
  city: Uint16Array,
  countryId: Uint16Array,
  countryTitle: Uint16Array,
  photoKey: Uint32Array,
  lastSeen: Float64Array,
  platform: Uint8Array,
  followers: Float64Array,
  relation: Uint8Array,
  university: Uint16Array,
  faculty: Uint16Array,
  graduation: Uint16Array,
  educationForm: Uint8Array,
  educationStatus: Uint8Array,
  occupation: Uint16Array,
  status: Uint8Array,
};

/** Bytes one member takes in the columns (53). */
export const BYTES_PER_MEMBER = Object.values(LAYOUT).reduce((s, T) => s + T.BYTES_PER_ELEMENT, 0);

/** Columns for `n` members, each on its own SharedArrayBuffer (`buffers` crosses to a worker as is). */
export function allocateColumns(n: number): {
  columns: RecordColumns;
  buffers: Record<string, SharedArrayBuffer>;
} {
  const buffers: Record<string, SharedArrayBuffer> = {};
  for (const [k, T] of Object.entries(LAYOUT)) buffers[k] = new SharedArrayBuffer(n * T.BYTES_PER_ELEMENT);
  return { columns: columnsOver(buffers), buffers };
}

/** The typed-array views over buffers from `allocateColumns` (in the worker). */
export function columnsOver(buffers: Record<string, SharedArrayBuffer>): RecordColumns {
  const cols: Record<string, unknown> = {};
  // (The constructors' union type loses their SharedArrayBuffer overloads.)
  for (const [k, T] of Object.entries(LAYOUT))
    cols[k] = new (T as Float64ArrayConstructor)(buffers[k] as unknown as ArrayBuffer);
  return cols as unknown as RecordColumns;
}

const F_CLOSED = 1 << 4;
const F_ACCESS = 1 << 5;
const F_PHOTO = 1 << 6;
const F_SEEN_SHOWN = 1 << 7;
const F_ONLINE = 1 << 8;
const F_SEND = 1 << 9;
const F_WRITE = 1 << 10;
const F_SEE = 1 << 11;
const F_VERIFIED = 1 << 12;
const F_BOT = 1 << 13;
const F_MOBILE = 1 << 14;

/** Catalog lists with their reverse lookups (value → code). */
class Codes<T> {
  private readonly codeOf = new Map<T, number>();
  constructor(readonly values: readonly T[]) {
    // First occurrence wins: a name listed for both sexes decodes to the same string.
    values.forEach((v, i) => {
      if (!this.codeOf.has(v)) this.codeOf.set(v, i);
    });
  }
  /** The index of `v`; a value outside the catalog is a generator change the store must not hide. */
  index(v: T, what: string): number {
    const i = this.codeOf.get(v);
    if (i === undefined)
      throw new RangeError(
        `member store: ${what} ${JSON.stringify(v)} is not in recordCatalog(); add it there`,
      );
    return i;
  }
  /** 0 for null, else index + 1. */
  nullable(v: T | null, what: string): number {
    return v === null ? 0 : this.index(v, what) + 1;
  }
}

export class RecordCodec {
  private readonly firstNames: Codes<string>;
  private readonly lastNames: Codes<string>;
  private readonly cities: Codes<City>;
  private readonly countryTitles: Codes<string>;
  private readonly universities: Codes<University>;
  private readonly faculties: Codes<{ id: number; name: string }>;
  private readonly occupations: Codes<Occupation>;
  private readonly educationForms: Codes<string>;
  private readonly educationStatuses: Codes<string>;
  private readonly statuses: Codes<string>;
  /** Birthday strings by code, built once each (as the generator's caches do), and codes by string. */
  private readonly bdates = new Map<number, string>();
  private readonly bdateCodes = new Map<string, number>();

  constructor(catalog: RecordCatalog = recordCatalog()) {
    this.firstNames = new Codes(catalog.firstNames);
    this.lastNames = new Codes(catalog.lastNames);
    this.cities = new Codes(catalog.cities);
    this.countryTitles = new Codes(catalog.countryTitles);
    this.universities = new Codes(catalog.universities);
    this.faculties = new Codes(catalog.faculties);
    this.occupations = new Codes(catalog.occupations);
    this.educationForms = new Codes(catalog.educationForms);
    this.educationStatuses = new Codes(catalog.educationStatuses);
    this.statuses = new Codes(catalog.statuses);
  }

  /** Writes `rec` as member `i` of `c`. Throws if a value does not fit its column (then nothing is claimed stored). */
  encode(rec: MemberRecord, c: RecordColumns, i: number): void {
    fits(rec.countryId, 0xffff, 'countryId');
    fits(rec.platform, 0xff, 'platform');
    fits(rec.relation, 0xff, 'relation');
    fits(rec.graduation, 0xffff, 'graduation');
    if (rec.id !== (rec.id | 0)) throw new RangeError(`member store: id ${rec.id} is not a 32-bit integer`);
    if (rec.photoKey !== rec.photoKey >>> 0)
      throw new RangeError(`member store: photoKey ${rec.photoKey} is not an unsigned 32-bit integer`);
    c.id[i] = rec.id;
    c.flags[i] =
      rec.deactivated |
      (rec.sex << 2) |
      (rec.isClosed ? F_CLOSED : 0) |
      (rec.canAccessClosed ? F_ACCESS : 0) |
      (rec.hasPhoto ? F_PHOTO : 0) |
      (rec.lastSeenShown ? F_SEEN_SHOWN : 0) |
      (rec.online ? F_ONLINE : 0) |
      (rec.canSendFriendRequest ? F_SEND : 0) |
      (rec.canWritePrivateMessage ? F_WRITE : 0) |
      (rec.canSeeAllPosts ? F_SEE : 0) |
      (rec.verified ? F_VERIFIED : 0) |
      (rec.bot ? F_BOT : 0) |
      (rec.hasMobile ? F_MOBILE : 0);
    c.firstName[i] = this.firstNames.index(rec.firstName, 'first name');
    c.lastName[i] = this.lastNames.index(rec.lastName, 'last name');
    c.bdate[i] = this.bdateCode(rec.bdate);
    c.city[i] = this.cities.nullable(rec.city, 'city');
    c.countryId[i] = rec.countryId;
    c.countryTitle[i] = this.countryTitles.nullable(rec.countryTitle, 'country title');
    c.photoKey[i] = rec.photoKey;
    c.lastSeen[i] = rec.lastSeen;
    c.platform[i] = rec.platform;
    c.followers[i] = rec.followers;
    c.relation[i] = rec.relation;
    c.university[i] = this.universities.nullable(rec.university, 'university');
    c.faculty[i] = this.faculties.nullable(rec.faculty, 'faculty');
    c.graduation[i] = rec.graduation;
    c.educationForm[i] = this.educationForms.nullable(rec.educationForm, 'education form');
    c.educationStatus[i] = this.educationStatuses.nullable(rec.educationStatus, 'education status');
    c.occupation[i] = this.occupations.nullable(rec.occupation, 'occupation');
    c.status[i] = this.statuses.nullable(rec.status, 'status');
  }

  /** Member `i` of `c` into `rec` (every property overwritten, in `emptyRecord`'s order). */
  decodeInto(c: RecordColumns, i: number, index: number, rec: MemberRecord): MemberRecord {
    const f = c.flags[i];
    rec.index = index;
    rec.id = c.id[i];
    rec.deactivated = (f & 3) as 0 | 1 | 2;
    rec.sex = ((f >> 2) & 3) as 0 | 1 | 2;
    rec.firstName = this.firstNames.values[c.firstName[i]];
    rec.lastName = this.lastNames.values[c.lastName[i]];
    rec.isClosed = (f & F_CLOSED) !== 0;
    rec.canAccessClosed = (f & F_ACCESS) !== 0;
    const b = c.bdate[i];
    rec.bdate = b === 0 ? null : this.bdateText(b);
    const city = c.city[i];
    rec.city = city === 0 ? null : this.cities.values[city - 1];
    rec.countryId = c.countryId[i];
    const title = c.countryTitle[i];
    rec.countryTitle = title === 0 ? null : this.countryTitles.values[title - 1];
    rec.hasPhoto = (f & F_PHOTO) !== 0;
    rec.photoKey = c.photoKey[i];
    rec.lastSeen = c.lastSeen[i];
    rec.platform = c.platform[i];
    rec.lastSeenShown = (f & F_SEEN_SHOWN) !== 0;
    rec.online = (f & F_ONLINE) !== 0;
    rec.followers = c.followers[i];
    rec.canSendFriendRequest = (f & F_SEND) !== 0;
    rec.canWritePrivateMessage = (f & F_WRITE) !== 0;
    rec.canSeeAllPosts = (f & F_SEE) !== 0;
    rec.relation = c.relation[i];
    const u = c.university[i];
    rec.university = u === 0 ? null : this.universities.values[u - 1];
    const fa = c.faculty[i];
    rec.faculty = fa === 0 ? null : this.faculties.values[fa - 1];
    rec.graduation = c.graduation[i];
    const ef = c.educationForm[i];
    rec.educationForm = ef === 0 ? null : this.educationForms.values[ef - 1];
    const es = c.educationStatus[i];
    rec.educationStatus = es === 0 ? null : this.educationStatuses.values[es - 1];
    const oc = c.occupation[i];
    rec.occupation = oc === 0 ? null : this.occupations.values[oc - 1];
    rec.verified = (f & F_VERIFIED) !== 0;
    rec.bot = (f & F_BOT) !== 0;
    rec.hasMobile = (f & F_MOBILE) !== 0;
    const st = c.status[i];
    rec.status = st === 0 ? null : this.statuses.values[st - 1];
    return rec;
  }

  private bdateCode(s: string | null): number {
    if (s === null) return 0;
    const known = this.bdateCodes.get(s);
    if (known !== undefined) return known;
    const code = this.parseBdate(s);
    if (this.bdateCodes.size < 100_000) this.bdateCodes.set(s, code);
    return code;
  }

  private parseBdate(s: string): number {
    const m = /^(\d{1,2})\.(\d{1,2})(?:\.(\d{1,4}))?$/.exec(s);
    const code = m ? Number(m[1]) + 32 * Number(m[2]) + 512 * Number(m[3] ?? 0) : 0;
    if (code === 0 || this.bdateText(code) !== s)
      throw new RangeError(`member store: birthday ${JSON.stringify(s)} is not "D.M" or "D.M.YYYY"`);
    return code;
  }

  private bdateText(code: number): string {
    let s = this.bdates.get(code);
    if (s === undefined) {
      const day = code & 31;
      const month = (code >> 5) & 15;
      const year = code >> 9;
      s = year === 0 ? `${day}.${month}` : `${day}.${month}.${year}`;
      this.bdates.set(code, s);
    }
    return s;
  }
}

function fits(v: number, max: number, what: string): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= max))
    throw new RangeError(`member store: ${what} ${v} does not fit 0…${max}`);
}
