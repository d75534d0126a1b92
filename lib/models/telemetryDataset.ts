import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { HomeforgeError } from "../errors.js";
import { readTableFile } from "../pipeline/io.js";
import { MANIFEST_FILE, type Manifest, sha256, tableSha256 } from "../pipeline/manifest.js";
import { type ColumnTable, concatTables } from "../pipeline/schema.js";
import { TELEMETRY_SCHEMA } from "../pipeline/tables.js";

export interface TelemetryDataset {
  dir: string;
  manifest: Manifest;
  table: ColumnTable;
  /**
   * The dataset id, a hash of the telemetry files (from the manifest's sha256s: what the
   * model was trained on) and the sha256 of manifest.json (the dataset's hash in lineage).
   */
  dataset: { id: string; hash: string; manifestSha256: string };
}

/** Reads the telemetry table of a dataset directory (manifest.json + its table files). */
export async function readTelemetryDataset(dir: string, field = "--dataset"): Promise<TelemetryDataset> {
  const root = resolve(dir);
  const manifestPath = join(root, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    throw new HomeforgeError(
      field,
      `${dir} holds no ${MANIFEST_FILE}`,
      "point at a dataset directory written by `homeforge generate`",
    );
  }
  let manifest: Manifest;
  let manifestBytes: Buffer;
  try {
    manifestBytes = readFileSync(manifestPath);
    manifest = JSON.parse(manifestBytes.toString("utf8"));
  } catch (e) {
    throw new HomeforgeError(
      field,
      `${manifestPath} is not valid JSON (${(e as Error).message})`,
      "regenerate the dataset",
    );
  }
  const entry = manifest.tables?.telemetry;
  if (!entry || entry.files.length === 0) {
    throw new HomeforgeError(
      field,
      `dataset ${manifest.dataset_id ?? dir} has no telemetry table`,
      "generate a dataset with device-health telemetry (homeforge generate)",
    );
  }
  const parts: ColumnTable[] = [];
  for (const file of entry.files) {
    const path = join(root, file.path);
    if (!existsSync(path)) {
      throw new HomeforgeError(
        field,
        `telemetry file ${file.path} listed in the manifest is missing`,
        "regenerate the dataset",
      );
    }
    parts.push(await readTableFile(path, TELEMETRY_SCHEMA));
  }
  const table = parts.length === 1 ? parts[0] : concatTables(TELEMETRY_SCHEMA, parts);
  return {
    dir: root,
    manifest,
    table,
    dataset: { id: manifest.dataset_id, hash: tableSha256(entry), manifestSha256: sha256(manifestBytes) },
  };
}
