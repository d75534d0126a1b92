/** The plain-JS forward pass equals the classifier's own predictProba on real telemetry rows. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  FailureClassifier,
  type FailureClassifierParams,
} from "../../lib/models/failure/failureClassifier.js";
import { FastScorer, fastScorerFor, rawRows, scoreRows } from "../../lib/serving/fastScorer.js";
import { SERVING_TYPES } from "../helpers/servingRegistry.js";
import { makeTelemetryFixture } from "../helpers/telemetryFixture.js";

const telemetry = makeTelemetryFixture({
  seed: 32,
  homes: 10,
  days: 20,
  devicesPerHome: 4,
  homeTypes: SERVING_TYPES,
});
const allRows = Array.from({ length: telemetry.rows }, (_, i) => i);

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const CASES: [string, Partial<FailureClassifierParams>][] = [
  ["the default MLP, Platt-calibrated", { epochs: 2, seed: 5 }],
  [
    "logistic regression (no hidden layer), uncalibrated",
    { epochs: 2, seed: 6, hiddenUnits: [], calibration: "none" },
  ],
  ["one hidden layer, Platt", { epochs: 2, seed: 7, hiddenUnits: [5] }],
];
for (const [label, params] of CASES) {
  test(`${label}: within 1e-6 of predictProba on every row`, async () => {
    const classifier = await new FailureClassifier(params).fit(telemetry);
    try {
      const scorer = fastScorerFor(classifier)!;
      assert.ok(scorer, "served through the fast scorer");
      assert.is(scorer.inputs, classifier.featureNames.length);
      const fast = scoreRows(classifier, scorer, telemetry, allRows);
      const own = classifier.predictProba(telemetry);
      assert.is(fast.length, telemetry.rows);
      const diff = maxDifference(fast, own);
      assert.ok(diff < 1e-6, `max difference ${diff}`);
      // and the raw network output, before calibration
      assert.ok(
        maxDifference(rawRows(classifier, scorer, telemetry, allRows), classifier.predictRaw(telemetry)) <
          1e-6,
      );
      // not trivially equal: the scores spread
      assert.ok(Math.max(...own) - Math.min(...own) > 1e-3, "scores vary across rows");
    } finally {
      classifier.dispose();
    }
  });
}

test("isotonic calibration: the network matches, but the service scores through TF.js (steps amplify last-bit differences)", async () => {
  const classifier = await new FailureClassifier({ epochs: 2, seed: 6, calibration: "isotonic" }).fit(
    telemetry,
  );
  try {
    const raw = rawRows(classifier, FastScorer.fromClassifier(classifier), telemetry, allRows);
    assert.ok(maxDifference(raw, classifier.predictRaw(telemetry)) < 1e-6);
    assert.is(fastScorerFor(classifier), null);
  } finally {
    classifier.dispose();
  }
});

test("an unfitted classifier is refused with a one-line error", () => {
  assert.throws(
    () => FastScorer.fromClassifier(new FailureClassifier()),
    /model: the classifier is not fitted/,
  );
});

test.run();
