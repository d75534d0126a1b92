/**
 * Worker-thread entry for writing a dataset's tables. The manager forwards each batch as
 * the generation worker packed it (transferred buffers); this thread unpacks it and streams
 * it into the table files, so the encoding garbage lives under this worker's heap cap and
 * not in the caller's thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ManifestTable } from "../../core/manifest.js";
import type { TableFormat } from "../storage/tableIO.js";
import { DatasetWriter, type TableWriterOptions } from "../storage/tableWriter.js";
import { type PackedTables, unpackTables } from "./batch.js";

export interface WriterWorkerInit {
  dir: string;
  format: TableFormat;
  options: TableWriterOptions;
}

export type WriterRequest = { type: "append"; tables: PackedTables } | { type: "finish" } | { type: "abort" };

export type WriterReply =
  | { type: "appended" }
  | { type: "finished"; tables: Record<string, ManifestTable> }
  | { type: "aborted" }
  | { type: "error"; message: string; stack?: string };

function serve(): void {
  const port = parentPort;
  if (!port) return;
  const init = workerData as WriterWorkerInit;
  const writer = new DatasetWriter(init.dir, init.format, init.options);
  // requests are handled one at a time, in order, even though appends await file writes
  let queue = Promise.resolve();
  port.on("message", (request: WriterRequest) => {
    queue = queue.then(async () => {
      try {
        if (request.type === "append") {
          await writer.append(unpackTables(request.tables));
          port.postMessage({ type: "appended" } satisfies WriterReply);
        } else if (request.type === "finish") {
          port.postMessage({ type: "finished", tables: await writer.finish() } satisfies WriterReply);
        } else {
          writer.abort();
          port.postMessage({ type: "aborted" } satisfies WriterReply);
        }
      } catch (e) {
        const err = e as Error;
        port.postMessage({ type: "error", message: err.message, stack: err.stack } satisfies WriterReply);
      }
    });
  });
}

serve();
