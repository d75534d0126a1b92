import { HomeforgeError } from "../../core/errors.js";

/**
 * Feature drift between a training snapshot and new data (issue 14's retraining triggers):
 * the population stability index and the Jensen–Shannon divergence of one feature's
 * distribution, on bins fixed by the snapshot. Pure functions on columns; NaN values
 * (missing readings) are their own bin, so a feature that starts going missing drifts too.
 *
 * - PSI = Σ_b (a_b − e_b) · ln(a_b / e_b) over bins, shares smoothed by `epsilon` so an empty
 *   bin stays finite. Rule of thumb (credit scoring, where PSI comes from): < 0.1 stable,
 *   0.1–0.25 moderate shift, > 0.25 major shift.
 * - JS = ½ KL(e ‖ m) + ½ KL(a ‖ m), m = ½ (e + a), in bits: symmetric and bounded in [0, 1].
 */

/** A feature's reference distribution: bin edges from the training data and the share per bin. */
export interface DriftSnapshot {
  feature: string;
  /** Inner bin edges, ascending: bin k holds values in [edges[k−1], edges[k]). */
  edges: number[];
  /** Share of training rows per bin: edges.length + 1 value bins, then the missing (NaN) bin. */
  shares: number[];
  rows: number;
}

export interface FeatureDrift {
  feature: string;
  psi: number;
  jsDivergence: number;
  /** Rows of the new data the shares were computed on. */
  rows: number;
}

export const DEFAULT_DRIFT_BINS = 10;
const EPSILON = 1e-4;

/**
 * Bins a training column by its quantiles (at most `bins` value bins; tied quantiles merge,
 * so a constant or binary feature gets as many bins as it has distinct levels).
 */
export function driftSnapshot(
  feature: string,
  values: ArrayLike<number>,
  bins = DEFAULT_DRIFT_BINS,
): DriftSnapshot {
  if (!Number.isInteger(bins) || bins < 2) {
    throw new HomeforgeError("bins", `${bins} is not a whole number ≥ 2`, "pass e.g. 10");
  }
  const present = Float64Array.from(
    Array.from({ length: values.length }, (_, i) => values[i]).filter((v) => !Number.isNaN(v)),
  ).sort();
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    if (present.length === 0) break;
    const q = present[Math.min(present.length - 1, Math.floor((k * present.length) / bins))];
    // an edge at the minimum would open a bin no training value falls in
    if (q > present[0] && (edges.length === 0 || q > edges[edges.length - 1])) edges.push(q);
  }
  return { feature, edges, shares: binShares(edges, values), rows: values.length };
}

/** PSI and JS divergence of `values` against a snapshot. */
export function featureDrift(snapshot: DriftSnapshot, values: ArrayLike<number>): FeatureDrift {
  if (values.length === 0) {
    throw new HomeforgeError(
      `drift.${snapshot.feature}`,
      "no rows to compare with the training snapshot",
      "pass the new data's column for this feature",
    );
  }
  const actual = binShares(snapshot.edges, values);
  return {
    feature: snapshot.feature,
    psi: populationStabilityIndex(snapshot.shares, actual),
    jsDivergence: jensenShannonDivergence(snapshot.shares, actual),
    rows: values.length,
  };
}

/** PSI of two share vectors over the same bins (smoothed: empty bins stay finite). */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number {
  checkSameBins(expected, actual);
  const e = smooth(expected);
  const a = smooth(actual);
  let psi = 0;
  for (let k = 0; k < e.length; k++) psi += (a[k] - e[k]) * Math.log(a[k] / e[k]);
  return psi;
}

/** Jensen–Shannon divergence in bits (0 = identical, 1 = disjoint). */
export function jensenShannonDivergence(expected: readonly number[], actual: readonly number[]): number {
  checkSameBins(expected, actual);
  const e = normalise(expected);
  const a = normalise(actual);
  let js = 0;
  for (let k = 0; k < e.length; k++) {
    const m = (e[k] + a[k]) / 2;
    if (e[k] > 0) js += 0.5 * e[k] * Math.log2(e[k] / m);
    if (a[k] > 0) js += 0.5 * a[k] * Math.log2(a[k] / m);
  }
  return Math.max(0, js);
}

/** Shares of values per bin: value bins by the edges, then the missing bin. */
function binShares(edges: readonly number[], values: ArrayLike<number>): number[] {
  const counts = new Array<number>(edges.length + 2).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      counts[edges.length + 1]++;
      continue;
    }
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v < edges[mid]) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]++;
  }
  return counts.map((c) => (values.length > 0 ? c / values.length : 0));
}

function smooth(shares: readonly number[]): number[] {
  return normalise(shares.map((s) => s + EPSILON));
}

function normalise(shares: readonly number[]): number[] {
  const total = shares.reduce((a, b) => a + b, 0);
  return shares.map((s) => (total > 0 ? s / total : 0));
}

function checkSameBins(expected: readonly number[], actual: readonly number[]): void {
  if (expected.length !== actual.length || expected.length === 0) {
    throw new HomeforgeError(
      "drift bins",
      `${expected.length} expected and ${actual.length} actual shares`,
      "compare shares over the same bins (from one snapshot)",
    );
  }
}
