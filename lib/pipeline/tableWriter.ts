/**
 * Streaming table files: rows arrive in batches and leave in fixed-size row groups (Parquet)
 * or record batches (Arrow IPC), so memory holds at most one group per table however many
 * homes a dataset has. Group boundaries depend only on the row sequence, never on how the
 * rows were batched, so a file's bytes do not depend on the worker count or batch size.
 */

import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import * as arrow from "apache-arrow";
import type { SchemaElement } from "hyparquet";
import { fileWriter, ParquetWriter } from "hyparquet-writer";
import { FORMAT_EXTENSION, type TableFormat } from "./io.js";
import type { ManifestTable } from "./manifest.js";
import type { HomeTables } from "./producers.js";
import {
  type ColumnData,
  type ColumnSpec,
  type ColumnTable,
  concatTables,
  type TableSchema,
} from "./schema.js";
import { TABLE_SCHEMAS, type TableName } from "./tables.js";

/**
 * Memory a buffered row group may take. Rows wait in JS arrays until a group is full, so
 * this (times the number of tables) is the constant that peak memory carries whatever the
 * number of homes; groups are sized per table from it (see groupRowsFor).
 */
export const GROUP_BUDGET_BYTES = 16 * 2 ** 20;
/** Rough in-memory cost of one value while buffered (a string is a pointer plus its text). */
const BUFFERED_BYTES: Record<ColumnSpec["type"], number> = {
  string: 48,
  int32: 8,
  float64: 8,
  bool: 4,
  timestamp_ms: 8,
  date: 8,
};

/**
 * Rows per Parquet row group / Arrow record batch for a table: the group budget over the
 * table's row cost, in whole multiples of 4 096 rows between 16 384 and 262 144. Depends on
 * the schema alone, so files stay identical for any worker count or batch size.
 */
export function groupRowsFor(schema: TableSchema, budgetBytes = GROUP_BUDGET_BYTES): number {
  const perRow = schema.columns.reduce((n, c) => n + BUFFERED_BYTES[c.type], 0);
  const rows = Math.floor(budgetBytes / perRow / 4096) * 4096;
  return Math.min(262_144, Math.max(16_384, rows));
}
const DAY_MS = 86_400_000;

export interface WrittenFile {
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface TableFileWriter {
  readonly schema: TableSchema;
  readonly path: string;
  append(table: ColumnTable): Promise<void>;
  finish(): Promise<WrittenFile>;
  /** Closes and deletes the partial file. */
  abort(): void;
}

export interface TableWriterOptions {
  /** Rows per row group; default groupRowsFor(schema). */
  groupRows?: number;
}

/** Rows [start, end) of a table; typed columns are views, not copies. */
export function sliceTable(table: ColumnTable, start: number, end: number): ColumnTable {
  const columns: Record<string, ColumnData> = {};
  for (const spec of table.schema.columns) {
    const data = table.columns[spec.name];
    columns[spec.name] = (
      ArrayBuffer.isView(data) ? (data as Float64Array).subarray(start, end) : data.slice(start, end)
    ) as ColumnData;
  }
  return { schema: table.schema, rows: end - start, columns };
}

/** Regroups appended tables into groups of exactly `groupRows` rows (the last may be shorter). */
class RowRegrouper {
  private parts: ColumnTable[] = [];
  private rows = 0;
  constructor(
    private readonly schema: TableSchema,
    private readonly groupRows: number,
  ) {}

  /** Full groups now ready. */
  push(table: ColumnTable): ColumnTable[] {
    if (table.rows === 0) return [];
    this.parts.push(table);
    this.rows += table.rows;
    const groups: ColumnTable[] = [];
    while (this.rows >= this.groupRows) {
      const all = this.parts.length === 1 ? this.parts[0] : concatTables(this.schema, this.parts);
      groups.push(sliceTable(all, 0, this.groupRows));
      const rest = sliceTable(all, this.groupRows, all.rows);
      this.parts = rest.rows > 0 ? [rest] : [];
      this.rows = rest.rows;
    }
    return groups;
  }

  /** The last, partial group, if any. */
  drain(): ColumnTable | null {
    if (this.rows === 0) return null;
    const last = this.parts.length === 1 ? this.parts[0] : concatTables(this.schema, this.parts);
    this.parts = [];
    this.rows = 0;
    return last;
  }
}

export function parquetSchema(schema: TableSchema): SchemaElement[] {
  return [
    { name: "root", num_children: schema.columns.length },
    ...schema.columns.map((spec) => parquetSchemaElement(spec)),
  ];
}

function parquetSchemaElement(spec: ColumnSpec): SchemaElement {
  const repetition_type = spec.nullable ? "OPTIONAL" : "REQUIRED";
  switch (spec.type) {
    case "string":
      return { name: spec.name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type };
    case "int32":
      return { name: spec.name, type: "INT32", repetition_type };
    case "float64":
      return { name: spec.name, type: "DOUBLE", repetition_type };
    case "bool":
      return { name: spec.name, type: "BOOLEAN", repetition_type };
    case "timestamp_ms":
      return {
        name: spec.name,
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
        repetition_type,
      };
    case "date":
      return {
        name: spec.name,
        type: "INT32",
        converted_type: "DATE",
        logical_type: { type: "DATE" },
        repetition_type,
      };
  }
}

/** Column values as hyparquet-writer takes them for the schema element above. */
export function parquetValues(spec: ColumnSpec, data: ColumnData): unknown[] | ArrayLike<unknown> {
  switch (spec.type) {
    case "string":
    case "int32":
      return data;
    case "float64":
      // Parquet has real nulls: NaN (our in-memory "missing") is written as null
      return spec.nullable ? Array.from(data as Float64Array, (v) => (Number.isNaN(v) ? null : v)) : data;
    case "bool":
      return Array.from(data as Uint8Array, (v) => v === 1);
    case "timestamp_ms":
      return Array.from(data as Float64Array, (v) => (Number.isNaN(v) ? null : BigInt(v)));
    case "date":
      return Array.from(data as ArrayLike<number | null>, (v) => (v === null ? null : new Date(v * DAY_MS)));
  }
}

class ParquetTableWriter implements TableFileWriter {
  private readonly regroup: RowRegrouper;
  private readonly writer: ParquetWriter;
  private rows = 0;
  private bytesWritten: () => number;

  constructor(
    readonly path: string,
    readonly schema: TableSchema,
    groupRows: number,
  ) {
    this.regroup = new RowRegrouper(schema, groupRows);
    const file = fileWriter(path);
    this.bytesWritten = () => file.offset;
    this.writer = new ParquetWriter({ writer: file, schema: parquetSchema(schema), createdBy: "homeforge" });
  }

  private writeGroup(group: ColumnTable): void {
    const columnData = this.schema.columns.map((spec) => ({
      name: spec.name,
      data: parquetValues(spec, group.columns[spec.name]) as never,
    }));
    this.writer.write({ columnData, rowGroupSize: group.rows });
    this.rows += group.rows;
  }

  async append(table: ColumnTable): Promise<void> {
    for (const group of this.regroup.push(table)) this.writeGroup(group);
  }

  async finish(): Promise<WrittenFile> {
    const last = this.regroup.drain();
    if (last) this.writeGroup(last);
    await this.writer.finish();
    return {
      path: this.path,
      rows: this.rows,
      bytes: this.bytesWritten(),
      sha256: await hashFile(this.path),
    };
  }

  abort(): void {
    rmSync(this.path, { force: true });
  }
}

function arrowType(spec: ColumnSpec): arrow.DataType {
  switch (spec.type) {
    case "string":
      // plain UTF8, not dictionaries: an IPC *file* cannot replace a dictionary between
      // record batches, and each streamed batch would bring its own
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

function arrowValues(spec: ColumnSpec, data: ColumnData): unknown[] {
  switch (spec.type) {
    case "string":
      return data as (string | null)[];
    case "int32":
      return Array.from(data as ArrayLike<number | null>);
    case "float64":
      return Array.from(data as Float64Array, (v) => (Number.isNaN(v) && spec.nullable ? null : v));
    case "bool":
      return Array.from(data as Uint8Array, (v) => v === 1);
    case "timestamp_ms":
      return Array.from(data as Float64Array);
    case "date":
      return Array.from(data as ArrayLike<number | null>, (v) => (v === null ? null : new Date(v * DAY_MS)));
  }
}

export function toRecordBatch(table: ColumnTable, schema: arrow.Schema): arrow.RecordBatch {
  const children = table.schema.columns.map(
    (spec, i) =>
      arrow.vectorFromArray(arrowValues(spec, table.columns[spec.name]), schema.fields[i].type).data[0],
  );
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: table.rows,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(schema, data);
}

class ArrowTableWriter implements TableFileWriter {
  private readonly regroup: RowRegrouper;
  private readonly writer = new arrow.RecordBatchFileWriter();
  private readonly arrowSchema: arrow.Schema;
  private readonly fd: number;
  private readonly pump: Promise<void>;
  private bytes = 0;
  private rows = 0;
  private started = false;

  constructor(
    readonly path: string,
    readonly schema: TableSchema,
    groupRows: number,
  ) {
    this.regroup = new RowRegrouper(schema, groupRows);
    this.arrowSchema = arrowSchema(schema);
    const fd = openSync(path, "w");
    this.fd = fd;
    // the writer is an async byte queue: drain it to the file as it fills
    this.pump = (async () => {
      for await (const chunk of this.writer) {
        writeSync(fd, chunk);
        this.bytes += chunk.byteLength;
      }
    })();
  }

  private writeGroup(group: ColumnTable): void {
    this.writer.write(toRecordBatch(group, this.arrowSchema));
    this.started = true;
    this.rows += group.rows;
  }

  async append(table: ColumnTable): Promise<void> {
    for (const group of this.regroup.push(table)) this.writeGroup(group);
    // let the pump write what is queued before more rows arrive
    await new Promise((resolve) => setImmediate(resolve));
  }

  async finish(): Promise<WrittenFile> {
    const last = this.regroup.drain();
    if (last) this.writeGroup(last);
    // an empty table still gets a schema and one empty batch, so readers see its columns
    if (!this.started) {
      const columns = Object.fromEntries(this.schema.columns.map((c) => [c.name, [] as string[]]));
      this.writer.write(toRecordBatch({ schema: this.schema, rows: 0, columns }, this.arrowSchema));
    }
    this.writer.finish();
    await this.pump;
    closeSync(this.fd);
    return { path: this.path, rows: this.rows, bytes: this.bytes, sha256: await hashFile(this.path) };
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.path, { force: true });
  }
}

export function openTableWriter(
  path: string,
  schema: TableSchema,
  format: TableFormat,
  options: TableWriterOptions = {},
): TableFileWriter {
  const groupRows = options.groupRows ?? groupRowsFor(schema);
  return format === "parquet"
    ? new ParquetTableWriter(path, schema, groupRows)
    : new ArrowTableWriter(path, schema, groupRows);
}

/** sha256 of a file, read in 1 MiB chunks. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * Writes a dataset's tables as batches of homes arrive: one streaming file per table,
 * opened when the table first appears. Tables are listed in contract order.
 */
export class DatasetWriter {
  private readonly writers = new Map<TableName, TableFileWriter>();

  constructor(
    private readonly dir: string,
    private readonly format: TableFormat,
    private readonly options: TableWriterOptions = {},
  ) {}

  async append(tables: HomeTables): Promise<void> {
    for (const name of Object.keys(TABLE_SCHEMAS) as TableName[]) {
      const table = tables[name];
      if (!table) continue;
      let writer = this.writers.get(name);
      if (!writer) {
        writer = openTableWriter(this.filePath(name), table.schema, this.format, this.options);
        this.writers.set(name, writer);
      }
      await writer.append(table);
    }
  }

  fileName(name: TableName): string {
    return `${name}${FORMAT_EXTENSION[this.format]}`;
  }

  private filePath(name: TableName): string {
    return join(this.dir, this.fileName(name));
  }

  /** Closes every file; the manifest's table entries. */
  async finish(): Promise<Record<string, ManifestTable>> {
    const tables: Record<string, ManifestTable> = {};
    for (const name of Object.keys(TABLE_SCHEMAS) as TableName[]) {
      const writer = this.writers.get(name);
      if (!writer) continue;
      const file = await writer.finish();
      tables[name] = {
        format: this.format,
        rows: file.rows,
        files: [{ path: this.fileName(name), rows: file.rows, bytes: file.bytes, sha256: file.sha256 }],
        schema: [...writer.schema.columns],
      };
    }
    return tables;
  }

  abort(): void {
    for (const writer of this.writers.values()) writer.abort();
  }
}
