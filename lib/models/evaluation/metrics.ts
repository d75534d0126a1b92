/**
 * Binary-classification metrics on plain arrays: labels 0/1, scores (higher = more likely
 * positive). Undefined values (e.g. ROC-AUC with one class present) are NaN, which JSON
 * writes as null.
 */
export interface BinaryMetrics {
  samples: number;
  positives: number;
  threshold: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  roc_auc: number;
  pr_auc: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export const METRIC_NAMES = ["accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc"] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** All metrics, predicting positive where score ≥ threshold. */
export function binaryMetrics(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
): BinaryMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = scores[i] >= threshold;
    if (labels[i] === 1) predicted ? tp++ : fn++;
    else predicted ? fp++ : tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : Number.NaN;
  const f1 = tp > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return {
    samples: labels.length,
    positives: tp + fn,
    threshold,
    accuracy: labels.length > 0 ? (tp + tn) / labels.length : Number.NaN,
    precision,
    recall,
    f1,
    roc_auc: rocAuc(labels, scores),
    pr_auc: prAuc(labels, scores),
    tp,
    fp,
    tn,
    fn,
  };
}

/** Indices sorted by score, descending (ties by index, for determinism). */
function byScoreDescending(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => scores[b] - scores[a] || a - b);
}

/** ROC-AUC as the Mann–Whitney statistic with tied scores counted half. */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const order = byScoreDescending(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  // walk from the highest score; for each tie group count positive-above-negative pairs
  let positivesAbove = 0;
  let pairs = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    let groupPositives = 0;
    let groupNegatives = 0;
    while (end < order.length && scores[order[end]] === scores[order[start]]) {
      if (labels[order[end]] === 1) groupPositives++;
      else groupNegatives++;
      end++;
    }
    pairs += groupNegatives * (positivesAbove + groupPositives / 2);
    positivesAbove += groupPositives;
    start = end;
  }
  return pairs / (positives * negatives);
}

/**
 * PR-AUC as average precision (scikit-learn's definition): Σ (Rₖ − Rₖ₋₁)·Pₖ over the
 * distinct score thresholds, highest first. A constant scorer gets the positive rate.
 */
export function prAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const order = byScoreDescending(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  if (positives === 0) return Number.NaN;
  let tp = 0;
  let seen = 0;
  let previousRecall = 0;
  let ap = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end < order.length && scores[order[end]] === scores[order[start]]) {
      if (labels[order[end]] === 1) tp++;
      end++;
    }
    seen = end;
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / seen);
    previousRecall = recall;
    start = end;
  }
  return ap;
}

export interface ThresholdChoice {
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
}

/**
 * The decision threshold with the best F1 on the given (validation) data. It sits halfway
 * between the lowest score predicted positive and the next score below, so predictions that
 * differ in the last float bit (another backend) fall on the same side. With no positive in
 * the data there is nothing to choose and 0.5 is returned with f1 = NaN.
 */
export function chooseThreshold(labels: ArrayLike<number>, scores: ArrayLike<number>): ThresholdChoice {
  const order = byScoreDescending(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  if (positives === 0 || order.length === 0) {
    return { threshold: 0.5, f1: Number.NaN, precision: Number.NaN, recall: Number.NaN };
  }
  let best: ThresholdChoice = { threshold: 0.5, f1: -1, precision: 0, recall: 0 };
  let tp = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end < order.length && scores[order[end]] === scores[order[start]]) {
      if (labels[order[end]] === 1) tp++;
      end++;
    }
    const precision = tp / end;
    const recall = tp / positives;
    const f1 = tp > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    if (f1 > best.f1) {
      const here = scores[order[start]];
      const below = end < order.length ? scores[order[end]] : here - 1e-6;
      best = { threshold: (here + below) / 2, f1, precision, recall };
    }
    start = end;
  }
  return best;
}
