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
import { brierScore, CALIBRATION_BINS, expectedCalibrationError } from "../evaluation/calibration.js";
import { type BinaryMetrics, binaryMetrics, prAuc } from "../evaluation/metrics.js";
import { FixedRuleBaseline } from "./baselines.js";
import type { FailureEstimator } from "./estimator.js";
import { FailureClassifier } from "./failureClassifier.js";
import type { FittedFailureModels } from "./fitFailureModels.js";
import { type RoutingDecision, routedMetrics, routedScores, routeFailureModels } from "./routing.js";
import type { TrainingSplit } from "./trainingSplit.js";
import type {
  BaselineModel,
  CalibrationPoint,
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
  /** The routing decisions the "all" row serves by (default: routeFailureModels, on validation homes). */
  routing?: readonly RoutingDecision[];
}

/** Every model's scores on one block of test rows, as the bootstrap reads them (`raw`: before calibration). */
type Scored = Record<ComparedModel, (ScoredColumn & { metrics: BinaryMetrics; raw?: Float32Array }) | null>;

export const MODEL_LABELS: Record<ComparedModel | "routed", string> = {
  per_type: "per-type",
  /** The "all" row's per_type column: every row scored by its type's served model. */
  routed: "routed",
  global: "global",
  rule: "fixed rule",
  logistic: "logistic (11 raw)",
  logistic_matched: "logistic (matched)",
  ensemble: "boosted trees (matched)",
};

/** How a comparison row names a model: the "all" row's per_type column is the routed model. */
export function modelLabel(model: ComparedModel, homeType: string): string {
  return model === "per_type" && homeType === "all" ? MODEL_LABELS.routed : MODEL_LABELS[model];
}

const BASELINES: readonly BaselineModel[] = ["rule", "logistic", "logistic_matched", "ensemble"];

/**
 * Step 3 of trainHomeTypes: every model and the baselines on the same test homes, per home
 * type and for all of them ("all", where per_type is the routed model: each row scored by the
 * model routing serves for its type, labelled "routed"), each
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
  const all = allTypesScores(split, fitted, options.routing ?? routeFailureModels(split, fitted));
  comparison.push({
    ...comparisonRow(
      "all",
      rowsFor(split, split.rows.test),
      all,
      seed,
      options,
      "routed: each test row is scored by the model routing serves for its home type (chosen on validation homes)",
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
    ...(model instanceof FailureClassifier && model.calibrator
      ? { raw: model.predictRaw(split.set, rows) }
      : {}),
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

/** The "all" row: its per_type column is the routed model (each row scored by what its type is served). */
function allTypesScores(
  split: TrainingSplit,
  fitted: FittedFailureModels,
  routing: readonly RoutingDecision[],
): Scored {
  const test = split.rows.test;
  const routed = routedScores(split, fitted, routing, test);
  return {
    per_type:
      fitted.perType.size > 0
        ? {
            scores: routed.proba,
            raw: routed.raw,
            threshold: Number.NaN,
            decisions: routed.decided,
            metrics: routedMetrics(split.labelsOf(test), routed),
          }
        : null,
    global: column(split, fitted.global, test),
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
  const calibration = {} as HomeTypeComparison["calibration"];
  for (const key of COMPARED_MODELS) {
    const s = scored[key];
    models[key] = s ? s.metrics : null;
    calibration[key] = s ? calibrationPoint(rows.labels, s.scores, s.raw) : null;
    intervals[key] = s ? bootstrapMetrics(rows, s, BOOTSTRAP_METRICS, draw()) : null;
  }
  const verdicts: PairedVerdict[] = [];
  const pair = (a: ComparedModel, b: ComparedModel) => {
    const sa = scored[a];
    const sb = scored[b];
    if (!sa || !sb) return null;
    const d = pairedDifference(rows, sa, sb, "pr_auc", draw());
    const v: PairedVerdict = {
      a,
      b,
      ...d,
      text: verdictText(d.verdict, modelLabel(a, type), modelLabel(b, type)),
    };
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
    calibration,
    per_type_beats_global: perTypeVsGlobal ? perTypeVsGlobal.verdict === "a_beats_b" : null,
    lift: { per_type: lift(models.per_type), global: lift(models.global) },
    verdicts,
    ...(note ? { note } : {}),
  };
}

/**
 * Brier score and ECE (equal-width bins) of the scores; with a calibrator, the same and the
 * PR-AUC of the raw network output (the PR-AUC moves only where models are pooled, or with
 * isotonic ties).
 */
function calibrationPoint(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  raw?: ArrayLike<number>,
): CalibrationPoint {
  const of = (p: ArrayLike<number>) => ({
    brier: brierScore(labels, p),
    ece: expectedCalibrationError(labels, p, CALIBRATION_BINS),
  });
  return { ...of(scores), ...(raw ? { uncalibrated: { ...of(raw), pr_auc: prAuc(labels, raw) } } : {}) };
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
  return routedMetrics(Uint8Array.from(labels), {
    proba: Float32Array.from(s.scores),
    decided: Uint8Array.from(s.decisions),
  });
}

export const COMPARISON_BOOTSTRAP = { resamples: DEFAULT_RESAMPLES, level: DEFAULT_LEVEL } as const;
