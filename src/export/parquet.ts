/**
 * Writes record batches to one Parquet file with parquet-wasm: the Apache Arrow Rust
 * `parquet` crate compiled to WebAssembly, shipped inside the npm package (nothing is
 * downloaded at install or run time, no native binary per platform). Why this writer and
 * not another: docs/export.md, "Which Parquet writer".
 *
 * The batches are streamed: each one is handed to the writer as Arrow IPC and dropped,
 * and the encoded file comes out as a byte stream written straight to disk, so memory
 * holds one row group being encoded, not the whole table twice.
 *
 * Types are Arrow's, mapped by the writer as every Parquet reader expects: int8/int16 are
 * INT32 annotated INT(8)/INT(16) signed, int32 INT32, float64 DOUBLE, bool BOOLEAN, utf8
 * BYTE_ARRAY annotated STRING; nulls are definition levels; non-nullable columns are
 * REQUIRED. The Arrow schema is stored too (key ARROW:schema), so pyarrow, pandas and R
 * arrow get back exactly int8/int16 rather than a widened integer.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tableToIPC } from '@uwdata/flechette';
import type { Table } from '@uwdata/flechette';
import type { RecordBatch, WriterProperties } from 'parquet-wasm/node';

/** Rows per row group: the writer's default (2^20), large enough for fast scans. */
export const ROW_GROUP_ROWS = 1 << 20;
/** zstd: smaller than snappy (~20% at 2.5M members), read by every current Parquet reader. */
export const COMPRESSION = 'zstd';

type ParquetWasm = typeof import('parquet-wasm/node');
let loaded: ParquetWasm | undefined;

/** parquet-wasm compiles its 5 MB module when first loaded; CSV exports and --help skip it. */
async function parquetWasm(): Promise<ParquetWasm> {
  loaded ??= await import('parquet-wasm/node');
  return loaded;
}

/** The library, as recorded in export.json (each file's `created_by` names the Rust crate's version). */
export const PARQUET_WRITER = 'parquet-wasm';

/** The file ends in a footer that counts exactly the rows written (a whole Parquet file). */
async function checkFooter(pw: ParquetWasm, file: string, rows: number): Promise<void> {
  const parquet = await pw.ParquetFile.fromFile(await fs.openAsBlob(file));
  try {
    const n = parquet.metadata().fileMetadata().numRows();
    if (n !== rows) throw new Error(`${file}: the Parquet footer counts ${n} rows, ${rows} were written`);
  } finally {
    parquet.free();
  }
}

export interface ParquetFileInfo {
  rows: number;
  bytes: number;
}

/**
 * Writes `batches` (all in one schema) to a new file `file` (which must not exist),
 * with `metadata` as the file's key-value metadata. Resolves once the file is on disk
 * (fsynced); on failure the partial file is removed.
 */
export async function writeParquetFile(
  batches: Iterable<Table>,
  file: string,
  metadata: Record<string, string> = {},
): Promise<ParquetFileInfo> {
  const pw = await parquetWasm();
  const iterator = batches[Symbol.iterator]();
  let rows = 0;
  let schemaOnly: Uint8Array | null = null;
  const toWasm = (batch: Table): RecordBatch[] => {
    const ipc = tableToIPC(batch, { format: 'stream' }) as Uint8Array;
    const table = pw.Table.fromIPCStream(ipc);
    try {
      const out: RecordBatch[] = [];
      for (let i = 0; i < table.numBatches; i++) out.push(table.recordBatch(i) as RecordBatch);
      if (out.length === 0) schemaOnly = ipc;
      return out;
    } finally {
      table.free();
    }
  };
  // Batches without rows carry no record batch in IPC; the first one still gives the schema.
  let first: RecordBatch[] = [];
  for (let next = iterator.next(); !next.done; next = iterator.next()) {
    rows += next.value.numRows;
    first = toWasm(next.value);
    if (first.length > 0) break;
  }
  const props = (): WriterProperties =>
    new pw.WriterPropertiesBuilder()
      .setCompression(pw.Compression.ZSTD)
      .setMaxRowGroupSize(ROW_GROUP_ROWS)
      .setKeyValueMetadata(new Map(Object.entries(metadata)))
      .build();

  const fh = await fsp.open(file, 'wx', 0o644);
  try {
    if (first.length === 0) {
      if (schemaOnly === null) throw new Error(`${file}: no batches to write (not even an empty one)`);
      await fh.write(pw.writeParquet(pw.Table.fromIPCStream(schemaOnly), props()));
    } else {
      let pending = first;
      // The writer ends its output cleanly when its input stream errors (a truncated file
      // that looks whole), so a failure of the batches is kept here and rethrown.
      let failure: { error: unknown } | null = null;
      const source = new ReadableStream<RecordBatch>(
        {
          pull(controller) {
            try {
              while (pending.length === 0) {
                const next = iterator.next();
                if (next.done) {
                  controller.close();
                  return;
                }
                rows += next.value.numRows;
                pending = toWasm(next.value);
              }
              for (const b of pending) controller.enqueue(b);
              pending = [];
            } catch (error) {
              failure = { error };
              controller.error(error);
            }
          },
        },
        { highWaterMark: 1 },
      );
      const bytes = await pw.transformParquetStream(source, props());
      for await (const chunk of bytes as AsyncIterable<Uint8Array>) {
        if (failure !== null) break;
        await fh.write(chunk);
      }
      if (failure !== null) throw (failure as { error: unknown }).error;
    }
    await fh.sync();
    const { size } = await fh.stat();
    await fh.close();
    await checkFooter(pw, file, rows);
    return { rows, bytes: size };
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fsp.rm(file, { force: true });
    throw e;
  }
}
