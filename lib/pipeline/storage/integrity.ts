/**
 * Integrity checks of a dataset directory against its manifest, shared by the readers
 * (openDataset and everything above it) and the generate cache: one helper, one wording.
 * - manifest.json must parse and say it is a homeforge dataset manifest,
 * - every file it lists must exist, have its recorded size and sha256.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import {
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  type Manifest,
  type ManifestFile,
  READABLE_MANIFEST_VERSIONS,
  SHARD_MANIFEST_FORMAT,
} from "../../core/manifest.js";

/** How to act on a shard directory given where a dataset was expected. */
export const MERGE_SHARDS_FIX =
  "merge the shards with `homeforge merge OUT SHARD_DIR…` and read the merged dataset";

/**
 * sha256 of a file, read in 1 MiB chunks without blocking the thread: several files hashed
 * at once (merge's checks) overlap their reads, which is what a network volume needs.
 */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  const file = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest("hex");
}

/**
 * A manifest from its bytes, or what is wrong with them (not JSON, not a homeforge manifest, a
 * version this homeforge does not read, no tables). A shard's manifest is refused (`shard` set)
 * unless `expected` is "shard".
 */
export function parseManifestBytes(
  bytes: Uint8Array,
  expected: "dataset" | "shard" = "dataset",
): { problem: string; shard?: true } | { manifest: Manifest } {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(Buffer.from(bytes).toString("utf8")) as Manifest;
  } catch (e) {
    return { problem: `${MANIFEST_FILE} is not valid JSON (${(e as Error).message})` };
  }
  const shard = (manifest as { shard?: { index?: unknown; count?: unknown } } | null)?.shard;
  if (expected === "shard") {
    if (manifest?.format !== SHARD_MANIFEST_FORMAT || !shard || typeof manifest.tables !== "object") {
      return { problem: `${MANIFEST_FILE} is not a homeforge shard manifest` };
    }
    return { manifest };
  }
  if (manifest?.format === SHARD_MANIFEST_FORMAT && shard) {
    return {
      problem: `this is shard ${String(shard.index)} of ${String(shard.count)} of ${String(manifest.dataset_id)}, not a whole dataset`,
      shard: true,
    };
  }
  if (manifest === null || typeof manifest !== "object" || manifest.format !== MANIFEST_FORMAT) {
    const format = manifest && typeof manifest === "object" ? JSON.stringify(manifest.format) : "none";
    return { problem: `${MANIFEST_FILE} is not a homeforge dataset manifest (format ${format})` };
  }
  if (typeof manifest.tables !== "object" || manifest.tables === null || Array.isArray(manifest.tables)) {
    return { problem: `${MANIFEST_FILE} lists no tables` };
  }
  if (!READABLE_MANIFEST_VERSIONS.includes(manifest.format_version)) {
    return {
      problem: `${MANIFEST_FILE} has format_version ${JSON.stringify(manifest.format_version)}, which this homeforge does not read (${READABLE_MANIFEST_VERSIONS.join(" or ")})`,
    };
  }
  if (typeof manifest.dataset_id !== "string") {
    return { problem: `${MANIFEST_FILE} has no dataset_id` };
  }
  return { manifest };
}

/**
 * Size check of one file the manifest lists (cheap: a stat): what is wrong, worded to follow
 * the file's name (`is missing`, `has 10 bytes, …`), or null when it has the recorded size.
 */
export function fileSizeProblem(dir: string, file: ManifestFile): string | null {
  const path = join(dir, file.path);
  if (!existsSync(path)) return "is missing";
  const size = statSync(path).size;
  if (size !== file.bytes) return `has ${size} bytes, the manifest says ${file.bytes}`;
  return null;
}

/** The one wording of a hash mismatch, to follow the file's name. */
export function hashMismatch(file: ManifestFile, actual: string): string {
  return `does not match its manifest sha256 (manifest ${file.sha256.slice(0, 12)}…, file ${actual.slice(0, 12)}…)`;
}

/**
 * Whether one file the manifest lists has its recorded size and sha256 (hashed by streaming
 * the file): what is wrong, starting with the file's name, or null.
 */
export async function fileProblem(dir: string, file: ManifestFile): Promise<string | null> {
  const size = fileSizeProblem(dir, file);
  if (size) return `${file.path} ${size}`;
  const actual = await hashFile(join(dir, file.path));
  return actual === file.sha256 ? null : `${file.path} ${hashMismatch(file, actual)}`;
}
