import type { ProducedTable, TableSchema } from "../../core/columnTable.js";

/** A file written by a table writer. */
export interface WrittenFile {
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** One table file being written, row group by row group (Parquet or Arrow IPC). */
export interface TableFileWriter {
  readonly schema: TableSchema;
  readonly path: string;
  /** Rows to write; string columns may be dictionary-coded. */
  append(table: ProducedTable): Promise<void>;
  finish(): Promise<WrittenFile>;
  /** Closes and deletes the partial file. */
  abort(): void;
}
