/**
 * Memory benchmark: generates 200 homes × 180 days and 2 000 homes × 180 days, each in a
 * fresh child process, and prints
 * - peak RSS of the run (main thread and workers together), and the peak reached after
 *   each tenth of the homes (memory that grew with the homes would climb steadily), and
 * - with --live, also the largest live heap after a full GC, sampled every 4 batches of a
 *   second, single-thread run (`--expose-gc`): the memory the pipeline actually holds,
 *   without V8's GC slack, which grows with run length on its own.
 * Streaming writes should keep both within a small constant across sizes.
 *
 *   node --import tsx bench/memory.ts [--homes 200,2000] [--days 180] [--workers N] [--live]
 *   npx tsx bench/index.ts memory     (or as part of `npm run bench`)
 *
 * The environment passes through to the children, so `MALLOC_ARENA_MAX=2 npm run
 * bench:memory` measures glibc with fewer malloc arenas.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseGenerationConfig } from "../lib/pipeline/generation/config.js";
import { DataGenerationManager } from "../lib/pipeline/generation/manager.js";

export interface Measurement {
  homes: number;
  days: number;
  workers: number;
  rows: Record<string, number>;
  seconds: number;
  peakRssMb: number;
  /** Largest heap after a forced full GC; only in --live runs. */
  liveHeapMb: number | null;
  /** Peak RSS so far when each tenth of the homes was done: flat means bounded. */
  peakRssByTenthMb: number[];
}

function maxRssMb(): number {
  // maxRSS is in KiB and covers every thread of the process
  return process.resourceUsage().maxRSS / 1024;
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function child(homes: number, days: number, workers: number | undefined, live: boolean): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), "homeforge-bench-"));
  const gc = (globalThis as { gc?: () => void }).gc;
  let liveHeap = 0;
  let batches = 0;
  const byTenth: number[] = [];
  const onProgress = (done: number, total: number) => {
    while (byTenth.length < Math.floor((10 * done) / total)) byTenth.push(maxRssMb());
    if (!live || !gc || ++batches % 4 !== 0) return;
    gc();
    liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
  };
  try {
    const config = parseGenerationConfig({ seed: 1, homes, days, workers: live ? 1 : workers });
    const started = performance.now();
    const result = await new DataGenerationManager(config, {
      outDir: join(out, "ds"),
      cache: false,
      onProgress,
    }).run();
    const m: Measurement = {
      homes,
      days,
      workers: result.workers,
      rows: Object.fromEntries(Object.entries(result.manifest.tables).map(([k, t]) => [k, t.rows])),
      seconds: (performance.now() - started) / 1000,
      peakRssMb: maxRssMb(),
      liveHeapMb: live ? liveHeap / 2 ** 20 : null,
      peakRssByTenthMb: byTenth,
    };
    process.stdout.write(`${JSON.stringify(m)}\n`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Generates homes × days in a fresh child process (seed 1, no cache) and returns what it measured. */
export function measureGeneration(
  homes: number,
  days: number,
  workers: number | undefined,
  live = false,
): Measurement {
  const args = [
    ...(live ? ["--expose-gc"] : []),
    "--import",
    "tsx",
    fileURLToPath(import.meta.url),
    "--child",
    String(homes),
    "--days",
    String(days),
  ];
  if (workers !== undefined) args.push("--workers", String(workers));
  if (live) args.push("--live");
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    process.exit(r.status ?? 1);
  }
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Measurement;
}

function parent(): void {
  const sizes = flag("homes", "200,2000").split(",").map(Number);
  const days = Number(flag("days", "180"));
  const workers = flag("workers", "");
  const withLive = process.argv.includes("--live");
  const results: Measurement[] = [];
  const run = (homes: number, live: boolean): Measurement =>
    measureGeneration(homes, days, workers ? Number(workers) : undefined, live);
  for (const homes of sizes) {
    const m = run(homes, false);
    if (withLive) m.liveHeapMb = run(homes, true).liveHeapMb;
    results.push(m);
    const rows = Object.entries(m.rows)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
    console.log(
      `${String(m.homes).padStart(6)} homes × ${m.days} days: peak RSS ${m.peakRssMb.toFixed(0).padStart(5)} MB ` +
        `(${m.seconds.toFixed(1)} s on ${m.workers} worker(s))` +
        `${m.liveHeapMb === null ? "" : `; live heap ≤ ${m.liveHeapMb.toFixed(0)} MB`} (${rows})`,
    );
    console.log(
      `        peak RSS after each tenth of the homes: ${m.peakRssByTenthMb.map((x) => x.toFixed(0)).join(" ")} MB`,
    );
  }
  if (results.length >= 2) {
    const [small, large] = [results[0], results[results.length - 1]];
    const live =
      large.liveHeapMb === null || small.liveHeapMb === null
        ? ""
        : `, live heap +${(large.liveHeapMb - small.liveHeapMb).toFixed(0)} MB`;
    console.log(
      `${(large.homes / small.homes).toFixed(0)}× the homes: peak RSS +${(large.peakRssMb - small.peakRssMb).toFixed(0)} MB${live}`,
    );
  }
}

/** `npm run bench` entry (bench/index.ts): the default sizes. */
export async function run(): Promise<void> {
  parent();
}

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const childIndex = process.argv.indexOf("--child");
  if (childIndex >= 0) {
    const w = flag("workers", "");
    const live = process.argv.includes("--live");
    await child(
      Number(process.argv[childIndex + 1]),
      Number(flag("days", "180")),
      w ? Number(w) : undefined,
      live,
    );
  } else {
    parent();
  }
}
