import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import * as dfd from "danfojs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ColumnTable } from "../../../lib/core/columnTable.js";
import { chooseBackend } from "../../../lib/models/backend.js";
import { binaryMetrics, chooseThreshold } from "../../../lib/models/evaluation/metrics.js";
import {
  FIXED_RULE_THRESHOLD,
  fixedRuleScores,
  LogisticRegressionBaseline,
} from "../../../lib/models/failure/baselines.js";
import { FailureClassifier } from "../../../lib/models/failure/failureClassifier.js";
import { buildFeatures } from "../../../lib/models/failure/features.js";
import { splitHomes, splitRows } from "../../../lib/models/split.js";
import { selectRows } from "../../../lib/models/tableInput.js";
import { tableToArrow } from "../../../lib/pipeline/storage/tableIO.js";
import { makeTelemetryFixture } from "../../helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const params = { epochs: 8, seed: 13, batchSize: 128 };

function splitFixture(table: ColumnTable) {
  const ids = table.columns.home_id as string[];
  const rows = splitRows(splitHomes(ids, table.columns.home_type as string[], { seed: 2 }), ids);
  return {
    rows,
    train: selectRows(table, rows.train),
    validation: selectRows(table, rows.validation),
    test: selectRows(table, rows.test),
  };
}

// small, for format and determinism checks
const table = makeTelemetryFixture({ seed: 21, homes: 18, days: 20, devicesPerHome: 4 });
const { rows, train, validation, test: test_ } = splitFixture(table);

async function weightsHash(c: FailureClassifier): Promise<string> {
  const dir = tempDir();
  try {
    await c.save(dir);
    return createHash("sha256")
      .update(readFileSync(join(dir, "weights.bin")))
      .digest("hex");
  } finally {
    removeDir(dir);
  }
}

function toDataFrame(t: ColumnTable): dfd.DataFrame {
  const data: Record<string, unknown[]> = {};
  for (const spec of t.schema.columns) {
    // danfo wants one dtype per column: nullable truth columns go in as strings
    data[spec.name] = Array.from(t.columns[spec.name] as ArrayLike<unknown>, (v) =>
      spec.role === "truth" ? String(v) : v,
    );
  }
  return new dfd.DataFrame(data);
}

let reference: { hash: string; threshold: number } | undefined;

test("same data + seed + backend ⇒ identical weight bytes; another seed ⇒ different ones", async () => {
  await chooseBackend();
  const a = await new FailureClassifier(params).fit(train, { validation });
  const b = await new FailureClassifier(params).fit(train, { validation });
  const c = await new FailureClassifier({ ...params, seed: 14 }).fit(train, { validation });
  reference = { hash: await weightsHash(a), threshold: a.threshold };
  assert.is(await weightsHash(b), reference.hash);
  assert.is(b.threshold, a.threshold);
  assert.is.not(await weightsHash(c), reference.hash);
  for (const m of [a, b, c]) m.dispose();
});

test("fit accepts an Arrow table and a danfo DataFrame and learns exactly what it learns from a ColumnTable", async () => {
  const arrowTrain = tableFromIPC(tableToArrow(train));
  const arrowValidation = tableFromIPC(tableToArrow(validation));
  const fromArrow = await new FailureClassifier(params).fit(arrowTrain, { validation: arrowValidation });
  assert.is(await weightsHash(fromArrow), reference!.hash);
  const fromDanfo = await new FailureClassifier(params).fit(toDataFrame(train), {
    validation: toDataFrame(validation),
  });
  assert.is(await weightsHash(fromDanfo), reference!.hash);
  fromArrow.dispose();
  fromDanfo.dispose();
});

test("on held-out homes the model beats the fixed rule on PR-AUC and F1; threshold comes from validation", async () => {
  // big enough (≈5 700 rows, 48 homes) that validation picks a threshold that transfers
  const {
    train,
    validation,
    test: held,
  } = splitFixture(makeTelemetryFixture({ seed: 23, homes: 48, days: 24, devicesPerHome: 5 }));
  const model = await new FailureClassifier({ ...params, epochs: 20 }).fit(train, { validation });
  const labels = held.columns.fails_within_7d as Int32Array;
  const m = binaryMetrics(labels, model.predictProba(held), model.threshold);
  const rule = binaryMetrics(labels, fixedRuleScores(held), FIXED_RULE_THRESHOLD);
  assert.ok(m.positives >= 20, `enough test positives (${m.positives})`);
  assert.ok(m.pr_auc > rule.pr_auc + 0.05, `PR-AUC ${m.pr_auc} vs rule ${rule.pr_auc}`);
  assert.ok(m.f1 > rule.f1, `F1 ${m.f1} vs rule ${rule.f1}`);
  const onValidation = chooseThreshold(
    validation.columns.fails_within_7d as Int32Array,
    model.predictProba(validation),
  );
  assert.is(model.threshold, onValidation.threshold);
  assert.equal(
    Array.from(model.predict(held)),
    Array.from(model.predictProba(held), (p) => (p >= model.threshold ? 1 : 0)),
  );
  model.dispose();
  const lr = await new LogisticRegressionBaseline(params).fit(train, { validation });
  assert.is(lr.featureNames.length, 11, "logistic regression sees today's 11 features only");
  assert.ok(
    binaryMetrics(labels, lr.predictProba(held), lr.threshold).roc_auc > 0.6,
    "logistic regression learns",
  );
  lr.dispose();
});

test("fit without validation data holds out whole homes for early stopping", async () => {
  const model = await new FailureClassifier(params).fit(table);
  const t = model.training!;
  assert.ok(t.validation_rows > 0 && t.train_rows + t.validation_rows === table.rows);
  assert.ok(t.epochs_run >= 1 && t.best_epoch >= 1 && t.best_epoch <= t.epochs_run);
  model.dispose();
});

test("save → load reproduces predictions exactly; features from a prepared set agree with the table path", async () => {
  const model = await new FailureClassifier(params).fit(train, { validation });
  const dir = tempDir();
  try {
    await model.save(dir);
    const loaded = await FailureClassifier.load(dir);
    assert.equal(Array.from(loaded.predictProba(test_)), Array.from(model.predictProba(test_)));
    assert.is(loaded.threshold, model.threshold);
    const { fails_within_7d: _l, days_to_failure: _d, failure_scenario: _s, ...unlabelled } = test_.columns;
    const scoring = { ...test_, columns: unlabelled };
    assert.equal(
      Array.from(model.predictProba(scoring)),
      Array.from(model.predictProba(test_)),
      "no label or truth needed to score",
    );
    const { error_rate: _e, ...lacking } = unlabelled;
    assert.throws(
      () => model.predictProba({ ...test_, columns: lacking }),
      /the table lacks telemetry column\(s\) error_rate/,
    );
    const set = buildFeatures(table, model.featureSpec!);
    assert.equal(Array.from(model.predictProba(set, rows.test)), Array.from(model.predictProba(test_)));
    loaded.dispose();
  } finally {
    removeDir(dir);
    model.dispose();
  }
});

test("a table lacking a class is refused with a clear message", async () => {
  const healthy = { ...train, columns: { ...train.columns, fails_within_7d: new Int32Array(train.rows) } };
  try {
    await new FailureClassifier(params).fit(healthy, { validation });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /0 failing and \d+ healthy device-days; both classes are needed/);
  }
});

test.run();
