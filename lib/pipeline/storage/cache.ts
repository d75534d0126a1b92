/**
 * The dataset cache. A dataset directory is content-addressed (its id hashes the config and
 * generator version), so a directory holding the same id can be reused, when:
 * - it was written by a finished run (a cache entry sits beside it: `.<dir>.cache.json`),
 * - its entry is younger than the TTL (wall-clock time lives here, never in the manifest),
 * - every file still has the size and sha256 the manifest records.
 * Anything else is a miss with a reason, and the caller regenerates.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { MANIFEST_FILE, type Manifest, sha256 } from "../../core/manifest.js";
import { fileProblem, parseManifestBytes } from "./integrity.js";

export interface CacheEntry {
  dataset_id: string;
  /** Wall-clock time the dataset was finished, epoch ms. */
  created_ms: number;
  created_at: string;
  /** sha256 of manifest.json, which in turn holds every table file's sha256. */
  manifest_sha256: string;
}

export type CacheMissReason = "absent" | "other-dataset" | "untracked" | "expired" | "corrupt";

export type CacheCheck =
  | { hit: true; manifest: Manifest; entry: CacheEntry; ageHours: number }
  | { hit: false; reason: CacheMissReason; detail: string };

export interface CacheOptions {
  ttlHours: number;
  /** The directory is this shard's (its manifest must be a shard manifest of the same slice). */
  shard?: { index: number; count: number };
  /** Wall clock, epoch ms; injectable so tests can expire entries without sleeping. */
  now?: () => number;
}

const HOUR_MS = 3_600_000;

export function cacheEntryPath(dir: string): string {
  return join(dirname(dir), `.${basename(dir)}.cache.json`);
}

export function readCacheEntry(dir: string): CacheEntry | null {
  try {
    return JSON.parse(readFileSync(cacheEntryPath(dir), "utf8")) as CacheEntry;
  } catch {
    return null;
  }
}

/** Records a finished dataset (write to a temp file, then rename: never a torn entry). */
export function writeCacheEntry(
  dir: string,
  manifestBytes: string | Uint8Array,
  datasetId: string,
  now: number,
) {
  const entry: CacheEntry = {
    dataset_id: datasetId,
    created_ms: now,
    created_at: new Date(now).toISOString(),
    manifest_sha256: sha256(manifestBytes),
  };
  const path = cacheEntryPath(dir);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(entry, null, 2)}\n`);
  renameSync(tmp, path);
  return entry;
}

export function removeCacheEntry(dir: string): void {
  rmSync(cacheEntryPath(dir), { force: true });
}

export type DatasetCheck =
  | { ok: true; manifest: Manifest; manifestBytes: Buffer }
  | { ok: false; problem: string };

/** Whether every file of a dataset directory matches its manifest (size and sha256). */
export async function verifyDataset(
  dir: string,
  expected: "dataset" | "shard" = "dataset",
): Promise<DatasetCheck> {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) return { ok: false, problem: `${MANIFEST_FILE} is missing` };
  const manifestBytes = readFileSync(manifestPath);
  const parsed = parseManifestBytes(manifestBytes, expected);
  if ("problem" in parsed) return { ok: false, problem: parsed.problem };
  const { manifest } = parsed;
  for (const table of Object.values(manifest.tables)) {
    for (const file of table.files ?? []) {
      const problem = await fileProblem(dir, file);
      if (problem) return { ok: false, problem };
    }
  }
  return { ok: true, manifest, manifestBytes };
}

/** Whether the dataset `datasetId` at `dir` can be reused; if not, why. */
export async function checkCache(dir: string, datasetId: string, options: CacheOptions): Promise<CacheCheck> {
  if (!existsSync(join(dir, MANIFEST_FILE)))
    return { hit: false, reason: "absent", detail: "no dataset yet" };
  let onDiskId: unknown;
  try {
    onDiskId = (JSON.parse(readFileSync(join(dir, MANIFEST_FILE), "utf8")) as Manifest).dataset_id;
  } catch {
    return { hit: false, reason: "corrupt", detail: `${MANIFEST_FILE} is not valid JSON` };
  }
  if (onDiskId !== datasetId) {
    return { hit: false, reason: "other-dataset", detail: `the directory holds ${String(onDiskId)}` };
  }
  const entry = readCacheEntry(dir);
  if (!entry || entry.dataset_id !== datasetId) {
    return { hit: false, reason: "untracked", detail: "no cache entry records it as finished" };
  }
  const now = (options.now ?? Date.now)();
  const ageHours = (now - entry.created_ms) / HOUR_MS;
  if (!(ageHours <= options.ttlHours)) {
    return {
      hit: false,
      reason: "expired",
      detail: `written ${ageHours.toFixed(1)} h ago, the TTL is ${options.ttlHours} h`,
    };
  }
  const check = await verifyDataset(dir, options.shard ? "shard" : "dataset");
  if (!check.ok) return { hit: false, reason: "corrupt", detail: check.problem };
  const shard = (check.manifest as { shard?: { index: number; count: number } }).shard;
  if (options.shard && (shard?.index !== options.shard.index || shard?.count !== options.shard.count)) {
    return {
      hit: false,
      reason: "other-dataset",
      detail: `the directory holds shard ${String(shard?.index)} of ${String(shard?.count)}`,
    };
  }
  if (sha256(check.manifestBytes) !== entry.manifest_sha256) {
    return {
      hit: false,
      reason: "corrupt",
      detail: `${MANIFEST_FILE} changed since the dataset was written`,
    };
  }
  return { hit: true, manifest: check.manifest, entry, ageHours };
}
