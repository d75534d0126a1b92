import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { HomeforgeError } from "../../errors.js";
import { readTableChunks, readTableFile } from "../io.js";
import type { DatasetManifest } from "../manager.js";
import { MANIFEST_FILE, sha256 } from "../manifest.js";
import { type ColumnTable, concatTables, type TableSchema } from "../schema.js";

/** A dataset directory opened for reading: its manifest and a way to load its tables. */
export interface OpenDataset {
  dir: string;
  manifest: DatasetManifest;
  /** sha256 of manifest.json: the dataset's hash in lineage. */
  manifestSha256: string;
  has(table: string): boolean;
  /** Reads a table whole, with the schema its manifest records. */
  table(name: string): Promise<ColumnTable>;
  /** Reads a table a row group at a time, in row order: for aggregations over big tables. */
  chunks(name: string): AsyncGenerator<ColumnTable>;
}

/**
 * Finds a dataset by id (under `dataRoot`) or by directory path. `field` names the flag or
 * setting for the one-line error when it is not there.
 */
export function resolveDatasetDir(idOrDir: string, dataRoot: string, field = "--dataset"): string {
  const candidates = [resolve(idOrDir), join(dataRoot, idOrDir)];
  for (const dir of candidates) {
    if (existsSync(join(dir, MANIFEST_FILE)) && statSync(dir).isDirectory()) return dir;
  }
  throw new HomeforgeError(
    field,
    `no dataset "${idOrDir}" (looked in ${dataRoot} and as a directory)`,
    "pass a dataset id printed by `homeforge generate` or the path of a dataset directory",
  );
}

/**
 * Opens a dataset directory: reads its manifest now, its tables on demand. Every way it can
 * be unusable (no manifest, bad JSON, a table or file the manifest lists missing) is a
 * one-line error naming `field`.
 */
export function openDataset(dir: string, field = "--dataset"): OpenDataset {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    throw new HomeforgeError(
      field,
      `${dir} holds no ${MANIFEST_FILE}`,
      "point at a dataset directory written by `homeforge generate`",
    );
  }
  let manifest: DatasetManifest;
  let bytes: Buffer;
  try {
    bytes = readFileSync(manifestPath);
    manifest = JSON.parse(bytes.toString("utf8")) as DatasetManifest;
  } catch (e) {
    throw new HomeforgeError(
      field,
      `cannot read ${manifestPath} (${(e as Error).message})`,
      "regenerate the dataset with `homeforge generate`",
    );
  }
  const tableEntry = (name: string) => {
    const entry = manifest.tables?.[name];
    if (!entry || entry.files.length === 0) {
      throw new HomeforgeError(
        field,
        `dataset ${manifest.dataset_id ?? dir} has no ${name} table`,
        `regenerate it with a homeforge version whose generator writes ${name}`,
      );
    }
    for (const file of entry.files) {
      if (!existsSync(join(dir, file.path))) {
        throw new HomeforgeError(
          field,
          `${name} file ${file.path} listed in the manifest of ${manifest.dataset_id} is missing`,
          "regenerate the dataset with `homeforge generate`",
        );
      }
    }
    const schema: TableSchema = { name, columns: entry.schema };
    return { entry, schema };
  };
  return {
    dir,
    manifest,
    manifestSha256: sha256(bytes),
    has: (name) => Boolean(manifest.tables?.[name]),
    async table(name) {
      const { entry, schema } = tableEntry(name);
      const parts = await Promise.all(entry.files.map((f) => readTableFile(join(dir, f.path), schema)));
      return parts.length === 1 ? parts[0] : concatTables(schema, parts);
    },
    async *chunks(name) {
      const { entry, schema } = tableEntry(name);
      for (const f of entry.files) yield* readTableChunks(join(dir, f.path), schema);
    },
  };
}
