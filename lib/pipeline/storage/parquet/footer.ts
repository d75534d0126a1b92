/**
 * The FileMetaData footer in the thrift compact protocol: schema, row groups with their
 * column chunks and statistics, key-value metadata, created_by and the column orders that
 * tell readers min_value/max_value follow each type's defined order.
 */
import type { SchemaElement } from "hyparquet";
import type { ChunkMeta } from "./columnChunk.js";
import { CompactWriter, TType } from "./thriftCompact.js";

export interface WrittenChunk {
  /** File offset of the chunk's first page. */
  offset: number;
  physicalType: number;
  path: string;
  meta: ChunkMeta;
}

export interface WrittenRowGroup {
  rows: number;
  chunks: WrittenChunk[];
}

const TYPE: Record<string, number> = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 };
const REPETITION: Record<string, number> = { REQUIRED: 0, OPTIONAL: 1 };
const CONVERTED: Record<string, number> = { UTF8: 0, DATE: 6, TIMESTAMP_MILLIS: 9 };
const TIME_UNIT: Record<string, number> = { MILLIS: 1, MICROS: 2, NANOS: 3 };

function schemaElement(w: CompactWriter, e: SchemaElement): void {
  w.begin();
  if (e.type !== undefined) w.i32(1, need(TYPE, e.type, e.name));
  if (e.repetition_type !== undefined) w.i32(3, need(REPETITION, e.repetition_type, e.name));
  w.string(4, e.name);
  if (e.num_children !== undefined) w.i32(5, e.num_children);
  if (e.converted_type !== undefined) w.i32(6, need(CONVERTED, e.converted_type, e.name));
  const logical = e.logical_type;
  if (logical) {
    w.struct(10);
    if (logical.type === "STRING") w.struct(1).end();
    else if (logical.type === "DATE") w.struct(6).end();
    else if (logical.type === "TIMESTAMP") {
      w.struct(8).bool(1, logical.isAdjustedToUTC);
      w.struct(2)
        .struct(need(TIME_UNIT, logical.unit, e.name))
        .end()
        .end();
      w.end();
    } else throw new Error(`parquet footer: column ${e.name} has unsupported logical type ${logical.type}`);
    w.end();
  }
  w.end();
}

function need(table: Record<string, number>, key: string, column: string): number {
  const v = table[key];
  if (v === undefined) throw new Error(`parquet footer: column ${column}: unsupported ${key}`);
  return v;
}

function columnChunk(w: CompactWriter, c: WrittenChunk): void {
  const m = c.meta;
  w.begin().i64(2, c.offset);
  w.struct(3).i32(1, c.physicalType);
  w.list(2, TType.I32, m.encodings.length);
  for (const e of m.encodings) w.elementI32(e);
  w.list(3, TType.Binary, 1).elementString(c.path);
  w.i32(4, 0); // UNCOMPRESSED
  w.i64(5, m.numValues).i64(6, m.bytes).i64(7, m.bytes);
  w.i64(9, c.offset + m.dictionaryPageBytes);
  if (m.dictionaryPageBytes > 0) w.i64(11, c.offset);
  const s = m.statistics;
  w.struct(12).i64(3, s.nullCount);
  if (s.max && s.min) w.binary(5, s.max).binary(6, s.min);
  w.end();
  w.end().end();
}

export function encodeFooter(
  schema: SchemaElement[],
  groups: readonly WrittenRowGroup[],
  metadata: Record<string, string>,
  createdBy: string,
): Uint8Array {
  const w = new CompactWriter();
  w.i32(1, 1);
  w.list(2, TType.Struct, schema.length);
  for (const e of schema) schemaElement(w, e);
  w.i64(
    3,
    groups.reduce((n, g) => n + g.rows, 0),
  );
  w.list(4, TType.Struct, groups.length);
  for (const g of groups) {
    const bytes = g.chunks.reduce((n, c) => n + c.meta.bytes, 0);
    w.begin();
    w.list(1, TType.Struct, g.chunks.length);
    for (const c of g.chunks) columnChunk(w, c);
    w.i64(2, bytes).i64(3, g.rows);
    if (g.chunks.length > 0) w.i64(5, g.chunks[0].offset);
    w.i64(6, bytes);
    w.end();
  }
  const entries = Object.entries(metadata);
  if (entries.length > 0) {
    w.list(5, TType.Struct, entries.length);
    for (const [key, value] of entries) w.begin().string(1, key).string(2, value).end();
  }
  w.string(6, createdBy);
  const columns = schema.length - 1;
  w.list(7, TType.Struct, columns);
  for (let i = 0; i < columns; i++) w.begin().struct(1).end().end();
  w.end();
  return w.bytes();
}
