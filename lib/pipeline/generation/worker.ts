/**
 * Worker-thread entry for generation. The manager sends batch numbers; the worker
 * generates, produces and validates those homes and posts the tables back (typed arrays
 * transferred, not copied). Everything it needs arrives in workerData, so a batch comes
 * out the same on any worker.
 */
import { parentPort, workerData } from "node:worker_threads";
import { batchHomeRange } from "../shards/shardSpec.js";
import { type PackedBatch, packBatch, produceBatch } from "./batch.js";
import type { GenerationConfig } from "./config.js";
import { loadHomeProducer } from "./producerModule.js";
import type { ValidationRules } from "./validate.js";

export interface WorkerInit {
  config: GenerationConfig;
  rules: ValidationRules;
  producerModule: string;
  batchHomes: number;
  /** The home indices [start, end) of this run: all homes, or a shard's. */
  homeRange: [number, number];
}

export type WorkerRequest = { type: "batch"; batch: number } | { type: "stop" };

export type WorkerReply =
  | { type: "ready" }
  | ({ type: "result" } & PackedBatch)
  | { type: "error"; message: string; stack?: string };

async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const init = workerData as WorkerInit;
  try {
    const producer = await loadHomeProducer(init.producerModule);
    port.on("message", (request: WorkerRequest) => {
      if (request.type === "stop") {
        port.close();
        return;
      }
      try {
        const [start, end] = batchHomeRange(request.batch, init.batchHomes, init.homeRange);
        const result = produceBatch(producer, init.config, init.rules, request.batch, start, end);
        const { packed, transfer } = packBatch(result);
        port.postMessage({ type: "result", ...packed } satisfies WorkerReply, transfer);
      } catch (e) {
        const err = e as Error;
        port.postMessage({ type: "error", message: err.message, stack: err.stack } satisfies WorkerReply);
      }
    });
    port.postMessage({ type: "ready" } satisfies WorkerReply);
  } catch (e) {
    const err = e as Error;
    port.postMessage({ type: "error", message: err.message, stack: err.stack } satisfies WorkerReply);
  }
}

await serve();
