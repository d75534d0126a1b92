import { MODEL_LABELS } from "./compareFailureModels.js";
import type { FailureEstimator } from "./estimator.js";
import { type EvaluationCurves, evaluationCurves, type ScoredBy } from "./evaluationCurves.js";
import type { FailureClassifier } from "./failureClassifier.js";
import type { FittedFailureModels } from "./fitFailureModels.js";
import { type RoutingDecision, routedScores } from "./routing.js";
import type { TrainingSplit } from "./trainingSplit.js";

/**
 * The report's curves of a training run, on test homes (scored for the report only, after
 * or apart from every decision): a classifier next to the baselines on its type's test homes,
 * and the routed model (each row scored by the model routing serves for its type) on all.
 */

function baselineScores(split: TrainingSplit, fitted: FittedFailureModels, rows: Int32Array): ScoredBy[] {
  const scored = (key: keyof typeof MODEL_LABELS, model: FailureEstimator): ScoredBy => ({
    key,
    label: MODEL_LABELS[key],
    scores: split.proba(model, rows),
  });
  return [
    scored("rule", fitted.rule),
    scored("logistic", fitted.logistic),
    scored("logistic_matched", fitted.logisticMatched),
    scored("ensemble", fitted.ensemble),
  ];
}

/** `model` (saved as `name`) on the test homes of `type` (all of them for null), with the baselines (and the global model for a per-type one). */
export function classifierTestCurves(
  split: TrainingSplit,
  fitted: FittedFailureModels,
  model: FailureClassifier,
  name: string,
  type: string | null,
): EvaluationCurves {
  const rows = split.rowsOf("test", type);
  const proba = split.proba(model, rows);
  const scorers: ScoredBy[] = [
    { key: "model", label: name, scores: proba },
    ...(type !== null
      ? [{ key: "global", label: MODEL_LABELS.global, scores: split.proba(fitted.global, rows) }]
      : []),
    ...baselineScores(split, fitted, rows),
  ];
  return evaluationCurves(
    `test homes of ${type ?? "every home type"}`,
    split.labelsOf(rows),
    Array.from(rows, (i) => split.set.homeIds[i]),
    scorers,
    { threshold: model.threshold, calls: Uint8Array.from(proba, (p) => (p >= model.threshold ? 1 : 0)) },
  );
}

/** The routed model of this run's routing decisions on every test home, with the global model and the baselines. */
export function routedTestCurves(
  split: TrainingSplit,
  fitted: FittedFailureModels,
  routing: readonly RoutingDecision[],
): EvaluationCurves {
  const rows = split.rows.test;
  const routed = routedScores(split, fitted, routing, rows);
  return evaluationCurves(
    "test homes of every home type, each row scored by the model this run's routing serves for its type",
    split.labelsOf(rows),
    Array.from(rows, (i) => split.set.homeIds[i]),
    [
      { key: "routed", label: MODEL_LABELS.routed, scores: routed.proba },
      { key: "global", label: MODEL_LABELS.global, scores: split.proba(fitted.global, rows) },
      ...baselineScores(split, fitted, rows),
    ],
    { threshold: null, calls: routed.decided },
  );
}
