/**
 * The Arrow IPC table writer. tableWriter.ts loads this module on first use: it brings
 * apache-arrow, which a Parquet run does not need.
 */
import { rmSync } from "node:fs";
import type { ColumnTable, ProducedTable, TableSchema } from "../../core/columnTable.js";
import { ArrowFileEncoder, arrowFileSchema } from "./arrowFileBatches.js";
import { ArrowIpcFileWriter } from "./arrowIpcFile.js";
import { StagedRowGroups } from "./stagedRowGroups.js";
import type { TableFileWriter, WrittenFile } from "./tableFileWriter.js";

function emptyTable(schema: TableSchema): ColumnTable {
  const columns = Object.fromEntries(schema.columns.map((c) => [c.name, [] as string[]]));
  return { schema, rows: 0, columns };
}

/**
 * Streams record batches to an Arrow IPC file as groups fill, string columns as
 * dictionary codes; each string column's one dictionary (entries in first-use order over
 * the file) is written after the last record batch, before the footer.
 */
export class ArrowTableWriter implements TableFileWriter {
  private readonly groups: StagedRowGroups;
  private readonly encoder: ArrowFileEncoder;
  private readonly file: ArrowIpcFileWriter;
  private rows = 0;
  private batches = 0;

  constructor(
    readonly path: string,
    readonly schema: TableSchema,
    groupRows: number,
  ) {
    this.groups = new StagedRowGroups(schema, groupRows, (group) => this.writeGroup(group));
    this.encoder = new ArrowFileEncoder(schema);
    this.file = new ArrowIpcFileWriter(path, arrowFileSchema(schema));
  }

  private writeGroup(group: ProducedTable[]): void {
    this.file.writeRecordBatch(this.encoder.recordBatch(group));
    this.batches++;
    for (const g of group) this.rows += g.rows;
  }

  async append(table: ProducedTable): Promise<void> {
    this.groups.push(table);
  }

  async finish(): Promise<WrittenFile> {
    this.groups.drain();
    // an empty table still gets one empty batch (and empty dictionaries), as before
    if (this.batches === 0) this.writeGroup([emptyTable(this.schema)]);
    for (const { id, body } of this.encoder.dictionaries()) this.file.writeDictionaryBatch(id, body);
    const bytes = this.file.finish();
    return { path: this.path, rows: this.rows, bytes, sha256: this.file.sha256 };
  }

  abort(): void {
    this.file.close();
    rmSync(this.path, { force: true });
  }
}
