import { test } from "uvu";
import * as assert from "uvu/assert";
import { chooseThreshold, prAuc } from "../../../lib/models/evaluation/metrics.js";
import { BoostedTreesBaseline, sampleTrainingRows } from "../../../lib/models/failure/ensembleBaseline.js";
import { buildFeatures, isContextFeature } from "../../../lib/models/failure/features.js";
import { splitHomes, splitRows } from "../../../lib/models/split.js";
import { makeTelemetryFixture } from "../../helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const table = makeTelemetryFixture({ seed: 11, homes: 30, days: 24, devicesPerHome: 5 });
const set = buildFeatures(table);
const rows = splitRows(splitHomes(set.homeIds, set.homeTypes, { seed: 3 }), set.homeIds);
const train = { set, rows: rows.train };
const validation = { set, rows: rows.validation };
const labelsAt = (r: Int32Array) => Uint8Array.from(r, (i) => set.labels[i]);
const small = { rounds: 40, maxDepth: 4, seed: 5 };

test("BoostedTreesBaseline: fitted on train homes, it ranks held-out homes' failures well above chance", async () => {
  const model = await new BoostedTreesBaseline(small).fitFeatures(train, validation);
  try {
    const labels = labelsAt(rows.test);
    const proba = model.predictProba(set, rows.test);
    const chance = labels.reduce((n, v) => n + v, 0) / labels.length;
    const ap = prAuc(labels, proba);
    assert.ok(ap > 2 * chance && ap > 0.3, `PR-AUC ${ap.toFixed(3)} vs chance ${chance.toFixed(3)}`);
    assert.ok(proba.every((p) => p >= 0 && p <= 1));
    assert.is(model.score(set, rows.test), ap);
    assert.equal(
      Array.from(model.predict(set, rows.test)),
      Array.from(proba, (p) => (p >= model.threshold ? 1 : 0)),
    );
  } finally {
    model.dispose();
  }
});

test("BoostedTreesBaseline: feature-matched (the feature set as the classifier reads it, context only with context: true); 'today' reads 11", async () => {
  const full = await new BoostedTreesBaseline(small).fitFeatures(train, validation);
  const today = await new BoostedTreesBaseline({ ...small, features: "today" }).fitFeatures(
    train,
    validation,
  );
  try {
    assert.equal(
      [...full.featureNames],
      set.names.filter((n) => !isContextFeature(n)),
    );
    assert.ok(set.names.some(isContextFeature), "the set carries context columns");
    assert.is(today.featureNames.length, 11);
    const withContext = await new BoostedTreesBaseline({ ...small, context: true }).fitFeatures(
      train,
      validation,
    );
    assert.equal([...withContext.featureNames], set.names);
    withContext.dispose();
  } finally {
    full.dispose();
    today.dispose();
  }
});

test("BoostedTreesBaseline: the threshold is the best-F1 threshold on the validation rows", async () => {
  const model = await new BoostedTreesBaseline(small).fitFeatures(train, validation);
  try {
    const expected = chooseThreshold(labelsAt(rows.validation), model.predictProba(set, rows.validation));
    assert.is(model.threshold, expected.threshold);
    assert.is(model.training?.threshold.f1, expected.f1);
    assert.is(model.training?.validation_rows, rows.validation.length);
  } finally {
    model.dispose();
  }
});

test("BoostedTreesBaseline: same seed ⇒ the same scores; another seed ⇒ other scores", async () => {
  const sampled = { ...small, subsample: 0.7, colsampleByTree: 0.7, negativeShare: 0.5 };
  const a = await new BoostedTreesBaseline(sampled).fitFeatures(train, validation);
  const b = await new BoostedTreesBaseline(sampled).fitFeatures(train, validation);
  const c = await new BoostedTreesBaseline({ ...sampled, seed: 6 }).fitFeatures(train, validation);
  try {
    const pa = Array.from(a.predictProba(set, rows.test));
    assert.equal(Array.from(b.predictProba(set, rows.test)), pa);
    assert.is(b.threshold, a.threshold);
    assert.not.equal(Array.from(c.predictProba(set, rows.test)), pa);
  } finally {
    a.dispose();
    b.dispose();
    c.dispose();
  }
});

test("BoostedTreesBaseline: save/load gives identical probabilities and threshold; a table scores as its feature set", async () => {
  const model = await new BoostedTreesBaseline(small).fit(table);
  const dir = tempDir();
  try {
    const proba = model.predictProba(table);
    assert.equal(Array.from(model.predictProba(set)), Array.from(proba));
    await model.save(dir);
    const loaded = await BoostedTreesBaseline.load(dir);
    assert.equal(Array.from(loaded.predictProba(table)), Array.from(proba));
    assert.is(loaded.threshold, model.threshold);
    assert.equal(loaded.params, model.params);
    loaded.dispose();
  } finally {
    removeDir(dir);
    model.dispose();
  }
});

test("BoostedTreesBaseline: not fitted, one class, or a bad directory is a one-line error", async () => {
  const model = new BoostedTreesBaseline(small);
  assert.not.ok(model.fitted);
  assert.throws(() => model.predictProba(set), /not fitted; call fit\(\) or load\(\) first/);
  const negatives = Int32Array.from(rows.train.filter((i) => set.labels[i] === 0));
  try {
    await model.fitFeatures({ set, rows: negatives }, validation);
    assert.unreachable("one class must not fit");
  } catch (e) {
    assert.match((e as Error).message, /both classes are needed/);
  }
  const dir = tempDir();
  try {
    await BoostedTreesBaseline.load(dir);
    assert.unreachable("an empty directory must not load");
  } catch (e) {
    assert.match((e as Error).message, /cannot read the boosted trees/);
  } finally {
    removeDir(dir);
  }
});

test("sampleTrainingRows: every positive, an exact seeded share of negatives, within the cap, odds corrected", () => {
  const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i % 50 === 0 ? 1 : 0));
  const all = Int32Array.from({ length: 1000 }, (_, i) => i);
  const s = sampleTrainingRows(labels, all, 0.1, 10_000, 9);
  assert.is(s.positives, 20);
  assert.is(s.rows.length, 20 + 98);
  assert.ok(
    s.rows.every((v, k) => k === 0 || v > s.rows[k - 1]),
    "in input order",
  );
  assert.ok(Math.abs(s.oddsScale - 98 / 980) < 1e-12);
  assert.equal(Array.from(sampleTrainingRows(labels, all, 0.1, 10_000, 9).rows), Array.from(s.rows));
  assert.not.equal(Array.from(sampleTrainingRows(labels, all, 0.1, 10_000, 10).rows), Array.from(s.rows));
  const capped = sampleTrainingRows(labels, all, 0.5, 30, 9);
  assert.is(capped.positives, 15);
  assert.is(capped.rows.length, 30);
  assert.ok(Math.abs(capped.oddsScale - 15 / 980 / (15 / 20)) < 1e-12);
});

test.run();
