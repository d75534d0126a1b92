import { HomeforgeError } from "../../core/errors.js";
import type { Rng } from "../../core/random.js";
import {
  type BootstrapOptions,
  bootstrapSettings,
  type DifferenceVerdict,
  differenceVerdict,
  type Interval,
  MIN_COMPARE_HOMES,
  percentileInterval,
  tooFewToCompare,
} from "../evaluation/bootstrap.js";
import { meanDefined, type ThresholdCounts, thresholdMetrics } from "./rankingMetrics.js";

/**
 * Bootstrap intervals over homes for per-home synergy metrics (one value per test graph).
 * Homes are the unit: each resample draws homes with replacement and averages their values.
 * The conventions are lib/models/evaluation/bootstrap.ts's (seeded stream, percentile
 * interval, default 1000 resamples at 0.95, verdicts, MIN_COMPARE_HOMES); only the unit
 * differs: there a row-level metric recomputed on drawn homes, here a mean of home values.
 */

/** The mean over the homes where a metric is defined, with its percentile interval. */
export interface HomeMeanInterval extends Interval {
  /** Homes where the metric is defined (the resampled population). */
  homes: number;
}

/** mean(A − B) over the homes where both are defined, with interval and verdict. */
export interface HomePairedDifference extends Interval {
  metric: string;
  verdict: DifferenceVerdict;
  homes: number;
}

/** Pooled precision / recall / F1 at a threshold (counts summed over homes), resampled by home. */
export interface PooledThresholdIntervals {
  precision: Interval;
  recall: Interval;
  f1: Interval;
  /** The counts summed over every home once. */
  counts: ThresholdCounts;
  homes: number;
}

/**
 * Mean of per-home values and its percentile interval. NaN values (metric undefined for that
 * home) are left out before resampling, so a resample draws from the homes that have one.
 */
export function bootstrapHomeMean(
  values: ArrayLike<number>,
  options: BootstrapOptions = {},
): HomeMeanInterval {
  const { resamples, level, rng } = bootstrapSettings(options);
  const defined = Float64Array.from(values).filter((x) => !Number.isNaN(x));
  const n = defined.length;
  const estimate = meanDefined(defined).mean;
  if (n === 0) return { estimate, lo: Number.NaN, hi: Number.NaN, level, resamples: 0, homes: 0 };
  const samples: number[] = [];
  for (const counts of homeDraws(n, resamples, rng)) {
    let sum = 0;
    for (let h = 0; h < n; h++) sum += counts[h] * defined[h];
    samples.push(sum / n);
  }
  return { ...percentileInterval(estimate, samples, level), homes: n };
}

/**
 * Paired difference of two scorers on the same homes: per-home a[h] − b[h] where both are
 * defined, resampled by home. "a_beats_b" only when the interval excludes 0 (above it);
 * "too_few" below MIN_COMPARE_HOMES such homes.
 */
export function pairedHomeDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  metric: string,
  options: BootstrapOptions = {},
): HomePairedDifference {
  if (a.length !== b.length) {
    throw new HomeforgeError(
      "bootstrap",
      `${a.length} home values for A but ${b.length} for B`,
      "give both scorers' values for the same homes, in the same order",
    );
  }
  const diffs: number[] = [];
  for (let h = 0; h < a.length; h++) if (!Number.isNaN(a[h]) && !Number.isNaN(b[h])) diffs.push(a[h] - b[h]);
  if (diffs.length < MIN_COMPARE_HOMES) {
    const { level } = bootstrapSettings(options);
    return { metric, ...tooFewToCompare(meanDefined(diffs).mean, level), homes: diffs.length };
  }
  const interval = bootstrapHomeMean(diffs, options);
  return { metric, ...interval, verdict: differenceVerdict(interval) };
}

/** Pooled precision, recall and F1 from per-home counts, each resample summing the drawn homes' counts. */
export function bootstrapPooledCounts(
  perHome: readonly ThresholdCounts[],
  options: BootstrapOptions = {},
): PooledThresholdIntervals {
  const { resamples, level, rng } = bootstrapSettings(options);
  const n = perHome.length;
  const total = sumCounts(perHome, null);
  const full = thresholdMetrics(total);
  const samples = { precision: [] as number[], recall: [] as number[], f1: [] as number[] };
  if (n > 0) {
    for (const counts of homeDraws(n, resamples, rng)) {
      const m = thresholdMetrics(sumCounts(perHome, counts));
      samples.precision.push(m.precision);
      samples.recall.push(m.recall);
      samples.f1.push(m.f1);
    }
  }
  return {
    precision: percentileInterval(full.precision, samples.precision, level),
    recall: percentileInterval(full.recall, samples.recall, level),
    f1: percentileInterval(full.f1, samples.f1, level),
    counts: total,
    homes: n,
  };
}

function sumCounts(perHome: readonly ThresholdCounts[], times: Float64Array | null): ThresholdCounts {
  const total = { tp: 0, fp: 0, fn: 0 };
  perHome.forEach((c, h) => {
    const w = times ? times[h] : 1;
    total.tp += w * c.tp;
    total.fp += w * c.fp;
    total.fn += w * c.fn;
  });
  return total;
}

/** Per resample, how many times each of n homes was drawn (n draws with replacement). */
function* homeDraws(n: number, resamples: number, rng: Rng): Generator<Float64Array> {
  const counts = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let d = 0; d < n; d++) counts[Math.floor(rng.next() * n)]++;
    yield counts;
  }
}
