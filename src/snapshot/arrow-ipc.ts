/**
 * Arrow IPC *file* format, written one record batch at a time.
 *
 * flechette (the Arrow library arquero ships with) encodes whole tables only. To stream a
 * 2.5M-member snapshot with flat memory and resume after a kill, each batch of members is
 * encoded on its own as a one-batch IPC stream, and only its record-batch message is
 * appended to the growing file; the schema message is written once at the start. At the
 * end, the EOS marker and the file footer (schema + the position of every record batch)
 * are appended. The footer is a small flatbuffer built here; its schema table is the one
 * flechette encoded, copied verbatim (flatbuffer offsets are relative, so a copied
 * subtree stays valid).
 *
 * Layout (Arrow columnar spec, "IPC File Format"):
 *   "ARROW1\0\0" | schema msg | record batch msg … | EOS | footer | int32 footer size | "ARROW1"
 * The file format (= Feather v2) is what pandas.read_feather, R arrow::read_feather /
 * read_ipc_file and DuckDB read; arquero/flechette read it too.
 */
import {
  Column,
  Table,
  batchType,
  bool,
  field,
  float64,
  int16,
  int32,
  int8,
  tableToIPC,
  utf8,
} from '@uwdata/flechette';
import type { DataType, Field, Schema } from '@uwdata/flechette';
import { MEMBER_COLUMNS, type ColumnType } from './schema';
import { memberBatch, type MemberBatch } from './member-batch';
import type { TypedColumn } from './typed-column';

export const ARROW_MAGIC = Uint8Array.of(0x41, 0x52, 0x52, 0x4f, 0x57, 0x31, 0, 0); // "ARROW1" + 2 pad
/** End-of-stream marker: continuation indicator + zero metadata length. */
export const ARROW_EOS = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);

/** Where one record batch sits in the file (the footer's `Block`). */
export interface ArrowBlock {
  offset: number;
  metadataLength: number;
  bodyLength: number;
}

export interface EncodedBatch {
  /** The complete record-batch message (prefix + metadata + body). */
  message: Uint8Array;
  metadataLength: number;
  bodyLength: number;
  rows: number;
}

/** The Arrow type of a snapshot column type. */
export function arrowType(t: ColumnType): DataType {
  switch (t) {
    case 'int32':
      return int32();
    case 'int16':
      return int16();
    case 'int8':
      return int8();
    case 'float64':
      return float64();
    case 'bool':
      return bool();
    case 'utf8':
      return utf8();
  }
}

/** The members schema, in `MEMBER_COLUMNS` order, with its nullability. */
export function memberSchema(): Schema {
  return {
    version: 4, // Version.V5
    endianness: 0, // little
    fields: MEMBER_COLUMNS.map((c) => field(c.name, arrowType(c.type), c.nullable)) as Field[],
    metadata: null,
  } as unknown as Schema;
}

const SCHEMA = memberSchema();

/** One byte per row (0/1) → Arrow's LSB-first bitmap, eight rows at a time. */
function packBits(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3);
  const whole = n >> 3;
  for (let j = 0, i = 0; j < whole; j++, i += 8) {
    out[j] =
      bytes[i] |
      (bytes[i + 1] << 1) |
      (bytes[i + 2] << 2) |
      (bytes[i + 3] << 3) |
      (bytes[i + 4] << 4) |
      (bytes[i + 5] << 5) |
      (bytes[i + 6] << 6) |
      (bytes[i + 7] << 7);
  }
  for (let i = whole << 3; i < n; i++) out[i >> 3] |= bytes[i] << (i & 7);
  return out;
}

/**
 * A typed column (typed-column.ts) as an Arrow column: only the validity (and bool) bits are
 * packed. (flechette's generic `columnFromArray` encodes strings one TextEncoder call at a
 * time and was the pull's bottleneck, ~15 µs a row.)
 */
function typedColumn(col: TypedColumn, type: DataType): Column<unknown> {
  const n = col.length;
  const valid = col.valid;
  const validity = packBits(valid, n);
  let set = 0;
  for (let i = 0; i < n; i++) set += valid[i];
  const nulls = n - set;
  let values = col.arrowValues();
  let offsets: Int32Array | undefined;
  if (col.kind === 'bool') {
    values = packBits(values as Uint8Array, n);
  } else if (col.kind === 'utf8') {
    offsets = col.offsets.subarray(0, n + 1);
  }
  const BatchClass = batchType(type) as unknown as new (o: object) => unknown;
  const arrowBatch = new BatchClass({
    length: n,
    nullCount: nulls,
    type,
    validity: nulls ? validity : new Uint8Array(0),
    values,
    offsets,
  });
  return new Column([arrowBatch] as never);
}

/** Members → a one-batch flechette table in the members schema. */
export function membersTable(batch: MemberBatch): Table {
  return new Table(
    SCHEMA,
    MEMBER_COLUMNS.map((c, i) => typedColumn(batch.columns[c.name], SCHEMA.fields[i].type)),
  );
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}
function readI32(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
}
function readU16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}

/** Length of the IPC message starting at `at` (prefix + metadata), body excluded. */
function messageMetaLength(bytes: Uint8Array, at: number): number {
  if (readU32(bytes, at) !== 0xffffffff) {
    throw new Error(
      'Arrow IPC: expected a continuation marker (legacy pre-0.15 framing is not produced by flechette)',
    );
  }
  return 8 + readI32(bytes, at + 4);
}

/** Encode members as one record batch; also returns the schema message (same for every batch). */
export function encodeBatch(batch: MemberBatch): { schemaMessage: Uint8Array; batch: EncodedBatch } {
  const table = membersTable(batch);
  const stream = tableToIPC(table, { format: 'stream' });
  if (!stream) throw new Error('Arrow IPC: flechette returned no bytes');
  const schemaLen = messageMetaLength(stream, 0);
  const batchStart = schemaLen;
  const batchEnd = stream.length - ARROW_EOS.length;
  const metadataLength = messageMetaLength(stream, batchStart);
  return {
    schemaMessage: stream.slice(0, schemaLen),
    batch: {
      // A view, not a copy: the message is written and dropped (a 25k-member batch is ~3 MB).
      message: stream.subarray(batchStart, batchEnd),
      metadataLength,
      bodyLength: batchEnd - batchStart - metadataLength,
      rows: table.numRows,
    },
  };
}

let cachedSchemaMessage: Uint8Array | undefined;
/** The encoded schema message of the members schema (identical for every batch). */
export function schemaMessage(): Uint8Array {
  cachedSchemaMessage ??= encodeBatch(memberBatch(0)).schemaMessage;
  return cachedSchemaMessage;
}

/** The bytes a members file starts with: magic + schema message. */
export function fileHeader(): Uint8Array {
  const schema = schemaMessage();
  const out = new Uint8Array(ARROW_MAGIC.length + schema.length);
  out.set(ARROW_MAGIC, 0);
  out.set(schema, ARROW_MAGIC.length);
  return out;
}

/** Position of the `Schema` table inside a schema message's flatbuffer. */
function schemaTablePosition(fb: Uint8Array): number {
  const root = readU32(fb, 0);
  const vtable = root - readI32(fb, root);
  const vtableSize = readU16(fb, vtable);
  const headerSlot = 4 + 2 * 2; // Message field 2: header (union value)
  if (vtableSize <= headerSlot) throw new Error('Arrow IPC: schema message has no header');
  const fieldOffset = readU16(fb, vtable + headerSlot);
  if (fieldOffset === 0) throw new Error('Arrow IPC: schema message has no header');
  const at = root + fieldOffset;
  return at + readU32(fb, at);
}

/**
 * Bytes that close a members file after its last record batch: EOS, footer flatbuffer,
 * footer size, magic. `blocks` are the record batches' positions from the file start.
 */
export function fileTrailer(blocks: readonly ArrowBlock[]): Uint8Array {
  const msg = schemaMessage();
  const fb = msg.subarray(8); // the Message flatbuffer (8-byte aligned length)
  const schemaPos = schemaTablePosition(fb);

  // Footer flatbuffer layout (all positions relative to the footer start, 8-aligned):
  //  0 root uoffset | 4 vtable (12 B) | 16 table (20 B) | 36 dictionaries vector (len 0)
  //  44 recordBatches vector length, 48 its 24-byte Block structs | schema copy
  const vtable = 4;
  const table = 16;
  const dicts = 36;
  const recs = 44;
  const recsData = 48;
  const schemaCopy = recsData + 24 * blocks.length;
  const footerSize = schemaCopy + fb.length;
  const footer = new Uint8Array(footerSize);
  const dv = new DataView(footer.buffer);
  dv.setUint32(0, table, true);
  // vtable: size, table size, then field offsets for version, schema, dictionaries, recordBatches
  dv.setUint16(vtable + 0, 12, true);
  dv.setUint16(vtable + 2, 20, true);
  dv.setUint16(vtable + 4, 4, true);
  dv.setUint16(vtable + 6, 8, true);
  dv.setUint16(vtable + 8, 12, true);
  dv.setUint16(vtable + 10, 16, true);
  dv.setInt32(table + 0, table - vtable, true);
  dv.setInt16(table + 4, 4, true); // MetadataVersion.V5
  dv.setUint32(table + 8, schemaCopy + schemaPos - (table + 8), true);
  dv.setUint32(table + 12, dicts - (table + 12), true);
  dv.setUint32(table + 16, recs - (table + 16), true);
  dv.setUint32(dicts, 0, true);
  dv.setUint32(recs, blocks.length, true);
  blocks.forEach((b, i) => {
    const at = recsData + 24 * i;
    dv.setBigInt64(at, BigInt(b.offset), true);
    dv.setInt32(at + 8, b.metadataLength, true);
    dv.setBigInt64(at + 16, BigInt(b.bodyLength), true);
  });
  footer.set(fb, schemaCopy);

  const out = new Uint8Array(ARROW_EOS.length + footerSize + 4 + 6);
  out.set(ARROW_EOS, 0);
  out.set(footer, ARROW_EOS.length);
  new DataView(out.buffer).setInt32(ARROW_EOS.length + footerSize, footerSize, true);
  out.set(ARROW_MAGIC.subarray(0, 6), ARROW_EOS.length + footerSize + 4);
  return out;
}
