import { resolve } from "node:path";
import { openDataset } from "../pipeline/exports/dataset.js";
import { type Manifest, tableSha256 } from "../pipeline/manifest.js";
import type { ColumnTable } from "../pipeline/schema.js";
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
  const dataset = openDataset(resolve(dir), field);
  const table = await dataset.table(TELEMETRY_SCHEMA.name);
  const { manifest, manifestSha256 } = dataset;
  const hash = tableSha256(manifest.tables[TELEMETRY_SCHEMA.name]);
  return { dir: dataset.dir, manifest, table, dataset: { id: manifest.dataset_id, hash, manifestSha256 } };
}
