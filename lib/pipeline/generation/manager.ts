/**
 * DataGenerationManager: config → dataset directory, on worker threads, cached, validated,
 * streamed, atomic, with lineage.
 *
 * Homes are cut into fixed batches of consecutive indices. Workers take batches as they
 * free up; the manager writes results strictly in batch order, holding at most a few
 * batches per worker, so files are identical for any worker count and memory does not grow
 * with the number of homes.
 */
import { statfsSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import type { ResourceLimits, Worker } from "node:worker_threads";
import { HomeforgeError } from "../../core/errors.js";
import {
  datasetId,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type Manifest,
  type ManifestTable,
  manifestJson,
  SHARD_MANIFEST_FORMAT,
} from "../../core/manifest.js";
import { availableMemoryBytes } from "../../core/memoryLimit.js";
import { defaultDataRoot } from "../../core/paths.js";
import { GENERATOR_VERSION } from "../../core/version.js";
import { datasetArtifact, recordDatasetOutputs, shardArtifactId } from "../lineage/datasetArtifacts.js";
import { type ArtifactRef, LineageStore } from "../lineage/lineageStore.js";
import {
  assertShardFits,
  batchHomeRange,
  type ShardSpec,
  shardDirName,
  shardHomeRange,
} from "../shards/shardSpec.js";
import { type CacheCheck, checkCache, removeCacheEntry, writeCacheEntry } from "../storage/cache.js";
import {
  assertPathGiven,
  assertWritableDatasetDir,
  nearestExistingAncestor,
  withOutputDir,
  writeDirAtomically,
} from "../storage/outputDir.js";
import { type PackedBatch, produceBatch } from "./batch.js";
import { localSink, type ProducedBatch, workerSink } from "./batchSink.js";
import type { GenerationConfig } from "./config.js";
import { type PipelineWorkerRole, workerFailure, workerResourceLimits } from "./heapLimits.js";
import { dataConfig } from "./homeSpec.js";
import { DEFAULT_PRODUCER_MODULE, loadHomeProducer } from "./producerModule.js";
import { producersId, tableProducers } from "./producers.js";
import {
  describeEstimate,
  estimateDatasetSize,
  formatBytes,
  maxWorkerHeapMb,
  type SizeEstimate,
} from "./sizeEstimate.js";
import { startPipelineWorker } from "./startWorker.js";
import { describeInvalidHomes, type InvalidHome, validationRules } from "./validate.js";
import type { WorkerInit, WorkerReply, WorkerRequest } from "./worker.js";

/**
 * Home-days per batch: a batch is a few homes of events in memory at once (≈ 850 events per
 * home-day), so long horizons get fewer homes per batch. Batch size never changes the files.
 */
export const BATCH_HOME_DAYS = 120;

export function defaultBatchHomes(days: number): number {
  return Math.min(16, Math.max(1, Math.round(BATCH_HOME_DAYS / days)));
}
/** Without an explicit worker count, a run gets one worker per this many homes (up to one per core). */
export const HOMES_PER_AUTO_WORKER = 32;

export interface ManagerOptions {
  /** Dataset directory. Default: `<dataRoot>/<dataset-id>`. */
  outDir?: string;
  /** Root for datasets when outDir is not given. Default: $HOMEFORGE_DATA_DIR or ./data. */
  dataRoot?: string;
  /** Worker threads; overrides config.workers. 1 runs in this thread. Default: see workerCount. */
  workers?: number;
  /** Reuse a valid, unexpired dataset (default true). */
  cache?: boolean;
  /** Wall clock (epoch ms) for the cache TTL and lineage; injectable for tests. */
  now?: () => number;
  /** Called after each written batch with (homes done, homes total). */
  onProgress?: (done: number, total: number) => void;
  /** Lineage store, or a path to one; none by default. */
  lineage?: LineageStore | string | false;
  /** File URL of a module exporting `tableProducers`; default the built-in list. Part of the dataset id. */
  producerModule?: string;
  /** Homes per batch (does not change the files); default defaultBatchHomes(days). */
  batchHomes?: number;
  /** Rows per Parquet row group / Arrow record batch (changes file layout, not data). */
  groupRows?: number;
  /** Rows per file before a table rolls over to its next file (changes file layout, not data). */
  fileRows?: number;
  /** Stops the run (the temp directory is removed). */
  signal?: AbortSignal;
  /**
   * Notes worth a line on stderr: workers reduced to the cores, a stale lock taken over,
   * waiting for another run writing the same directory, a killed run's leftovers swept.
   */
  onNote?: (message: string) => void;
  /** Called once before generating (not for a cache hit) with the size estimate. */
  onStart?: (estimate: SizeEstimate, workers: number) => void;
  /** How long to wait for another run writing the same directory (default 10 min). */
  lockTimeoutMs?: number;
  /**
   * Generate only this shard's homes (see shards/shardSpec.ts) into a shard directory
   * (default `<dataRoot>/<dataset-id>-shard-0000I-of-0000N`), for `homeforge merge`.
   */
  shard?: ShardSpec;
  /** Free bytes and total memory the size guard checks against; injectable for tests. */
  resources?: { freeBytes?: (dir: string) => number; totalMemoryBytes?: number; cores?: number };
}

/** Which homes a shard manifest covers. */
export interface ShardInfo {
  index: number;
  count: number;
  /** Home indices [start, end). */
  homes: [number, number];
}

/**
 * The manifest plus what validation left out. A shard directory's manifest has format
 * "homeforge-shard" and a `shard`; readers refuse it until `homeforge merge` covers it.
 */
export interface DatasetManifest extends Manifest {
  shard?: ShardInfo;
  validation?: {
    min_devices: number;
    min_events: number;
    homes_generated: number;
    homes_kept: number;
    excluded: { home_id: string; reasons: string[] }[];
  };
}

export interface GenerationResult {
  dir: string;
  datasetId: string;
  manifest: DatasetManifest;
  /** True when an existing dataset was reused. */
  cached: boolean;
  /** Why the cache was (not) used; null when the cache was off. */
  cacheCheck: CacheCheck | null;
  invalidHomes: InvalidHome[];
  workers: number;
  runId: string | null;
}

/** Content id: the data config, the generator version and which producers made the tables. */
export function datasetIdFor(config: GenerationConfig, producerModule = DEFAULT_PRODUCER_MODULE): string {
  const producers = producerModule === DEFAULT_PRODUCER_MODULE ? producersId(tableProducers) : producerModule;
  return datasetId(dataConfig(config), `${GENERATOR_VERSION}|${producers}`);
}

export class DataGenerationManager {
  readonly config: GenerationConfig;
  readonly options: ManagerOptions;

  constructor(config: GenerationConfig, options: ManagerOptions = {}) {
    this.config = config;
    this.options = options;
  }

  get datasetId(): string {
    return datasetIdFor(this.config, this.options.producerModule);
  }

  get dir(): string {
    const o = this.options;
    assertPathGiven(o.outDir, "--out");
    const name = o.shard ? shardDirName(this.datasetId, o.shard) : this.datasetId;
    return resolve(o.outDir ?? join(o.dataRoot ?? defaultDataRoot(), name));
  }

  private get cores(): number {
    return this.options.resources?.cores ?? availableParallelism();
  }

  /**
   * Worker threads this run uses: as asked, else one per core but no more than one per
   * HOMES_PER_AUTO_WORKER homes (starting a thread costs more than a few homes); never
   * more than there are batches, nor than the cores (os.availableParallelism(): more
   * threads only cost memory; a request above it is reduced, with a note, since the output
   * never depends on the worker count).
   */
  get workerCount(): number {
    const auto = Math.min(this.cores, Math.ceil(this.homeCount / HOMES_PER_AUTO_WORKER));
    const wanted = this.options.workers ?? this.config.workers ?? auto;
    return Math.max(1, Math.min(wanted, this.batchCount, this.cores));
  }

  /** The size estimate of this run (rows, bytes, memory bound for its workers and heap caps). */
  get estimate(): SizeEstimate {
    const workers = this.workerCount;
    return estimateDatasetSize(this.runConfig, {
      workers,
      generationHeapMb: this.heapLimits("generation").maxOldGenerationSizeMb ?? 0,
      writerHeapMb: this.heapLimits("writer").maxOldGenerationSizeMb ?? 0,
    });
  }

  private get batchHomes(): number {
    return this.options.batchHomes ?? defaultBatchHomes(this.config.days);
  }

  private get batchCount(): number {
    return Math.ceil(this.homeCount / this.batchHomes);
  }

  /** The home indices [start, end) this run generates: every home, or its shard's. */
  get homeRange(): [number, number] {
    const { shard } = this.options;
    return shard ? shardHomeRange(shard, this.config.homes) : [0, this.config.homes];
  }

  private get homeCount(): number {
    const [start, end] = this.homeRange;
    return end - start;
  }

  /** The config with this run's home count: what sizes and memory are estimated for. */
  private get runConfig(): GenerationConfig {
    return this.options.shard ? { ...this.config, homes: this.homeCount } : this.config;
  }

  private get field(): string {
    return this.options.outDir !== undefined ? "--out" : "HOMEFORGE_DATA_DIR";
  }

  /**
   * Throws a one-line error when the destination cannot take this dataset: a bad path, a
   * directory homeforge did not write, a pseudo-filesystem, too little free disk or memory
   * for the estimate, a heap cap out of bounds. Creates nothing; returns the estimate.
   */
  checkDestination(): SizeEstimate {
    if (this.options.shard) assertShardFits(this.options.shard, this.config.homes);
    const dir = this.dir;
    assertWritableDatasetDir(dir, this.field);
    return this.checkResources(dir);
  }

  private checkResources(dir: string): SizeEstimate {
    const { options } = this;
    const config = this.runConfig;
    const workers = this.workerCount;
    const totalMb = Math.floor((options.resources?.totalMemoryBytes ?? availableMemoryBytes()) / 2 ** 20);
    if (config.workerHeapMb !== undefined) {
      const maxMb = maxWorkerHeapMb(totalMb, workers);
      if (config.workerHeapMb > maxMb) {
        throw new HomeforgeError(
          "--worker-heap-mb",
          `${config.workerHeapMb} MB per thread for ${workers} worker(s) and the writer exceeds this machine's ${totalMb} MB of memory`,
          `pass at most --worker-heap-mb ${Math.max(64, maxMb)} (config workerHeapMb), or lower --workers`,
        );
      }
    }
    const estimate = this.estimate;
    const what = `${config.homes} homes × ${config.days} days (${describeEstimate(estimate)})`;
    const where = nearestExistingAncestor(dir);
    const free = options.resources?.freeBytes?.(where) ?? freeBytes(where);
    if (free !== null && estimate.bytes > free) {
      throw new HomeforgeError(
        "dataset size",
        `${what} needs more than the ${formatBytes(free)} free under ${where}`,
        "lower --homes or --days, or choose an --out on a disk with more room",
      );
    }
    if (estimate.memoryBytes > totalMb * 2 ** 20) {
      throw new HomeforgeError(
        "memory",
        `${what} with ${workers} worker(s) needs more than this machine's ${formatBytes(totalMb * 2 ** 20)}`,
        "lower --workers or --worker-heap-mb",
      );
    }
    return estimate;
  }

  private noteWorkerCap(): void {
    const wanted = this.options.workers ?? this.config.workers;
    if (wanted !== undefined && wanted > this.cores) {
      this.options.onNote?.(
        `--workers ${wanted} is more than the ${this.cores} core(s) here (os.availableParallelism()); using ${this.workerCount}`,
      );
    }
  }

  /**
   * Checks, then generates or reuses, holding the destination's lock from the cache check to
   * the final rename. A second run into the same directory waits for the first, then checks
   * again: the same dataset is reused, another one is replaced (runs into one directory
   * behave as if run one after the other; the last one's dataset stays, and each reports
   * what it did).
   */
  async run(): Promise<GenerationResult> {
    const { options, config } = this;
    const id = this.datasetId;
    const dir = this.dir;
    this.checkDestination();
    this.noteWorkerCap();
    const now = options.now ?? Date.now;
    return withOutputDir(
      dir,
      { field: this.field, onNote: options.onNote, lockTimeoutMs: options.lockTimeoutMs },
      async () => {
        const lineage =
          typeof options.lineage === "string"
            ? LineageStore.open(options.lineage, { now })
            : options.lineage || null;
        try {
          let cacheCheck: CacheCheck | null = null;
          if (options.cache !== false) {
            cacheCheck = await checkCache(dir, id, {
              ttlHours: config.cacheTtlHours,
              now,
              shard: options.shard,
            });
            if (cacheCheck.hit) return this.reuse(id, dir, cacheCheck, lineage);
          }
          options.onStart?.(this.estimate, this.workerCount);
          return await this.generate(id, dir, cacheCheck, lineage, now);
        } finally {
          if (typeof options.lineage === "string") lineage?.close();
        }
      },
    );
  }

  /** This run's dataset in the lineage store: the dataset, or for a shard run its shard. */
  private datasetArtifact(id: string, dir: string, manifestSha256: string): ArtifactRef & { uri: string } {
    const { shard } = this.options;
    return {
      ...datasetArtifact(shard ? shardArtifactId(id, shard) : id, dir, manifestSha256, shard !== undefined),
      uri: dir,
    };
  }

  private reuse(
    id: string,
    dir: string,
    cacheCheck: Extract<CacheCheck, { hit: true }>,
    lineage: LineageStore | null,
  ): GenerationResult {
    const manifest = cacheCheck.manifest as DatasetManifest;
    let runId: string | null = null;
    if (lineage) {
      // a reuse reads (and verifies) the dataset; the run that wrote it stays its producer
      runId = lineage.startRun("generate", dataConfig(this.config));
      const artifact = this.datasetArtifact(id, dir, cacheCheck.entry.manifest_sha256);
      lineage.recordInput(runId, artifact);
      lineage.recordTransformation(runId, {
        name: "reuse_cached",
        input: artifact.id,
        detail: { dir, age_hours: cacheCheck.ageHours },
      });
      lineage.completeRun(runId);
    }
    const invalidHomes = (manifest.validation?.excluded ?? []).map((h) => ({
      homeId: h.home_id,
      index: Number(h.home_id.replace(/\D/g, "")),
      reasons: h.reasons,
    }));
    return { dir, datasetId: id, manifest, cached: true, cacheCheck, invalidHomes, workers: 0, runId };
  }

  private async generate(
    id: string,
    dir: string,
    cacheCheck: CacheCheck | null,
    lineage: LineageStore | null,
    now: () => number,
  ): Promise<GenerationResult> {
    const { config, options } = this;
    const runId = lineage?.startRun("generate", dataConfig(config)) ?? null;
    const workers = this.workerCount;
    const invalid: InvalidHome[] = [];
    try {
      // the old dataset is about to be replaced: it must not look reusable if we die half-way
      removeCacheEntry(dir);
      const manifest = await writeDirAtomically(
        dir,
        async (tmp) => {
          const writerOptions = { groupRows: options.groupRows, fileRows: options.fileRows };
          const sink =
            workers > 1
              ? workerSink(tmp, config.format, writerOptions, this.heapLimits("writer"))
              : localSink(tmp, config.format, writerOptions);
          let done = 0;
          let tables: Record<string, ManifestTable>;
          try {
            await this.produceBatches(workers, async (produced) => {
              const { result } = produced;
              invalid.push(...result.invalid);
              // a run that will fail keeps generating, to report every failing home, but stops writing
              const failing = invalid.length > 0 && config.validation.failOnInvalidHome;
              if (!failing) await sink.append(produced);
              done += result.homes;
              options.onProgress?.(done, this.homeCount);
            });
            this.assertValid(invalid);
            tables = await sink.finish();
          } catch (e) {
            await sink.abort();
            throw e;
          }
          const kept = this.homeCount - invalid.length;
          const { shard } = options;
          const m: DatasetManifest = {
            format: shard ? SHARD_MANIFEST_FORMAT : MANIFEST_FORMAT,
            format_version: MANIFEST_FORMAT_VERSION,
            dataset_id: id,
            ...(shard ? { shard: { index: shard.index, count: shard.count, homes: this.homeRange } } : {}),
            generator: { name: "homeforge", version: GENERATOR_VERSION },
            seed: config.seed,
            reference_date: config.start,
            config: dataConfig(config),
            tables,
            validation: {
              min_devices: config.validation.minDevices,
              min_events: config.validation.minEvents,
              homes_generated: this.homeCount,
              homes_kept: kept,
              excluded: invalid.map((h) => ({ home_id: h.homeId, reasons: h.reasons })),
            },
          };
          writeFileSync(join(tmp, MANIFEST_FILE), manifestJson(m));
          return m;
        },
        { field: this.field, onNote: options.onNote },
      );
      const manifestText = manifestJson(manifest);
      const entry = writeCacheEntry(dir, manifestText, id, now());
      if (lineage && runId) {
        const artifact = this.datasetArtifact(id, dir, entry.manifest_sha256);
        recordDatasetOutputs(lineage, runId, artifact, manifest.tables);
        recordGenerationSteps(lineage, runId, artifact.id, manifest);
        lineage.completeRun(runId);
      }
      return {
        dir,
        datasetId: id,
        manifest,
        cached: false,
        cacheCheck,
        invalidHomes: invalid,
        workers,
        runId,
      };
    } catch (e) {
      if (lineage && runId) lineage.failRun(runId, e);
      throw e;
    }
  }

  private assertValid(invalid: InvalidHome[]): void {
    const { config } = this;
    if (invalid.length === 0) return;
    invalid.sort((a, b) => a.index - b.index);
    const summary = `${invalid.length} of ${this.homeCount} homes failed validation: ${describeInvalidHomes(invalid)}`;
    if (config.validation.failOnInvalidHome) {
      throw new HomeforgeError(
        "validation",
        summary,
        "lower validation.minDevices / validation.minEvents (--min-devices, --min-events), or drop --fail-on-invalid-home to leave such homes out",
      );
    }
    // a shard may lose all its homes; `homeforge merge` checks that some home is left overall
    if (invalid.length === this.homeCount && !this.options.shard) {
      throw new HomeforgeError(
        "validation",
        summary,
        "every home was left out; lower validation.minDevices / validation.minEvents (--min-devices, --min-events)",
      );
    }
  }

  /** Heap caps for this run's worker threads (see heapLimits.ts). */
  heapLimits(role: PipelineWorkerRole): ResourceLimits {
    const batchHomeDays = Math.min(this.batchHomes, this.homeCount) * this.config.days;
    return workerResourceLimits(role, batchHomeDays, this.config.workerHeapMb);
  }

  /** Runs every batch, here or on workers, and hands results to `write` in batch order. */
  private async produceBatches(
    workers: number,
    write: (produced: ProducedBatch) => Promise<void>,
  ): Promise<void> {
    const { config, options } = this;
    const rules = validationRules(config);
    const producerModule = options.producerModule ?? DEFAULT_PRODUCER_MODULE;
    if (workers <= 1) {
      const producer = await loadHomeProducer(producerModule);
      for (let batch = 0; batch < this.batchCount; batch++) {
        throwIfAborted(options.signal);
        const [start, end] = batchHomeRange(batch, this.batchHomes, this.homeRange);
        await write({ packed: false, result: produceBatch(producer, config, rules, batch, start, end) });
        // yield to the event loop, so signals and progress redraws get through
        await new Promise((r) => setImmediate(r));
      }
      return;
    }
    const init: WorkerInit = {
      config,
      rules,
      producerModule,
      batchHomes: this.batchHomes,
      homeRange: this.homeRange,
    };
    await runOnWorkers(workers, this.batchCount, init, this.heapLimits("generation"), write, options.signal);
  }
}

/** Free bytes for an unprivileged writer on the filesystem of `dir`, or null when unknown. */
function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

function interrupted(): HomeforgeError {
  return new HomeforgeError("generate", "interrupted, nothing was written", "run the command again", 130);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw interrupted();
}

function runOnWorkers(
  count: number,
  batches: number,
  init: WorkerInit,
  limits: ResourceLimits,
  write: (produced: ProducedBatch) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const pool = Array.from({ length: count }, () => startPipelineWorker("worker", init, limits));
  // batches handed out but not yet written: bounds the results held in memory
  const maxAhead = count * 2;
  return new Promise<void>((resolvePromise, rejectPromise) => {
    let next = 0;
    let written = 0;
    let writing = false;
    let settled = false;
    // results wait packed (see packBatch) until their turn to be written
    const ready = new Map<number, PackedBatch>();
    const idle: Worker[] = [];

    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      for (const w of pool) {
        w.removeAllListeners();
        w.on("error", () => {});
        void w.terminate();
      }
      if (error) rejectPromise(error);
      else resolvePromise();
    };
    const onAbort = () => finish(interrupted());
    signal?.addEventListener("abort", onAbort);
    if (signal?.aborted) return onAbort();

    const dispatch = () => {
      while (idle.length > 0 && next < batches && next - written < maxAhead) {
        const w = idle.shift()!;
        w.postMessage({ type: "batch", batch: next++ } satisfies WorkerRequest);
      }
    };
    const drain = async () => {
      if (writing) return;
      writing = true;
      try {
        while (!settled && ready.has(written)) {
          const packed = ready.get(written)!;
          ready.delete(written);
          // packed as the worker sent it: the writer unpacks it on its own thread
          await write({ packed: true, result: packed });
          written++;
          dispatch();
        }
      } catch (e) {
        finish(e);
        return;
      } finally {
        writing = false;
      }
      if (written === batches) finish();
    };

    for (const w of pool) {
      w.on("message", (reply: WorkerReply) => {
        if (settled) return;
        if (reply.type === "error") {
          finish(
            new Error(`generation worker failed: ${reply.message}${reply.stack ? `\n${reply.stack}` : ""}`),
          );
          return;
        }
        if (reply.type === "result") {
          const { type: _type, ...packed } = reply;
          ready.set(packed.batch, packed);
          void drain();
        }
        idle.push(w);
        dispatch();
      });
      w.on("error", (e) => finish(workerFailure("generation", limits, e)));
      w.on("exit", (code) => {
        if (!settled) finish(new Error(`generation worker exited early with code ${code}`));
      });
    }
  });
}

function recordGenerationSteps(
  lineage: LineageStore,
  runId: string,
  artifactId: string,
  manifest: DatasetManifest,
): void {
  const v = manifest.validation;
  if (v) {
    lineage.recordTransformation(runId, {
      name: "validate_homes",
      output: artifactId,
      rowsIn: v.homes_generated,
      rowsOut: v.homes_kept,
      detail: { min_devices: v.min_devices, min_events: v.min_events, excluded: v.excluded },
    });
  }
  for (const [name, table] of Object.entries(manifest.tables)) {
    lineage.recordTransformation(runId, {
      name: `produce_${name}`,
      output: `${artifactId}/${name}`,
      rowsIn: v?.homes_kept,
      rowsOut: table.rows,
    });
  }
}
