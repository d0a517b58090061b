/**
 * Users inside an `execute` script, kept lazy. The plain way to hand a script its users is
 * `fromPlain(userObject(...))` for each (serialize.ts): 25,000 objects per request, most of
 * them only moved between arrays and written out again. A `UserValue` instead generates
 * its member only when the script reads a field (then keeps it, and reads single fields
 * through fast/user-projection.ts) or when the answer is written (then into a reused
 * record, by fast/user-writer.ts). The generator is pure (seed, index, reference time), so
 * generating late gives the same member; test/emulator/api.test.ts checks that whole
 * execute answers equal the plain way's.
 */
import { type MemberRecord, type MemberSource, emptyRecord } from '../generator';
import { type FieldSet, userObject } from '../serialize';
import { type JsonWriter, valueToJson } from '../vkscript/json';
import { type HostValue, type VObject, type Value, fromPlain } from '../vkscript/values';
import { JsonSink } from './json-sink';
import { userField, userPath } from './user-projection';
import { writeUser } from './user-writer';

/**
 * The records an execute's users are read into, reused from one execute to the next: the
 * pull's script reads every field of 25,000 users per request, and 25,000 fresh records
 * per request were a tenth of the serving time in garbage collection. Safe because an
 * execute runs synchronously and nothing keeps its users once its answer is written
 * (`startScript` is called first).
 */
class RecordArena {
  private readonly records: MemberRecord[] = [];
  private next = 0;
  take(): MemberRecord {
    if (this.next === this.records.length) this.records.push(emptyRecord());
    return this.records[this.next++];
  }
  reset(): void {
    this.next = 0;
  }
}
const scriptRecords = new RecordArena();
/** The record a user is written from when the script never read it (written, then forgotten). */
const writeRecord: MemberRecord = emptyRecord();

/** Before an execute runs: the users of the previous one are gone, their records can be reused. */
export function startScript(): void {
  scriptRecords.reset();
}

/** One user as a script value. */
export class UserValue implements HostValue {
  readonly hostValue = true as const;
  private record: MemberRecord | undefined;
  constructor(
    readonly gen: MemberSource,
    readonly index: number,
    readonly fields: FieldSet,
  ) {}
  private rec(): MemberRecord {
    return (this.record ??= this.gen.memberInto(this.index, scriptRecords.take()));
  }
  /** The user's JSON into the answer. */
  write(out: JsonSink): void {
    const rec = this.record ?? this.gen.memberInto(this.index, writeRecord);
    writeUser(rec, this.fields, this.gen.referenceSec, out);
  }
  get(prop: string): Value {
    return plainValue(userField(this.rec(), this.fields, this.gen.referenceSec, prop));
  }
  /** `get(a)` then `.b` for nested objects (city, last_seen…): what `PlainValue.get` would read, without the wrapper. */
  getPath(a: string, b: string): Value | undefined {
    const rec = this.rec();
    // city, country, last_seen, online_info, occupation: the value without the object.
    const direct = userPath(rec, this.fields, this.gen.referenceSec, a, b);
    if (direct !== undefined) return direct as Value;
    const v = userField(rec, this.fields, this.gen.referenceSec, a);
    if (v === null || v === undefined) return null;
    if (typeof v === 'object' && !Array.isArray(v)) return plainProp(v as Record<string, unknown>, b);
    return undefined;
  }
  toObject(): VObject {
    return fromPlain(userObject(this.rec(), this.fields, this.gen.referenceSec)) as VObject;
  }
}

/** A nested plain object (city, last_seen…) read by a script: no Map built unless needed. */
class PlainValue implements HostValue {
  readonly hostValue = true as const;
  constructor(readonly plain: Record<string, unknown>) {}
  get(prop: string): Value {
    return plainProp(this.plain, prop);
  }
  toObject(): VObject {
    return fromPlain(this.plain) as VObject;
  }
}

function plainProp(plain: Record<string, unknown>, prop: string): Value {
  return Object.hasOwn(plain, prop) ? plainValue(plain[prop]) : null;
}

/** A plain property value as a script value: nested objects stay plain (`PlainValue`) until read. */
function plainValue(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object')
    return Array.isArray(v) ? fromPlain(v) : new PlainValue(v as Record<string, unknown>);
  return v as Value;
}

/** Writes a host value of a script's answer (`writeValueJson`'s host writer); `answer` is the sink the answer goes to. */
export function writeScriptHost(h: HostValue, o: JsonWriter, answer: JsonSink): void {
  if (h instanceof UserValue) {
    if (o === answer) h.write(answer);
    else o.write(JSON.stringify(userObject(h.gen.member(h.index), h.fields, h.gen.referenceSec)));
  } else if (h instanceof PlainValue) {
    o.write(JSON.stringify(h.plain));
  } else {
    o.write(valueToJson(h.toObject(), () => 'null'));
  }
}
