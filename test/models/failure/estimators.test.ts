import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ColumnTable } from "../../../lib/core/columnTable.js";
import { prAuc } from "../../../lib/models/evaluation/metrics.js";
import {
  FIXED_RULE_THRESHOLD,
  FixedRuleBaseline,
  fixedRuleScores,
  LogisticRegressionBaseline,
} from "../../../lib/models/failure/baselines.js";
import type { FailureEstimator } from "../../../lib/models/failure/estimator.js";
import { FailureClassifier } from "../../../lib/models/failure/failureClassifier.js";
import { splitHomes, splitRows } from "../../../lib/models/split.js";
import { selectRows } from "../../../lib/models/tableInput.js";
import { makeTelemetryFixture } from "../../helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const table = makeTelemetryFixture({ seed: 8, homes: 14, days: 16, devicesPerHome: 4 });
const ids = table.columns.home_id as string[];
const rows = splitRows(splitHomes(ids, table.columns.home_type as string[], { seed: 2 }), ids);
const [train, validation, held]: ColumnTable[] = [rows.train, rows.validation, rows.test].map((r) =>
  selectRows(table, r),
);
const labels = held.columns.fails_within_7d as Int32Array;
const small = { epochs: 2, seed: 1 };

// the same code for every estimator: construct → fit → predictProba / predict / score → save → load
const estimators: [string, () => FailureEstimator, (dir: string) => Promise<FailureEstimator>][] = [
  ["FixedRuleBaseline", () => new FixedRuleBaseline(), (dir) => FixedRuleBaseline.load(dir)],
  [
    "LogisticRegressionBaseline",
    () => new LogisticRegressionBaseline(small),
    (dir) => LogisticRegressionBaseline.load(dir),
  ],
  [
    "FailureClassifier",
    () => new FailureClassifier({ ...small, hiddenUnits: [4] }),
    (dir) => FailureClassifier.load(dir),
  ],
];

for (const [name, make, load] of estimators) {
  test(`${name}: fit returns the estimator; predictProba, predict, score, save/load; state read-only`, async () => {
    const unfitted = make();
    assert.not.ok(unfitted.fitted);
    assert.throws(() => unfitted.predictProba(held), /is not fitted; call fit\(\) or load\(\) first/);
    const model = await unfitted.fit(train, { validation });
    assert.is(model, unfitted, "fit returns this");
    assert.ok(model.fitted);
    const proba = model.predictProba(held);
    assert.is(proba.length, held.rows);
    assert.ok(proba.every((p) => p >= 0 && p <= 1));
    assert.equal(
      Array.from(model.predict(held)),
      Array.from(proba, (p) => (p >= model.threshold ? 1 : 0)),
    );
    assert.is(model.score(held), prAuc(labels, proba), "score is average precision (PR-AUC)");
    assert.throws(() => {
      (model.params as { seed?: number }).seed = 99;
    }, TypeError);
    assert.throws(() => {
      (model as { threshold: number }).threshold = 0.01;
    }, TypeError);
    const dir = tempDir();
    try {
      await model.save(dir);
      const loaded = await load(dir);
      assert.equal(Array.from(loaded.predictProba(held)), Array.from(proba));
      assert.is(loaded.threshold, model.threshold);
      loaded.dispose();
    } finally {
      removeDir(dir);
      model.dispose();
    }
  });
}

test("FixedRuleBaseline scores exactly as the fixed rule; LogisticRegressionBaseline sees today's 11 features", async () => {
  const rule = await new FixedRuleBaseline().fit(train);
  assert.equal(Array.from(rule.predictProba(held)), Array.from(fixedRuleScores(held)));
  assert.is(rule.threshold, FIXED_RULE_THRESHOLD);
  const lr = await new LogisticRegressionBaseline(small).fit(train, { validation });
  assert.is(lr.featureNames.length, 11);
  assert.equal(lr.params.hiddenUnits, []);
  lr.dispose();
});

test.run();
