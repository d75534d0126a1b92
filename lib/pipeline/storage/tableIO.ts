import { readFileSync, writeFileSync } from "node:fs";
import * as arrow from "apache-arrow";
import { tableFromIPC, tableToIPC, type Vector, vectorFromArray } from "apache-arrow";
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from "hyparquet";
import {
  type ColumnData,
  type ColumnSpec,
  type ColumnTable,
  sliceTable,
  type TableSchema,
} from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import type { TableFormat } from "../../core/manifest.js";
import { sha256 } from "../../core/manifest.js";
import { hashFile } from "./integrity.js";
import { MemoryOutput, ParquetFileWriter } from "./parquet/fileWriter.js";

export type { TableFormat } from "../../core/manifest.js";
export { FORMAT_EXTENSION } from "../../core/manifest.js";

/** Rows per Parquet row group: bounds reader memory and lets tools skip groups. */
export const ROW_GROUP_SIZE = 262_144;
const DAY_MS = 86_400_000;

/**
 * Serialises a column table to Parquet bytes with the dataset encoder (parquet/), in row groups
 * of ROW_GROUP_SIZE rows. Deterministic: same table ⇒ same bytes.
 */
export function tableToParquet(table: ColumnTable): Uint8Array {
  const output = new MemoryOutput();
  const writer = new ParquetFileWriter(`${table.schema.name}.parquet`, table.schema, {}, output);
  for (let start = 0; start < table.rows; start += ROW_GROUP_SIZE) {
    writer.writeRowGroup([sliceTable(table, start, Math.min(table.rows, start + ROW_GROUP_SIZE))]);
  }
  writer.finish();
  return output.bytes();
}

function arrowVector(spec: ColumnSpec, data: ColumnData): Vector {
  switch (spec.type) {
    case "string":
      return vectorFromArray(
        data as (string | null)[],
        new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
      );
    case "int32":
      return vectorFromArray(Array.from(data as Int32Array), new arrow.Int32());
    case "float64":
      return vectorFromArray(
        Array.from(data as Float64Array, (v) => (Number.isNaN(v) && spec.nullable ? null : v)),
        new arrow.Float64(),
      );
    case "bool":
      return vectorFromArray(
        Array.from(data as Uint8Array, (v) => v === 1),
        new arrow.Bool(),
      );
    case "timestamp_ms":
      return vectorFromArray(Array.from(data as Float64Array), new arrow.TimestampMillisecond("UTC"));
    case "date":
      return vectorFromArray(
        Array.from(data as Int32Array, (v) => new Date(v * DAY_MS)),
        new arrow.DateDay(),
      );
  }
}

/** Serialises a column table to Arrow IPC (file format). */
export function tableToArrow(table: ColumnTable): Uint8Array {
  const vectors: Record<string, Vector> = {};
  for (const spec of table.schema.columns) vectors[spec.name] = arrowVector(spec, table.columns[spec.name]);
  const t = new arrow.Table(vectors);
  return tableToIPC(t, "file");
}

export function writeTableFile(path: string, table: ColumnTable, format: TableFormat): Uint8Array {
  const bytes = format === "parquet" ? tableToParquet(table) : tableToArrow(table);
  writeFileSync(path, bytes);
  return bytes;
}

export interface ReadTableOptions {
  /**
   * Called with the file's sha256 before anything is decoded; throw to refuse the file.
   * Hashed from the bytes already in memory when the whole file is read, else (Parquet by
   * row groups) by streaming the file once before the first group.
   */
  onHash?: (sha256: string) => void;
  /** Names the file in a decode error: `<field>: <label> is not a readable … file (…); <fix>`. */
  field?: string;
  label?: string;
  fix?: string;
  /**
   * Parquet row-group reads only: skip the row groups whose min/max statistics of the string
   * column `column` hold none of `values` (e.g. one home's events), reporting each skipped
   * group's row count to `onSkip`. Files without statistics are read whole.
   */
  keep?: RowGroupFilter;
  /** Decode only these columns (chunked reads); the chunks' schema holds just them, in schema order. */
  columns?: readonly string[];
}

/** Which row groups a chunked Parquet read decodes: those that may hold one of `values` in `column`. */
export interface RowGroupFilter {
  column: string;
  values: ReadonlySet<string>;
  onSkip?: (rows: number) => void;
}

/** A decode failure (truncated, garbage, wrong schema) as a one-line error naming the file. */
export function decodeError(path: string, e: unknown, options: ReadTableOptions = {}): HomeforgeError {
  if (e instanceof HomeforgeError) return e;
  const kind = path.endsWith(".arrow") ? "Arrow IPC" : "Parquet";
  const detail = String((e as Error)?.message ?? e).split("\n")[0];
  return new HomeforgeError(
    options.field ?? path,
    `${options.label ?? path} is not a readable ${kind} file (${detail})`,
    options.fix ?? "regenerate or re-export it",
  );
}

/** Reads a table file back into columns of the given schema. */
export async function readTableFile(
  path: string,
  schema: TableSchema,
  options: ReadTableOptions = {},
): Promise<ColumnTable> {
  const bytes = readFileSync(path);
  options.onHash?.(sha256(bytes));
  try {
    if (path.endsWith(".arrow")) return arrowToColumns(tableFromIPC(bytes), schema);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const raw: Record<string, unknown[]> = {};
    for (const spec of schema.columns) raw[spec.name] = [];
    await parquetRead({
      file: buffer,
      onChunk: (chunk) => {
        const target = raw[chunk.columnName];
        if (!target) return;
        for (let i = 0; i < chunk.columnData.length; i++) target[chunk.rowStart + i] = chunk.columnData[i];
      },
    });
    return toColumnTable(schema, raw);
  } catch (e) {
    throw decodeError(path, e, options);
  }
}

/** Raw column values to a column table; every column must have the same number of values. */
function toColumnTable(schema: TableSchema, raw: Record<string, unknown[]>): ColumnTable {
  const rows = raw[schema.columns[0].name].length;
  const columns: Record<string, ColumnData> = {};
  for (const spec of schema.columns) {
    const values = raw[spec.name];
    if (values.length !== rows) {
      throw new Error(
        `column ${spec.name} has ${values.length} values, ${schema.columns[0].name} has ${rows}`,
      );
    }
    columns[spec.name] = fromValues(spec, values);
  }
  return { schema, rows, columns };
}

/**
 * Reads a table file a row group (Parquet) or record batch (Arrow IPC) at a time, so
 * aggregations over big tables hold one group, not the file. Parquet is read by byte
 * ranges; an Arrow IPC file is mapped whole and handed out batch by batch.
 */
export async function* readTableChunks(
  path: string,
  schema: TableSchema,
  options: ReadTableOptions = {},
): AsyncGenerator<ColumnTable> {
  if (options.columns) schema = projectSchema(schema, options.columns, options);
  if (path.endsWith(".arrow")) {
    const bytes = readFileSync(path);
    options.onHash?.(sha256(bytes));
    let batches: arrow.RecordBatch[];
    try {
      batches = tableFromIPC(bytes).batches;
    } catch (e) {
      throw decodeError(path, e, options);
    }
    for (const batch of batches) {
      let chunk: ColumnTable;
      try {
        chunk = arrowToColumns(new arrow.Table(batch), schema);
      } catch (e) {
        throw decodeError(path, e, options);
      }
      yield chunk;
    }
    return;
  }
  // the byte ranges a row-group read touches neither cover the file nor come in order, so
  // the hash is one streaming pass before the first group (see bench/verify.ts)
  if (options.onHash) options.onHash(await hashFile(path));
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw decodeError(path, e, options);
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    if (options.keep && !mayHold(group, options.keep)) {
      options.keep.onSkip?.(rowEnd - rowStart);
      rowStart = rowEnd;
      continue;
    }
    let chunk: ColumnTable;
    try {
      const raw: Record<string, unknown[]> = {};
      for (const spec of schema.columns) raw[spec.name] = new Array(rowEnd - rowStart);
      await parquetRead({
        file,
        metadata,
        rowStart,
        rowEnd,
        columns: schema.columns.map((c) => c.name),
        onChunk: (c) => {
          const target = raw[c.columnName];
          if (!target) return;
          // chunks can start before rowStart when a page straddles the group boundary
          for (let i = 0; i < c.columnData.length; i++) {
            const row = c.rowStart + i;
            if (row >= rowStart && row < rowEnd) target[row - rowStart] = c.columnData[i];
          }
        },
      });
      chunk = toColumnTable(schema, raw);
    } catch (e) {
      throw decodeError(path, e, options);
    }
    yield chunk;
    rowStart = rowEnd;
  }
}

/** The schema's columns named in `columns`, in schema order; an unknown name is an error. */
function projectSchema(
  schema: TableSchema,
  columns: readonly string[],
  options: ReadTableOptions,
): TableSchema {
  for (const name of columns) {
    if (!schema.columns.some((c) => c.name === name)) {
      throw new HomeforgeError(
        options.field ?? "columns",
        `${schema.name} has no column "${name}"`,
        `use some of ${schema.columns.map((c) => c.name).join(", ")}`,
      );
    }
  }
  return { ...schema, columns: schema.columns.filter((c) => columns.includes(c.name)) };
}

type RowGroup = Awaited<ReturnType<typeof parquetMetadataAsync>>["row_groups"][number];

/** false only when the group's statistics of the filter column rule out every wanted value. */
function mayHold(group: RowGroup, keep: RowGroupFilter): boolean {
  const column = group.columns.find((c) => c.meta_data?.path_in_schema.join(".") === keep.column);
  const stats = column?.meta_data?.statistics;
  const min = stats?.min_value ?? stats?.min;
  const max = stats?.max_value ?? stats?.max;
  if (typeof min !== "string" || typeof max !== "string") return true;
  for (const v of keep.values) if (v >= min && v <= max) return true;
  return false;
}

function arrowToColumns(table: arrow.Table, schema: TableSchema): ColumnTable {
  const columns: Record<string, ColumnData> = {};
  for (const spec of schema.columns) {
    const vector = table.getChild(spec.name);
    if (!vector) throw new Error(`column ${spec.name} missing from Arrow file`);
    // get(i) (not toArray) so that nulls stay nulls instead of reading as 0
    const values = Array.from({ length: vector.length }, (_, i) => vector.get(i) as unknown);
    columns[spec.name] = fromValues(spec, values);
  }
  return { schema, rows: table.numRows, columns };
}

function fromValues(spec: ColumnSpec, values: ArrayLike<unknown>): ColumnData {
  const n = values.length;
  switch (spec.type) {
    case "string":
      return Array.from(values as ArrayLike<string | null>);
    case "int32":
      return spec.nullable
        ? Array.from(values as ArrayLike<number | null | undefined>, (v) =>
            v === null || v === undefined ? null : Number(v),
          )
        : Int32Array.from(values as ArrayLike<number>);
    case "float64":
      return Float64Array.from(values as ArrayLike<number | null | undefined>, (v) =>
        v === null || v === undefined ? Number.NaN : v,
      );
    case "bool":
      return Uint8Array.from(values as ArrayLike<boolean>, (v) => (v ? 1 : 0));
    case "timestamp_ms":
      return Float64Array.from(values as ArrayLike<unknown>, (v) =>
        v === null || v === undefined ? Number.NaN : toMs(v),
      );
    case "date": {
      if (spec.nullable) {
        return Array.from(values as ArrayLike<unknown>, (v) =>
          v === null || v === undefined ? null : Math.round(toMs(v) / DAY_MS),
        );
      }
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.round(toMs(values[i]) / DAY_MS);
      return out;
    }
  }
}

function toMs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === "bigint") return Number(v);
  return Number(v);
}
