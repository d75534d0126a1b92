import { Rng } from "../../core/random.js";
import {
  BOOTSTRAP_METRICS,
  type BootstrapRows,
  bootstrapMetrics,
  DEFAULT_LEVEL,
  DEFAULT_RESAMPLES,
  evaluatedCounts,
  pairedDifference,
  type ScoredColumn,
  verdictText,
} from "../evaluation/bootstrap.js";
import { type BinaryMetrics, binaryMetrics } from "../evaluation/metrics.js";
import { FixedRuleBaseline } from "./baselines.js";
import type { FailureEstimator } from "./estimator.js";
import type { FittedFailureModels } from "./fitFailureModels.js";
import type { TrainingSplit } from "./trainingSplit.js";
import type {
  BaselineModel,
  ComparedModel,
  HomeTypeComparison,
  Lift,
  PairedVerdict,
  WithoutSudden,
} from "./trainingTypes.js";
import { COMPARED_MODELS } from "./trainingTypes.js";

export interface CompareOptions {
  /** Seed of the bootstrap streams (one derived stream per comparison row). */
  seed?: number;
  /** Bootstrap resamples over test homes (default 1000). */
  resamples?: number;
}

/** Every model's scores on one block of test rows, as the bootstrap reads them. */
type Scored = Record<ComparedModel, (ScoredColumn & { metrics: BinaryMetrics }) | null>;

export const MODEL_LABELS: Record<ComparedModel, string> = {
  per_type: "per-type",
  global: "global",
  rule: "fixed rule",
  logistic: "logistic (11 raw)",
  logistic_matched: "logistic (matched)",
  ensemble: "boosted trees (matched)",
};

const BASELINES: readonly BaselineModel[] = ["rule", "logistic", "logistic_matched", "ensemble"];

/**
 * Step 3 of trainHomeTypes: every model and the baselines on the same test homes, per home
 * type and for all of them ("all", where per_type routes each row to its type's model), each
 * metric with a 95 % bootstrap interval over test homes and each verdict from the paired
 * interval of the PR-AUC difference. Test homes are for this report only: nothing here
 * feeds a decision.
 */
export function compareFailureModels(
  split: TrainingSplit,
  fitted: FittedFailureModels,
  options: CompareOptions = {},
): HomeTypeComparison[] {
  const { global, perType } = fitted;
  const notes = new Map(fitted.notes);
  const comparison: HomeTypeComparison[] = [];
  const seed = options.seed ?? 0;
  for (const type of split.types) {
    const test = split.rowsOf("test", type);
    if (test.length === 0) {
      notes.set(type, `${notes.get(type) ?? ""}${notes.has(type) ? "; " : ""}no test homes`);
      continue;
    }
    const own = perType.get(type)?.model;
    const scored: Scored = {
      per_type: own ? column(split, own, test) : null,
      global: column(split, global, test),
      ...baselineColumns(split, fitted, test),
    };
    comparison.push({
      ...comparisonRow(type, rowsFor(split, test), scored, seed, options, notes.get(type)),
      without_sudden: withoutSudden(split, test, scored, type, seed, options),
    });
  }
  const all = allTypesScores(split, fitted);
  comparison.push({
    ...comparisonRow(
      "all",
      rowsFor(split, split.rows.test),
      all,
      seed,
      options,
      "per_type routes each test row to its home type's model (global where none)",
    ),
    without_sudden: withoutSudden(split, split.rows.test, all, "all", seed, options),
  });
  return comparison;
}

function rowsFor(split: TrainingSplit, rows: Int32Array): BootstrapRows {
  return { labels: split.labelsOf(rows), homes: Array.from(rows, (i) => split.set.homeIds[i]) };
}

function column(split: TrainingSplit, model: FailureEstimator, rows: Int32Array) {
  const scores =
    model instanceof FixedRuleBaseline
      ? model.predictProba(split.table, rows)
      : model.predictProba(split.set, rows);
  return {
    scores,
    threshold: model.threshold,
    metrics: binaryMetrics(split.labelsOf(rows), scores, model.threshold),
  };
}

function baselineColumns(split: TrainingSplit, fitted: FittedFailureModels, rows: Int32Array) {
  return {
    rule: column(split, fitted.rule, rows),
    logistic: column(split, fitted.logistic, rows),
    logistic_matched: column(split, fitted.logisticMatched, rows),
    ensemble: column(split, fitted.ensemble, rows),
  };
}

function allTypesScores(split: TrainingSplit, fitted: FittedFailureModels): Scored {
  const { global, perType } = fitted;
  const { set } = split;
  const test = split.rows.test;
  const proba = global.predictProba(set, test);
  const decided = new Uint8Array(test.length);
  decided.set(global.predict(set, test));
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
  const routed: ScoredColumn = { scores: proba, threshold: Number.NaN, decisions: decided };
  return {
    per_type: perType.size > 0 ? { ...routed, metrics: metricsOf(split.labelsOf(test), routed) } : null,
    global: column(split, global, test),
    ...baselineColumns(split, fitted, test),
  };
}

/**
 * One comparison row: the metrics with their intervals, the paired verdicts (per-type vs
 * global, each learned model vs each baseline, on PR-AUC) and each model's point lift.
 */
function comparisonRow(
  type: string,
  rows: BootstrapRows,
  scored: Scored,
  seed: number,
  options: CompareOptions,
  note?: string,
): Omit<HomeTypeComparison, "without_sudden"> {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  // every model and every pair of one row draws the same homes: the same derived stream
  const draw = () => ({ rng: Rng.derive(seed, "comparison-bootstrap", type), resamples });
  const models = {} as Record<ComparedModel, BinaryMetrics | null>;
  const intervals = {} as HomeTypeComparison["intervals"];
  for (const key of COMPARED_MODELS) {
    const s = scored[key];
    models[key] = s ? s.metrics : null;
    intervals[key] = s ? bootstrapMetrics(rows, s, BOOTSTRAP_METRICS, draw()) : null;
  }
  const verdicts: PairedVerdict[] = [];
  const pair = (a: ComparedModel, b: ComparedModel) => {
    const sa = scored[a];
    const sb = scored[b];
    if (!sa || !sb) return null;
    const d = pairedDifference(rows, sa, sb, "pr_auc", draw());
    const v: PairedVerdict = { a, b, ...d, text: verdictText(d.verdict, MODEL_LABELS[a], MODEL_LABELS[b]) };
    verdicts.push(v);
    return v;
  };
  const perTypeVsGlobal = pair("per_type", "global");
  for (const model of ["per_type", "global"] as const) for (const b of BASELINES) pair(model, b);

  const sub = (a: BinaryMetrics, b: BinaryMetrics) => ({ pr_auc: a.pr_auc - b.pr_auc, f1: a.f1 - b.f1 });
  const lift = (m: BinaryMetrics | null): Lift | null =>
    m
      ? {
          over_rule: sub(m, models.rule!),
          over_logistic: sub(m, models.logistic!),
          over_logistic_matched: sub(m, models.logistic_matched!),
          over_ensemble: sub(m, models.ensemble!),
        }
      : null;
  return {
    home_type: type,
    samples: models.global!.samples,
    positives: models.global!.positives,
    homes: evaluatedCounts(rows).homes,
    models,
    intervals,
    per_type_beats_global: perTypeVsGlobal ? perTypeVsGlobal.verdict === "a_beats_b" : null,
    lift: { per_type: lift(models.per_type), global: lift(models.global) },
    verdicts,
    ...(note ? { note } : {}),
  };
}

/**
 * Every model on `test` without the sudden-failure positives (failure_scenario "sudden" and
 * label 1; negatives kept), each metric at the model's own threshold with its bootstrap
 * interval. The scenario is truth: read here for the report, never by a model or a decision.
 */
function withoutSudden(
  split: TrainingSplit,
  test: Int32Array,
  scored: Scored,
  type: string,
  seed: number,
  options: CompareOptions,
): WithoutSudden | null {
  const scenario = split.table.columns.failure_scenario as ArrayLike<string | null> | undefined;
  if (!scenario) return null;
  const labels = split.labelsOf(test);
  const keep: number[] = [];
  for (let k = 0; k < test.length; k++)
    if (!(labels[k] === 1 && scenario[test[k]] === "sudden")) keep.push(k);
  const rows = rowsFor(
    split,
    Int32Array.from(keep, (k) => test[k]),
  );
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const models = {} as WithoutSudden["models"];
  const intervals = {} as WithoutSudden["intervals"];
  for (const key of COMPARED_MODELS) {
    const s = scored[key];
    if (!s) {
      models[key] = null;
      intervals[key] = null;
      continue;
    }
    const column: ScoredColumn = {
      scores: Float32Array.from(keep, (k) => s.scores[k]),
      threshold: s.threshold,
      ...(s.decisions ? { decisions: Uint8Array.from(keep, (k) => s.decisions![k]) } : {}),
    };
    models[key] = metricsOf(rows.labels, column);
    intervals[key] = bootstrapMetrics(rows, column, BOOTSTRAP_METRICS, {
      rng: Rng.derive(seed, "comparison-bootstrap-without-sudden", type),
      resamples,
    });
  }
  const { homes, positives } = evaluatedCounts(rows);
  return {
    removed_positives: test.length - keep.length,
    samples: keep.length,
    positives,
    homes,
    models,
    intervals,
  };
}

/** Metrics of a scored column; routed decisions (own thresholds) count as 0/1 at 0.5. */
function metricsOf(labels: ArrayLike<number>, s: ScoredColumn): BinaryMetrics {
  if (!s.decisions) return binaryMetrics(labels, s.scores, s.threshold);
  const ranked = binaryMetrics(labels, s.scores, 0.5);
  return {
    ...binaryMetrics(labels, s.decisions, 0.5),
    roc_auc: ranked.roc_auc,
    pr_auc: ranked.pr_auc,
    threshold: Number.NaN,
  };
}

export const COMPARISON_BOOTSTRAP = { resamples: DEFAULT_RESAMPLES, level: DEFAULT_LEVEL } as const;
