import { resolve } from "node:path";
import type { ColumnTable } from "../../core/columnTable.js";
import type { Manifest } from "../../core/manifest.js";
import { type OpenDatasetOptions, openDataset } from "../../pipeline/storage/openDataset.js";
import { TELEMETRY_SCHEMA } from "../../pipeline/storage/tables.js";

export interface TelemetryDataset {
  dir: string;
  manifest: Manifest;
  table: ColumnTable;
  /**
   * The dataset id, the hash of the telemetry files as read and verified against the
   * manifest (what the model was trained on) and the sha256 of manifest.json (the dataset's
   * hash in lineage). Without verification both hashes are null: nothing records a hash of
   * data it did not check (trainHomeTypes then hashes the table it was given).
   */
  dataset: { id: string; hash: string | null; manifestSha256: string | null };
  /**
   * Set when the rows are a collected training set (`homeforge collect --out`), not the
   * dataset's telemetry: its id, file and sha256 (then also `dataset.hash`).
   */
  trainingSet?: { id: string; path: string; sha256: string };
  /**
   * The dataset's homes, when read: the home split is drawn over them, so a home lands in
   * the same split whichever rows of it a training set kept. `sha256`: the homes table's, as
   * read and verified (null unverified).
   */
  homes?: { ids: string[]; types: string[]; sha256: string | null };
}

/**
 * Reads the telemetry table of a dataset directory (manifest.json + its table files), each
 * file checked against its manifest sha256 unless `{ verify: false }`.
 */
export async function readTelemetryDataset(
  dir: string,
  field = "--dataset",
  options: OpenDatasetOptions = {},
): Promise<TelemetryDataset> {
  const dataset = openDataset(resolve(dir), field, options);
  const table = await dataset.table(TELEMETRY_SCHEMA.name);
  const hash = dataset.verifiedTableSha256(TELEMETRY_SCHEMA.name);
  const { manifest } = dataset;
  return {
    dir: dataset.dir,
    manifest,
    table,
    dataset: { id: manifest.dataset_id, hash, manifestSha256: dataset.lineageSha256 },
  };
}
