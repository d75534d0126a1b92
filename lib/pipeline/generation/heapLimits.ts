/**
 * Heap caps for the pipeline's worker threads. Left alone, V8 lets a heap grow to several
 * times what it holds before a full collection, and the longer a run, the likelier it is
 * that three isolates peak together: peak RSS then creeps up with run length although the
 * rows held stay bounded. A cap makes V8 collect before it grows, so peak memory is bounded
 * by the caps, not by the number of homes.
 *
 * The caps follow the work a worker holds at once: one batch of homes (its home-days) and,
 * for the writer, one row group per table. Measured on this pipeline: a generation worker
 * needs 112–160 MB for a 1 825-home-day batch and < 64 MB for 180; the estimate below
 * leaves about 3× headroom per home-day.
 */
import type { ResourceLimits } from "node:worker_threads";
import { HomeforgeError } from "../../core/errors.js";

/** Heap a generation worker needs besides its batch: code, catalog, scratch. */
const GENERATION_BASE_MB = 128;
/** Heap the writer needs besides its batch: one row group per table being encoded. */
const WRITER_BASE_MB = 256;
/** Heap per home-day of the batch in flight (≈ 850 events per home-day), with headroom. */
const MB_PER_HOME_DAY = 0.25;
/** Young generation (semi-spaces): big enough for fast scavenges, small enough to matter. */
const YOUNG_GENERATION_MB = 16;

export type PipelineWorkerRole = "generation" | "writer";

/**
 * Resource limits for a worker of this role whose batches hold `batchHomeDays` home-days;
 * `overrideMb` (config `workerHeapMb`) replaces the estimate for the old generation.
 */
export function workerResourceLimits(
  role: PipelineWorkerRole,
  batchHomeDays: number,
  overrideMb?: number,
): ResourceLimits {
  const base = role === "writer" ? WRITER_BASE_MB : GENERATION_BASE_MB;
  const estimate = base + Math.ceil(batchHomeDays * MB_PER_HOME_DAY);
  return {
    maxOldGenerationSizeMb: overrideMb ?? estimate,
    maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
  };
}

/**
 * The error to report for a worker that died: running out of its capped heap gets a
 * one-line error naming the setting that raises it; anything else passes through.
 */
export function workerFailure(
  role: PipelineWorkerRole,
  limits: ResourceLimits | undefined,
  error: unknown,
): Error {
  if ((error as { code?: string })?.code === "ERR_WORKER_OUT_OF_MEMORY") {
    const mb = limits?.maxOldGenerationSizeMb;
    return new HomeforgeError(
      "workerHeapMb",
      `a ${role} worker ran out of its ${mb ?? "default"} MB heap`,
      `raise the cap, e.g. --worker-heap-mb ${mb ? mb * 2 : 1024} (config workerHeapMb), or run with --workers 1`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
