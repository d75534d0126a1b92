/**
 * Arrow record batches built straight from column-table typed arrays (no per-value builders,
 * no concatenation): a group of rows may arrive as several segments of incoming tables, and
 * each column's buffers are filled from the segments in one pass. Segments are produced
 * tables: a string column may be a DictionaryColumn, whose entries are encoded once.
 */

import * as arrow from "apache-arrow";
import {
  type ColumnSpec,
  type ColumnTable,
  type ProducedColumnData,
  type ProducedTable,
  sliceTable,
  type TableSchema,
} from "../../core/columnTable.js";
import { DictionaryColumn } from "../../core/dictionaryColumn.js";

/** A column's Arrow type in memory (strings plain UTF8; IPC files code them, see arrowFileBatches.ts). */
export function arrowType(spec: ColumnSpec): arrow.DataType {
  switch (spec.type) {
    case "string":
      return new arrow.Utf8();
    case "int32":
      return new arrow.Int32();
    case "float64":
      return new arrow.Float64();
    case "bool":
      return new arrow.Bool();
    case "timestamp_ms":
      return new arrow.TimestampMillisecond("UTC");
    case "date":
      return new arrow.DateDay();
  }
}

export function arrowSchema(schema: TableSchema): arrow.Schema {
  return new arrow.Schema(
    schema.columns.map((spec) => new arrow.Field(spec.name, arrowType(spec), spec.nullable ?? false)),
  );
}

/**
 * Regroups appended tables into groups of exactly `groupRows` rows (the last may be shorter).
 * A group is the list of table segments (views) that make it up; nothing is copied here.
 */
export class RowRegrouper<T extends ColumnTable<ProducedColumnData> = ColumnTable> {
  private parts: T[] = [];
  private rows = 0;
  constructor(private readonly groupRows: number) {}

  /** Full groups now ready. */
  push(table: T): T[][] {
    const groups: T[][] = [];
    let start = 0;
    while (start < table.rows) {
      const take = Math.min(table.rows - start, this.groupRows - this.rows);
      this.parts.push(
        start === 0 && take === table.rows ? table : (sliceTable(table, start, start + take) as T),
      );
      this.rows += take;
      start += take;
      if (this.rows === this.groupRows) groups.push(this.takeAll());
    }
    return groups;
  }

  /** The last, partial group, if any. */
  drain(): T[] | null {
    return this.rows === 0 ? null : this.takeAll();
  }

  private takeAll(): T[] {
    const parts = this.parts;
    this.parts = [];
    this.rows = 0;
    return parts;
  }
}

interface Validity {
  bitmap?: Uint8Array;
  nulls: number;
}

/**
 * Where the column builders below take their arrays: zero-filled bytes, 8-byte aligned.
 * In-memory batches own fresh memory; the IPC file writer passes a scratch arena reused
 * for every batch (see arrowScratch.ts).
 */
export type Allocate = (bytes: number) => Uint8Array;

const fresh: Allocate = (bytes) => new Uint8Array(bytes);

export function int32s(allocate: Allocate, n: number): Int32Array {
  const b = allocate(n * 4);
  return new Int32Array(b.buffer, b.byteOffset, n);
}

/**
 * Validity bitmap of a float column whose NaNs are nulls, or none when no value is NaN;
 * bits past the last row are set. The test runs on the values' bits, without a branch per
 * value: readings are NaN on about half the event rows, in no pattern a branch predictor
 * learns, and `v !== v` cost ≈ 10 ns a row against ≈ 2 for this. A double is NaN when,
 * sign aside, its high word is above 0x7ff00000 once a non-zero low word is or-ed in as
 * 1 (little-endian words, as every typed array here).
 */
function nanValidity(values: Float64Array, allocate: Allocate): Validity {
  const rows = values.length;
  const words = new Int32Array(values.buffer, values.byteOffset, rows * 2);
  const bitmap = allocate((rows + 7) >> 3);
  let nulls = 0;
  for (let byte = 0; byte < bitmap.length; byte++) {
    const first = byte << 3;
    const count = Math.min(8, rows - first);
    let bits = 0xff;
    for (let k = 0; k < count; k++) {
      const lo = words[2 * (first + k)];
      const magnitude = (words[2 * (first + k) + 1] & 0x7fffffff) | ((lo | -lo) >>> 31);
      const nan = (0x7ff00000 - magnitude) >>> 31;
      bits ^= nan << k;
      nulls += nan;
    }
    bitmap[byte] = bits;
  }
  return nulls === 0 ? { nulls } : { bitmap, nulls };
}

/** Validity from presence flags (1 = present), or no bitmap when `flags` is null. */
function flagValidity(flags: Uint8Array | null, allocate: Allocate): Validity {
  if (!flags) return { nulls: 0 };
  const rows = flags.length;
  let nulls = 0;
  for (let i = 0; i < rows; i++) if (flags[i] === 0) nulls++;
  if (nulls === 0) return { nulls };
  const bitmap = allocate((rows + 7) >> 3).fill(0xff);
  for (let i = 0; i < rows; i++) if (flags[i] === 0) bitmap[i >> 3] &= ~(1 << (i & 7));
  return { bitmap, nulls };
}

/**
 * One column's values over all segments, as a flat array (typed where the data is). A
 * group that is one typed segment is returned as that array itself, not a copy.
 */
function gather<T extends Float64Array | Int32Array | Uint8Array>(
  Ctor: {
    new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
    readonly BYTES_PER_ELEMENT: number;
  },
  segments: readonly ProducedTable[],
  name: string,
  rows: number,
  allocate: Allocate,
): T {
  if (segments.length === 1 && segments[0].columns[name] instanceof Ctor)
    return segments[0].columns[name] as T;
  const bytes = allocate(rows * Ctor.BYTES_PER_ELEMENT);
  const out = new Ctor(bytes.buffer, bytes.byteOffset, rows);
  let offset = 0;
  for (const s of segments) {
    const data = s.columns[name];
    if (ArrayBuffer.isView(data)) out.set(data as unknown as ArrayLike<number>, offset);
    else {
      const values = data as (number | null)[];
      for (let i = 0; i < s.rows; i++) out[offset + i] = values[i] ?? 0;
    }
    offset += s.rows;
  }
  return out;
}

/** Presence flags (1 = present) of an int32/date column, or null when no segment can hold nulls. */
function presenceOf(
  segments: readonly ProducedTable[],
  name: string,
  rows: number,
  allocate: Allocate,
): Uint8Array | null {
  // only plain arrays (nullable int32/date) hold nulls; typed arrays cannot
  if (segments.every((s) => ArrayBuffer.isView(s.columns[name]))) return null;
  const flags = allocate(rows).fill(1);
  let offset = 0;
  for (const s of segments) {
    const data = s.columns[name];
    if (!ArrayBuffer.isView(data)) {
      const values = data as (number | null)[];
      for (let i = 0; i < s.rows; i++) if (values[i] === null) flags[offset + i] = 0;
    }
    offset += s.rows;
  }
  return flags;
}

const encoder = new TextEncoder();

/** A dictionary's entries as UTF-8: one buffer, each entry's start and length in it. */
interface EntryBytes {
  bytes: Uint8Array;
  start: Int32Array;
  length: Int32Array;
  /** Each entry as a view (for long entries, copied with set()). */
  views: Uint8Array[];
}

/**
 * Each dictionary's entries as UTF-8, encoded once and kept while the dictionary lives: the
 * slices of one batch that make up several groups share one dictionary.
 */
const encodedEntries = new WeakMap<readonly string[], EntryBytes>();

function entryBytes(dictionary: readonly string[]): EntryBytes {
  let entries = encodedEntries.get(dictionary);
  if (entries) return entries;
  const encoded = dictionary.map((d) => encoder.encode(d));
  const start = new Int32Array(encoded.length);
  const length = new Int32Array(encoded.length);
  let total = 0;
  for (let i = 0; i < encoded.length; i++) {
    start[i] = total;
    length[i] = encoded[i].length;
    total += encoded[i].length;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < encoded.length; i++) bytes.set(encoded[i], start[i]);
  entries = { bytes, start, length, views: encoded };
  encodedEntries.set(dictionary, entries);
  return entries;
}

/** A string column as codes (a plain array is coded here, each distinct string once). */
function asDictionary(data: ProducedColumnData): DictionaryColumn {
  return data instanceof DictionaryColumn ? data : DictionaryColumn.encode(data as (string | null)[]);
}

/** Entries at least this long are copied with set(); shorter ones byte by byte (call overhead). */
const SET_MIN_BYTES = 24;

/**
 * Plain UTF-8 from the segments' codes: a first pass sums each row's byte length into the
 * offsets (and marks nulls), a second copies each row's entry bytes. The bytes depend on
 * the rows' strings only, not on how they were coded.
 */
function utf8Data(type: arrow.Utf8, segments: readonly ProducedTable[], name: string, rows: number) {
  const columns = segments.map((s) => asDictionary(s.columns[name]));
  const encoded = columns.map((c) => entryBytes(c.dictionary));
  const valueOffsets = new Int32Array(rows + 1);
  let bitmap: Uint8Array | undefined;
  let nulls = 0;
  let bytes = 0;
  let row = 0;
  for (let s = 0; s < columns.length; s++) {
    const { codes } = columns[s];
    const { length } = encoded[s];
    for (let r = 0; r < codes.length; r++) {
      const code = codes[r];
      if (code < 0) {
        if (!bitmap) bitmap = new Uint8Array((rows + 7) >> 3).fill(0xff);
        bitmap[row >> 3] &= ~(1 << (row & 7));
        nulls++;
      } else bytes += length[code];
      valueOffsets[++row] = bytes;
    }
  }
  const data = new Uint8Array(bytes);
  let at = 0;
  for (let s = 0; s < columns.length; s++) {
    const { codes } = columns[s];
    const { bytes: src, start, length, views } = encoded[s];
    const n = codes.length;
    for (let r = 0; r < n; ) {
      const code = codes[r];
      let end = r + 1;
      while (end < n && codes[end] === code) end++;
      if (code >= 0) {
        const len = length[code];
        if (end - r > 1) at = copyRun(data, at, views[code], end - r);
        else if (len >= SET_MIN_BYTES) {
          data.set(views[code], at);
          at += len;
        } else {
          for (let k = 0, from = start[code]; k < len; k++) data[at + k] = src[from + k];
          at += len;
        }
      }
      r = end;
    }
  }
  return arrow.makeData({ type, length: rows, nullCount: nulls, nullBitmap: bitmap, valueOffsets, data });
}

/** Writes `count` copies of `bytes` at `at`; the offset after them. */
function copyRun(data: Uint8Array, at: number, bytes: Uint8Array, count: number): number {
  const total = bytes.length * count;
  if (total < 256) {
    for (let c = 0; c < count; c++) {
      for (let k = 0; k < bytes.length; k++) data[at + k] = bytes[k];
      at += bytes.length;
    }
    return at;
  }
  data.set(bytes, at);
  for (let filled = bytes.length; filled < total; ) {
    const chunk = Math.min(filled, total - filled);
    data.copyWithin(at + filled, at, at + chunk);
    filled += chunk;
  }
  return at + total;
}

/** A fixed-width column's Arrow buffers: values (bit-packed for bool) and, when it has nulls, validity. */
export interface FixedColumnBuffers {
  nullCount: number;
  nullBitmap?: Uint8Array;
  values: Int32Array | Float64Array | BigInt64Array | Uint8Array;
}

/**
 * The Arrow buffers of a non-string column over all segments: int32 and date as Int32,
 * float64 as Float64 (NaN is null when the column is nullable), timestamp_ms as int64,
 * bool bit-packed. Shared by record batches in memory and the IPC file writer.
 */
export function fixedColumnBuffers(
  spec: ColumnSpec,
  segments: readonly ProducedTable[],
  rows: number,
  allocate: Allocate = fresh,
): FixedColumnBuffers {
  const name = spec.name;
  switch (spec.type) {
    case "string":
      throw new Error(`column ${name}: strings have no fixed-width buffers`);
    case "int32":
    case "date": {
      const values = gather(Int32Array, segments, name, rows, allocate);
      const { bitmap, nulls } = flagValidity(presenceOf(segments, name, rows, allocate), allocate);
      return { nullCount: nulls, nullBitmap: bitmap, values };
    }
    case "float64": {
      const values = gather(Float64Array, segments, name, rows, allocate);
      // NaN is our in-memory "missing": a null in nullable columns, kept as NaN otherwise
      const { bitmap, nulls } = spec.nullable
        ? nanValidity(values, allocate)
        : { bitmap: undefined, nulls: 0 };
      return { nullCount: nulls, nullBitmap: bitmap, values };
    }
    case "timestamp_ms": {
      const ms = gather(Float64Array, segments, name, rows, allocate);
      // int64 as two 32-bit halves (little-endian), no BigInt per row; whole ms are exact below 2^53
      const halves = int32s(allocate, rows * 2);
      const values = new BigInt64Array(halves.buffer, halves.byteOffset, rows);
      for (let i = 0; i < rows; i++) {
        const v = ms[i];
        if (Number.isNaN(v)) continue;
        const hi = Math.floor(v / 4294967296);
        halves[2 * i] = v - hi * 4294967296;
        halves[2 * i + 1] = hi;
      }
      const { bitmap, nulls } = nanValidity(ms, allocate);
      return { nullCount: nulls, nullBitmap: bitmap, values };
    }
    case "bool": {
      const flags = gather(Uint8Array, segments, name, rows, allocate);
      const values = allocate((rows + 7) >> 3);
      for (let i = 0; i < rows; i++) if (flags[i] === 1) values[i >> 3] |= 1 << (i & 7);
      return { nullCount: 0, values };
    }
  }
}

function columnData(spec: ColumnSpec, field: arrow.Field, segments: readonly ProducedTable[], rows: number) {
  if (spec.type === "string") return utf8Data(field.type as arrow.Utf8, segments, spec.name, rows);
  const { nullCount, nullBitmap, values } = fixedColumnBuffers(spec, segments, rows);
  return arrow.makeData({ type: field.type, length: rows, nullCount, nullBitmap, data: values } as never);
}

/** One record batch holding the segments' rows in order. */
export function recordBatchOf(
  tableSchema: TableSchema,
  segments: readonly ProducedTable[],
  schema: arrow.Schema = arrowSchema(tableSchema),
): arrow.RecordBatch {
  const rows = segments.reduce((n, s) => n + s.rows, 0);
  const children = tableSchema.columns.map(
    (spec, i) => columnData(spec, schema.fields[i], segments, rows) as arrow.Data,
  );
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: rows,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(schema, data);
}
