import { resolve } from "node:path";
import { HomeforgeError } from "../../core/errors.js";
import { defaultDataRoot } from "../../core/paths.js";
import { readTrainingSetFile } from "../../pipeline/analysis/trainingSetFile.js";
import {
  type OpenDatasetOptions,
  openDataset,
  resolveDatasetDir,
} from "../../pipeline/storage/openDataset.js";
import { HOMES_SCHEMA, TELEMETRY_SCHEMA } from "../../pipeline/storage/tables.js";
import type { TelemetryDataset } from "./telemetryDataset.js";

export interface TrainingSetInputOptions extends OpenDatasetOptions {
  /** The dataset directory, when given (`--dataset`): it must be the one the set was collected from. */
  datasetDir?: string;
  /** Where a dataset id resolves when no directory is given (default $HOMEFORGE_DATA_DIR or ./data). */
  dataRoot?: string;
  /** How errors name the set (default "--training-set"). */
  field?: string;
}

/**
 * Reads a failure training set written by `homeforge collect --for failure --out FILE` as
 * the telemetry to train on, and the dataset it names for the rest: its manifest (lineage,
 * home identity) and its homes table (the home split). The dataset is the one in the set's
 * metadata, resolved under the data root, or `datasetDir` when given, which must agree.
 * Every problem is a one-line error naming `field` before anything is written.
 */
export async function readTrainingSetTelemetry(
  path: string,
  options: TrainingSetInputOptions = {},
): Promise<TelemetryDataset> {
  const field = options.field ?? "--training-set";
  const file = await readTrainingSetFile(path, "failure", TELEMETRY_SCHEMA, field);
  if (file.table.rows === 0) {
    throw new HomeforgeError(
      field,
      `${path} holds no rows (its filters dropped every row)`,
      "loosen the thresholds (`homeforge collect --thresholds FILE`) and collect it again",
    );
  }
  const datasetId = file.info.dataset_id;
  const dir =
    options.datasetDir ?? datasetDirOf(path, datasetId, options.dataRoot ?? defaultDataRoot(), field);
  const ds = openDataset(resolve(dir), options.datasetDir ? "--dataset" : field, options);
  if (ds.manifest.dataset_id !== datasetId) {
    throw new HomeforgeError(
      field,
      `${path} was collected from dataset ${datasetId}, but --dataset is ${ds.manifest.dataset_id}`,
      "drop --dataset (the set names its dataset) or collect the set from that dataset",
    );
  }
  const homes = await ds.table(HOMES_SCHEMA.name);
  return {
    dir: ds.dir,
    manifest: ds.manifest,
    table: file.table,
    // what the models were trained on: the set's bytes
    dataset: { id: datasetId, hash: file.sha256, manifestSha256: ds.lineageSha256 },
    trainingSet: { id: file.info.id, path: resolve(path), sha256: file.sha256 },
    homes: {
      ids: homes.columns.home_id as string[],
      types: homes.columns.home_type as string[],
      sha256: ds.verifiedTableSha256(HOMES_SCHEMA.name),
    },
  };
}

function datasetDirOf(path: string, datasetId: string, dataRoot: string, field: string): string {
  try {
    return resolveDatasetDir(datasetId, dataRoot, field);
  } catch {
    throw new HomeforgeError(
      field,
      `${path} was collected from dataset ${datasetId}, which is not in ${dataRoot}`,
      "pass --dataset with that dataset's directory, or set HOMEFORGE_DATA_DIR to where it is",
    );
  }
}
