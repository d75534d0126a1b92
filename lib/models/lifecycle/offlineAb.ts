import { existsSync } from "node:fs";
import { HomeforgeError, isHomeforgeError } from "../../core/errors.js";
import { defaultDataRoot } from "../../core/paths.js";
import { type OpenDataset, openDataset, resolveDatasetDir } from "../../pipeline/storage/openDataset.js";
import { TELEMETRY_SCHEMA } from "../../pipeline/storage/tables.js";
import { DEFAULT_RESAMPLES } from "../evaluation/bootstrap.js";
import { FAILURE_CLASSIFIER_KIND } from "../failure/failureKind.js";
import type { FailureRouter } from "../failure/failureRouter.js";
import { FAILURE_ROUTER_KIND } from "../failure/routerKind.js";
import { ALIAS_NAMES, ModelRegistry } from "../registry/registry.js";
import { loadSynergyGraphs } from "../synergy/loadSynergyGraphs.js";
import type { SynergyGnn } from "../synergy/synergyGnn.js";
import { SYNERGY_GNN_KIND } from "../synergy/synergyGnnKind.js";
import { decideAb } from "./abDecision.js";
import type { AbComparison, AbSideName, AbVersion, OfflineAbReport } from "./abTypes.js";
import { compareFailureVersions } from "./failureAb.js";
import {
  datasetRootsFor,
  datasetSeedIn,
  type EvaluatedDataset,
  type SeenHomes,
  seenHomes,
  type VersionOnDisk,
} from "./heldOutHomes.js";
import { compareSynergyVersions, SYNERGY_AB_CUTS } from "./synergyAb.js";

export interface OfflineAbOptions {
  /** Registry root. */
  modelsDir: string;
  /** Registry name: a failure router or classifier (e.g. failure-router, failure-global) or synergy-gnn. */
  model: string;
  /** Ref of version a (default production): production, candidate, v3 or 3. */
  a?: string;
  /** Ref of version b (default candidate). */
  b?: string;
  /** A dataset id (under `dataRoot`) or directory: its homes neither version saw are evaluated. */
  dataset: string;
  /** Where dataset ids are looked up, and training datasets found (default $HOMEFORGE_DATA_DIR or ./data). */
  dataRoot?: string;
  /** Bootstrap resamples over homes (default 1000). */
  resamples?: number;
  /** Seed of the bootstrap stream (default 0): the same seed gives the same report. */
  seed?: number;
  /** Check the dataset's files against the manifest (default true). */
  verify?: boolean;
  /** How errors name the options (the CLI passes its flags). */
  fields?: Partial<Record<"model" | "a" | "b" | "dataset", string>>;
}

const FAILURE_KINDS = [FAILURE_ROUTER_KIND.name, FAILURE_CLASSIFIER_KIND.name];
const METRIC = {
  failure: { metric: "pr_auc", label: "PR-AUC" },
  synergy: { metric: "mean_home_average_precision", label: "mean per-home AP" },
} as const;

/**
 * Offline A/B of two versions of one model on the same held-out homes: the homes of
 * `dataset` that neither version trained or validated on (each version's split.json; a
 * router's, over every classifier it serves). Failure models: PR-AUC on the labelled,
 * uncensored device-days. Synergy model: mean per-home AP at the full horizon (decides) and
 * at 3 days. Each with a bootstrap interval over homes, the paired interval of b − a and
 * McNemar's test at the served thresholds, then the decision with its reason (decideAb).
 * Deterministic for a seed. One-line errors for a bad ref, an unknown model, another kind,
 * or no held-out homes.
 */
export async function compareVersionsOffline(options: OfflineAbOptions): Promise<OfflineAbReport> {
  const field = {
    model: options.fields?.model ?? "model",
    a: options.fields?.a ?? "a",
    b: options.fields?.b ?? "b",
    dataset: options.fields?.dataset ?? "dataset",
  };
  const seed = options.seed ?? 0;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const registry = new ModelRegistry(options.modelsDir);
  const name = checkModelName(registry, options.model, field.model);
  const versions = {
    a: resolveSide(registry, name, options.a ?? "production", field.a),
    b: resolveSide(registry, name, options.b ?? "candidate", field.b),
  };
  const family = familyOf(versions.a, field.model);
  if (familyOf(versions.b, field.b) !== family || versions.b.kind !== versions.a.kind) {
    throw new HomeforgeError(
      field.b,
      `${name} ${versions.b.version} is a ${versions.b.kind} model but ${versions.a.version} is a ${versions.a.kind} model`,
      "compare two versions of the same kind",
    );
  }

  const dataRoot = options.dataRoot ?? defaultDataRoot();
  const dir = existsSync(options.dataset)
    ? options.dataset
    : resolveDatasetDir(options.dataset, dataRoot, field.dataset);
  const dataset = openDataset(dir, field.dataset, { verify: options.verify });
  const needed = family === "failure" ? TELEMETRY_SCHEMA.name : "synergies";
  if (!dataset.has(needed)) {
    throw new HomeforgeError(
      field.dataset,
      `${dataset.dir} has no ${needed} table, so ${name} cannot be scored on it (${family === "failure" ? "labelled telemetry" : "the planted links"} are needed)`,
      "pass a dataset written by homeforge generate",
    );
  }
  const telemetry = family === "failure" ? await dataset.table(TELEMETRY_SCHEMA.name) : null;
  const homes = telemetry
    ? [...new Set(telemetry.columns.home_id as string[])]
    : ((await dataset.table("homes")).columns.home_id as string[]);
  const evaluated: EvaluatedDataset = {
    id: dataset.manifest.dataset_id,
    seed: dataset.manifest.seed,
    dir: dataset.dir,
    homes,
  };
  const seedOf = datasetSeedIn(datasetRootsFor(evaluated, dataRoot));
  const seenBy = {} as Record<AbSideName, SeenHomes[]>;
  for (const side of ["a", "b"] as const)
    seenBy[side] = (await trainedVersions(registry, versions[side])).map((v) =>
      seenHomes(v, evaluated, seedOf),
    );
  const seen = new Set([...seenBy.a, ...seenBy.b].flatMap((s) => s.seen));
  const heldOut = homes.filter((h) => !seen.has(h));
  if (heldOut.length === 0) {
    throw new HomeforgeError(
      field.dataset,
      `none of the ${homes.length} homes of ${evaluated.id} is held out: ${name} ${versions.a.version} or ${versions.b.version} trained or validated on each of them`,
      "compare on a fresh dataset: generate one with another seed (homeforge generate --seed S …) and pass it",
    );
  }

  const bootstrap = { seed, resamples };
  const comparisons =
    family === "failure"
      ? [
          await compareFailureVersions(telemetry!, versions, new Set(heldOut), {
            modelsDir: options.modelsDir,
            ...bootstrap,
          }),
        ]
      : await compareSynergy(registry, dataset, heldOut, versions, bootstrap);
  const decided = comparisons[0];
  return {
    model: name,
    kind: versions.a.kind,
    metric: METRIC[family].metric,
    metric_label: METRIC[family].label,
    dataset: { id: evaluated.id, dir: dataset.dir, seed: evaluated.seed, homes: homes.length },
    held_out: { homes: heldOut.length, seen_by: seenBy },
    versions,
    comparisons,
    decision: decideAb({
      metric: `${METRIC[family].label}${decided.history_days === undefined ? "" : ` (${decided.label})`}`,
      a: versions.a,
      b: versions.b,
      difference: decided.difference,
      mcnemar: decided.mcnemar,
    }),
    seed,
    resamples,
  };
}

function checkModelName(registry: ModelRegistry, model: string, field: string): string {
  if (!/^[a-z0-9][a-z0-9_.-]*$/i.test(model)) {
    throw new HomeforgeError(
      field,
      `"${model}" is not a model name`,
      "pass the registry name only (e.g. failure-router); the two versions are chosen with a and b",
    );
  }
  const known = registry.names();
  if (!known.includes(model)) {
    throw new HomeforgeError(
      field,
      `no model named "${model}" in ${registry.root}`,
      known.length > 0 ? `known models: ${known.join(", ")}` : "train one first (homeforge train)",
    );
  }
  return model;
}

/** A ref resolved to a verified version; errors about the ref name `field`, damaged files name the file. */
function resolveSide(registry: ModelRegistry, name: string, ref: string, field: string): AbVersion {
  if (!(ALIAS_NAMES as readonly string[]).includes(ref) && !/^v?[1-9][0-9]*$/.test(ref)) {
    throw new HomeforgeError(
      field,
      `"${ref}" is not a version reference`,
      `pass ${ALIAS_NAMES.join(", ")}, a version like v3, or its number`,
    );
  }
  let version: string;
  try {
    version = registry.resolve(name, ref);
  } catch (e) {
    if (!isHomeforgeError(e)) throw e;
    throw new HomeforgeError(field, e.message.slice(e.field.length + 2, -(e.fix.length + 2)), e.fix);
  }
  const shown = registry.show(name, version);
  return { ref, name, version, kind: shown.meta.kind };
}

function familyOf(v: AbVersion, field: string): "failure" | "synergy" {
  if (FAILURE_KINDS.includes(v.kind)) return "failure";
  if (v.kind === SYNERGY_GNN_KIND.name) return "synergy";
  throw new HomeforgeError(
    field,
    `${v.name} ${v.version} is a ${v.kind} model, which ab cannot compare`,
    "pass a failure router, a failure classifier or the synergy model (e.g. failure-router, failure-global, synergy-gnn)",
  );
}

/** The versions whose training homes count for a side: a router's served classifiers, else the version itself. */
async function trainedVersions(registry: ModelRegistry, v: AbVersion): Promise<VersionOnDisk[]> {
  const onDisk = (name: string, version: string) => {
    const shown = registry.show(name, version);
    return { name, version, dir: shown.dir, meta: shown.meta };
  };
  if (v.kind !== FAILURE_ROUTER_KIND.name) return [onDisk(v.name, v.version)];
  const router = (await registry.load<FailureRouter>(v.name, v.version, FAILURE_ROUTER_KIND)).model;
  const unique = new Map(router.references().map((r) => [`${r.name}@${r.version}`, r]));
  return [...unique.values()].map((r) => onDisk(r.name, r.version));
}

async function compareSynergy(
  registry: ModelRegistry,
  dataset: OpenDataset,
  heldOut: string[],
  versions: Record<AbSideName, AbVersion>,
  bootstrap: { seed: number; resamples: number },
): Promise<AbComparison[]> {
  const graphs = await loadSynergyGraphs(dataset, { cuts: SYNERGY_AB_CUTS, homes: heldOut });
  const a = await registry.load<SynergyGnn>(versions.a.name, versions.a.version, SYNERGY_GNN_KIND);
  try {
    const b = await registry.load<SynergyGnn>(versions.b.name, versions.b.version, SYNERGY_GNN_KIND);
    try {
      return compareSynergyVersions(
        graphs,
        {
          a: { version: versions.a, scorer: a.model, threshold: a.model.threshold },
          b: { version: versions.b, scorer: b.model, threshold: b.model.threshold },
        },
        bootstrap,
      );
    } finally {
      b.model.dispose();
    }
  } finally {
    a.model.dispose();
  }
}
