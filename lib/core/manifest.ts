import { createHash } from "node:crypto";
import type { ColumnSpec } from "./columnTable.js";

/** How a dataset's tables are stored. */
export type TableFormat = "parquet" | "arrow";

/** File name extension of a table file per format. */
export const FORMAT_EXTENSION: Record<TableFormat, string> = { parquet: ".parquet", arrow: ".arrow" };

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_FORMAT = "homeforge-dataset";
/** What a single-machine run writes. */
export const MANIFEST_FORMAT_VERSION = 1;
/** What `homeforge merge` writes: file paths may lead out of the directory (`../<shard>/…`). */
export const MERGED_MANIFEST_FORMAT_VERSION = 2;
/** The dataset manifest versions this homeforge reads. */
export const READABLE_MANIFEST_VERSIONS: readonly number[] = [1, 2];
/** A shard directory's manifest (`manifest.json` too): one slice of homes, read only through a merge. */
export const SHARD_MANIFEST_FORMAT = "homeforge-shard";

export interface ManifestFile {
  /** Relative to the dataset directory; in a merged (version 2) manifest, `../<shard dir>/<file>`. */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface ManifestTable {
  format: TableFormat;
  rows: number;
  files: ManifestFile[];
  schema: ColumnSpec[];
}

/**
 * A dataset's manifest. Holds no wall-clock time: the same config and generator version
 * give a byte-identical manifest. Wall-clock facts belong to lineage.
 */
export interface Manifest {
  /** A shard directory's manifest says "homeforge-shard"; readers take only "homeforge-dataset". */
  format: typeof MANIFEST_FORMAT | typeof SHARD_MANIFEST_FORMAT;
  format_version: number;
  dataset_id: string;
  generator: { name: "homeforge"; version: string };
  seed: number;
  /** The config's start date: the dataset's reference date. */
  reference_date: string;
  config: Record<string, unknown>;
  tables: Record<string, ManifestTable>;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A table's content hash: its file's sha256, or for several files the sha256 of their hashes in order. */
export function tableSha256(table: ManifestTable): string {
  return table.files.length === 1
    ? table.files[0].sha256
    : sha256(table.files.map((f) => f.sha256).join("\n"));
}

/** JSON with object keys sorted at every level: the canonical form hashed into ids. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort())
      out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** Content-addressed dataset id: a hash of the canonical config and the generator version. */
export function datasetId(config: Record<string, unknown>, generatorVersion: string): string {
  return `ds_${sha256(canonicalJson({ config, generatorVersion })).slice(0, 16)}`;
}

export function manifestJson(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
