import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../lib/core/random.js";
import { bootstrapMetrics } from "../../../lib/models/evaluation/bootstrap.js";
import {
  brierScore,
  calibratorFromJSON,
  expectedCalibrationError,
  IsotonicCalibrator,
  makeCalibrator,
  PlattCalibrator,
  poolAdjacentViolators,
  reliabilityCurve,
} from "../../../lib/models/evaluation/calibration.js";
import { rocAuc } from "../../../lib/models/evaluation/metrics.js";

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** n rows with true probability p ~ U(0.01, 0.99) and a label drawn from it. */
function sample(n: number, seed: number) {
  const rng = new Rng(seed);
  const truth = new Float64Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = rng.uniform(0.01, 0.99);
    labels[i] = rng.bernoulli(truth[i]) ? 1 : 0;
  }
  return { truth, labels };
}

const maxGap = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

test("Brier score and ECE on hand-computed cases", () => {
  assert.ok(Math.abs(brierScore([1, 0], [0.8, 0.4]) - 0.1) < 1e-12);
  assert.is(brierScore([1, 0, 1], [1, 0, 1]), 0);
  // two bins used: [0.2,0.3): p 0.2, 0.2, outcome 0, 1 → gap 0.3; [0.9,1]: p 0.9, outcome 1 → gap 0.1
  const ece = expectedCalibrationError([0, 1, 1], [0.2, 0.2, 0.9]);
  assert.ok(Math.abs(ece - (2 * 0.3 + 0.1) / 3) < 1e-12, String(ece));
  assert.ok(Number.isNaN(expectedCalibrationError([], [])));
  // weights act like duplicated rows
  assert.ok(
    Math.abs(
      expectedCalibrationError([0, 1, 1], [0.2, 0.2, 0.9], 10, { weights: [2, 0, 1] }) -
        expectedCalibrationError([0, 0, 1], [0.2, 0.2, 0.9]),
    ) < 1e-12,
  );
  assert.ok(Math.abs(brierScore([1, 0], [0.8, 0.4], [3, 1]) - (3 * 0.04 + 0.16) / 4) < 1e-12);
});

test("reliability curve: equal-width bins, empty bins left out, points carry counts", () => {
  const points = reliabilityCurve([0, 1, 1, 0], [0.05, 0.15, 0.95, 1], 10);
  assert.equal(
    points.map((p) => [p.bin_lo, p.count]),
    [
      [0, 1],
      [0.1, 1],
      [0.9, 2],
    ],
  );
  assert.ok(Math.abs(points[2].mean_predicted - 0.975) < 1e-12);
  assert.is(points[2].observed_rate, 0.5);
  assert.is(points[2].bin_hi, 1);
});

test("a perfectly calibrated sample has ECE ≈ 0; a distorted one does not", () => {
  const { truth, labels } = sample(20000, 1);
  const calibrated = expectedCalibrationError(labels, truth);
  assert.ok(calibrated < 0.02, `ECE ${calibrated}`);
  assert.ok(expectedCalibrationError(labels, truth, 10, { strategy: "quantile" }) < 0.02);
  const squared = Float64Array.from(truth, (p) => p * p);
  assert.ok(expectedCalibrationError(labels, squared) > 0.1, "p² is miscalibrated");
  assert.ok(brierScore(labels, squared) > brierScore(labels, truth));
});

test("equal-mass bins hold about the same number of rows; tied probabilities stay in one bin", () => {
  const { truth, labels } = sample(1000, 2);
  const points = reliabilityCurve(labels, truth, 5, { strategy: "quantile" });
  assert.is(points.length, 5);
  for (const p of points) assert.ok(Math.abs(p.count - 200) <= 1, String(p.count));
  const tied = reliabilityCurve([0, 1, 0, 1, 1], [0.3, 0.3, 0.3, 0.3, 0.8], 4, { strategy: "quantile" });
  assert.equal(
    tied.map((p) => p.count),
    [4, 1],
  );
});

test("pool-adjacent-violators is monotone and matches a brute-force search on small cases", () => {
  const rng = new Rng(5);
  for (let trial = 0; trial < 40; trial++) {
    const n = 1 + (trial % 8);
    const y = Array.from({ length: n }, () => Math.round(rng.uniform(0, 10)) / 10);
    const w = Array.from({ length: n }, () => 1 + Math.floor(rng.uniform(0, 3)));
    const fit = poolAdjacentViolators(y, w);
    for (let i = 1; i < n; i++) assert.ok(fit[i] >= fit[i - 1] - 1e-12, `monotone ${fit}`);
    assert.ok(maxGap(fit, bruteForceIsotonic(y, w)) < 1e-9, `${y} → ${fit} vs ${bruteForceIsotonic(y, w)}`);
  }
  assert.equal(Array.from(poolAdjacentViolators([1, 3, 2, 4])), [1, 2.5, 2.5, 4]);
});

/** Best monotone fit over every partition into contiguous blocks, each at its weighted mean. */
function bruteForceIsotonic(y: number[], w: number[]): number[] {
  const n = y.length;
  let best: number[] = [];
  let bestLoss = Number.POSITIVE_INFINITY;
  for (let cuts = 0; cuts < 2 ** (n - 1); cuts++) {
    const fit: number[] = [];
    let start = 0;
    for (let i = 0; i < n; i++) {
      if (i === n - 1 || cuts & (1 << i)) {
        let s = 0;
        let ws = 0;
        for (let j = start; j <= i; j++) {
          s += w[j] * y[j];
          ws += w[j];
        }
        for (let j = start; j <= i; j++) fit.push(s / ws);
        start = i + 1;
      }
    }
    if (fit.some((v, i) => i > 0 && v < fit[i - 1])) continue;
    const loss = fit.reduce((acc, v, i) => acc + w[i] * (v - y[i]) ** 2, 0);
    if (loss < bestLoss - 1e-12) {
      bestLoss = loss;
      best = fit;
    }
  }
  return best;
}

test("isotonic regression corrects the monotone distortion p²", () => {
  const { truth, labels } = sample(20000, 3);
  const raw = Float64Array.from(truth, (p) => p * p);
  const iso = new IsotonicCalibrator().fit(labels, raw);
  const fresh = sample(20000, 4);
  const freshRaw = Float64Array.from(fresh.truth, (p) => p * p);
  const out = iso.transform(freshRaw);
  const before = expectedCalibrationError(fresh.labels, freshRaw);
  const after = expectedCalibrationError(fresh.labels, out);
  assert.ok(before > 0.1 && after < 0.03, `ECE ${before} → ${after} on fresh rows`);
  assert.ok(brierScore(fresh.labels, out) < brierScore(fresh.labels, freshRaw));
  // the mapping is ≈ √p and never decreasing
  const grid = Float64Array.from({ length: 99 }, (_, k) => ((k + 1) / 100) ** 2);
  const mapped = iso.transform(grid);
  for (let k = 1; k < mapped.length; k++) assert.ok(mapped[k] >= mapped[k - 1]);
  assert.ok(maxGap(mapped.subarray(10, 90), Float64Array.from(grid.subarray(10, 90), Math.sqrt)) < 0.08);
  // outside the fitted range it clips to the end values
  assert.is(iso.transform([0])[0], iso.points.y[0]);
  assert.is(iso.transform([1])[0], iso.points.y[iso.points.y.length - 1]);
});

test("Platt scaling recovers a logit-linear distortion and keeps the ranking", () => {
  const { truth, labels } = sample(20000, 6);
  // overconfident and shifted: raw = σ(3·logit(p) − 1)
  const raw = Float64Array.from(truth, (p) => sigmoid(3 * logit(p) - 1));
  const platt = new PlattCalibrator().fit(labels, raw);
  // calibrated = σ(a·logit(raw) + b) ≈ p ⇒ a ≈ 1/3, b ≈ 1/3
  assert.ok(Math.abs(platt.slope - 1 / 3) < 0.03, `slope ${platt.slope}`);
  assert.ok(Math.abs(platt.intercept - 1 / 3) < 0.06, `intercept ${platt.intercept}`);
  const out = platt.transform(raw);
  const before = expectedCalibrationError(labels, raw);
  const after = expectedCalibrationError(labels, out);
  assert.ok(before > 0.05 && after < 0.02, `ECE ${before} → ${after}`);
  assert.is(rocAuc(labels, out), rocAuc(labels, raw), "monotone: ROC-AUC unchanged");
});

test("Platt's target smoothing keeps a separable sample away from 0 and 1", () => {
  const labels = [0, 0, 0, 1, 1, 1];
  const proba = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9];
  const out = new PlattCalibrator().fit(labels, proba).transform(proba);
  assert.ok(Number.isFinite(out[0]) && out[0] > 0.1 && out[5] < 0.9, String(Array.from(out)));
  assert.ok(out[5] > 0.5 && out[0] < 0.5);
});

test("JSON round trip gives identical transforms, for both methods", () => {
  const { truth, labels } = sample(3000, 7);
  const raw = Float64Array.from(truth, (p) => p ** 1.7);
  for (const method of ["platt", "isotonic"] as const) {
    const fitted = makeCalibrator(method).fit(labels, raw);
    const back = calibratorFromJSON(JSON.parse(JSON.stringify(fitted.toJSON())));
    assert.is(back.method, method);
    assert.equal(Array.from(back.transform(raw)), Array.from(fitted.transform(raw)));
    assert.equal(back.toJSON(), fitted.toJSON());
  }
});

test("bad input is a one-line error naming what is wrong", () => {
  assert.throws(
    () => new PlattCalibrator().fit([0, 1], [0.5]),
    /platt calibration: 2 labels for 1 probabilities/,
  );
  assert.throws(() => new IsotonicCalibrator().fit([0, 2], [0.1, 0.5]), /label 1 is 2, not 0 or 1/);
  assert.throws(() => new PlattCalibrator().fit([0, 1], [0.1, 3]), /outside \[0, 1\]; pass probabilities/);
  assert.throws(() => new PlattCalibrator().fit([0, 0], [0.1, 0.2]), /both classes are needed/);
  assert.throws(() => new PlattCalibrator().transform([0.5]), /not fitted/);
  assert.throws(() => calibratorFromJSON({ method: "beta" } as never), /unknown calibrator method "beta"/);
  assert.throws(
    () =>
      calibratorFromJSON({
        method: "isotonic",
        x: [0.5, 0.2],
        y: [0, 1],
        fitted_on: { rows: 2, positives: 1 },
      }),
    /x must be increasing/,
  );
});

test("bootstrap intervals of Brier and ECE: the estimate is the full-row value; a resample equals duplicated homes", () => {
  const { truth, labels } = sample(600, 8);
  const homes = Array.from({ length: 600 }, (_, i) => `h${i % 30}`);
  const model = { scores: truth, threshold: 0.5 };
  const all = bootstrapMetrics({ labels, homes }, model, ["brier", "ece"], { seed: 1, resamples: 200 });
  assert.ok(Math.abs(all.brier.estimate - brierScore(labels, truth)) < 1e-12);
  assert.ok(Math.abs(all.ece.estimate - expectedCalibrationError(labels, truth)) < 1e-12);
  assert.ok(all.brier.lo < all.brier.estimate && all.brier.estimate < all.brier.hi);
  assert.ok(all.ece.lo < all.ece.hi);
  // one resample of two homes, rebuilt by hand
  const rows = { labels: [1, 0, 0, 1, 0, 1], homes: ["a", "a", "a", "b", "b", "b"] };
  const scores = [0.9, 0.8, 0.1, 0.4, 0.45, 0.7];
  const probe = new Rng(3);
  const counts = [0, 0];
  for (let d = 0; d < 2; d++) counts[Math.floor(probe.next() * 2)]++;
  const idx: number[] = [];
  for (let i = 0; i < 6; i++) for (let c = 0; c < counts[i < 3 ? 0 : 1]; c++) idx.push(i);
  const one = bootstrapMetrics(rows, { scores, threshold: 0.5 }, ["brier", "ece"], {
    rng: new Rng(3),
    resamples: 1,
  });
  const l = idx.map((i) => rows.labels[i]);
  const p = idx.map((i) => scores[i]);
  assert.ok(Math.abs(one.brier.lo - brierScore(l, p)) < 1e-12);
  assert.ok(Math.abs(one.ece.lo - expectedCalibrationError(l, p)) < 1e-12);
});

test.run();
