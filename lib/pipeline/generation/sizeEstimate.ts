/**
 * What a generation config will cost, estimated from the config alone (pure, no I/O), so a
 * run that cannot fit is refused before any work. Devices per home follow the catalog
 * (home-type device ranges × size categories); the per-row constants were measured on
 * generated datasets (10 homes × 5 days, 40 × 10, 20 × 60; default catalog, seed 42):
 *
 * | | parquet | arrow |
 * |---|---|---|
 * | bytes per event | 5.4–5.8 | 28.2–28.4 |
 * | bytes per telemetry row | 51–64 | 138–146 |
 * | bytes per home (homes, areas, devices, synergies, patterns) | 31–47 k | 39–56 k |
 *
 * (Parquet re-measured for homeforge's own encoder: dictionary codes and delta time make
 * events smaller than snappy did; small tables and telemetry's floats are uncompressed.
 * Arrow re-measured for dictionary-coded strings, issue 16: 10 × 5, 40 × 10, 16 × 90.)
 * with 26.0–26.3 events per device-day and 0.95–0.98 telemetry rows per device-day.
 */

import {
  DEFAULT_SIZE_MIX,
  HOME_TYPE_SPECS,
  type HomeType,
  SIZE_CATEGORIES,
  SIZE_CATEGORY_SPEC,
  type SizeCategory,
} from "../../synth/catalog/homeTypes.js";
import type { GenerationConfig } from "./config.js";

export const EVENTS_PER_DEVICE_DAY = 26;
export const TELEMETRY_ROWS_PER_DEVICE_DAY = 0.97;
export const BYTES_PER_ROW = {
  parquet: { event: 5.7, telemetry: 56, home: 40_000 },
  arrow: { event: 28.3, telemetry: 142, home: 50_000 },
} as const;
/** File headers and the manifest. */
export const FIXED_BYTES = 32_000;

/** Memory: the main thread (code, catalog, progress), and what a thread costs besides its heap cap. */
export const MAIN_THREAD_MB = 160;
export const THREAD_OVERHEAD_MB = 48;

export interface SizeEstimate {
  homes: number;
  devices: number;
  events: number;
  telemetryRows: number;
  /** Bytes of the dataset directory. */
  bytes: number;
  /** Peak memory bound of the run: threads × heap caps + per-thread overhead + main thread. */
  memoryBytes: number;
}

export interface MemoryPlan {
  /** Generation workers; 1 generates on the main thread (no worker threads). */
  workers: number;
  /** Heap cap of a generation worker, MB. */
  generationHeapMb: number;
  /** Heap cap of the writer worker (used when workers > 1), MB. */
  writerHeapMb: number;
}

const MB = 1024 * 1024;

/**
 * Mean devices per home for the config's home-type mix and size mix (the catalog's device
 * ranges); without a size mix, the catalog's size shares.
 */
export function meanDevicesPerHome(
  mix: Partial<Record<HomeType, number>>,
  sizeMix?: Partial<Record<SizeCategory, number>>,
): number {
  const shares = sizeMix ?? DEFAULT_SIZE_MIX;
  let fraction = 0;
  for (const size of SIZE_CATEGORIES) {
    const [lo, hi] = SIZE_CATEGORY_SPEC[size].rangeFraction;
    fraction += (shares[size] ?? 0) * ((lo + hi) / 2);
  }
  let total = 0;
  let weight = 0;
  for (const [type, share] of Object.entries(mix) as [HomeType, number][]) {
    const spec = HOME_TYPE_SPECS[type];
    if (!spec || !share) continue;
    const [lo, hi] = spec.deviceCount;
    total += share * (lo + (hi - lo) * fraction);
    weight += share;
  }
  return weight > 0 ? total / weight : 0;
}

export function estimateDatasetSize(config: GenerationConfig, plan?: MemoryPlan): SizeEstimate {
  const { homes, days } = config;
  const devices = Math.round(homes * meanDevicesPerHome(config.homeTypeMix, config.sizeMix));
  const faults = config.faults ?? { drop: 0, duplicate: 0, outOfOrder: 0 };
  const events = Math.round(devices * days * EVENTS_PER_DEVICE_DAY * (1 - faults.drop + faults.duplicate));
  const telemetryRows = Math.round(devices * days * TELEMETRY_ROWS_PER_DEVICE_DAY);
  const per = BYTES_PER_ROW[config.format];
  const bytes = Math.round(
    FIXED_BYTES + events * per.event + telemetryRows * per.telemetry + homes * per.home,
  );
  let memoryMb = MAIN_THREAD_MB;
  if (plan) {
    memoryMb +=
      plan.workers > 1
        ? plan.workers * (plan.generationHeapMb + THREAD_OVERHEAD_MB) + plan.writerHeapMb + THREAD_OVERHEAD_MB
        : plan.generationHeapMb + plan.writerHeapMb; // both on the main thread
  }
  return { homes, devices, events, telemetryRows, bytes, memoryBytes: Math.round(memoryMb * MB) };
}

/**
 * The largest heap cap (MB, a multiple of 64) per thread that keeps the memory bound of
 * `workers` generation workers plus the writer within `totalMb`.
 */
export function maxWorkerHeapMb(totalMb: number, workers: number): number {
  const threads = workers + 1;
  const overhead = workers > 1 ? threads * THREAD_OVERHEAD_MB : 0;
  return Math.floor((totalMb - MAIN_THREAD_MB - overhead) / threads / 64) * 64;
}

/** 1.2 k, 3.4 M, 5.6 T */
export function formatCount(n: number): string {
  return new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 }).format(n);
}

/** 9.7 MB, 245 TB (decimal units, as df -H) */
export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** "≈ 310 devices, 40 k events, 1.5 k telemetry rows, 480 kB on disk, 1.1 GB memory" */
export function describeEstimate(e: SizeEstimate): string {
  return `≈ ${formatCount(e.devices)} devices, ${formatCount(e.events)} events, ${formatCount(e.telemetryRows)} telemetry rows, ${formatBytes(e.bytes)} on disk, ${formatBytes(e.memoryBytes)} memory`;
}
