import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FAILURE_ROUTER_KIND } from "../failure/routerKind.js";
import { ModelRegistry } from "../registry/registry.js";
import type { AliasName, VersionInfo } from "../registry/types.js";
import { SYNERGY_GNN_KIND } from "../synergy/synergyGnnKind.js";
import {
  checkRef,
  type HeadlineMetrics,
  hasRef,
  headlineMetrics,
  messageOf,
  readRouter,
  requireKnownModel,
  servedByRouter,
} from "./reportSupport.js";

const SPLITS = ["train", "validation", "test"] as const;
type SplitName = (typeof SPLITS)[number];

export interface SplitStats {
  /** Rows of the model's unit (telemetry rows; candidate pairs for the synergy model). */
  rows: number | null;
  homes: number | null;
  positives: number | null;
}

/** What the version was trained and evaluated on, as its files record it (never recomputed). */
export interface TrainingDataStats {
  unit: "telemetry row" | "candidate pair";
  /** meta.dataset.rows: rows of the dataset's table the run read. */
  dataset_rows: number | null;
  /** The home type a per-type classifier was trained for ("all" for the global one); null otherwise. */
  home_type: string | null;
  splits: Record<SplitName, SplitStats>;
  /** The files the numbers were read from. */
  sources: string[];
}

export interface VersionReport {
  name: string;
  version: string;
  kind: string;
  aliases: AliasName[];
  /** meta.created_at: when training saved it. */
  training_date: string;
  dataset: { id: string | null; hash: string | null; rows: number | null };
  seed: number;
  params: Record<string, unknown>;
  backend: string;
  library_versions: Record<string, string | null>;
  metrics: HeadlineMetrics;
  /** The promotion verdict in metrics.json (validation data), if the evaluator wrote one. */
  evaluation: { passed: boolean; blocked_by: string[]; split: string | null } | null;
  training_data: TrainingDataStats | null;
  /** meta.training: duration, epochs, best epoch, threshold choice … */
  training: Record<string, unknown>;
  lineage_run_id: string | null;
  /** A router's routes: home type → the exact version served (`default` for unrouted types). */
  routes?: Record<string, { name: string; version: string }>;
  /** A router's served versions, each described like this one. */
  routes_to?: VersionReport[];
}

export interface ModelVersionReport {
  format: "homeforge-model-version";
  format_version: 1;
  models_dir: string;
  ref: string;
  versions: VersionReport[];
  /** Models without a `ref` version (no name given), and damaged ones, one line each. */
  problems: string[];
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const rec = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Homes per split from metrics.json's split counts (per home type), else from split.json's lists. */
function homesPerSplit(info: VersionInfo, homeType: string | null): Record<SplitName, number | null> | null {
  const counts = rec(rec(info.metrics.split).counts);
  const types = homeType && homeType !== "all" ? [homeType] : Object.keys(counts);
  if (types.length > 0 && types.every((t) => t in counts)) {
    const out = { train: 0, validation: 0, test: 0 };
    for (const t of types) for (const s of SPLITS) out[s] += num(rec(counts[t])[s]) ?? 0;
    return out;
  }
  const path = join(info.dir, "split.json");
  if (!existsSync(path)) return null;
  const homes = rec(JSON.parse(readFileSync(path, "utf8")).homes);
  const n = (s: SplitName) => (Array.isArray(homes[s]) ? (homes[s] as unknown[]).length : null);
  return { train: n("train"), validation: n("validation"), test: n("test") };
}

function trainingDataStats(info: VersionInfo): TrainingDataStats | null {
  const { meta, metrics } = info;
  if (meta.kind === FAILURE_ROUTER_KIND.name) return null;
  const t = rec(meta.training);
  const synergy = meta.kind === SYNERGY_GNN_KIND.name;
  const homeType = synergy ? null : typeof metrics.home_type === "string" ? metrics.home_type : null;
  const homes = homesPerSplit(info, homeType);
  const test = rec(metrics.test);
  const lastCut = synergy && Array.isArray(test.cuts) ? rec(test.cuts.at(-1)) : {};
  const rows = synergy ? "pairs" : "rows";
  const splits: Record<SplitName, SplitStats> = {
    train: { rows: num(t[`train_${rows}`]), homes: homes?.train ?? null, positives: num(t.train_positives) },
    validation: {
      rows: num(t[`validation_${rows}`]),
      homes: homes?.validation ?? null,
      positives: num(t.validation_positives),
    },
    test: synergy
      ? {
          rows: num(lastCut.pairs),
          homes: homes?.test ?? num(lastCut.homes),
          positives: num(lastCut.positives),
        }
      : { rows: num(test.samples), homes: homes?.test ?? null, positives: num(test.positives) },
  };
  return {
    unit: synergy ? "candidate pair" : "telemetry row",
    dataset_rows: num(meta.dataset?.rows),
    home_type: homeType,
    splits,
    sources: ["meta.json training", "metrics.json split and test", ...(homes ? [] : ["split.json"])],
  };
}

function evaluationOf(metrics: Record<string, unknown>): VersionReport["evaluation"] {
  // a router's metrics.json holds one verdict per route; the others one verdict
  const verdicts = Array.isArray(metrics.evaluation) ? metrics.evaluation : [metrics.evaluation];
  const found = verdicts.map(rec).filter((v) => typeof v.passed === "boolean");
  if (found.length === 0) return null;
  return {
    passed: found.every((v) => v.passed === true),
    blocked_by: found.flatMap((v) => (Array.isArray(v.blocked_by) ? v.blocked_by.map(String) : [])),
    split: typeof rec(found[0].data).split === "string" ? String(rec(found[0].data).split) : null,
  };
}

function versionReport(registry: ModelRegistry, info: VersionInfo, problems: string[]): VersionReport {
  const { meta } = info;
  const report: VersionReport = {
    name: info.name,
    version: info.version,
    kind: meta.kind,
    aliases: info.aliases,
    training_date: meta.created_at,
    dataset: {
      id: meta.dataset?.id ?? null,
      hash: meta.dataset?.hash ?? null,
      rows: num(meta.dataset?.rows),
    },
    seed: meta.seed,
    params: meta.params,
    backend: meta.backend,
    library_versions: meta.library_versions,
    metrics: headlineMetrics(meta.kind, info.metrics),
    evaluation: evaluationOf(info.metrics),
    training_data: trainingDataStats(info),
    training: meta.training,
    lineage_run_id: meta.lineage_run_id,
  };
  if (meta.kind === FAILURE_ROUTER_KIND.name) {
    const router = readRouter(info);
    report.routes = Object.fromEntries([
      ...router.homeTypes.map((t) => [t, router.servedFor(t)] as const),
      ["default", router.servedFor(null)] as const,
    ]);
    report.routes_to = [];
    for (const s of servedByRouter(router)) {
      try {
        report.routes_to.push(versionReport(registry, registry.show(s.name, s.version), problems));
      } catch (e) {
        problems.push(messageOf(e));
      }
    }
  }
  return report;
}

/**
 * A version's facts: version, training date, dataset id and hash, headline metrics and the
 * promotion verdict, training data per split (rows, homes, positives, as meta.json and
 * metrics.json record them), backend and library versions; a router's routes and the
 * versions it routes to. With `name`, that model's `ref` version (an error when it has
 * none); without, the `ref` version of every model that has one. JSON only, no TensorFlow.js.
 */
export function modelVersion(modelsDir: string, name?: string, ref = "production"): ModelVersionReport {
  checkRef(ref);
  const registry = new ModelRegistry(modelsDir);
  const problems: string[] = [];
  const versions: VersionReport[] = [];
  if (name !== undefined) {
    requireKnownModel(registry, name);
    versions.push(versionReport(registry, registry.show(name, ref), problems));
  } else {
    for (const n of registry.names()) {
      try {
        if (!hasRef(registry, n, ref)) continue; // a model without this alias or version is not a problem
        versions.push(versionReport(registry, registry.show(n, ref), problems));
      } catch (e) {
        problems.push(messageOf(e));
      }
    }
  }
  return {
    format: "homeforge-model-version",
    format_version: 1,
    models_dir: registry.root,
    ref,
    versions,
    problems,
  };
}
