/**
 * Streaming table files: rows arrive in batches and leave in fixed-size row groups (Parquet)
 * or record batches (Arrow IPC), so memory holds at most one group per table however many
 * homes a dataset has. Group boundaries depend only on the row sequence, never on how the
 * rows were batched, so a file's bytes do not depend on the worker count or batch size.
 */

import { renameSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import {
  FORMAT_EXTENSION,
  type ManifestFile,
  type ManifestTable,
  type TableFormat,
} from "../../core/manifest.js";
import type { HomeTables } from "../generation/producers.js";
import { hashFile } from "./integrity.js";

export { hashFile, parquetSchema };

import { type ColumnSpec, type ProducedTable, sliceTable, type TableSchema } from "../../core/columnTable.js";
import { ParquetFileWriter } from "./parquet/fileWriter.js";
import { parquetSchema } from "./parquetSchema.js";
import { StagedRowGroups } from "./stagedRowGroups.js";
import type { TableFileWriter, WrittenFile } from "./tableFileWriter.js";

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
/**
 * Row groups per file. A Parquet writer keeps every row group's footer metadata (column
 * chunks, statistics, offset indexes) until the file closes, so a table with more groups
 * than this rolls over to a new file: what a writer holds stays bounded however many homes
 * a dataset has (DuckDB's COPY … ROW_GROUPS_PER_FILE does the same).
 */
export const FILE_ROW_GROUPS = 64;

export type { TableFileWriter, WrittenFile } from "./tableFileWriter.js";

export interface TableWriterOptions {
  /** Rows per row group; default groupRowsFor(schema). */
  groupRows?: number;
  /** Rows per file of a dataset table (a whole number of groups); default groupRows × FILE_ROW_GROUPS. */
  fileRows?: number;
  /** Parquet only: key-value pairs for the file footer (what the file is, where it came from). */
  metadata?: Record<string, string>;
}

/** Streams row groups to a Parquet file through our encoder (see parquet/fileWriter.ts). */
class ParquetTableWriter implements TableFileWriter {
  private readonly groups: StagedRowGroups;
  private readonly file: ParquetFileWriter;
  private rows = 0;

  constructor(
    readonly path: string,
    readonly schema: TableSchema,
    groupRows: number,
    metadata: Record<string, string> = {},
  ) {
    this.groups = new StagedRowGroups(schema, groupRows, (group) => this.writeGroup(group));
    this.file = new ParquetFileWriter(path, schema, metadata);
  }

  private writeGroup(group: ProducedTable[]): void {
    this.file.writeRowGroup(group);
    for (const g of group) this.rows += g.rows;
  }

  async append(table: ProducedTable): Promise<void> {
    this.groups.push(table);
  }

  async finish(): Promise<WrittenFile> {
    this.groups.drain();
    // an empty table is a footer with the schema and no row groups: readers still see its columns
    const bytes = this.file.finish();
    return { path: this.path, rows: this.rows, bytes, sha256: this.file.sha256 };
  }

  abort(): void {
    this.file.close();
    rmSync(this.path, { force: true });
  }
}

/**
 * The Arrow IPC writer, loaded on first use: apache-arrow is ≈ 150 modules (≈ 130 ms to
 * import, ≈ 3.6 MB of heap), which a Parquet run never needs. The file is opened with the
 * module, at the first append or finish; nothing exists on disk before.
 */
class LazyArrowTableWriter implements TableFileWriter {
  private writer: Promise<TableFileWriter> | null = null;
  private opened: TableFileWriter | null = null;

  constructor(
    readonly path: string,
    readonly schema: TableSchema,
    private readonly groupRows: number,
  ) {}

  private open(): Promise<TableFileWriter> {
    this.writer ??= import("./arrowTableWriter.js").then(({ ArrowTableWriter }) => {
      this.opened = new ArrowTableWriter(this.path, this.schema, this.groupRows);
      return this.opened;
    });
    return this.writer;
  }

  async append(table: ProducedTable): Promise<void> {
    await (await this.open()).append(table);
  }

  async finish(): Promise<WrittenFile> {
    return (await this.open()).finish();
  }

  abort(): void {
    if (this.opened) this.opened.abort();
    else rmSync(this.path, { force: true });
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
    ? new ParquetTableWriter(path, schema, groupRows, options.metadata)
    : new LazyArrowTableWriter(path, schema, groupRows);
}

/**
 * One dataset table as a sequence of files of at most `fileRows` rows each. Parts are
 * written as `<name>-00000.parquet`, `<name>-00001.parquet`, …; a table that fits in one
 * part is renamed to `<name>.parquet` when it finishes. File boundaries, like group
 * boundaries, depend only on the row sequence, so the files are the same for any worker
 * count or batch size. `<name>*.parquet` globs both layouts in DuckDB, polars or pyarrow.
 */
export class PartitionedTableWriter {
  private readonly groupRows: number;
  private readonly fileRows: number;
  private readonly written: WrittenFile[] = [];
  private current: TableFileWriter;
  private rowsInCurrent = 0;

  constructor(
    private readonly dir: string,
    private readonly name: string,
    readonly schema: TableSchema,
    private readonly format: TableFormat,
    options: TableWriterOptions = {},
  ) {
    this.groupRows = options.groupRows ?? groupRowsFor(schema);
    const fileRows = options.fileRows ?? this.groupRows * FILE_ROW_GROUPS;
    // whole groups per file, so a file's last group is short only in the table's last file
    this.fileRows = Math.max(1, Math.round(fileRows / this.groupRows)) * this.groupRows;
    this.current = this.openPart();
  }

  private partName(index: number): string {
    return `${this.name}-${String(index).padStart(5, "0")}${FORMAT_EXTENSION[this.format]}`;
  }

  private openPart(): TableFileWriter {
    const path = join(this.dir, this.partName(this.written.length));
    return openTableWriter(path, this.schema, this.format, { groupRows: this.groupRows });
  }

  async append(table: ProducedTable): Promise<void> {
    let start = 0;
    while (start < table.rows) {
      if (this.rowsInCurrent === this.fileRows) {
        this.written.push(await this.current.finish());
        this.current = this.openPart();
        this.rowsInCurrent = 0;
      }
      const end = Math.min(table.rows, start + this.fileRows - this.rowsInCurrent);
      await this.current.append(start === 0 && end === table.rows ? table : sliceTable(table, start, end));
      this.rowsInCurrent += end - start;
      start = end;
    }
  }

  /** Closes the last part; the files in order, paths relative to the dataset directory. */
  async finish(): Promise<ManifestFile[]> {
    this.written.push(await this.current.finish());
    if (this.written.length === 1) {
      const single = join(this.dir, `${this.name}${FORMAT_EXTENSION[this.format]}`);
      renameSync(this.written[0].path, single);
      this.written[0] = { ...this.written[0], path: single };
    }
    return this.written.map((f) => ({
      path: relative(this.dir, f.path),
      rows: f.rows,
      bytes: f.bytes,
      sha256: f.sha256,
    }));
  }

  abort(): void {
    this.current.abort();
    for (const f of this.written) rmSync(f.path, { force: true });
  }
}

/**
 * Writes a dataset's tables as batches of homes arrive: one partitioned, streaming writer
 * per table, opened when the table first appears. Tables are listed in contract order.
 */
export class DatasetWriter {
  private readonly writers = new Map<TableName, PartitionedTableWriter>();

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
        writer = new PartitionedTableWriter(this.dir, name, table.schema, this.format, this.options);
        this.writers.set(name, writer);
      }
      await writer.append(table);
    }
  }

  /** Closes every file; the manifest's table entries. */
  async finish(): Promise<Record<string, ManifestTable>> {
    const tables: Record<string, ManifestTable> = {};
    for (const name of Object.keys(TABLE_SCHEMAS) as TableName[]) {
      const writer = this.writers.get(name);
      if (!writer) continue;
      const files = await writer.finish();
      tables[name] = {
        format: this.format,
        rows: files.reduce((n, f) => n + f.rows, 0),
        files,
        schema: [...writer.schema.columns],
      };
    }
    return tables;
  }

  abort(): void {
    for (const writer of this.writers.values()) writer.abort();
  }
}
