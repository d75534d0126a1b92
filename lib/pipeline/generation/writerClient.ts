/**
 * The calling thread's handle on the writer worker (writerWorker.ts): forwards packed
 * batches, one at a time, and returns the manifest's table entries when the files close.
 */
import type { ResourceLimits, Worker } from "node:worker_threads";
import type { ManifestTable } from "../../core/manifest.js";
import type { PackedTables } from "./batch.js";
import { workerFailure } from "./heapLimits.js";
import { startPipelineWorker } from "./startWorker.js";
import type { WriterReply, WriterRequest, WriterWorkerInit } from "./writerWorker.js";

type Pending = { resolve: (reply: WriterReply) => void; reject: (error: Error) => void };

export class RemoteDatasetWriter {
  private readonly worker: Worker;
  private pending: Pending | null = null;
  private failed: Error | null = null;

  constructor(
    init: WriterWorkerInit,
    private readonly limits?: ResourceLimits,
  ) {
    this.worker = startPipelineWorker("writerWorker", init, limits);
    this.worker.on("message", (reply: WriterReply) => {
      const pending = this.pending;
      this.pending = null;
      if (reply.type === "error") {
        this.fail(new Error(`table writer failed: ${reply.message}${reply.stack ? `\n${reply.stack}` : ""}`));
        pending?.reject(this.failed!);
      } else pending?.resolve(reply);
    });
    this.worker.on("error", (e) => {
      this.fail(workerFailure("writer", this.limits, e));
      this.pending?.reject(this.failed!);
      this.pending = null;
    });
    this.worker.on("exit", (code) => {
      this.fail(new Error(`table writer exited early with code ${code}`));
      this.pending?.reject(this.failed!);
      this.pending = null;
    });
  }

  private fail(error: Error): void {
    this.failed ??= error;
  }

  private request(message: WriterRequest, transfer: ArrayBuffer[] = []): Promise<WriterReply> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.pending) return Promise.reject(new Error("table writer: one request at a time"));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message, transfer);
    });
  }

  /** Resolves when the worker has written the batch (its buffers are transferred, not copied). */
  async append(tables: PackedTables, transfer: ArrayBuffer[]): Promise<void> {
    await this.request({ type: "append", tables }, transfer);
  }

  async finish(): Promise<Record<string, ManifestTable>> {
    const reply = await this.request({ type: "finish" });
    await this.stop();
    if (reply.type !== "finished") throw new Error(`table writer: unexpected reply ${reply.type}`);
    return reply.tables;
  }

  /** Removes the partial files (best effort) and stops the worker. */
  async abort(): Promise<void> {
    // mid-append the worker cannot take the request; the caller removes the directory anyway
    if (!this.failed && !this.pending) await this.request({ type: "abort" }).catch(() => undefined);
    await this.stop();
  }

  private async stop(): Promise<void> {
    this.worker.removeAllListeners("exit");
    this.worker.on("exit", () => {});
    this.fail(new Error("table writer is closed"));
    this.pending?.reject(this.failed!);
    this.pending = null;
    await this.worker.terminate();
  }
}
