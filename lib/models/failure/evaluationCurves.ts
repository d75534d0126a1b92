import { CALIBRATION_BINS, type ReliabilityPoint, reliabilityCurve } from "../evaluation/calibration.js";
import { type PrPoints, type RocPoints, rankingCurves } from "../evaluation/curves.js";
import { prAuc, rocAuc } from "../evaluation/metrics.js";

/**
 * What the model report draws from a failure model's test homes and training does not keep
 * otherwise: each scorer's ROC and precision–recall points (the model and the baselines on
 * the same rows), the model's reliability bins and its confusion counts at the served
 * threshold. Written with the version (evaluation_curves.json) or, for a router, into its
 * metrics.json; test rows are scored for the report only and decide nothing.
 */
export const EVALUATION_CURVES_FILE = "evaluation_curves.json";
export const EVALUATION_CURVES_FORMAT = "homeforge-evaluation-curves";

export interface ScorerCurves {
  /** "model", "routed", "global", "rule", "logistic", "logistic_matched", "ensemble". */
  key: string;
  label: string;
  roc_auc: number | null;
  average_precision: number | null;
  /** Null when the rows hold one class only. */
  roc: RocPoints | null;
  pr: PrPoints | null;
}

export interface ConfusionCounts {
  /** The served threshold (null for a router: each route decides at its own model's threshold). */
  threshold: number | null;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface EvaluationCurves {
  format: typeof EVALUATION_CURVES_FORMAT;
  format_version: 1;
  split: "test";
  /** Which rows: e.g. "test homes of apartment". */
  rows_of: string;
  rows: number;
  positives: number;
  homes: number;
  /** The scorer the confusion and reliability describe (scorers[0]). */
  model: string;
  scorers: ScorerCurves[];
  confusion: ConfusionCounts;
  /** The model's probabilities, 10 equal-width bins, and 10 equal-mass bins (where the rows are). */
  reliability: ReliabilityPoint[];
  reliability_equal_mass: ReliabilityPoint[];
}

export interface ScoredBy {
  key: string;
  label: string;
  scores: ArrayLike<number>;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * The curves of every scorer on one block of test rows; the first scorer is the model, whose
 * `decided` 0/1 calls give the confusion counts.
 */
export function evaluationCurves(
  rowsOf: string,
  labels: ArrayLike<number>,
  homes: ArrayLike<string | null>,
  scorers: readonly ScoredBy[],
  decided: { threshold: number | null; calls: ArrayLike<number> },
): EvaluationCurves {
  const confusion: ConfusionCounts = { threshold: decided.threshold, tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const call = decided.calls[i] === 1;
    if (labels[i] === 1) call ? confusion.tp++ : confusion.fn++;
    else call ? confusion.fp++ : confusion.tn++;
  }
  const model = scorers[0];
  return {
    format: EVALUATION_CURVES_FORMAT,
    format_version: 1,
    split: "test",
    rows_of: rowsOf,
    rows: labels.length,
    positives: confusion.tp + confusion.fn,
    homes: new Set(Array.from(homes)).size,
    model: model.key,
    scorers: scorers.map((s) => {
      const curves = rankingCurves(labels, s.scores);
      return {
        key: s.key,
        label: s.label,
        roc_auc: finite(rocAuc(labels, s.scores)),
        average_precision: finite(prAuc(labels, s.scores)),
        roc: curves?.roc ?? null,
        pr: curves?.pr ?? null,
      };
    }),
    confusion,
    reliability: reliabilityCurve(labels, model.scores, CALIBRATION_BINS),
    reliability_equal_mass: reliabilityCurve(labels, model.scores, CALIBRATION_BINS, {
      strategy: "quantile",
    }),
  };
}

export function evaluationCurvesText(curves: EvaluationCurves): string {
  return `${JSON.stringify(curves)}\n`;
}
