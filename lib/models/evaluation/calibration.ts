import { HomeforgeError } from "../../core/errors.js";

/**
 * Probability calibration for binary classifiers, on plain arrays (labels 0/1, probabilities
 * in [0, 1]); no TensorFlow.js. Two calibrators in the scikit-learn manner (`fit(labels,
 * proba)` learns, `transform(proba)` maps, `toJSON()` / `calibratorFromJSON()` round-trip):
 *
 * - PlattCalibrator: calibrated = sigmoid(slope · logit(p) + intercept), fitted by Newton's
 *   method with a backtracking line search (Lin, Lin & Weng 2007, "A note on Platt's
 *   probabilistic outputs") on Platt's smoothed targets (N₊+1)/(N₊+2) and 1/(N₋+2), which
 *   keep a small sample from pushing the fit to 0 or 1. Strictly increasing when slope > 0,
 *   so it leaves every ranking metric alone.
 * - IsotonicCalibrator: the non-decreasing step fit of the labels on p by pool-adjacent-
 *   violators, predicted by linear interpolation between the fitted points (scikit-learn's
 *   IsotonicRegression with out_of_bounds = "clip"). Any monotone distortion, but it creates
 *   ties, so PR-AUC and ROC-AUC can move.
 *
 * And the measures: Brier score, expected calibration error and the reliability curve.
 */

export type CalibrationMethod = "platt" | "isotonic";

export interface FittedOn {
  rows: number;
  positives: number;
}

export interface PlattJSON {
  method: "platt";
  slope: number;
  intercept: number;
  fitted_on: FittedOn;
}

export interface IsotonicJSON {
  method: "isotonic";
  /** Increasing probabilities at which the fit is known … */
  x: number[];
  /** … and the non-decreasing calibrated probability there. */
  y: number[];
  fitted_on: FittedOn;
}

export type CalibratorJSON = PlattJSON | IsotonicJSON;

export interface Calibrator {
  readonly method: CalibrationMethod;
  readonly fitted: boolean;
  fit(labels: ArrayLike<number>, proba: ArrayLike<number>): this;
  transform(proba: ArrayLike<number>): Float64Array;
  toJSON(): CalibratorJSON;
}

const LOGIT_EPS = 1e-12;

function logit(p: number): number {
  const q = Math.min(1 - LOGIT_EPS, Math.max(LOGIT_EPS, p));
  return Math.log(q / (1 - q));
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Checks labels and probabilities; returns the counts the fits record. */
function checkInputs(labels: ArrayLike<number>, proba: ArrayLike<number>, what: string): FittedOn {
  if (labels.length !== proba.length)
    throw new HomeforgeError(
      what,
      `${labels.length} labels for ${proba.length} probabilities`,
      "pass one label per probability",
    );
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1)
      throw new HomeforgeError(
        what,
        `label ${i} is ${y}, not 0 or 1`,
        "pass binary labels (fails_within_7d)",
      );
    const p = proba[i];
    if (!(p >= 0 && p <= 1))
      throw new HomeforgeError(
        what,
        `probability ${i} is ${p}, outside [0, 1]`,
        "pass probabilities, not raw scores or logits",
      );
    positives += y;
  }
  return { rows: labels.length, positives };
}

function requireBothClasses(on: FittedOn, what: string): void {
  if (on.positives === 0 || on.positives === on.rows)
    throw new HomeforgeError(
      what,
      `the fitting rows hold ${on.positives} positive and ${on.rows - on.positives} negative labels; both classes are needed`,
      "calibrate on rows with both outcomes (more validation homes), or skip calibration",
    );
}

function notFitted(what: string): never {
  throw new HomeforgeError(what, "the calibrator is not fitted", "call fit() or calibratorFromJSON() first");
}

/** Platt scaling: a logistic regression of the label on logit(p). */
export class PlattCalibrator implements Calibrator {
  readonly method = "platt" as const;
  #slope = Number.NaN;
  #intercept = Number.NaN;
  #fittedOn: FittedOn | null = null;

  get fitted(): boolean {
    return this.#fittedOn !== null;
  }
  get slope(): number {
    return this.#slope;
  }
  get intercept(): number {
    return this.#intercept;
  }

  fit(labels: ArrayLike<number>, proba: ArrayLike<number>): this {
    const on = checkInputs(labels, proba, "platt calibration");
    requireBothClasses(on, "platt calibration");
    const f = Float64Array.from(proba, logit);
    const hi = (on.positives + 1) / (on.positives + 2);
    const lo = 1 / (on.rows - on.positives + 2);
    const t = Float64Array.from(labels, (y) => (y === 1 ? hi : lo));
    const { slope, intercept } = newtonPlatt(f, t, on);
    this.#slope = slope;
    this.#intercept = intercept;
    this.#fittedOn = on;
    return this;
  }

  transform(proba: ArrayLike<number>): Float64Array {
    if (!this.#fittedOn) notFitted("platt calibration");
    const a = this.#slope;
    const b = this.#intercept;
    return Float64Array.from(proba, (p) => sigmoid(a * logit(p) + b));
  }

  toJSON(): PlattJSON {
    if (!this.#fittedOn) notFitted("platt calibration");
    return {
      method: "platt",
      slope: this.#slope,
      intercept: this.#intercept,
      fitted_on: { ...this.#fittedOn },
    };
  }

  static fromJSON(json: PlattJSON): PlattCalibrator {
    if (!Number.isFinite(json.slope) || !Number.isFinite(json.intercept))
      throw new HomeforgeError(
        "platt calibration",
        "slope and intercept must be finite numbers",
        "save the calibrator again",
      );
    const c = new PlattCalibrator();
    c.#slope = json.slope;
    c.#intercept = json.intercept;
    c.#fittedOn = { ...json.fitted_on };
    return c;
  }
}

/**
 * Minimises the cross-entropy of targets t against sigmoid(a·f + b) (Lin, Lin & Weng's
 * algorithm in the a, b = −A, −B sign convention): Newton steps on a Hessian with a tiny
 * ridge, halved until the objective decreases enough.
 */
function newtonPlatt(f: Float64Array, t: Float64Array, on: FittedOn): { slope: number; intercept: number } {
  const objective = (a: number, b: number) => {
    let sum = 0;
    for (let i = 0; i < f.length; i++) {
      const z = a * f[i] + b;
      // −[t log σ(z) + (1 − t) log(1 − σ(z))], stable for either sign of z
      sum += z >= 0 ? (1 - t[i]) * z + Math.log1p(Math.exp(-z)) : -t[i] * z + Math.log1p(Math.exp(z));
    }
    return sum;
  };
  let a = 0;
  let b = Math.log((on.positives + 1) / (on.rows - on.positives + 1));
  let value = objective(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < f.length; i++) {
      const p = sigmoid(a * f[i] + b);
      const d2 = p * (1 - p);
      h11 += f[i] * f[i] * d2;
      h22 += d2;
      h21 += f[i] * d2;
      const d1 = p - t[i];
      g1 += f[i] * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-9 * f.length && Math.abs(g2) < 1e-9 * f.length) break;
    const det = h11 * h22 - h21 * h21;
    const da = -(h22 * g1 - h21 * g2) / det;
    const db = -(-h21 * g1 + h11 * g2) / det;
    const descent = g1 * da + g2 * db;
    let step = 1;
    let moved = false;
    for (; step >= 1e-10; step /= 2) {
      const next = objective(a + step * da, b + step * db);
      if (next < value + 1e-4 * step * descent) {
        a += step * da;
        b += step * db;
        value = next;
        moved = true;
        break;
      }
    }
    if (!moved) break;
  }
  return { slope: a, intercept: b };
}

/**
 * Weighted isotonic (non-decreasing) least-squares fit of `y` in the given order, by
 * pool-adjacent-violators: a value below its left neighbour's block pools with it, and the
 * pooled block takes the weighted mean. Returns the fitted value per position.
 */
export function poolAdjacentViolators(y: ArrayLike<number>, weights?: ArrayLike<number>): Float64Array {
  const n = y.length;
  const sums: number[] = [];
  const ws: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    sums.push(w * y[i]);
    ws.push(w);
    ends.push(i + 1);
    while (sums.length > 1) {
      const k = sums.length - 1;
      if (sums[k - 1] / ws[k - 1] < sums[k] / ws[k]) break;
      sums[k - 1] += sums[k];
      ws[k - 1] += ws[k];
      ends[k - 1] = ends[k];
      sums.pop();
      ws.pop();
      ends.pop();
    }
  }
  const out = new Float64Array(n);
  let start = 0;
  for (let k = 0; k < sums.length; k++) {
    out.fill(sums[k] / ws[k], start, ends[k]);
    start = ends[k];
  }
  return out;
}

/** Isotonic regression of the label on p, interpolated linearly between fitted points. */
export class IsotonicCalibrator implements Calibrator {
  readonly method = "isotonic" as const;
  #x: number[] = [];
  #y: number[] = [];
  #fittedOn: FittedOn | null = null;

  get fitted(): boolean {
    return this.#fittedOn !== null;
  }
  /** The fitted points (increasing x, non-decreasing y). */
  get points(): { x: readonly number[]; y: readonly number[] } {
    return { x: this.#x, y: this.#y };
  }

  fit(labels: ArrayLike<number>, proba: ArrayLike<number>): this {
    const on = checkInputs(labels, proba, "isotonic calibration");
    requireBothClasses(on, "isotonic calibration");
    const order = Int32Array.from({ length: proba.length }, (_, i) => i).sort(
      (i, j) => proba[i] - proba[j] || i - j,
    );
    // one point per distinct probability, weighted by its rows, at its mean label
    const xs: number[] = [];
    const means: number[] = [];
    const counts: number[] = [];
    for (const i of order) {
      const last = xs.length - 1;
      if (last >= 0 && xs[last] === proba[i]) {
        means[last] += labels[i];
        counts[last]++;
      } else {
        xs.push(proba[i]);
        means.push(labels[i]);
        counts.push(1);
      }
    }
    for (let k = 0; k < xs.length; k++) means[k] /= counts[k];
    const fittedY = poolAdjacentViolators(means, counts);
    // keep the first and last point of each constant run: interpolation inside a run is flat anyway
    const x: number[] = [];
    const y: number[] = [];
    for (let k = 0; k < xs.length; k++) {
      const sameAsPrevious = k > 0 && fittedY[k] === fittedY[k - 1];
      const sameAsNext = k + 1 < xs.length && fittedY[k] === fittedY[k + 1];
      if (sameAsPrevious && sameAsNext) continue;
      x.push(xs[k]);
      y.push(fittedY[k]);
    }
    this.#x = x;
    this.#y = y;
    this.#fittedOn = on;
    return this;
  }

  transform(proba: ArrayLike<number>): Float64Array {
    if (!this.#fittedOn) notFitted("isotonic calibration");
    const x = this.#x;
    const y = this.#y;
    const last = x.length - 1;
    return Float64Array.from(proba, (p) => {
      if (!(p > x[0])) return y[0];
      if (p >= x[last]) return y[last];
      // the last fitted x at or below p
      const lo = lastAtOrBelow(x, p, last);
      const hi = lo + 1;
      return y[lo] + ((y[hi] - y[lo]) * (p - x[lo])) / (x[hi] - x[lo]);
    });
  }

  toJSON(): IsotonicJSON {
    if (!this.#fittedOn) notFitted("isotonic calibration");
    return { method: "isotonic", x: [...this.#x], y: [...this.#y], fitted_on: { ...this.#fittedOn } };
  }

  static fromJSON(json: IsotonicJSON): IsotonicCalibrator {
    const { x, y } = json;
    const valid =
      Array.isArray(x) &&
      Array.isArray(y) &&
      x.length > 0 &&
      x.length === y.length &&
      x.every((v, k) => Number.isFinite(v) && (k === 0 || v > x[k - 1])) &&
      y.every((v, k) => Number.isFinite(v) && (k === 0 || v >= y[k - 1]));
    if (!valid)
      throw new HomeforgeError(
        "isotonic calibration",
        "x must be increasing and y non-decreasing, of one length ≥ 1",
        "save the calibrator again",
      );
    const c = new IsotonicCalibrator();
    c.#x = [...x];
    c.#y = [...y];
    c.#fittedOn = { ...json.fitted_on };
    return c;
  }
}

/** A new, unfitted calibrator of the given method. */
export function makeCalibrator(method: CalibrationMethod): Calibrator {
  if (method === "platt") return new PlattCalibrator();
  if (method === "isotonic") return new IsotonicCalibrator();
  throw new HomeforgeError(
    "calibration",
    `unknown method ${JSON.stringify(method)}`,
    'use "platt" or "isotonic"',
  );
}

/** The calibrator a `toJSON()` wrote. */
export function calibratorFromJSON(json: CalibratorJSON): Calibrator {
  if (json?.method === "platt") return PlattCalibrator.fromJSON(json);
  if (json?.method === "isotonic") return IsotonicCalibrator.fromJSON(json);
  throw new HomeforgeError(
    "calibration",
    `unknown calibrator method ${JSON.stringify((json as { method?: unknown })?.method)}`,
    'expected "platt" or "isotonic"; save the model again',
  );
}

// ---- measures ------------------------------------------------------------------------

/**
 * "uniform": equal-width bins [0, 0.1), [0.1, 0.2), … [0.9, 1] (the usual ECE);
 * "quantile": equal-mass bins, edges at the quantiles of p (rows with one p stay in one bin,
 * so heavy ties give fewer, unequal bins). At a 2–5 % failure rate most rows sit in the first
 * uniform bin; the quantile variant spreads the bins where the rows are.
 */
export type BinStrategy = "uniform" | "quantile";

export interface ReliabilityPoint {
  bin_lo: number;
  bin_hi: number;
  mean_predicted: number;
  observed_rate: number;
  /** Rows in the bin (the sum of their weights when weighted). */
  count: number;
}

export interface BinOptions {
  strategy?: BinStrategy;
  /** Row weights (e.g. a bootstrap resample's multiplicities); every row once by default. */
  weights?: ArrayLike<number>;
}

/** Mean squared difference between probability and outcome (lower is better; 0.25 is a coin at 0.5). */
export function brierScore(
  labels: ArrayLike<number>,
  proba: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  if (labels.length !== proba.length)
    throw new RangeError(`${proba.length} probabilities for ${labels.length} labels`);
  let sum = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weights ? weights[i] : 1;
    const d = proba[i] - labels[i];
    sum += w * d * d;
    total += w;
  }
  return total > 0 ? sum / total : Number.NaN;
}

/** Bin edges (bins + 1 increasing values, fewer for tied quantiles). */
function binEdges(proba: ArrayLike<number>, bins: number, strategy: BinStrategy): number[] {
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`bins must be a whole number ≥ 1, got ${bins}`);
  if (strategy === "uniform") return Array.from({ length: bins + 1 }, (_, k) => k / bins);
  const sorted = Float64Array.from(proba).sort();
  const n = sorted.length;
  if (n === 0) return [0, 1];
  // a new bin starts at the first new value once the current one holds its share of rows
  const edges = [sorted[0]];
  let next = 1;
  for (let i = 1; i < n && edges.length < bins; i++) {
    if (i >= (next * n) / bins && sorted[i] > sorted[i - 1]) {
      edges.push(sorted[i]);
      next = Math.floor((i * bins) / n) + 1;
    }
  }
  edges.push(sorted[n - 1]);
  return edges;
}

/** p's bin of `bins` equal-width bins of [0, 1]: [k/bins, (k+1)/bins), the last closed. */
export function equalWidthBin(p: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
}

/** Index of p's bin: [edge_k, edge_k+1), the last bin closed. */
function binOf(p: number, edges: number[], strategy: BinStrategy): number {
  const bins = edges.length - 1;
  if (strategy === "uniform") return equalWidthBin(p, bins);
  return lastAtOrBelow(edges, p, bins);
}

/** The last index k < end with sorted[k] ≤ p (sorted increasing, sorted[0] ≤ p assumed; 0 otherwise). */
function lastAtOrBelow(sorted: ArrayLike<number>, p: number, end: number): number {
  let lo = 0;
  let hi = end;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= p) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The reliability curve: per non-empty bin, the mean predicted probability and the observed
 * positive rate (a calibrated model lies on the diagonal). Empty bins are left out.
 */
export function reliabilityCurve(
  labels: ArrayLike<number>,
  proba: ArrayLike<number>,
  bins = 10,
  options: BinOptions = {},
): ReliabilityPoint[] {
  if (labels.length !== proba.length)
    throw new RangeError(`${proba.length} probabilities for ${labels.length} labels`);
  const strategy = options.strategy ?? "uniform";
  const edges = binEdges(proba, bins, strategy);
  const k = edges.length - 1;
  const count = new Float64Array(k);
  const predicted = new Float64Array(k);
  const observed = new Float64Array(k);
  const { weights } = options;
  for (let i = 0; i < labels.length; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    const b = binOf(proba[i], edges, strategy);
    count[b] += w;
    predicted[b] += w * proba[i];
    observed[b] += w * labels[i];
  }
  const points: ReliabilityPoint[] = [];
  for (let b = 0; b < k; b++) {
    if (count[b] === 0) continue;
    points.push({
      bin_lo: edges[b],
      bin_hi: edges[b + 1],
      mean_predicted: predicted[b] / count[b],
      observed_rate: observed[b] / count[b],
      count: count[b],
    });
  }
  return points;
}

/**
 * Expected calibration error: Σ_bins (rows in bin / rows) · |mean predicted − observed rate|,
 * over `bins` equal-width bins of [0, 1] by default (see BinStrategy). 0 for a calibrated
 * model up to sampling noise, which grows as bins get sparse; NaN for no rows.
 */
export function expectedCalibrationError(
  labels: ArrayLike<number>,
  proba: ArrayLike<number>,
  bins = 10,
  options: BinOptions = {},
): number {
  const points = reliabilityCurve(labels, proba, bins, options);
  let total = 0;
  let gap = 0;
  for (const p of points) {
    total += p.count;
    gap += p.count * Math.abs(p.mean_predicted - p.observed_rate);
  }
  return total > 0 ? gap / total : Number.NaN;
}

/** What a training run reports about a model's calibration on one block of rows. */
export interface CalibrationReport {
  method: CalibrationMethod | "none";
  brier: number;
  ece: number;
  /** The same measures on the raw (uncalibrated) network output, when it differs. */
  uncalibrated?: { brier: number; ece: number; ece_equal_mass: number };
  /** ECE over 10 equal-mass bins: at a ~1 % failure rate most rows share the first equal-width bin. */
  ece_equal_mass: number;
  /** Equal-width reliability points (10 bins) of the calibrated probabilities. */
  reliability: ReliabilityPoint[];
  /** The same over 10 equal-mass bins (where the rows are). */
  reliability_equal_mass: ReliabilityPoint[];
}

export const CALIBRATION_BINS = 10;

export function calibrationReport(
  labels: ArrayLike<number>,
  proba: ArrayLike<number>,
  method: CalibrationReport["method"],
  raw?: ArrayLike<number>,
): CalibrationReport {
  return {
    method,
    brier: brierScore(labels, proba),
    ece: expectedCalibrationError(labels, proba, CALIBRATION_BINS),
    ...(raw && method !== "none"
      ? {
          uncalibrated: {
            brier: brierScore(labels, raw),
            ece: expectedCalibrationError(labels, raw, CALIBRATION_BINS),
            ece_equal_mass: expectedCalibrationError(labels, raw, CALIBRATION_BINS, { strategy: "quantile" }),
          },
        }
      : {}),
    ece_equal_mass: expectedCalibrationError(labels, proba, CALIBRATION_BINS, { strategy: "quantile" }),
    reliability: reliabilityCurve(labels, proba, CALIBRATION_BINS),
    reliability_equal_mass: reliabilityCurve(labels, proba, CALIBRATION_BINS, { strategy: "quantile" }),
  };
}
