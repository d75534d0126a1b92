/**
 * A Parquet file written row group by row group: "PAR1", each group's column chunks as they
 * are encoded (one write per group, so memory holds one encoded group), then the footer, its length
 * and "PAR1". No version or time in the footer: the same rows give the same bytes. The
 * file's sha256 is taken from the bytes as they are written (no second read).
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import type { ProducedColumnData, ProducedTable, TableSchema } from "../../../core/columnTable.js";
import { parquetSchema } from "../parquetSchema.js";
import { ByteSink } from "./byteSink.js";
import { ColumnChunkEncoder } from "./columnChunk.js";
import { encodeFooter, type WrittenRowGroup } from "./footer.js";

export const CREATED_BY = "homeforge";
const MAGIC = new TextEncoder().encode("PAR1");
/** One row-group buffer for every file (writing is synchronous; a group leaves before the next). */
const sharedChunk = new ByteSink(1 << 20);

/** Where a Parquet file's bytes go: a file (the default) or memory (`tableToParquet`). */
export interface ParquetOutput {
  /** Takes `bytes` now: the writer reuses the buffer behind them for the next group. */
  write(bytes: Uint8Array): void;
  close(): void;
}

function fileOutput(path: string): ParquetOutput {
  const fd = openSync(path, "w");
  return {
    write(bytes) {
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done);
    },
    close: () => closeSync(fd),
  };
}

/** A Parquet file built in memory: `bytes()` once the writer has finished. */
export class MemoryOutput implements ParquetOutput {
  private readonly parts: Uint8Array[] = [];

  write(bytes: Uint8Array): void {
    this.parts.push(bytes.slice());
  }

  close(): void {}

  bytes(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

export class ParquetFileWriter {
  private readonly output: ParquetOutput;
  private readonly encoders: ColumnChunkEncoder[];
  private readonly chunk = sharedChunk;
  private readonly groups: WrittenRowGroup[] = [];
  private readonly hash: Hash = createHash("sha256");
  private closed = false;
  bytes = 0;
  /** Hex sha256 of the whole file, set by finish. */
  sha256 = "";

  constructor(
    readonly path: string,
    readonly schema: TableSchema,
    private readonly metadata: Record<string, string> = {},
    output?: ParquetOutput,
  ) {
    this.encoders = schema.columns.map((spec) => new ColumnChunkEncoder(spec));
    this.output = output ?? fileOutput(path);
    this.write(MAGIC);
  }

  private write(bytes: Uint8Array): void {
    this.output.write(bytes);
    this.hash.update(bytes);
    this.bytes += bytes.length;
  }

  /** One row group of the segments' rows in order (a group of no rows writes nothing). */
  writeRowGroup(segments: readonly ProducedTable[]): void {
    let rows = 0;
    for (const s of segments) rows += s.rows;
    if (rows === 0) return;
    const group: WrittenRowGroup = { rows, chunks: [] };
    this.chunk.pos = 0;
    for (const encoder of this.encoders) {
      const name = encoder.spec.name;
      const data = new Array<ProducedColumnData>(segments.length);
      for (let k = 0; k < segments.length; k++) {
        const column = segments[k].columns[name];
        if (!column) throw new Error(`table ${this.schema.name}: column ${name} is missing`);
        data[k] = column;
      }
      const offset = this.bytes + this.chunk.pos;
      const meta = encoder.encode(this.chunk, data, rows);
      group.chunks.push({ offset, physicalType: encoder.physicalType, path: name, meta });
    }
    // the group's chunks leave in one write
    this.write(this.chunk.bytes());
    this.groups.push(group);
  }

  /** Writes the footer and closes the file; the file's size in bytes. */
  finish(): number {
    const footer = encodeFooter(parquetSchema(this.schema), this.groups, this.metadata, CREATED_BY);
    this.write(footer);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, footer.length, true);
    this.write(length);
    this.write(MAGIC);
    this.close();
    this.sha256 = this.hash.digest("hex");
    return this.bytes;
  }

  /** Closes the file (the caller deletes it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.output.close();
  }
}
