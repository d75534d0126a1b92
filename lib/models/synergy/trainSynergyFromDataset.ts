import type { LineageStore } from "../../pipeline/lineage/lineageStore.js";
import { type OpenDatasetOptions, openDataset } from "../../pipeline/storage/openDataset.js";
import { type BackendChoice, chooseBackend } from "../backend.js";
import { trainingRunHooks } from "../trainingRunHooks.js";
import { loadSynergyGraphs } from "./loadSynergyGraphs.js";
import { NODE_FEATURE_NAMES } from "./nodeFeatures.js";
import { PAIR_FEATURE_NAMES } from "./pairFeatures.js";
import { HISTORY_CUTS } from "./synergyTypes.js";
import {
  type SynergyTrainingResult,
  type TrainSynergyOptions,
  trainSynergyModel,
} from "./trainSynergyModel.js";

export interface TrainSynergyFromDatasetOptions
  extends Omit<
    TrainSynergyOptions,
    "dataset" | "lineageRunId" | "onRegistered" | "onVerdict" | "featureNames"
  > {
  /** Check every file against the manifest's sha256 (default true). */
  verify?: OpenDatasetOptions["verify"];
  /** How errors about the dataset name it (default "--dataset"). */
  field?: string;
  /** Record the run as `job` in `store`, or in the store `open` opens (and this closes). */
  lineage?: { job: string; store: LineageStore } | { job: string; open: () => LineageStore };
  /** A backend to force (default: HOMEFORGE_BACKEND or the best present). */
  backend?: string;
  /** Called once the graphs are built and the backend chosen, before training starts. */
  onReady?: (ready: { graphs: number; homes: number; backend: BackendChoice }) => void;
}

export interface TrainSynergyFromDatasetResult {
  result: SynergyTrainingResult;
  backend: BackendChoice;
  runId: string | null;
}

/**
 * The synergy model's whole training flow on a dataset directory, as `homeforge
 * train-synergy` and `npm run pipeline` run it: build every home's graph at every history
 * cut (files verified against the manifest), choose the backend, then train, evaluate and
 * register (trainSynergyModel), as one lineage run when `lineage` is given: the dataset and
 * its events and synergies tables as inputs, the saved version as output, the verdict as a step.
 */
export async function trainSynergyFromDataset(
  datasetDir: string,
  options: TrainSynergyFromDatasetOptions,
): Promise<TrainSynergyFromDatasetResult> {
  const { verify, field = "--dataset", lineage, backend: force, onReady, ...train } = options;
  const dataset = openDataset(datasetDir, field, { verify });
  const progress = train.onProgress ?? (() => {});
  const graphs = await loadSynergyGraphs(dataset, {
    cuts: HISTORY_CUTS,
    onProgress: (done, total) => {
      if (done === total || done % 50 === 0) progress(`synergy graphs: ${done}/${total} homes`);
    },
  });
  const backend = await chooseBackend(force ? { force } : {});
  onReady?.({ graphs: graphs.length, homes: new Set(graphs.map((g) => g.homeId)).size, backend });
  const id = dataset.manifest.dataset_id;
  const run = (hooks: Partial<TrainSynergyOptions>) =>
    trainSynergyModel(graphs, {
      ...train,
      featureNames: { node: NODE_FEATURE_NAMES, pair: PAIR_FEATURE_NAMES },
      dataset: { id, hash: dataset.lineageSha256 },
      ...hooks,
    });
  if (!lineage) return { result: await run({}), backend, runId: null };
  const store = "store" in lineage ? lineage.store : lineage.open();
  try {
    let runId: string | null = null;
    const result = await store.withRun(
      lineage.job,
      { seed: train.seed, epochs: train.epochs, dataset: id, model_kind: "synergy_gnn" },
      (rid) => {
        runId = rid;
        store.recordInput(rid, { id, kind: "dataset", uri: dataset.dir, sha256: dataset.manifestSha256 });
        for (const table of ["events", "synergies"]) {
          store.recordInput(rid, {
            id: `${id}/${table}`,
            kind: "table",
            sha256: dataset.verifiedTableSha256(table),
          });
        }
        return run(synergyTrainingLineage(store, rid, id));
      },
    );
    return { result, backend, runId };
  } finally {
    if (!("store" in lineage)) store.close();
  }
}

/** The trainSynergyModel hooks that record the saved version as an output of `runId` and its verdict as a step. */
export function synergyTrainingLineage(
  store: LineageStore,
  runId: string,
  datasetId: string,
): Pick<TrainSynergyOptions, "lineageRunId" | "onRegistered" | "onVerdict"> {
  return trainingRunHooks(store, runId, datasetId);
}
