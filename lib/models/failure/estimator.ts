import { prAuc } from "../evaluation/metrics.js";
import { type TelemetryInput, toColumnTable } from "../tableInput.js";
import type { FeatureSet } from "./features.js";

/**
 * The estimator contract every failure model follows (scikit-learn style), so the
 * classifier and its baselines are interchangeable in the same code:
 *
 *   const model = await new FailureClassifier(params).fit(train);   // or FixedRuleBaseline,
 *   model.predictProba(test); model.predict(test); model.score(test); // LogisticRegressionBaseline
 *   await model.save(dir); await FailureClassifier.load(dir);
 *
 * - the constructor takes the parameters (read back as `params`, frozen);
 * - `fit` is async (TensorFlow.js trains asynchronously) and resolves to the estimator;
 * - learned state is read-only (getters), set by fit or load only;
 * - `score` is the default metric: average precision (PR-AUC, the area under the
 *   precision-recall curve as `binaryMetrics` computes it) of predictProba against the
 *   `fails_within_7d` labels — threshold-free, and meaningful at a 2–5 % failure rate.
 */
export interface FailureEstimator<P extends object = object> {
  readonly params: Readonly<P>;
  /** The decision threshold on predictProba (chosen on validation data by learned models). */
  readonly threshold: number;
  readonly fitted: boolean;
  fit(data: TelemetryInput, options?: { validation?: TelemetryInput }): Promise<this>;
  predictProba(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): Float32Array;
  predict(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): Uint8Array;
  score(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): number;
  save(dir: string): Promise<void>;
  dispose(): void;
}

/** `fails_within_7d` of the given rows (all rows when absent) of a table or feature set. */
export function labelsOf(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): Uint8Array {
  const labels: ArrayLike<number> = isFeatureSet(data)
    ? data.labels
    : (toColumnTable(data).columns.fails_within_7d as ArrayLike<number>);
  if (!rows) return Uint8Array.from(labels as ArrayLike<number>);
  return Uint8Array.from(rows, (i) => labels[i]);
}

/** The default score of an estimator: average precision (PR-AUC) of `proba` on `labels`. */
export function averagePrecision(labels: ArrayLike<number>, proba: ArrayLike<number>): number {
  return prAuc(labels, proba);
}

export function isFeatureSet(x: unknown): x is FeatureSet {
  const s = x as FeatureSet;
  return Array.isArray(s?.names) && Array.isArray(s?.columns) && typeof s?.spec === "object";
}
