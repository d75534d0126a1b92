import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { type ColumnTable, concatTables, type TableSchema } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { MANIFEST_FILE, type ManifestFile, sha256, tableSha256 } from "../../core/manifest.js";
import type { DatasetManifest } from "../generation/manager.js";
import { readCacheEntry } from "./cache.js";
import { fileSizeProblem, hashMismatch, MERGE_SHARDS_FIX, parseManifestBytes } from "./integrity.js";
import { type ReadTableOptions, type RowGroupFilter, readTableChunks, readTableFile } from "./tableIO.js";

/** A dataset directory opened for reading: its manifest and a way to load its tables. */
export interface OpenDataset {
  dir: string;
  manifest: DatasetManifest;
  /** sha256 of the manifest.json bytes read: the dataset's hash in lineage. */
  manifestSha256: string;
  /** Whether each file is checked against its manifest sha256 before it is trusted. */
  verify: boolean;
  has(table: string): boolean;
  /** Reads a table whole, with the schema its manifest records. */
  table(name: string): Promise<ColumnTable>;
  /**
   * Reads a table a row group at a time, in row order: for aggregations over big tables. With
   * `keep`, Parquet row groups whose statistics rule out every wanted value are skipped (still
   * counted against the manifest's rows). With `columns`, only those columns are decoded.
   */
  chunks(
    name: string,
    keep?: Omit<RowGroupFilter, "onSkip">,
    columns?: readonly string[],
  ): AsyncGenerator<ColumnTable>;
  /** The raw bytes of each file of a table, verified like every other read (for Arrow IPC as is). */
  fileBytes(name: string): { path: string; bytes: Buffer; read: ReadTableOptions }[];
  /**
   * The content hash of a table as read and verified (equal to the manifest's
   * tableSha256); null while any of its files has not been read and verified, and always
   * null when verification is off: nothing records a hash of data it did not check.
   */
  verifiedTableSha256(name: string): string | null;
  /** What lineage records as the dataset's hash: manifestSha256 when verifying, else null. */
  lineageSha256: string | null;
}

export interface OpenDatasetOptions {
  /**
   * Check every file against the sha256 its manifest records, once per open dataset, before
   * decoding it (default true). `false` reads damaged files anyway (`--no-verify`).
   */
  verify?: boolean;
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
 * be unusable (no manifest, bad JSON, not a homeforge manifest, a table or file the manifest
 * lists missing, a file whose size or sha256 differs from the manifest, a file that does not
 * decode) is a one-line error naming `field`. Each file is verified once, while it is read.
 */
export function openDataset(dir: string, field = "--dataset", options: OpenDatasetOptions = {}): OpenDataset {
  const verify = options.verify ?? true;
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    throw new HomeforgeError(
      field,
      `${dir} holds no ${MANIFEST_FILE}`,
      "point at a dataset directory written by `homeforge generate`",
    );
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(manifestPath);
  } catch (e) {
    throw new HomeforgeError(
      field,
      `cannot read ${manifestPath} (${(e as Error).message})`,
      "regenerate the dataset with `homeforge generate`",
    );
  }
  const parsed = parseManifestBytes(bytes);
  if ("problem" in parsed) {
    throw new HomeforgeError(
      field,
      `${parsed.problem} in ${dir}`,
      parsed.shard ? MERGE_SHARDS_FIX : "regenerate the dataset with `homeforge generate`",
    );
  }
  const manifest = parsed.manifest as DatasetManifest;
  const manifestSha256 = sha256(bytes);
  const label = (file: string) => `${file} in ${manifest.dataset_id}`;
  const optOut = field.startsWith("--") ? "pass --no-verify" : "pass { verify: false }";
  const damaged = (file: string, problem: string) =>
    new HomeforgeError(
      field,
      `${label(file)} ${problem}: the file changed or is damaged`,
      `regenerate the dataset with \`homeforge generate --no-cache\`, or ${optOut} to read it anyway`,
    );
  if (verify) {
    // the generator records the sha256 of the manifest it wrote beside the directory
    const entry = readCacheEntry(dir);
    if (entry && entry.dataset_id === manifest.dataset_id && entry.manifest_sha256 !== manifestSha256) {
      throw damaged(MANIFEST_FILE, "does not match the sha256 recorded beside it when it was written");
    }
  }
  const tableEntry = (name: string) => {
    const entry = manifest.tables[name];
    if (!entry || !Array.isArray(entry.files) || entry.files.length === 0) {
      throw new HomeforgeError(
        field,
        `dataset ${manifest.dataset_id} has no ${name} table`,
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
  /** Files verified so far (path → sha256 of the bytes that matched the manifest). */
  const verified = new Map<string, string>();
  const readOptions = (file: ManifestFile): ReadTableOptions => {
    const base: ReadTableOptions = {
      field,
      label: label(file.path),
      fix: `regenerate the dataset with \`homeforge generate --no-cache\``,
    };
    if (!verify || verified.has(file.path)) return base;
    // a stat before any read: a truncated file fails here, before it is hashed or decoded
    const size = fileSizeProblem(dir, file);
    if (size) throw damaged(file.path, size);
    return {
      ...base,
      onHash: (actual) => {
        if (actual !== file.sha256) throw damaged(file.path, hashMismatch(file, actual));
        verified.set(file.path, actual);
      },
    };
  };
  const checkRows = (file: ManifestFile, rows: number) => {
    if (verify && rows !== file.rows) {
      throw damaged(file.path, `holds ${rows} rows, its manifest says ${file.rows}`);
    }
  };
  return {
    dir,
    manifest,
    manifestSha256,
    verify,
    lineageSha256: verify ? manifestSha256 : null,
    has: (name) => Boolean(manifest.tables[name]),
    async table(name) {
      const { entry, schema } = tableEntry(name);
      const parts = await Promise.all(
        entry.files.map(async (f) => {
          const part = await readTableFile(join(dir, f.path), schema, readOptions(f));
          checkRows(f, part.rows);
          return part;
        }),
      );
      return parts.length === 1 ? parts[0] : concatTables(schema, parts);
    },
    async *chunks(name, keep, columns) {
      const { entry, schema } = tableEntry(name);
      for (const f of entry.files) {
        let rows = 0;
        const options: ReadTableOptions = {
          ...readOptions(f),
          ...(keep ? { keep: { ...keep, onSkip: (n: number) => (rows += n) } } : {}),
          ...(columns ? { columns } : {}),
        };
        for await (const chunk of readTableChunks(join(dir, f.path), schema, options)) {
          rows += chunk.rows;
          yield chunk;
        }
        checkRows(f, rows);
      }
    },
    fileBytes(name) {
      const { entry } = tableEntry(name);
      return entry.files.map((f) => {
        const read = readOptions(f);
        const bytes = readFileSync(join(dir, f.path));
        read.onHash?.(sha256(bytes));
        return { path: join(dir, f.path), bytes, read };
      });
    },
    verifiedTableSha256(name) {
      const entry = manifest.tables[name];
      if (!verify || !entry?.files?.length) return null;
      const hashes = entry.files.map((f) => verified.get(f.path));
      if (hashes.some((h) => h === undefined)) return null;
      return tableSha256({ ...entry, files: entry.files.map((f, i) => ({ ...f, sha256: hashes[i]! })) });
    },
  };
}
