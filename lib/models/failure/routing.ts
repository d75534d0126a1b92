import { type BinaryMetrics, binaryMetrics } from "../evaluation/metrics.js";
import type { FailureClassifier } from "./failureClassifier.js";
import type { FittedFailureModels } from "./fitFailureModels.js";
import type { TrainingSplit } from "./trainingSplit.js";

/**
 * Which split each decision of a training run reads. Every decision reads validation homes;
 * test homes are scored once, for the report, after every decision is taken.
 */
export const TRAINING_DECISIONS = Object.freeze({
  /** The decision threshold: best F1 on the model's validation rows (FailureClassifier.fitFeatures). */
  threshold: "validation",
  /** Early stopping and best-weight restore: class-weighted log loss on validation rows. */
  early_stopping: "validation",
  /** The evaluator's candidate-vs-production check (promoteIfPassed in registerFailureModels). */
  promotion: "validation",
  /** Which of (per-type, global) is served per home type (routeFailureModels). */
  routing: "validation",
  /** The probability calibrator (Platt / isotonic) on the model's validation rows (FailureClassifier.fitFeatures). */
  calibration: "validation",
} as const);

export type TrainingDecisions = typeof TRAINING_DECISIONS;

/** The metric routing compares on; ties go to the global model. */
export const ROUTING_METRIC = "pr_auc" as const;

export interface RoutingDecision {
  home_type: string;
  served: "per_type" | "global";
  metric: typeof ROUTING_METRIC;
  split: "validation";
  validation: { homes: number; per_type: BinaryMetrics | null; global: BinaryMetrics };
  reason: string;
  /** The served model on this type's test homes: reported only, never read by a decision. */
  test_of_served?: BinaryMetrics;
}

/**
 * Point 4 of issue 12 (the decision): for each home type the served model is whichever of
 * (its per-type model, the global model) has the higher PR-AUC on that type's validation
 * homes; the global model when there is no per-type model, the validation homes hold no
 * failures, or the two tie. Reads validation rows only.
 */
export function routeFailureModels(split: TrainingSplit, fitted: FittedFailureModels): RoutingDecision[] {
  const decisions: RoutingDecision[] = [];
  for (const type of split.types) {
    const validation = split.rowsOf("validation", type);
    const homes = split.split.counts[type]?.validation ?? 0;
    const own = fitted.perType.get(type)?.model;
    const global = split.score(fitted.global, validation);
    const perType = own ? split.score(own, validation) : null;
    let served: RoutingDecision["served"] = "global";
    let reason: string;
    if (!perType) reason = fitted.notes.get(type) ?? "no per-type model";
    else if (!Number.isFinite(perType[ROUTING_METRIC]) || !Number.isFinite(global[ROUTING_METRIC]))
      reason = "validation homes hold no failing device-days: the global model is kept";
    else if (perType[ROUTING_METRIC] > global[ROUTING_METRIC]) {
      served = "per_type";
      reason = `per-type PR-AUC ${perType.pr_auc.toFixed(4)} > global ${global.pr_auc.toFixed(4)} on ${homes} validation homes`;
    } else
      reason = `per-type PR-AUC ${perType.pr_auc.toFixed(4)} ≤ global ${global.pr_auc.toFixed(4)} on ${homes} validation homes`;
    decisions.push({
      home_type: type,
      served,
      metric: ROUTING_METRIC,
      split: "validation",
      validation: { homes, per_type: perType, global },
      reason,
    });
  }
  return decisions;
}

/** The model routing serves for `type`: its per-type model where chosen, else the global one. */
export function servedModelOf(
  fitted: FittedFailureModels,
  routing: readonly RoutingDecision[],
  type: string | null,
): FailureClassifier {
  const d = routing.find((r) => r.home_type === type);
  const own = type === null ? undefined : fitted.perType.get(type)?.model;
  return d?.served === "per_type" && own ? own : fitted.global;
}

/**
 * `rows` scored the way they are served: each row by the model routing serves for its home
 * type. Probabilities, and 0/1 decisions at each model's own threshold.
 */
export function routedScores(
  split: TrainingSplit,
  fitted: FittedFailureModels,
  routing: readonly RoutingDecision[],
  rows: Int32Array,
): { proba: Float32Array; raw: Float32Array; decided: Uint8Array } {
  const proba = new Float32Array(rows.length);
  const raw = new Float32Array(rows.length);
  const decided = new Uint8Array(rows.length);
  const byType = new Map<string | null, number[]>();
  for (let k = 0; k < rows.length; k++) {
    const t = split.set.homeTypes[rows[k]];
    const list = byType.get(t) ?? [];
    list.push(k);
    byType.set(t, list);
  }
  for (const [type, idx] of byType) {
    const model = servedModelOf(fitted, routing, type);
    const typeRows = Int32Array.from(idx, (k) => rows[k]);
    const p = model.predictProba(split.set, typeRows);
    const r = model.predictRaw(split.set, typeRows);
    idx.forEach((k, j) => {
      proba[k] = p[j];
      raw[k] = r[j];
      decided[k] = p[j] >= model.threshold ? 1 : 0;
    });
  }
  return { proba, raw, decided };
}

/**
 * Metrics of routed scores: decisions scored as 0/1 at 0.5 (each model kept its own
 * threshold), AUCs on the pooled probabilities.
 */
export function routedMetrics(
  labels: Uint8Array,
  scores: { proba: Float32Array; decided: Uint8Array },
): BinaryMetrics {
  const ranked = binaryMetrics(labels, scores.proba, 0.5);
  return {
    ...binaryMetrics(labels, scores.decided, 0.5),
    roc_auc: ranked.roc_auc,
    pr_auc: ranked.pr_auc,
    threshold: Number.NaN,
  };
}

/**
 * The report half, after every decision: each type's served model on its test homes, and
 * the routed model on all test homes ("all": each row scored by its type's served model).
 */
export function reportRouting(
  split: TrainingSplit,
  fitted: FittedFailureModels,
  routing: RoutingDecision[],
): { per_type: RoutingDecision[]; all_test: BinaryMetrics } {
  const per_type = routing.map((d) => {
    const test = split.rowsOf("test", d.home_type);
    return test.length > 0
      ? { ...d, test_of_served: split.score(servedModelOf(fitted, routing, d.home_type), test) }
      : d;
  });
  const test = split.rows.test;
  const all_test = routedMetrics(split.labelsOf(test), routedScores(split, fitted, routing, test));
  return { per_type, all_test };
}
