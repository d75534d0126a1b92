import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import * as dfd from "danfojs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ColumnTable } from "../../../lib/core/columnTable.js";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { chooseBackend } from "../../../lib/models/backend.js";
import { binaryMetrics, chooseThreshold } from "../../../lib/models/evaluation/metrics.js";
import {
  FIXED_RULE_THRESHOLD,
  fixedRuleScores,
  LogisticRegressionBaseline,
} from "../../../lib/models/failure/baselines.js";
import {
  FailureClassifier,
  PREPROCESS_FILE,
  weightedLogLoss,
} from "../../../lib/models/failure/failureClassifier.js";
import { FAILURE_CLASSIFIER_KIND } from "../../../lib/models/failure/failureKind.js";
import {
  buildFeatures,
  type FeatureSet,
  featureSpecFor,
  isContextFeature,
} from "../../../lib/models/failure/features.js";
import { fitFailureModels } from "../../../lib/models/failure/fitFailureModels.js";
import { splitForTraining } from "../../../lib/models/failure/trainingSplit.js";
import { ModelRegistry } from "../../../lib/models/registry/registry.js";
import { rowsOfType, splitHomes, splitRows } from "../../../lib/models/split.js";
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

/** The fixture's shared feature set, the global model on its train homes (fitted once), and one type's rows. */
let shared: Promise<{ set: FeatureSet; global: FailureClassifier }> | undefined;
async function globalAndType() {
  shared ??= (async () => {
    const set = buildFeatures(table, featureSpecFor(table));
    const global = await new FailureClassifier(params).fitFeatures(
      { set, rows: rows.train },
      { set, rows: rows.validation },
    );
    return { set, global };
  })();
  const { set, global } = await shared;
  const type = "apartment";
  return {
    set,
    global,
    train: { set, rows: rowsOfType(rows.train, set.homeTypes, type) },
    validation: { set, rows: rowsOfType(rows.validation, set.homeTypes, type) },
  };
}

test("context: true reads the home's context; the default (false) leaves it out, spec included", async () => {
  const set = buildFeatures(table, featureSpecFor(table));
  const fit = (p: object, s = set) =>
    new FailureClassifier({ ...params, ...p }).fitFeatures(
      { set: s, rows: rows.train },
      { set: s, rows: rows.validation },
    );
  const withContext = await fit({ context: true });
  assert.ok(withContext.featureNames.includes("floors"));
  assert.ok(withContext.featureNames.some((n) => n.startsWith("climate_zone=")));
  assert.ok(withContext.featureSpec!.context);
  const plain = await fit({});
  assert.is(plain.params.context, false);
  assert.not.ok(plain.featureNames.some(isContextFeature));
  assert.is(plain.featureSpec!.context, undefined, "nor does its saved spec ask for context columns");
  assert.is(
    plain.featureNames.length,
    withContext.featureNames.length - withContext.featureNames.filter(isContextFeature).length,
  );
  const noContextSet = buildFeatures(table, featureSpecFor(table, { context: false }));
  try {
    await fit({ context: true }, noContextSet);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, HomeforgeError);
    assert.match((e as Error).message, /^context: the feature set has no context features; build it with/);
  }
  withContext.dispose();
  plain.dispose();
});

test("fine-tuning starts from the global network: its epoch-0 validation loss is the global model's on those rows", async () => {
  const { global, train, validation, set } = await globalAndType();
  // the loss early stopping reads is on the network's own output, before calibration
  const before = global.predictRaw(set, validation.rows);
  const tuned = await new FailureClassifier(params).fitFeatures(train, validation, {
    warmStart: { model: global, from: "global" },
  });
  const t = tuned.training!;
  assert.ok(t.warm_start, "the training summary says it was fine-tuned");
  assert.is(t.warm_start!.from, "global");
  assert.is(t.warm_start!.learning_rate, tuned.params.fineTuneLearningRate);
  const labels = Array.from(validation.rows, (i) => set.labels[i]);
  const expected = weightedLogLoss(labels, before, t.class_weight);
  assert.ok(
    Math.abs(t.warm_start!.initial_validation_loss - expected) < 1e-6,
    `${t.warm_start!.initial_validation_loss} vs the global model's ${expected}`,
  );
  assert.equal(tuned.featureNames, global.featureNames);
  assert.equal(
    tuned.standardizer!.toJSON(),
    global.standardizer!.toJSON(),
    "the global standardizer, not refitted",
  );
  assert.equal(
    Array.from(global.predictRaw(set, validation.rows)),
    Array.from(before),
    "the global model is untouched",
  );
  // best weights restored: the served weights are never worse on validation than the copied ones
  const after = weightedLogLoss(labels, tuned.predictRaw(set, validation.rows), t.class_weight);
  assert.ok(after <= expected + 1e-6, `fine-tuned ${after} vs initial ${expected}`);
  assert.is(t.warm_start!.kept_initial_weights, t.best_epoch === 0);

  // a from-scratch model on the same rows starts elsewhere
  const scratch = await new FailureClassifier(params).fitFeatures(train, validation);
  assert.is(scratch.training!.warm_start, null);
  assert.is.not(await weightsHash(scratch), await weightsHash(tuned));

  // deterministic for a seed
  const again = await new FailureClassifier(params).fitFeatures(train, validation, {
    warmStart: { model: global, from: "global" },
  });
  assert.is(await weightsHash(again), await weightsHash(tuned));
  assert.is(again.threshold, tuned.threshold);

  // saves and loads like any other model, in a directory and through the registry kind
  const dir = tempDir();
  try {
    await tuned.save(dir);
    const loaded = await FailureClassifier.load(dir);
    assert.equal(
      Array.from(loaded.predictProba(set, validation.rows)),
      Array.from(tuned.predictProba(set, validation.rows)),
    );
    assert.equal(loaded.training!.warm_start, t.warm_start);
    loaded.dispose();
    const registry = new ModelRegistry(join(dir, "registry"));
    await registry.saveClassifier("tuned", tuned, { metrics: {}, dataset: { id: "ds", hash: "h" } });
    const meta = registry.show("tuned", "v1").meta;
    assert.is((meta.training as { warm_start?: { from: string } }).warm_start?.from, "global");
    assert.match(
      readFileSync(join(dir, "registry", "tuned", "v1", "card.md"), "utf8"),
      /fine-tuned from the global model's network/,
    );
    const fromRegistry = await registry.load("tuned", "candidate", FAILURE_CLASSIFIER_KIND);
    assert.equal(Array.from(fromRegistry.model.predictProba(test_)), Array.from(tuned.predictProba(test_)));
    fromRegistry.model.dispose();
  } finally {
    removeDir(dir);
  }
  for (const m of [tuned, scratch, again]) m.dispose();
});

test("a warm start from an unfitted model or another network shape is refused", async () => {
  const { global, train, validation } = await globalAndType();
  for (const [source, pattern] of [
    [new FailureClassifier(params), /warmStart: the classifier to start from is not fitted/],
    [global, /hidden units \[32, 16\], this one \[8\]; give both the same hiddenUnits/],
  ] as const) {
    try {
      await new FailureClassifier({ ...params, hiddenUnits: [8] }).fitFeatures(train, validation, {
        warmStart: { model: source, from: "global" },
      });
      assert.unreachable();
    } catch (e) {
      assert.instance(e, HomeforgeError);
      assert.match((e as Error).message, pattern);
    }
  }
  global.dispose();
  shared = undefined;
});

test("a model saved before context existed loads with context: false and scores unchanged", async () => {
  const set = buildFeatures(table, featureSpecFor(table, { context: false }));
  const old = await new FailureClassifier({ ...params, context: false }).fitFeatures(
    { set, rows: rows.train },
    { set, rows: rows.validation },
  );
  const dir = tempDir();
  try {
    await old.save(dir);
    // what a pre-context preprocess.json looks like: no context in params, none in the spec
    const path = join(dir, PREPROCESS_FILE);
    const pre = JSON.parse(readFileSync(path, "utf8"));
    delete pre.params.context;
    delete pre.params.loss;
    delete pre.params.focalGamma;
    delete pre.params.fineTuneLearningRate;
    delete pre.training.warm_start;
    writeFileSync(path, JSON.stringify(pre));
    const loaded = await FailureClassifier.load(dir);
    assert.is(loaded.params.context, false);
    assert.is(loaded.featureSpec!.context, undefined);
    assert.equal(Array.from(loaded.predictProba(test_)), Array.from(old.predictProba(test_)));
    loaded.dispose();
  } finally {
    removeDir(dir);
    old.dispose();
  }
});

test("fitFailureModels fine-tunes per-type models from the global one; baselines see the model's features", async () => {
  const split = splitForTraining(table, { seed: 2 });
  const fitted = await fitFailureModels(split, { params, minTrainPositives: 5 });
  try {
    assert.ok(fitted.perType.size > 0, "some home type has its own model");
    for (const { model } of fitted.perType.values()) {
      assert.is(model.training!.warm_start?.from, "global");
      assert.equal(model.featureNames, fitted.global.featureNames);
    }
    assert.equal(fitted.logisticMatched.featureNames, fitted.global.featureNames, "feature-matched");
    assert.equal(fitted.ensemble.featureNames, fitted.global.featureNames, "boosted trees feature-matched");
    assert.ok(!fitted.global.featureNames.some(isContextFeature), "context is off by default");
    assert.is(fitted.logistic.featureNames.length, 11);
  } finally {
    fitted.global.dispose();
    fitted.logistic.dispose();
    fitted.logisticMatched.dispose();
    fitted.ensemble.dispose();
    for (const { model } of fitted.perType.values()) model.dispose();
  }
  const scratch = await fitFailureModels(split, {
    params: { ...params, context: true },
    minTrainPositives: 5,
    perType: "from_scratch",
  });
  for (const { model } of scratch.perType.values()) assert.is(model.training!.warm_start, null);
  assert.equal(
    scratch.logisticMatched.featureNames,
    scratch.global.featureNames,
    "context: true reaches the matched baseline",
  );
  assert.equal(scratch.ensemble.featureNames, scratch.global.featureNames, "and the boosted trees");
  assert.ok(scratch.global.featureNames.some(isContextFeature));
  scratch.global.dispose();
  scratch.logistic.dispose();
  scratch.logisticMatched.dispose();
  scratch.ensemble.dispose();
  for (const { model } of scratch.perType.values()) model.dispose();
});

test.run();
