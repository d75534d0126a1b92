/**
 * Benchmark reference only (bench/writers.ts): the Parquet writer homeforge used before its
 * own encoder (lib/pipeline/storage/parquet/). parquet-wasm is a devDependency; nothing under
 * lib/ imports it.
 *
 * Parquet files streamed through parquet-wasm (Rust arrow/parquet compiled to wasm): each
 * Arrow record batch handed in becomes one row group, and the file's bytes go to disk as
 * row groups are flushed, so memory holds about one group at a time.
 */

import { closeSync, openSync, writeSync } from "node:fs";
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";
import type { TableSchema } from "../lib/core/columnTable.js";

export type ParquetCompression = "snappy" | "lz4_raw" | "zstd" | "none";

const COMPRESSION: Record<ParquetCompression, pw.Compression> = {
  snappy: pw.Compression.SNAPPY,
  lz4_raw: pw.Compression.LZ4_RAW,
  zstd: pw.Compression.ZSTD,
  none: pw.Compression.UNCOMPRESSED,
};

/** Chosen by bench/writers.ts: fastest to write and read of the four, files within ~10 % of zstd. */
export const DEFAULT_COMPRESSION: ParquetCompression = "snappy";

export interface ParquetStreamOptions {
  /** Rows per row group: every batch but the last must have exactly this many. */
  groupRows: number;
  /** Key-value pairs for the footer. */
  metadata?: Record<string, string>;
  compression?: ParquetCompression;
}

/**
 * Timestamps are delta-coded (sorted-ish epoch ms shrink to a few bits); numbers skip the
 * dictionary (high-cardinality floats only pay for it); strings keep it (ids and kinds repeat).
 * No created-by version or time: the same rows give the same bytes.
 */
export function writerProperties(schema: TableSchema, options: ParquetStreamOptions): pw.WriterProperties {
  let builder = new pw.WriterPropertiesBuilder()
    .setCreatedBy("homeforge")
    .setCompression(COMPRESSION[options.compression ?? DEFAULT_COMPRESSION])
    .setMaxRowGroupSize(options.groupRows)
    .setStatisticsEnabled(pw.EnabledStatistics.Chunk)
    .setDictionaryEnabled(false);
  for (const spec of schema.columns) {
    if (spec.type === "string") builder = builder.setColumnDictionaryEnabled(spec.name, true);
    else if (spec.type === "timestamp_ms") {
      builder = builder.setColumnEncoding(spec.name, pw.Encoding.DELTA_BINARY_PACKED);
    }
  }
  const metadata = Object.entries(options.metadata ?? {});
  if (metadata.length > 0) builder = builder.setKeyValueMetadata(new Map(metadata));
  return builder.build();
}

/** An apache-arrow batch as a parquet-wasm one (through one IPC stream message). */
function toWasmBatch(batch: arrow.RecordBatch): pw.RecordBatch {
  const table = pw.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table(batch), "stream"));
  try {
    const wasmBatch = table.recordBatch(0);
    if (!wasmBatch) throw new Error("parquet-wasm: IPC stream held no record batch");
    return wasmBatch;
  } finally {
    table.free();
  }
}

export class ParquetStreamWriter {
  private readonly fd: number;
  private readonly pump: Promise<void>;
  private controller!: ReadableStreamDefaultController<pw.RecordBatch>;
  /** Resolves when the wasm writer asks for the next batch (backpressure: one batch in flight). */
  private demand: Promise<void>;
  private resolveDemand!: () => void;
  private failure: unknown = null;
  private closed = false;
  bytes = 0;

  constructor(
    readonly path: string,
    schema: TableSchema,
    options: ParquetStreamOptions,
  ) {
    this.demand = this.nextDemand();
    const source = new ReadableStream<pw.RecordBatch>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => this.resolveDemand(),
      },
      { highWaterMark: 0 },
    );
    const fd = openSync(path, "w");
    this.fd = fd;
    const properties = writerProperties(schema, options);
    this.pump = (async () => {
      const output = await pw.transformParquetStream(source, properties);
      for await (const chunk of output as unknown as AsyncIterable<Uint8Array>) {
        // after abort the descriptor may already belong to another file
        if (this.closed) break;
        writeSync(fd, chunk);
        this.bytes += chunk.byteLength;
      }
    })().catch((error: unknown) => {
      this.failure = error;
      this.resolveDemand();
    });
  }

  private nextDemand(): Promise<void> {
    return new Promise((resolve) => {
      this.resolveDemand = resolve;
    });
  }

  private check(): void {
    if (this.failure) throw new Error(`parquet-wasm failed writing ${this.path}: ${String(this.failure)}`);
  }

  async write(batch: arrow.RecordBatch): Promise<void> {
    await this.demand;
    this.check();
    this.demand = this.nextDemand();
    this.controller.enqueue(toWasmBatch(batch));
  }

  /** Writes the footer and closes the file; the file's size in bytes. */
  async finish(): Promise<number> {
    await this.demand;
    this.check();
    this.controller.close();
    await this.pump;
    this.check();
    this.closeFile();
    return this.bytes;
  }

  /** Stops the stream and closes the file (the caller deletes it). */
  abort(): void {
    try {
      this.controller.error(new Error("aborted"));
    } catch {
      // already closed
    }
    this.closeFile();
  }

  private closeFile(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
