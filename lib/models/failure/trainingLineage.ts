import type { LineageStore } from "../../pipeline/lineage/lineageStore.js";
import { trainingRunHooks } from "../trainingRunHooks.js";
import type { TelemetryDataset } from "./telemetryDataset.js";
import type { TrainHomeTypesOptions } from "./trainingTypes.js";

/**
 * Lineage for a training run on a dataset's telemetry: records the dataset and its telemetry
 * table as the run's inputs — with the ids and hashes the generate run wrote, so the chain
 * behind a model joins up — and returns the `trainHomeTypes` hooks that record each saved
 * model version as an output and each evaluation verdict as a step. On a collected training
 * set the inputs are the dataset, the set (its id, as the collect run recorded it, and the
 * file's sha256: training set → collect run → dataset → generate run) and the homes table
 * the split was drawn over, instead of the telemetry table.
 */
export function recordTrainingLineage(
  lineage: LineageStore,
  runId: string,
  source: Pick<TelemetryDataset, "dir" | "dataset" | "trainingSet" | "homes">,
): Pick<TrainHomeTypesOptions, "lineageRunId" | "onRegistered" | "onVerdict"> {
  const { id, hash, manifestSha256 } = source.dataset;
  lineage.recordInput(runId, { id, kind: "dataset", uri: source.dir, sha256: manifestSha256 });
  const set = source.trainingSet;
  if (set) {
    lineage.recordInput(runId, { id: set.id, kind: "training_set", uri: set.path, sha256: set.sha256 });
  } else {
    lineage.recordInput(runId, { id: `${id}/telemetry`, kind: "table", sha256: hash });
  }
  if (source.homes)
    lineage.recordInput(runId, { id: `${id}/homes`, kind: "table", sha256: source.homes.sha256 });
  return trainingRunHooks(lineage, runId, id);
}
