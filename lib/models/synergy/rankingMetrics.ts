import { HomeforgeError } from "../../core/errors.js";
import { prAuc, rocAuc } from "../evaluation/metrics.js";

/**
 * Ranking metrics of one graph's candidate pairs: scores (higher = more likely linked) and
 * 0/1 labels. Every metric is a pure function of the multiset of (score, label), never of
 * the input order: tied scores are handled by definition, not by position. NaN where a
 * metric is undefined (no positive, no negative, no pair), so means skip it (meanDefined).
 */

/** The default cut-off of precision@k, recall@k and Hits@k. */
export const DEFAULT_RANKING_K = 5;

export interface PairRankingMetrics {
  pairs: number;
  positives: number;
  negatives: number;
  /** Mann–Whitney, ties counted ½; NaN without a positive or a negative. */
  rocAuc: number;
  /** Σ (Rₙ − Rₙ₋₁)·Pₙ over distinct score thresholds (scikit-learn); NaN without a positive. */
  averagePrecision: number;
  /** Expected links among the top min(k, pairs) over all orderings of the tie at the cut, / min(k, pairs). */
  precisionAtK: number;
  /** The same expected links / positives; NaN without a positive. */
  recallAtK: number;
  /** OGB's Hits@k: share of positives scoring strictly above the k-th highest negative score. */
  hitsAtK: number;
}

/** Decision counts at a threshold (score ≥ threshold = predicted link). */
export interface ThresholdCounts {
  tp: number;
  fp: number;
  fn: number;
}

export interface ThresholdMetrics {
  /** tp / (tp + fp); NaN when nothing is predicted. */
  precision: number;
  /** tp / (tp + fn); NaN without a positive. */
  recall: number;
  /** 2tp / (2tp + fp + fn); NaN with neither a positive nor a prediction. */
  f1: number;
}

/** Throws a one-line error unless there are `pairs` scores and every one is finite. */
export function checkScored(scores: ArrayLike<number>, pairs: number, what = "scores"): void {
  if (scores.length !== pairs) {
    throw new HomeforgeError(
      what,
      `${scores.length} scores for ${pairs} candidate pairs`,
      "score every candidate pair of the graph, in graph order",
    );
  }
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new HomeforgeError(what, `pair ${i} has score ${scores[i]}`, "scores must be finite numbers");
    }
  }
}

/** Every ranking metric of one graph. */
export function rankingMetrics(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  k = DEFAULT_RANKING_K,
): PairRankingMetrics {
  checkRankingK(k);
  checkScored(scores, labels.length);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  const atK = topKLinks(scores, labels, k);
  return {
    pairs: labels.length,
    positives,
    negatives: labels.length - positives,
    rocAuc: rocAuc(labels, scores),
    averagePrecision: prAuc(labels, scores),
    precisionAtK: atK.cut > 0 ? atK.links / atK.cut : Number.NaN,
    recallAtK: positives > 0 ? atK.links / positives : Number.NaN,
    hitsAtK: hitsAtK(scores, labels, k),
  };
}

/**
 * Expected number of links among the top min(k, n) pairs when tied scores are put in a
 * uniformly random order: the groups above the cut count whole, the tie group straddling the
 * cut counts its link share times the slots it gets.
 */
function topKLinks(scores: ArrayLike<number>, labels: ArrayLike<number>, k: number) {
  const n = labels.length;
  const cut = Math.min(k, n);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let taken = 0;
  let links = 0;
  for (let start = 0; start < n && taken < cut; ) {
    let end = start;
    let groupLinks = 0;
    while (end < n && scores[order[end]] === scores[order[start]]) {
      if (labels[order[end]] === 1) groupLinks++;
      end++;
    }
    const size = end - start;
    const slots = Math.min(size, cut - taken);
    links += (slots * groupLinks) / size;
    taken += slots;
    start = end;
  }
  return { cut, links };
}

/**
 * Hits@k as the OGB link-prediction evaluator defines it: the share of positives scoring
 * strictly above the k-th highest negative score (a positive tied with it is a miss); 1 when
 * there are fewer than k negatives (OGB's convention). NaN without a positive or a negative.
 */
export function hitsAtK(scores: ArrayLike<number>, labels: ArrayLike<number>, k = DEFAULT_RANKING_K): number {
  checkRankingK(k);
  const negatives: number[] = [];
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) positives++;
    else negatives.push(scores[i]);
  }
  if (positives === 0 || negatives.length === 0) return Number.NaN;
  if (negatives.length < k) return 1;
  negatives.sort((a, b) => b - a);
  const kth = negatives[k - 1];
  let above = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1 && scores[i] > kth) above++;
  return above / positives;
}

/** tp, fp, fn when pairs scoring ≥ threshold are predicted links. */
export function thresholdCounts(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): ThresholdCounts {
  checkScored(scores, labels.length);
  const counts = { tp: 0, fp: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const predicted = scores[i] >= threshold;
    if (labels[i] === 1) predicted ? counts.tp++ : counts.fn++;
    else if (predicted) counts.fp++;
  }
  return counts;
}

/** Precision, recall and F1 of decision counts (one graph's, or summed over graphs: pooled). */
export function thresholdMetrics(c: ThresholdCounts): ThresholdMetrics {
  return {
    precision: c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : Number.NaN,
    recall: c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : Number.NaN,
    f1: c.tp + c.fp + c.fn > 0 ? (2 * c.tp) / (2 * c.tp + c.fp + c.fn) : Number.NaN,
  };
}

/** The mean of the defined (non-NaN) values and how many there were; NaN when none is. */
export function meanDefined(values: Iterable<number>): { mean: number; count: number } {
  let sum = 0;
  let count = 0;
  for (const x of values) {
    if (Number.isNaN(x)) continue;
    sum += x;
    count++;
  }
  return { mean: count > 0 ? sum / count : Number.NaN, count };
}

/** Throws a one-line error unless k is a whole number ≥ 1. */
export function checkRankingK(k: number): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new HomeforgeError("evaluation.k", `${k} is not a whole number ≥ 1`, "pass e.g. k: 5");
  }
}
