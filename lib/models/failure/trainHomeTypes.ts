import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { DEFAULTS } from "../../core/defaults.js";
import { type PromotionPolicy, promoteIfPassed, type Verdict } from "../evaluation/evaluator.js";
import { type BinaryMetrics, binaryMetrics } from "../evaluation/metrics.js";
import { ModelRegistry } from "../registry/registry.js";
import { type HomeSplit, rowsOfType, type SplitFractions, splitHomes, splitRows } from "../split.js";
import { selectRows, type TelemetryInput, tableHash, toColumnTable } from "../tableInput.js";
import { FIXED_RULE, FIXED_RULE_THRESHOLD, fixedRuleScores, logisticRegression } from "./baselines.js";
import { FailureClassifier, type FailureClassifierParams, type FeatureRows } from "./failureClassifier.js";
import { buildFeatures, DEFAULT_WINDOW, featureSpecFor } from "./features.js";

export const COMPARISON_FILE = "comparison_results.json";

export interface TrainHomeTypesOptions {
  /** Registry root; comparison_results.json is written here too. */
  modelsDir: string;
  seed?: number;
  epochs?: number;
  params?: Partial<FailureClassifierParams>;
  fractions?: SplitFractions;
  /** Where the telemetry came from (manifest dataset id + table hash); hashed from the table if absent. */
  dataset?: { id: string | null; hash: string | null };
  lineageRunId?: string | null;
  /** Lineage hook for each evaluator verdict. */
  onVerdict?: (verdict: Verdict) => void | Promise<void>;
  /** Lineage hook for each saved version (e.g. record it as a run output). */
  onRegistered?: (model: RegisteredModel & { dir: string; weights_sha256: string }) => void | Promise<void>;
  policy?: PromotionPolicy;
  /** A home type needs this many failing device-days in its training homes for its own model. */
  minTrainPositives?: number;
  /** Save models to the registry, evaluate and promote (default true). */
  register?: boolean;
  /** Model names are `<prefix>-global` and `<prefix>-<home_type>`. */
  modelPrefix?: string;
  onProgress?: (message: string) => void;
}

export type ComparedModel = "per_type" | "global" | "rule" | "logistic";

export interface HomeTypeComparison {
  /** A home type, or "all" for every test home (per_type there routes each row to its type's model). */
  home_type: string;
  samples: number;
  positives: number;
  models: Record<ComparedModel, BinaryMetrics | null>;
  /** PR-AUC of the per-type model above the global model's on this type's test homes (null: no per-type model). */
  per_type_beats_global: boolean | null;
  /** Each learned model minus each baseline (positive: the model wins), on PR-AUC and F1. */
  lift: Record<"per_type" | "global", Lift | null>;
  note?: string;
}

export interface Lift {
  over_rule: { pr_auc: number; f1: number };
  over_logistic: { pr_auc: number; f1: number };
}

export interface RegisteredModel {
  name: string;
  version: string;
  promoted: boolean;
  passed: boolean;
  blocked_by: string[];
}

export interface HomeTypesResult {
  backend: string;
  seed: number;
  dataset: { id: string | null; hash: string | null; rows: number };
  fixed_rule: string;
  split: Omit<HomeSplit, "homes">;
  rows: { train: number; validation: number; test: number };
  comparison: HomeTypeComparison[];
  /** Home types whose own model beats the global model on PR-AUC. */
  per_type_beats_global: string[];
  registered: RegisteredModel[];
  comparison_file: string;
}

/** The registry names a training run on data with these home types may touch. */
export function trainingModelNames(prefix: string, homeTypes: readonly string[]): string[] {
  return [`${prefix}-global`, ...homeTypes.map((t) => `${prefix}-${t}`)];
}

/** The distinct home types in a telemetry table, sorted. */
export function homeTypesOf(data: TelemetryInput): string[] {
  const column = (toColumnTable(data).columns.home_type ?? []) as ArrayLike<string | null>;
  return [...new Set(Array.from(column).filter((t): t is string => typeof t === "string"))].sort();
}

/**
 * What a training run depends on, checked before it writes anything: the production and
 * candidate versions of every model it may touch (`<prefix>-global` and `<prefix>-<home type>`
 * for every home type in the data, whether or not it gets its own model this run) must verify,
 * all files against their checksums, and their aliases.json must be sound. Throws a one-line
 * HomeforgeError naming the model, version, file and fix; models not yet saved are fine.
 */
export function verifyTrainingTargets(modelsDir: string, names: readonly string[]): void {
  new ModelRegistry(modelsDir).verifyTrainingTargets([...names]);
}

/**
 * Trains one failure classifier per home type plus a global one on a shared home split,
 * scores them and both baselines on the same test homes, registers each model, evaluates
 * it against its production version and promotes what passes, and writes the comparison
 * to `<modelsDir>/comparison_results.json`.
 */
export async function trainHomeTypes(
  data: TelemetryInput,
  options: TrainHomeTypesOptions,
): Promise<HomeTypesResult> {
  await tf.ready();
  const progress = options.onProgress ?? (() => {});
  const seed = options.seed ?? DEFAULTS.seed;
  const params: Partial<FailureClassifierParams> = {
    ...options.params,
    seed,
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
  };
  const prefix = options.modelPrefix ?? "failure";
  const table = toColumnTable(data);
  // before anything is fitted or written: every model this run may touch must verify
  if (options.register ?? true) {
    verifyTrainingTargets(options.modelsDir, trainingModelNames(prefix, homeTypesOf(table)));
  }
  const dataset = {
    id: options.dataset?.id ?? null,
    hash: options.dataset?.hash ?? tableHash(table),
    rows: table.rows,
  };
  const set = buildFeatures(table, featureSpecFor(table, params.window ?? DEFAULT_WINDOW));
  const split = splitHomes(set.homeIds, set.homeTypes, { seed, fractions: options.fractions });
  const rows = splitRows(split, set.homeIds);
  const splitJson = `${JSON.stringify(split, null, 2)}\n`;
  const at = (r: Int32Array): FeatureRows => ({ set, rows: r });
  const labelsOf = (r: Int32Array) => Uint8Array.from(r, (i) => set.labels[i]);
  const types = [...new Set(set.homeTypes.filter((t): t is string => t !== null))].sort();
  progress(
    `split ${Object.keys(split.counts).length} home types: ${rows.train.length} train, ${rows.validation.length} validation, ${rows.test.length} test rows`,
  );

  const timed = async (c: FailureClassifier, train: Int32Array, validation: Int32Array) => {
    const started = performance.now();
    await c.fitFeatures(at(train), at(validation));
    return performance.now() - started;
  };

  progress("training the global model");
  const global = new FailureClassifier(params);
  const globalMs = await timed(global, rows.train, rows.validation);
  progress("training the logistic-regression baseline");
  const logistic = logisticRegression(params);
  await timed(logistic, rows.train, rows.validation);

  const perType = new Map<string, { model: FailureClassifier; ms: number }>();
  const notes = new Map<string, string>();
  const minPositives = options.minTrainPositives ?? 10;
  for (const type of types) {
    const train = rowsOfType(rows.train, set.homeTypes, type);
    const validation = rowsOfType(rows.validation, set.homeTypes, type);
    const positives = labelsOf(train).reduce((n, v) => n + v, 0);
    if (positives < minPositives || validation.length === 0) {
      notes.set(
        type,
        `no per-type model: ${positives} failing device-days in ${split.counts[type].train} training homes (need ${minPositives}) and ${split.counts[type].validation} validation homes`,
      );
      continue;
    }
    progress(`training the ${type} model`);
    const model = new FailureClassifier(params);
    perType.set(type, { model, ms: await timed(model, train, validation) });
  }

  const scoreOf = (c: FailureClassifier, r: Int32Array) =>
    binaryMetrics(labelsOf(r), c.predictProba(set, r), c.threshold);
  const ruleOf = (r: Int32Array) =>
    binaryMetrics(labelsOf(r), fixedRuleScores(table, r), FIXED_RULE_THRESHOLD);
  const comparison: HomeTypeComparison[] = [];
  for (const type of types) {
    const test = rowsOfType(rows.test, set.homeTypes, type);
    if (test.length === 0) {
      notes.set(type, `${notes.get(type) ?? ""}${notes.has(type) ? "; " : ""}no test homes`);
      continue;
    }
    const own = perType.get(type)?.model;
    const models: Record<ComparedModel, BinaryMetrics | null> = {
      per_type: own ? scoreOf(own, test) : null,
      global: scoreOf(global, test),
      rule: ruleOf(test),
      logistic: scoreOf(logistic, test),
    };
    comparison.push(row(type, models, notes.get(type)));
  }
  comparison.push(
    row(
      "all",
      allTypesScores(),
      "per_type routes each test row to its home type's model (global where none)",
    ),
  );

  function allTypesScores(): Record<ComparedModel, BinaryMetrics | null> {
    const test = rows.test;
    const proba = global.predictProba(set, test);
    const decided = new Uint8Array(test.length);
    const g = global.predict(set, test);
    decided.set(g);
    for (const [type, { model }] of perType) {
      const idx: number[] = [];
      for (let k = 0; k < test.length; k++) if (set.homeTypes[test[k]] === type) idx.push(k);
      const p = model.predictProba(
        set,
        Int32Array.from(idx, (k) => test[k]),
      );
      idx.forEach((k, j) => {
        proba[k] = p[j];
        decided[k] = p[j] >= model.threshold ? 1 : 0;
      });
    }
    // the routed models keep their own thresholds: score decisions as 0/1 at 0.5, AUCs on probabilities
    const routed = binaryMetrics(labelsOf(test), proba, 0.5);
    const atDecisions = binaryMetrics(labelsOf(test), decided, 0.5);
    return {
      per_type:
        perType.size > 0
          ? { ...atDecisions, roc_auc: routed.roc_auc, pr_auc: routed.pr_auc, threshold: Number.NaN }
          : null,
      global: scoreOf(global, test),
      rule: ruleOf(test),
      logistic: scoreOf(logistic, test),
    };
  }

  const registered: RegisteredModel[] = [];
  if (options.register ?? true) {
    const registry = new ModelRegistry(options.modelsDir, { onWarning: (m) => progress(`registry: ${m}`) });
    const jobs: { name: string; model: FailureClassifier; ms: number; type: string | null }[] = [
      { name: `${prefix}-global`, model: global, ms: globalMs, type: null },
      ...[...perType].map(([type, { model, ms }]) => ({ name: `${prefix}-${type}`, model, ms, type })),
    ];
    for (const job of jobs) {
      const test = job.type ? rowsOfType(rows.test, set.homeTypes, job.type) : rows.test;
      const validation = job.type ? rowsOfType(rows.validation, set.homeTypes, job.type) : rows.validation;
      const metrics = {
        home_type: job.type ?? "all",
        test: scoreOf(job.model, test),
        validation: scoreOf(job.model, validation),
        baselines: {
          fixed_rule: ruleOf(test),
          logistic_regression: scoreOf(logistic, test),
          ...(job.type ? { global_model: scoreOf(global, test) } : {}),
        },
        fixed_rule: FIXED_RULE,
        split: { seed, fractions: split.fractions, counts: split.counts },
      };
      const saved = await registry.saveClassifier(job.name, job.model, {
        metrics,
        dataset,
        extraFiles: { "split.json": splitJson },
        lineageRunId: options.lineageRunId ?? null,
        trainingDurationMs: Math.round(job.ms),
      });
      const heldOut = selectRows(table, test);
      const { verdict, promoted } = await promoteIfPassed({
        registry,
        name: job.name,
        candidate: saved.version,
        data: heldOut,
        features: at(test),
        description: `test homes of ${job.type ?? "every home type"} (seed ${seed})`,
        policy: options.policy,
        lineageRunId: options.lineageRunId ?? null,
        onVerdict: options.onVerdict,
      });
      progress(
        `${job.name} ${saved.version}: ${promoted ? "promoted to production" : `not promoted (${verdict.blocked_by.join("; ")})`}`,
      );
      const entry: RegisteredModel = {
        name: job.name,
        version: saved.version,
        promoted,
        passed: verdict.passed,
        blocked_by: verdict.blocked_by,
      };
      registered.push(entry);
      await options.onRegistered?.({ ...entry, dir: saved.dir, weights_sha256: saved.meta.weights_sha256 });
    }
  }

  global.dispose();
  logistic.dispose();
  for (const { model } of perType.values()) model.dispose();

  const { homes: _homes, ...splitSummary } = split;
  const result: HomeTypesResult = {
    backend: tf.getBackend(),
    seed,
    dataset,
    fixed_rule: FIXED_RULE,
    split: splitSummary,
    rows: { train: rows.train.length, validation: rows.validation.length, test: rows.test.length },
    comparison,
    per_type_beats_global: comparison
      .filter((c) => c.per_type_beats_global === true)
      .map((c) => c.home_type)
      .filter((t) => t !== "all"),
    registered,
    comparison_file: join(resolve(options.modelsDir), COMPARISON_FILE),
  };
  mkdirSync(resolve(options.modelsDir), { recursive: true });
  const tmp = `${result.comparison_file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(tmp, result.comparison_file);
  return result;
}

function row(
  type: string,
  models: Record<ComparedModel, BinaryMetrics | null>,
  note?: string,
): HomeTypeComparison {
  const sub = (a: BinaryMetrics, b: BinaryMetrics) => ({ pr_auc: a.pr_auc - b.pr_auc, f1: a.f1 - b.f1 });
  const lift = (m: BinaryMetrics | null): Lift | null =>
    m ? { over_rule: sub(m, models.rule!), over_logistic: sub(m, models.logistic!) } : null;
  return {
    home_type: type,
    samples: models.global!.samples,
    positives: models.global!.positives,
    models,
    per_type_beats_global: models.per_type ? models.per_type.pr_auc > models.global!.pr_auc : null,
    lift: { per_type: lift(models.per_type), global: lift(models.global) },
    ...(note ? { note } : {}),
  };
}

const LABELS: Record<ComparedModel, string> = {
  per_type: "per-type",
  global: "global",
  rule: "fixed rule",
  logistic: "logistic",
};

/** The comparison as a plain-text table (one block per home type). */
export function formatComparisonTable(
  result: Pick<HomeTypesResult, "comparison" | "per_type_beats_global">,
): string {
  const n = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : "  n/a");
  const header = [
    "home type",
    "model",
    "samples",
    "positives",
    "accuracy",
    "precision",
    "recall",
    "F1",
    "ROC-AUC",
    "PR-AUC",
  ];
  const lines: string[][] = [header];
  for (const c of result.comparison) {
    let first = true;
    for (const key of ["per_type", "global", "rule", "logistic"] as ComparedModel[]) {
      const m = c.models[key];
      if (!m) continue;
      lines.push([
        first ? c.home_type : "",
        LABELS[key],
        String(m.samples),
        String(m.positives),
        n(m.accuracy),
        n(m.precision),
        n(m.recall),
        n(m.f1),
        n(m.roc_auc),
        n(m.pr_auc),
      ]);
      first = false;
    }
  }
  const widths = header.map((_, j) => Math.max(...lines.map((l) => l[j].length)));
  const text = lines.map((l) =>
    l.map((cell, j) => (j < 2 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join("  "),
  );
  text.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  const beats = result.per_type_beats_global;
  text.push("");
  text.push(
    beats.length > 0
      ? `per-type model beats the global model (PR-AUC) for: ${beats.join(", ")}`
      : "per-type models beat the global model (PR-AUC) for no home type",
  );
  for (const model of ["per_type", "global"] as const) {
    const losses: string[] = [];
    for (const c of result.comparison) {
      const l = c.lift[model];
      if (!l) continue;
      const lostTo = [
        l.over_rule.pr_auc <= 0 ? "fixed rule" : "",
        l.over_logistic.pr_auc <= 0 ? "logistic" : "",
      ];
      if (lostTo.some(Boolean)) losses.push(`${c.home_type} (${lostTo.filter(Boolean).join(", ")})`);
    }
    if (losses.length > 0) text.push(`${LABELS[model]} model does not beat on PR-AUC: ${losses.join("; ")}`);
  }
  return `${text.join("\n")}\n`;
}
