import { Rng } from "../../core/random.js";
import { CALIBRATION_BINS, equalWidthBin } from "./calibration.js";

/**
 * Bootstrap intervals over HOMES. Rows of one home are correlated (same devices, same
 * days), so resampling rows would understate the uncertainty: each resample draws homes
 * with replacement and recomputes the metric on all rows of the drawn homes (a home drawn
 * twice counts twice). Pure functions on columns; the draws come from a seeded Rng, so the
 * same seed gives the same interval.
 *
 * Each resample is computed exactly as if the drawn rows were duplicated, but in O(rows):
 * rows are sorted by score once, and a resample only changes each row's weight (how many
 * times its home was drawn).
 */

/** brier and ece (10 equal-width bins) read `scores` as probabilities; lower is better for both. */
export const BOOTSTRAP_METRICS = ["pr_auc", "roc_auc", "f1", "recall", "precision", "brier", "ece"] as const;
export type BootstrapMetric = (typeof BOOTSTRAP_METRICS)[number];

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_LEVEL = 0.95;
/** Below this many homes or positives in the evaluated rows no verdict is given. */
export const MIN_COMPARE_HOMES = 5;
export const MIN_COMPARE_POSITIVES = 10;

/** One model's scores on the evaluated rows. */
export interface ScoredColumn {
  /** Probabilities (higher = more likely positive): ROC-AUC and PR-AUC are computed on these. */
  scores: ArrayLike<number>;
  /** The served decision threshold on `scores` (F1, recall, precision). */
  threshold: number;
  /** 0/1 decisions, when they are not `scores ≥ threshold` (e.g. rows routed to models with their own thresholds). */
  decisions?: ArrayLike<number>;
}

/** The evaluated rows: 0/1 labels and the home of each row. */
export interface BootstrapRows {
  labels: ArrayLike<number>;
  homes: ArrayLike<string | number | null>;
}

export interface BootstrapOptions {
  /** Seed of the resampling stream (an Rng is derived from it). */
  seed?: number;
  /** Or an Rng to draw from (takes precedence over seed). */
  rng?: Rng;
  /** Number of resamples (default 1000). */
  resamples?: number;
  /** Interval level (default 0.95). */
  level?: number;
}

/** A percentile interval around the point estimate on the full rows. */
export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
  level: number;
  /** Resamples where the metric was defined (e.g. at least one positive drawn). */
  resamples: number;
}

export type DifferenceVerdict = "a_beats_b" | "b_beats_a" | "no_difference" | "too_few";

/** The paired difference metric(A) − metric(B) on the same resampled homes, with a verdict. */
export interface PairedDifference extends Interval {
  metric: BootstrapMetric;
  verdict: DifferenceVerdict;
  homes: number;
  positives: number;
}

/** Counts of the evaluated rows that decide whether a comparison is possible. */
export function evaluatedCounts(rows: BootstrapRows): { homes: number; positives: number } {
  let positives = 0;
  for (let i = 0; i < rows.labels.length; i++) if (rows.labels[i] === 1) positives++;
  return { homes: new Set(Array.from(rows.homes)).size, positives };
}

/** Percentile intervals of several metrics of one model, all from the same resampled homes. */
export function bootstrapMetrics(
  rows: BootstrapRows,
  model: ScoredColumn,
  metrics: readonly BootstrapMetric[] = BOOTSTRAP_METRICS,
  options: BootstrapOptions = {},
): Record<BootstrapMetric, Interval> {
  const draws = drawWeights(rows, options);
  const prepared = prepare(rows.labels, model);
  const estimate = weightedMetrics(prepared, rows.labels, null, metrics);
  const samples = metrics.map(() => [] as number[]);
  for (const w of draws.weights()) {
    const m = weightedMetrics(prepared, rows.labels, w, metrics);
    metrics.forEach((name, j) => {
      samples[j].push(m[name]);
    });
  }
  const out = {} as Record<BootstrapMetric, Interval>;
  metrics.forEach((name, j) => {
    out[name] = percentileInterval(estimate[name], samples[j], draws.level);
  });
  return out;
}

/** The percentile interval of one metric of one model. */
export function bootstrapInterval(
  rows: BootstrapRows,
  model: ScoredColumn,
  metric: BootstrapMetric,
  options: BootstrapOptions = {},
): Interval {
  return bootstrapMetrics(rows, model, [metric], options)[metric];
}

/**
 * metric(A) − metric(B) for two models scored on the same rows, each resample drawing the
 * same homes for both. Verdict: "a_beats_b" / "b_beats_a" only when the interval excludes 0,
 * "no_difference" otherwise, "too_few" (no interval) when the rows hold fewer than
 * MIN_COMPARE_HOMES homes or MIN_COMPARE_POSITIVES positives.
 */
export function pairedDifference(
  rows: BootstrapRows,
  a: ScoredColumn,
  b: ScoredColumn,
  metric: BootstrapMetric,
  options: BootstrapOptions = {},
): PairedDifference {
  const counts = evaluatedCounts(rows);
  const level = options.level ?? DEFAULT_LEVEL;
  const pa = prepare(rows.labels, a);
  const pb = prepare(rows.labels, b);
  const only = [metric];
  const estimate =
    weightedMetrics(pa, rows.labels, null, only)[metric] -
    weightedMetrics(pb, rows.labels, null, only)[metric];
  if (counts.homes < MIN_COMPARE_HOMES || counts.positives < MIN_COMPARE_POSITIVES) {
    return { metric, ...tooFewToCompare(estimate, level), ...counts };
  }
  const draws = drawWeights(rows, options);
  const diffs: number[] = [];
  for (const w of draws.weights()) {
    diffs.push(
      weightedMetrics(pa, rows.labels, w, only)[metric] - weightedMetrics(pb, rows.labels, w, only)[metric],
    );
  }
  const interval = percentileInterval(estimate, diffs, level);
  return { metric, ...interval, verdict: differenceVerdict(interval), ...counts };
}

/** A difference with no interval: too few homes (or positives) to compare. */
export function tooFewToCompare(estimate: number, level: number): Interval & { verdict: DifferenceVerdict } {
  return { estimate, lo: Number.NaN, hi: Number.NaN, level, resamples: 0, verdict: "too_few" };
}

/**
 * The verdict of an interval of A − B: "a_beats_b" / "b_beats_a" only when it excludes 0,
 * "too_few" when no resample gave a value.
 */
export function differenceVerdict(interval: Interval): DifferenceVerdict {
  if (interval.resamples === 0 || !Number.isFinite(interval.lo)) return "too_few";
  return interval.lo > 0 ? "a_beats_b" : interval.hi < 0 ? "b_beats_a" : "no_difference";
}

/** The verdict in words, naming the two models. */
export function verdictText(verdict: DifferenceVerdict, a: string, b: string): string {
  switch (verdict) {
    case "a_beats_b":
      return `${a} beats ${b}`;
    case "b_beats_a":
      return `${b} beats ${a}`;
    case "no_difference":
      return "no detectable difference";
    case "too_few":
      return "too few homes/positives to compare";
  }
}

/** The q-quantile of sorted values, linear between order statistics. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The percentile interval of the finite resampled values around `estimate`. */
export function percentileInterval(estimate: number, samples: readonly number[], level: number): Interval {
  const finite = samples.filter(Number.isFinite).sort((x, y) => x - y);
  const alpha = (1 - level) / 2;
  return {
    estimate,
    lo: quantile(finite, alpha),
    hi: quantile(finite, 1 - alpha),
    level,
    resamples: finite.length,
  };
}

/** The resampling stream: per resample, each row's weight (times its home was drawn). */
/** The resample count, level and stream of the options, defaults filled in and checked. */
export function bootstrapSettings(options: BootstrapOptions): { resamples: number; level: number; rng: Rng } {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new RangeError(`resamples must be a whole number ≥ 1, got ${resamples}`);
  const level = options.level ?? DEFAULT_LEVEL;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  return { resamples, level, rng: options.rng ?? new Rng(options.seed ?? 0) };
}

function drawWeights(rows: BootstrapRows, options: BootstrapOptions) {
  const { resamples, level, rng } = bootstrapSettings(options);
  const n = rows.labels.length;
  if (rows.homes.length !== n) throw new RangeError(`${rows.homes.length} home ids for ${n} labels`);
  // homes in order of first appearance, so the draws do not depend on how ids sort
  const index = new Map<string | number | null, number>();
  const homeOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const h = rows.homes[i];
    let k = index.get(h);
    if (k === undefined) {
      k = index.size;
      index.set(h, k);
    }
    homeOf[i] = k;
  }
  const homes = index.size;
  return {
    level,
    *weights(): Generator<Float64Array> {
      const counts = new Float64Array(homes);
      const w = new Float64Array(n);
      for (let r = 0; r < resamples; r++) {
        counts.fill(0);
        for (let d = 0; d < homes; d++) counts[Math.floor(rng.next() * homes)]++;
        for (let i = 0; i < n; i++) w[i] = counts[homeOf[i]];
        yield w;
      }
    },
  };
}

interface Prepared {
  /** Row indices by score, descending (ties by index). */
  order: Int32Array;
  /** Start of each tie group in `order`, plus order.length at the end. */
  groups: Int32Array;
  /** 1 where the model decides positive. */
  decided: Uint8Array;
  scores: ArrayLike<number>;
  /** Each row's equal-width calibration bin (brier, ece). */
  bin: Uint8Array;
}

function prepare(labels: ArrayLike<number>, model: ScoredColumn): Prepared {
  const { scores } = model;
  const n = labels.length;
  if (scores.length !== n) throw new RangeError(`${scores.length} scores for ${n} labels`);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const starts: number[] = [];
  for (let k = 0; k < n; k++) if (k === 0 || scores[order[k]] !== scores[order[k - 1]]) starts.push(k);
  starts.push(n);
  const decided = new Uint8Array(n);
  for (let i = 0; i < n; i++)
    decided[i] = model.decisions ? (model.decisions[i] >= 0.5 ? 1 : 0) : scores[i] >= model.threshold ? 1 : 0;
  const bin = Uint8Array.from(scores, (s) => equalWidthBin(s, CALIBRATION_BINS));
  return { order, groups: Int32Array.from(starts), decided, scores, bin };
}

/**
 * The metrics on rows weighted by `w` (null: every row once) — the same values
 * binaryMetrics gives on the rows duplicated w times (ROC-AUC with ties counted half,
 * PR-AUC as average precision, precision 0 with no predicted positive). brier and ece are
 * only computed when `wanted` names them (NaN otherwise).
 */
function weightedMetrics(
  p: Prepared,
  labels: ArrayLike<number>,
  w: Float64Array | null,
  wanted: readonly BootstrapMetric[],
): Record<BootstrapMetric, number> {
  const { order, groups, decided } = p;
  let positives = 0;
  let negatives = 0;
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < labels.length; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    if (labels[i] === 1) {
      positives += wi;
      if (decided[i]) tp += wi;
    } else {
      negatives += wi;
      if (decided[i]) fp += wi;
    }
  }
  let ap = 0;
  let pairs = 0;
  let cumTp = 0;
  let seen = 0;
  let previousRecall = 0;
  for (let g = 0; g + 1 < groups.length; g++) {
    let gp = 0;
    let gn = 0;
    for (let k = groups[g]; k < groups[g + 1]; k++) {
      const i = order[k];
      const wi = w ? w[i] : 1;
      if (labels[i] === 1) gp += wi;
      else gn += wi;
    }
    if (gp + gn === 0) continue;
    pairs += gn * (cumTp + gp / 2);
    cumTp += gp;
    seen += gp + gn;
    if (positives > 0) {
      const recall = cumTp / positives;
      ap += (recall - previousRecall) * (cumTp / seen);
      previousRecall = recall;
    }
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = positives > 0 ? tp / positives : Number.NaN;
  return {
    pr_auc: positives > 0 ? ap : Number.NaN,
    roc_auc: positives > 0 && negatives > 0 ? pairs / (positives * negatives) : Number.NaN,
    f1: tp > 0 ? (2 * precision * recall) / (precision + recall) : positives > 0 ? 0 : Number.NaN,
    recall,
    precision,
    ...(wanted.includes("brier") || wanted.includes("ece")
      ? weightedCalibration(p, labels, w)
      : { brier: Number.NaN, ece: Number.NaN }),
  };
}

/**
 * Brier score and ECE on weighted rows, as calibration.ts computes them (tested equal): a
 * bin's |Σ w·p − Σ w·y| is its count times |mean predicted − observed rate|.
 */
function weightedCalibration(
  p: Prepared,
  labels: ArrayLike<number>,
  w: Float64Array | null,
): { brier: number; ece: number } {
  const predicted = new Float64Array(CALIBRATION_BINS);
  const observed = new Float64Array(CALIBRATION_BINS);
  let total = 0;
  let squared = 0;
  for (let i = 0; i < labels.length; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    const d = p.scores[i] - labels[i];
    total += wi;
    squared += wi * d * d;
    predicted[p.bin[i]] += wi * p.scores[i];
    observed[p.bin[i]] += wi * labels[i];
  }
  let gap = 0;
  for (let b = 0; b < CALIBRATION_BINS; b++) gap += Math.abs(predicted[b] - observed[b]);
  return total > 0 ? { brier: squared / total, ece: gap / total } : { brier: Number.NaN, ece: Number.NaN };
}
