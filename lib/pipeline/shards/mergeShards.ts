/**
 * `homeforge merge`: shard directories → one dataset directory whose manifest (format_version
 * 2) points at the shards' files by relative path (`../<shard>/events-00000.parquet`). Nothing
 * is copied: on shared storage the shards are already where every reader can reach them, and
 * a copy would double the disk and the time for no change in content.
 *
 * Before writing, it checks that the shards are one config's (same dataset id, config and
 * generator), cover every shard index exactly once, and that every file still has the size
 * and (unless `verify: false`) the sha256 its shard manifest recorded; the merged manifest
 * keeps those hashes, so every reader verifies the files as it does a single run's.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { HomeforgeError } from "../../core/errors.js";
import {
  canonicalJson,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  type ManifestTable,
  MERGED_MANIFEST_FORMAT_VERSION,
  manifestJson,
  sha256,
} from "../../core/manifest.js";
import type { DatasetManifest } from "../generation/manager.js";
import { datasetArtifact, recordDatasetOutputs, shardArtifactId } from "../lineage/datasetArtifacts.js";
import { LineageStore } from "../lineage/lineageStore.js";
import { readCacheEntry, writeCacheEntry } from "../storage/cache.js";
import { fileSizeProblem, hashFile, hashMismatch, parseManifestBytes } from "../storage/integrity.js";
import { assertWritableDatasetDir, withOutputDir, writeDirAtomically } from "../storage/outputDir.js";
import { shardHomeRange } from "./shardSpec.js";

export interface MergeOptions {
  /** Hash every shard file against its shard manifest before merging (default true; sizes are always checked). */
  verify?: boolean;
  /** Wall clock for the cache entry (epoch ms); injectable for tests. */
  now?: () => number;
  onNote?: (message: string) => void;
  lockTimeoutMs?: number;
  /**
   * Lineage store (or its path) that records the merge as a run: the shards (as the shard
   * runs recorded them) in, the dataset and its tables out. Default: none.
   */
  lineage?: LineageStore | string | false;
}

/** One shard as the merged manifest records it. */
export interface MergedShard {
  index: number;
  /** The shard directory, relative to the merged dataset. */
  dir: string;
  homes: [number, number];
  /** sha256 of the shard's manifest.json as merged. */
  manifest_sha256: string;
}

export interface MergedManifest extends DatasetManifest {
  shards: MergedShard[];
}

export interface MergeResult {
  dir: string;
  manifest: MergedManifest;
  /** Shard directories (absolute), in index order. */
  shardDirs: string[];
  /** Per table, the file globs (absolute) a reader like DuckDB can take: `read_parquet([...])`. */
  globs: Record<string, string[]>;
  /** Bytes of the shard files checked (hashed when verifying). */
  bytesChecked: number;
}

const FIELD = "SHARD_DIR";

interface ShardRead {
  dir: string;
  manifest: DatasetManifest & { shard: NonNullable<DatasetManifest["shard"]> };
  manifestSha256: string;
}

/** Directories named by `args`: paths as they are, and `*`/`?` globs in the last path segment expanded. */
export function expandShardArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    const name = basename(arg);
    if (!/[*?]/.test(name)) {
      out.push(arg);
      continue;
    }
    const parent = dirname(arg);
    const pattern = new RegExp(
      `^${name
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
    const matches = existsSync(parent)
      ? readdirSync(parent)
          .filter((e) => pattern.test(e) && !e.startsWith("."))
          .sort()
      : [];
    if (matches.length === 0) {
      throw new HomeforgeError(
        FIELD,
        `${arg} matches no directory`,
        "pass the shard directories or a glob that matches them",
      );
    }
    out.push(...matches.map((e) => join(parent, e)));
  }
  return out;
}

function readShard(dir: string): ShardRead {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path) || !statSync(dir).isDirectory()) {
    throw new HomeforgeError(
      FIELD,
      `${dir} holds no ${MANIFEST_FILE}`,
      "pass directories written by `homeforge generate --shard I/N`",
    );
  }
  const bytes = readFileSync(path);
  const parsed = parseManifestBytes(bytes, "shard");
  if ("problem" in parsed) {
    throw new HomeforgeError(
      FIELD,
      `${dir}: ${parsed.problem}`,
      "pass directories written by `homeforge generate --shard I/N`",
    );
  }
  const manifestSha256 = sha256(bytes);
  const entry = readCacheEntry(dir);
  if (entry && entry.dataset_id === parsed.manifest.dataset_id && entry.manifest_sha256 !== manifestSha256) {
    throw new HomeforgeError(
      FIELD,
      `${dir}/${MANIFEST_FILE} changed after the shard was written`,
      "regenerate that shard with `homeforge generate --shard I/N --no-cache`",
    );
  }
  return { dir, manifest: parsed.manifest as ShardRead["manifest"], manifestSha256 };
}

/** Same dataset, config, generator and shard count, each index exactly once, ranges as the config cuts them. */
function checkCoverage(shards: ShardRead[]): ShardRead[] {
  const first = shards[0];
  const firstConfig = canonicalJson(first.manifest.config);
  for (const s of shards.slice(1)) {
    const m = s.manifest;
    if (
      m.dataset_id !== first.manifest.dataset_id ||
      canonicalJson(m.config) !== firstConfig ||
      m.generator.version !== first.manifest.generator.version
    ) {
      throw new HomeforgeError(
        FIELD,
        `${s.dir} holds dataset ${m.dataset_id} but ${first.dir} holds ${first.manifest.dataset_id}: the shards come from different configs or generator versions`,
        "merge only shards generated from one config by one homeforge version",
      );
    }
    if (m.shard.count !== first.manifest.shard.count) {
      throw new HomeforgeError(
        FIELD,
        `${s.dir} is one of ${m.shard.count} shards but ${first.dir} is one of ${first.manifest.shard.count}`,
        "merge the shards of one `--shard I/N` run (one N)",
      );
    }
  }
  const count = first.manifest.shard.count;
  const byIndex = new Map<number, ShardRead>();
  for (const s of shards) {
    const other = byIndex.get(s.manifest.shard.index);
    if (other) {
      throw new HomeforgeError(
        FIELD,
        `shard ${s.manifest.shard.index} of ${count} is given twice (${other.dir} and ${s.dir})`,
        "pass each shard directory once",
      );
    }
    byIndex.set(s.manifest.shard.index, s);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new HomeforgeError(
      FIELD,
      `shard(s) ${missing.join(", ")} of ${count} missing (got ${shards.length})`,
      `generate the missing shards (\`homeforge generate --shard ${missing[0]}/${count}\` …) and pass every shard directory`,
    );
  }
  const homes = Number(first.manifest.config.homes);
  const ordered = Array.from({ length: count }, (_, i) => byIndex.get(i)!);
  for (const s of ordered) {
    const want = shardHomeRange(s.manifest.shard, homes);
    const got = s.manifest.shard.homes;
    if (!Array.isArray(got) || got[0] !== want[0] || got[1] !== want[1]) {
      throw new HomeforgeError(
        FIELD,
        `${s.dir} covers homes ${JSON.stringify(got)}, shard ${s.manifest.shard.index} of ${count} should cover [${want.join(", ")}]`,
        "regenerate that shard with this homeforge version",
      );
    }
  }
  return ordered;
}

/** Every shard has the same tables with the same formats and schemas. */
function checkTables(shards: ShardRead[]): void {
  const first = shards[0];
  const shape = (m: DatasetManifest) =>
    canonicalJson(Object.fromEntries(Object.entries(m.tables).map(([n, t]) => [n, [t.format, t.schema]])));
  const want = shape(first.manifest);
  for (const s of shards.slice(1)) {
    if (shape(s.manifest) !== want) {
      throw new HomeforgeError(
        FIELD,
        `${s.dir} has other tables or schemas than ${first.dir}`,
        "regenerate the shards with one homeforge version and config",
      );
    }
  }
}

/** Sizes (a stat) and, when verifying, sha256 of every shard file; returns the bytes checked. */
/** Shard files hashed at once while merging: their reads overlap (network volumes are latency-bound). */
const HASHES_IN_FLIGHT = 4;

async function checkFiles(shards: ShardRead[], verify: boolean): Promise<number> {
  const files = shards.flatMap((s) =>
    Object.values(s.manifest.tables).flatMap((table) => table.files.map((file) => ({ s, file }))),
  );
  const changed = ({ s, file }: (typeof files)[number], problem: string) =>
    new HomeforgeError(
      FIELD,
      `${join(s.dir, file.path)} ${problem}: the file changed after shard ${s.manifest.shard.index} was written`,
      `regenerate that shard with \`homeforge generate --shard ${s.manifest.shard.index}/${s.manifest.shard.count} --no-cache\``,
    );
  let bytes = 0;
  for (const f of files) {
    const size = fileSizeProblem(f.s.dir, f.file);
    if (size) throw changed(f, size);
    bytes += f.file.bytes;
  }
  if (!verify) return bytes;
  const hashes = new Array<string>(files.length);
  let next = 0;
  const hashNext = async (): Promise<void> => {
    while (next < files.length) {
      const k = next++;
      hashes[k] = await hashFile(join(files[k].s.dir, files[k].file.path));
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASHES_IN_FLIGHT, files.length) }, hashNext));
  // the first changed file in shard and manifest order is the one reported, however the reads finished
  for (const [k, f] of files.entries()) {
    if (hashes[k] !== f.file.sha256) throw changed(f, hashMismatch(f.file, hashes[k]));
  }
  return bytes;
}

const toPosix = (p: string) => p.split(sep).join("/");

function mergedManifest(out: string, shards: ShardRead[]): MergedManifest {
  const first = shards[0].manifest;
  const tables: Record<string, ManifestTable> = {};
  for (const [name, table] of Object.entries(first.tables)) {
    const files = shards.flatMap((s) =>
      s.manifest.tables[name].files.map((f) => ({
        ...f,
        path: toPosix(relative(out, join(s.dir, f.path))),
      })),
    );
    tables[name] = {
      format: table.format,
      rows: files.reduce((n, f) => n + f.rows, 0),
      files,
      schema: table.schema,
    };
  }
  const validations = shards.map((s) => s.manifest.validation);
  const validation = first.validation && {
    min_devices: first.validation.min_devices,
    min_events: first.validation.min_events,
    homes_generated: validations.reduce((n, v) => n + (v?.homes_generated ?? 0), 0),
    homes_kept: validations.reduce((n, v) => n + (v?.homes_kept ?? 0), 0),
    excluded: validations.flatMap((v) => v?.excluded ?? []),
  };
  return {
    format: MANIFEST_FORMAT,
    format_version: MERGED_MANIFEST_FORMAT_VERSION,
    dataset_id: first.dataset_id,
    generator: first.generator,
    seed: first.seed,
    reference_date: first.reference_date,
    config: first.config,
    tables,
    ...(validation ? { validation } : {}),
    shards: shards.map((s) => ({
      index: s.manifest.shard.index,
      dir: toPosix(relative(out, s.dir)),
      homes: s.manifest.shard.homes,
      manifest_sha256: s.manifestSha256,
    })),
  };
}

/** Per table, the distinct file globs: shard dirs' parent/<dataset>-shard-*-of-N/<file with digit runs as *>. */
function tableGlobs(manifest: MergedManifest, out: string): Record<string, string[]> {
  const globs: Record<string, string[]> = {};
  for (const [name, table] of Object.entries(manifest.tables)) {
    const patterns = new Set<string>();
    for (const f of table.files) {
      const abs = resolve(out, f.path);
      const shardDir = basename(dirname(abs)).replace(/-shard-\d+-/, "-shard-*-");
      patterns.add(join(dirname(dirname(abs)), shardDir, basename(abs).replace(/\d+/g, "*")));
    }
    globs[name] = [...patterns].sort();
  }
  return globs;
}

/**
 * Merges shard directories into a dataset directory at `outDir` (written atomically under its
 * lock, like `generate`): see the module comment for what it checks.
 */
export async function mergeShards(
  outDir: string,
  shardArgs: readonly string[],
  options: MergeOptions = {},
): Promise<MergeResult> {
  const out = resolve(outDir);
  if (shardArgs.length === 0) {
    throw new HomeforgeError(
      FIELD,
      "no shard directories given",
      "pass the shard directories or a glob, e.g. 'data/ds_…-shard-*'",
    );
  }
  const shardDirs = [...new Set(expandShardArgs(shardArgs).map((d) => resolve(d)))];
  for (const d of shardDirs) {
    if (d === out || d.startsWith(`${out}${sep}`) || out.startsWith(`${d}${sep}`)) {
      throw new HomeforgeError(
        "OUT",
        `${outDir} overlaps shard directory ${d}`,
        "write the merged dataset beside the shards, e.g. data/<dataset-id>",
      );
    }
  }
  const shards = checkCoverage(shardDirs.map(readShard));
  checkTables(shards);
  const bytesChecked = await checkFiles(shards, options.verify ?? true);
  const manifest = mergedManifest(out, shards);
  if (manifest.validation && manifest.validation.homes_kept === 0) {
    throw new HomeforgeError(
      "validation",
      `all ${manifest.validation.homes_generated} homes failed validation in every shard`,
      "every home was left out; lower validation.minDevices / validation.minEvents (--min-devices, --min-events) and regenerate the shards",
    );
  }
  assertWritableDatasetDir(out, "OUT");
  const text = manifestJson(manifest);
  await withOutputDir(
    out,
    { field: "OUT", onNote: options.onNote, lockTimeoutMs: options.lockTimeoutMs },
    () =>
      writeDirAtomically(out, (tmp) => writeFileSync(join(tmp, MANIFEST_FILE), text), {
        field: "OUT",
        onNote: options.onNote,
      }),
  );
  const entry = writeCacheEntry(out, text, manifest.dataset_id, (options.now ?? Date.now)());
  const globs = tableGlobs(manifest, out);
  if (options.lineage)
    recordMerge(options.lineage, out, manifest, shards, entry.manifest_sha256, globs, options);
  return {
    dir: out,
    manifest,
    shardDirs: shards.map((s) => s.dir),
    globs,
    bytesChecked,
  };
}

/** The merge as a lineage run: every shard in (the ids its shard run gave it), the dataset and its tables out. */
function recordMerge(
  store: LineageStore | string,
  out: string,
  manifest: MergedManifest,
  shards: readonly ShardRead[],
  manifestSha256: string,
  globs: Record<string, string[]>,
  options: MergeOptions,
): void {
  const lineage = typeof store === "string" ? LineageStore.open(store, { now: options.now }) : store;
  try {
    const runId = lineage.startRun("merge", {
      dataset_id: manifest.dataset_id,
      shards: shards.length,
      verify: options.verify ?? true,
    });
    for (const s of shards) {
      lineage.recordInput(
        runId,
        datasetArtifact(
          shardArtifactId(manifest.dataset_id, s.manifest.shard),
          s.dir,
          s.manifestSha256,
          true,
        ),
      );
    }
    const tableUris = Object.fromEntries(Object.entries(globs).map(([name, g]) => [name, g.join(",")]));
    recordDatasetOutputs(
      lineage,
      runId,
      { ...datasetArtifact(manifest.dataset_id, out, manifestSha256, false), uri: out },
      manifest.tables,
      tableUris,
    );
    lineage.recordTransformation(runId, {
      name: "merge_shards",
      output: manifest.dataset_id,
      rowsIn: shards.length,
      rowsOut: manifest.validation?.homes_kept,
      detail: { shard_dirs: shards.map((s) => relative(out, s.dir)) },
    });
    lineage.completeRun(runId);
  } finally {
    if (typeof store === "string") lineage.close();
  }
}
