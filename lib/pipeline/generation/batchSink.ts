/**
 * Where produced batches go: a DatasetWriter in the calling thread (single-threaded runs)
 * or the writer worker (runs on worker threads, so the calling thread only routes packed
 * buffers and its heap stays small).
 */
import type { ResourceLimits } from "node:worker_threads";
import type { ManifestTable } from "../../core/manifest.js";
import type { TableFormat } from "../storage/tableIO.js";
import { DatasetWriter, type TableWriterOptions } from "../storage/tableWriter.js";
import {
  type BatchResult,
  batchTables,
  type PackedBatch,
  packTables,
  transferList,
  unpackTables,
} from "./batch.js";
import { RemoteDatasetWriter } from "./writerClient.js";

/** A batch as produced: unpacked in this thread, or packed as it came from a worker. */
export type ProducedBatch = { packed: false; result: BatchResult } | { packed: true; result: PackedBatch };

export interface BatchSink {
  append(batch: ProducedBatch): Promise<void>;
  /** Closes every file; the manifest's table entries. */
  finish(): Promise<Record<string, ManifestTable>>;
  /** Removes what was written. */
  abort(): Promise<void>;
}

export function localSink(dir: string, format: TableFormat, options: TableWriterOptions): BatchSink {
  const writer = new DatasetWriter(dir, format, options);
  return {
    append: async (b) => {
      if (b.packed) return writer.append(unpackTables(b.result.tables));
      for (const part of b.result.parts) await writer.append(part);
    },
    finish: () => writer.finish(),
    abort: async () => writer.abort(),
  };
}

export function workerSink(
  dir: string,
  format: TableFormat,
  options: TableWriterOptions,
  limits?: ResourceLimits,
): BatchSink {
  const writer = new RemoteDatasetWriter({ dir, format, options }, limits);
  return {
    append: (b) => {
      if (b.packed) return writer.append(b.result.tables, transferList(b.result.tables));
      const { packed, transfer } = packTables(batchTables(b.result.parts));
      return writer.append(packed, transfer);
    },
    finish: () => writer.finish(),
    abort: () => writer.abort(),
  };
}
