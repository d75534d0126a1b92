import { dirname, resolve } from "node:path";
import { DEFAULTS } from "../../core/defaults.js";
import { defaultDataRoot } from "../../core/paths.js";
import { type LineageStore, modelVersionId } from "../../pipeline/lineage/lineageStore.js";
import { openDataset } from "../../pipeline/storage/openDataset.js";
import { chooseBackend } from "../backend.js";
import type { FailureClassifierParams } from "../failure/failureClassifier.js";
import { routerName } from "../failure/failureRouter.js";
import type { RouteSummary } from "../failure/routerKind.js";
import { readTelemetryDataset, type TelemetryDataset } from "../failure/telemetryDataset.js";
import { trainHomeTypes } from "../failure/trainHomeTypes.js";
import { recordTrainingLineage } from "../failure/trainingLineage.js";
import { ModelRegistry } from "../registry/registry.js";
import type { SplitFractions } from "../split.js";
import { loadSynergyGraphs } from "../synergy/loadSynergyGraphs.js";
import { NODE_FEATURE_NAMES } from "../synergy/nodeFeatures.js";
import { PAIR_FEATURE_NAMES } from "../synergy/pairFeatures.js";
import { SYNERGY_MODEL_NAME } from "../synergy/registerSynergyModel.js";
import type { SynergyGnnParams } from "../synergy/synergyGnn.js";
import { HISTORY_CUTS, type SynergyGraph } from "../synergy/synergyTypes.js";
import { synergyTrainingLineage } from "../synergy/trainSynergyFromDataset.js";
import { trainSynergyModel } from "../synergy/trainSynergyModel.js";
import { failureChecks } from "./failureChecks.js";
import { appendRetrainingEntry, type RetrainingEntry, type VersionRef } from "./retrainingHistory.js";
import type { CheckContext, GatheredChecks } from "./servedChecks.js";
import type {
  FailureSufficiencyThresholds,
  SufficiencyReport,
  SynergySufficiencyThresholds,
} from "./sufficiency.js";
import { synergyChecks } from "./synergyChecks.js";
import type { DriftThresholds } from "./trainingSnapshot.js";
import {
  type AgeThresholds,
  ageTrigger,
  driftTrigger,
  type MetricFloorThresholds,
  metricFloorTrigger,
  type NewDataThresholds,
  newDataTrigger,
  type TriggerResult,
} from "./triggers.js";

/**
 * The retraining manager: for each served thing (the failure router, the synergy GNN) check
 * the data's sufficiency and the triggers against the production version; when a trigger
 * fired (or nothing is served yet) and the data suffices, train a candidate with the same
 * training functions `homeforge train` / `train-synergy` run — which judge it against
 * production on validation homes and promote or keep it — and record every step: a lineage
 * run (job "retrain") and a line in the retraining history.
 */
export const RETRAINABLE_MODELS = [routerName("failure"), SYNERGY_MODEL_NAME] as const;
export type RetrainableModel = (typeof RETRAINABLE_MODELS)[number];

export interface RetrainThresholds {
  failure?: Partial<FailureSufficiencyThresholds>;
  synergy?: Partial<SynergySufficiencyThresholds>;
  newData?: NewDataThresholds;
  drift?: DriftThresholds;
  metricFloor?: MetricFloorThresholds;
  age?: AgeThresholds;
}

export interface RetrainOptions {
  modelsDir: string;
  /** The new dataset's directory. */
  dataset: string;
  /** Default: both. */
  models?: readonly RetrainableModel[];
  /** Check and record, but train nothing. */
  dryRun?: boolean;
  /** The age trigger's clock (default the wall clock). */
  now?: () => Date;
  /** Where to look for the served version's dataset (default $HOMEFORGE_DATA_DIR or ./data, and the new dataset's parent). */
  dataRoots?: readonly string[];
  seed?: number;
  epochs?: number;
  bootstrapResamples?: number;
  fractions?: SplitFractions;
  failureParams?: Partial<FailureClassifierParams>;
  synergyParams?: Partial<SynergyGnnParams>;
  thresholds?: RetrainThresholds;
  /** Check every file against the manifest (default true). */
  verify?: boolean;
  /** Record each model's decision as a run of job "retrain" (the caller opens and closes the store). */
  lineage?: LineageStore | null;
  backend?: string;
  onProgress?: (message: string) => void;
}

/** One model's checks and the decision they lead to. */
export interface RetrainCheck extends Omit<GatheredChecks, "floor" | "newData"> {
  model: RetrainableModel;
  dataset: { id: string; dir: string };
  triggers: TriggerResult[];
  decision: "train" | "skip";
  reason: string;
}

interface Inputs {
  telemetry: TelemetryDataset | null;
  graphs: SynergyGraph[] | null;
  dataset: { id: string; dir: string; seed: number; manifestSha256: string | null };
}

/** Checks sufficiency and triggers for each model; trains and records nothing. */
export async function checkRetraining(options: RetrainOptions): Promise<RetrainCheck[]> {
  const inputs = await loadInputs(options, false);
  const out: RetrainCheck[] = [];
  for (const model of options.models ?? RETRAINABLE_MODELS)
    out.push(await checkModel(model, inputs, options));
  return out;
}

/** Checks, trains where a trigger fired and the data suffices, records; one history entry per model. */
export async function retrain(options: RetrainOptions): Promise<RetrainingEntry[]> {
  const inputs = await loadInputs(options, !options.dryRun);
  const entries: RetrainingEntry[] = [];
  for (const model of options.models ?? RETRAINABLE_MODELS)
    entries.push(await retrainModel(model, inputs, options));
  return entries;
}

async function loadInputs(options: RetrainOptions, allCuts: boolean): Promise<Inputs> {
  const models = options.models ?? RETRAINABLE_MODELS;
  const progress = options.onProgress ?? (() => {});
  const dir = resolve(options.dataset);
  const opened = openDataset(dir, "--dataset", { verify: options.verify });
  const telemetry = models.includes("failure-router")
    ? await readTelemetryDataset(dir, "--dataset", { verify: options.verify })
    : null;
  const graphs = models.includes("synergy-gnn")
    ? await loadSynergyGraphs(opened, {
        cuts: allCuts ? HISTORY_CUTS : [null],
        onProgress: (done, total) => {
          if (done === total || done % 50 === 0) progress(`synergy graphs: ${done}/${total} homes`);
        },
      })
    : null;
  const { manifest } = opened;
  return {
    telemetry,
    graphs,
    dataset: {
      id: manifest.dataset_id,
      dir: opened.dir,
      seed: manifest.seed,
      manifestSha256: opened.lineageSha256,
    },
  };
}

async function checkModel(
  model: RetrainableModel,
  inputs: Inputs,
  options: RetrainOptions,
): Promise<RetrainCheck> {
  const t = options.thresholds ?? {};
  const ctx: CheckContext = {
    modelsDir: options.modelsDir,
    dataset: inputs.dataset,
    dataRoots: options.dataRoots ?? [defaultDataRoot(), dirname(inputs.dataset.dir)],
    seed: options.seed ?? DEFAULTS.seed,
    fractions: options.fractions,
    driftThresholds: t.drift,
    bootstrapResamples: options.bootstrapResamples,
  };
  const gathered =
    model === "failure-router"
      ? await failureChecks(inputs.telemetry!.table, model, { ...ctx, thresholds: t.failure })
      : await synergyChecks(inputs.graphs!, model, { ...ctx, thresholds: t.synergy });
  const { floor, newData, ...rest } = gathered;
  const served = gathered.served;
  const triggers: TriggerResult[] = served
    ? [
        newDataTrigger(newData, t.newData),
        driftTrigger(gathered.drift),
        metricFloorTrigger(floor, t.metricFloor),
        ageTrigger(served.created_at, (options.now ?? (() => new Date()))(), t.age),
      ]
    : [
        {
          trigger: "new_data",
          fired: true,
          explanation: `nothing is served as ${model} yet: the first version is trained`,
        },
      ];
  const { decision, reason } = decide(gathered.sufficiency, served !== null, triggers);
  return {
    ...rest,
    model,
    dataset: { id: inputs.dataset.id, dir: inputs.dataset.dir },
    triggers,
    decision,
    reason,
  };
}

function decide(
  sufficiency: SufficiencyReport,
  served: boolean,
  triggers: readonly TriggerResult[],
): { decision: "train" | "skip"; reason: string } {
  const fired = triggers.filter((t) => t.fired).map((t) => t.trigger);
  if (!sufficiency.sufficient) {
    return {
      decision: "skip",
      reason: `not trained, the data is ${sufficiency.summary}${fired.length > 0 ? ` (fired: ${fired.join(", ")})` : ""}`,
    };
  }
  if (!served) return { decision: "train", reason: "nothing is served yet and the data suffices" };
  if (fired.length === 0) return { decision: "skip", reason: "no trigger fired: the served version stays" };
  return { decision: "train", reason: `fired: ${fired.join(", ")}; the data suffices` };
}

async function retrainModel(
  model: RetrainableModel,
  inputs: Inputs,
  options: RetrainOptions,
): Promise<RetrainingEntry> {
  const check = await checkModel(model, inputs, options);
  const store = options.lineage ?? null;
  const runId = store
    ? store.startRun("retrain", {
        model,
        dataset: inputs.dataset.id,
        dry_run: options.dryRun ?? false,
        seed: options.seed ?? DEFAULTS.seed,
        epochs: options.epochs,
      })
    : null;
  const entry: RetrainingEntry = {
    format: "homeforge-retraining",
    format_version: 1,
    model,
    at: new Date().toISOString(),
    dry_run: options.dryRun ?? false,
    dataset: check.dataset,
    served_before: check.served
      ? {
          name: check.served.name,
          version: check.served.version,
          dataset_id: check.served.dataset_id,
          created_at: check.served.created_at,
        }
      : null,
    served_after: check.served ? { name: check.served.name, version: check.served.version } : null,
    sufficiency: check.sufficiency,
    triggers: check.triggers,
    drift: check.drift,
    decision: check.decision,
    reason: check.reason,
    candidate: null,
    verdict: null,
    lineage_run_id: runId,
  };
  try {
    if (store && runId) recordChecks(store, runId, inputs, check);
    if (check.decision === "train" && !options.dryRun) {
      const trained =
        model === "failure-router"
          ? await trainFailure(inputs.telemetry!, options, store, runId)
          : await trainSynergy(inputs.graphs!, inputs.dataset, options, store, runId);
      entry.candidate = trained.candidate;
      entry.verdict = trained.verdict;
      entry.served_after = servedNow(options.modelsDir, model);
      if (store && runId) {
        const candidate = modelVersionId(trained.candidate.name, trained.candidate.version);
        store.recordTransformation(runId, {
          name: "verdict",
          input: candidate,
          output: entry.served_after
            ? modelVersionId(entry.served_after.name, entry.served_after.version)
            : undefined,
          detail: {
            ...trained.verdict,
            served_before: entry.served_before,
            served_after: entry.served_after,
          },
        });
      }
    }
    if (store && runId) store.completeRun(runId);
  } catch (e) {
    entry.reason = `${entry.reason}; training failed: ${(e as Error).message}`;
    if (store && runId) store.failRun(runId, e);
    appendRetrainingEntry(options.modelsDir, entry);
    throw e;
  }
  appendRetrainingEntry(options.modelsDir, entry);
  return entry;
}

/** Inputs (the dataset, the served version) and one step per check, trigger and the decision. */
function recordChecks(store: LineageStore, runId: string, inputs: Inputs, check: RetrainCheck): void {
  const dataset = inputs.dataset;
  store.recordInput(runId, {
    id: dataset.id,
    kind: "dataset",
    uri: dataset.dir,
    sha256: dataset.manifestSha256,
  });
  const served = check.served ? modelVersionId(check.served.name, check.served.version) : undefined;
  if (check.served && served)
    store.recordInput(runId, { id: served, kind: "model_version", uri: check.served.dir });
  store.recordTransformation(runId, { name: "sufficiency", input: dataset.id, detail: check.sufficiency });
  for (const t of check.triggers) {
    store.recordTransformation(runId, {
      name: `trigger:${t.trigger}`,
      input: dataset.id,
      output: served,
      detail: t.trigger === "drift" ? { ...t, drift: check.drift } : t,
    });
  }
  store.recordTransformation(runId, {
    name: "decision",
    input: dataset.id,
    output: served,
    detail: { decision: check.decision, reason: check.reason },
  });
}

interface Trained {
  candidate: VersionRef;
  verdict: NonNullable<RetrainingEntry["verdict"]>;
}

async function trainFailure(
  telemetry: TelemetryDataset,
  options: RetrainOptions,
  store: LineageStore | null,
  runId: string | null,
): Promise<Trained> {
  await chooseBackend(options.backend ? { force: options.backend } : {});
  const name = routerName("failure");
  const result = await trainHomeTypes(telemetry.table, {
    modelsDir: options.modelsDir,
    seed: options.seed,
    epochs: options.epochs,
    params: options.failureParams,
    fractions: options.fractions,
    bootstrapResamples: options.bootstrapResamples,
    dataset: telemetry.dataset,
    onProgress: options.onProgress,
    ...(store && runId ? recordTrainingLineage(store, runId, telemetry) : {}),
  });
  const router = result.registered.find((r) => r.name === name)!;
  if (store && runId) {
    store.recordTransformation(runId, {
      name: "train",
      input: telemetry.dataset.id,
      output: modelVersionId(name, router.version),
      detail: { job: "trainHomeTypes", registered: result.registered, rows: result.rows },
    });
  }
  const routes = (new ModelRegistry(options.modelsDir).show(name, router.version).metrics.routes ??
    []) as RouteSummary[];
  const taken = routes.filter((r) => r.outcome === "candidate");
  const classifiers = result.registered
    .filter((r) => r.name !== name)
    .map(
      (r) =>
        `${r.name} ${r.version} ${r.promoted ? "promoted" : `kept as candidate (${r.blocked_by.join("; ")})`}`,
    );
  const outcome =
    taken.length === routes.length ? "promoted" : taken.length === 0 ? "kept" : "partly_promoted";
  const kept = routes.filter((r) => r.outcome === "kept").map((r) => `${r.home_type}: ${r.reason}`);
  return {
    candidate: { name, version: router.version },
    verdict: {
      outcome,
      reason: `validation homes decided: ${taken.length} of ${routes.length} routes take this run's candidate${kept.length > 0 ? `; kept — ${kept.join("; ")}` : ""}; ${classifiers.join("; ")}`,
    },
  };
}

async function trainSynergy(
  graphs: SynergyGraph[],
  dataset: Inputs["dataset"],
  options: RetrainOptions,
  store: LineageStore | null,
  runId: string | null,
): Promise<Trained> {
  await chooseBackend(options.backend ? { force: options.backend } : {});
  const result = await trainSynergyModel(graphs, {
    modelsDir: options.modelsDir,
    seed: options.seed,
    epochs: options.epochs,
    params: options.synergyParams,
    fractions: options.fractions,
    bootstrapResamples: options.bootstrapResamples,
    featureNames: { node: NODE_FEATURE_NAMES, pair: PAIR_FEATURE_NAMES },
    dataset: { id: dataset.id, hash: dataset.manifestSha256 },
    onProgress: options.onProgress,
    ...(store && runId ? synergyTrainingLineage(store, runId, dataset.id) : {}),
  });
  const registered = result.registered!;
  if (store && runId) {
    store.recordTransformation(runId, {
      name: "train",
      input: dataset.id,
      output: modelVersionId(registered.name, registered.version),
      detail: { job: "trainSynergyModel", split: result.split, claims: result.claims },
    });
  }
  return {
    candidate: { name: registered.name, version: registered.version },
    verdict: registered.promoted
      ? {
          outcome: "promoted",
          reason: `passes the synergy promotion policy against production on the validation homes: ${registered.name} ${registered.version} promoted`,
        }
      : { outcome: "kept", reason: `kept as candidate: ${registered.blocked_by.join("; ")}` },
  };
}

function servedNow(modelsDir: string, name: string): VersionRef | null {
  const registry = new ModelRegistry(modelsDir);
  const production = registry.versions(name).length > 0 ? registry.aliases(name).production : null;
  return production ? { name, version: production } : null;
}
