import type { LineageStore } from "../../pipeline/lineage/lineageStore.js";
import { trainingRunHooks } from "../trainingRunHooks.js";
import type { TelemetryDataset } from "./telemetryDataset.js";
import type { TrainHomeTypesOptions } from "./trainingTypes.js";

/**
 * Lineage for a training run on a dataset's telemetry: records the dataset and its telemetry
 * table as the run's inputs — with the ids and hashes the generate run wrote, so the chain
 * behind a model joins up — and returns the `trainHomeTypes` hooks that record each saved
 * model version as an output and each evaluation verdict as a step.
 */
export function recordTrainingLineage(
  lineage: LineageStore,
  runId: string,
  source: Pick<TelemetryDataset, "dir" | "dataset">,
): Pick<TrainHomeTypesOptions, "lineageRunId" | "onRegistered" | "onVerdict"> {
  const { id, hash, manifestSha256 } = source.dataset;
  lineage.recordInput(runId, { id, kind: "dataset", uri: source.dir, sha256: manifestSha256 });
  lineage.recordInput(runId, { id: `${id}/telemetry`, kind: "table", sha256: hash });
  return trainingRunHooks(lineage, runId, id);
}
