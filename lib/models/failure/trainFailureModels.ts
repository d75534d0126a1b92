import type { LineageStore } from "../../pipeline/lineage/lineageStore.js";
import type { OpenDatasetOptions } from "../../pipeline/storage/openDataset.js";
import { type BackendChoice, chooseBackend } from "../backend.js";
import { servedHomesShareIds } from "../lifecycle/freshHomes.js";
import { routerName } from "./failureRouter.js";
import { readTelemetryDataset, type TelemetryDataset } from "./telemetryDataset.js";
import { homeTypesOf, trainHomeTypes, trainingModelNames, verifyTrainingTargets } from "./trainHomeTypes.js";
import { recordTrainingLineage } from "./trainingLineage.js";
import type { HomeTypesResult, TrainHomeTypesOptions } from "./trainingTypes.js";

export interface TrainFailureModelsOptions
  extends Omit<TrainHomeTypesOptions, "dataset" | "lineageRunId" | "onRegistered" | "onVerdict"> {
  /** Check every telemetry file against the manifest's sha256 (default true). */
  verify?: OpenDatasetOptions["verify"];
  /** How errors about the dataset name it (default "--dataset"). */
  field?: string;
  /**
   * Record the run as `job` (inputs, model outputs, verdicts) in `store`, or in the store
   * `open` opens — just before training, after the data and targets are checked — and
   * trainFailureModels closes. No lineage when absent.
   */
  lineage?: { job: string; store: LineageStore } | { job: string; open: () => LineageStore };
  /** A backend to force (default: HOMEFORGE_BACKEND or the best present). */
  backend?: string;
  /** Called once the telemetry is read and the backend chosen, before training starts. */
  onReady?: (ready: { telemetry: TelemetryDataset; backend: BackendChoice }) => void;
}

export interface TrainFailureModelsResult {
  result: HomeTypesResult;
  telemetry: TelemetryDataset;
  backend: BackendChoice;
  /** The lineage run (null without lineage). */
  runId: string | null;
}

/**
 * The whole failure-model training flow on a dataset directory, as `homeforge train` and
 * `npm run pipeline` run it, or on telemetry already read (a collected training set:
 * readTrainingSetTelemetry, `train --training-set`):
 * 1. read the telemetry, each file verified against the manifest (unless verify: false);
 * 2. precheck what training compares against: the production and candidate versions of
 *    every model the run may touch must verify (a one-line error before anything is written);
 * 3. choose the TensorFlow.js backend (chooseBackend, which loads TensorFlow.js);
 * 4. train, compare, evaluate and register (trainHomeTypes), as one lineage run when
 *    `lineage` is given: the dataset and its telemetry hash as inputs, every saved version
 *    as an output, every verdict as a step; a failure marks the run failed.
 */
export async function trainFailureModels(
  source: string | TelemetryDataset,
  options: TrainFailureModelsOptions,
): Promise<TrainFailureModelsResult> {
  const { verify, field = "--dataset", lineage, backend: force, onReady, ...train } = options;
  const telemetry =
    typeof source === "string" ? await readTelemetryDataset(source, field, { verify }) : source;
  const { table, dataset } = telemetry;
  // before the lineage run or anything else is written (trainHomeTypes checks again)
  if (train.register ?? true) {
    verifyTrainingTargets(
      train.modelsDir,
      trainingModelNames(train.modelPrefix ?? "failure", homeTypesOf(table)),
    );
  }
  const backend = await chooseBackend(force ? { force } : {});
  onReady?.({ telemetry, backend });
  // another seed's home_3 is another home: promotion must not drop it as "trained on"
  const shareIds =
    train.servedHomesShareIds ??
    servedHomesShareIds(train.modelsDir, routerName(train.modelPrefix ?? "failure"), telemetry);
  const run = (hooks: Partial<TrainHomeTypesOptions>) =>
    trainHomeTypes(table, {
      ...train,
      dataset,
      servedHomesShareIds: shareIds,
      ...(telemetry.homes ? { splitHomes: telemetry.homes } : {}),
      ...hooks,
    });
  if (!lineage) return { result: await run({}), telemetry, backend, runId: null };
  const store = "store" in lineage ? lineage.store : lineage.open();
  try {
    let runId: string | null = null;
    const result = await store.withRun(
      lineage.job,
      {
        seed: train.seed,
        epochs: train.epochs,
        dataset: dataset.id,
        ...(telemetry.trainingSet ? { training_set: telemetry.trainingSet.id } : {}),
      },
      (id) => {
        runId = id;
        return run(recordTrainingLineage(store, id, telemetry));
      },
    );
    return { result, telemetry, backend, runId };
  } finally {
    if (!("store" in lineage)) store.close();
  }
}
