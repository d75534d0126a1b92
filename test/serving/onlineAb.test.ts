import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../lib/core/random.js";
import {
  type AbSplit,
  assignArm,
  checkAbSplit,
  type LoggedPrediction,
  OnlineAbStore,
} from "../../lib/serving/onlineAb.js";

const split: AbSplit = { model: "failure-router", a: "production", b: "candidate", share: 0.3 };

test("arms are stable per device, follow the share, and a salt reshuffles them", () => {
  const devices = Array.from({ length: 4000 }, (_, i) => [`home_${i % 97}`, `sensor.d${i}`] as const);
  const arms = devices.map(([h, e]) => assignArm(h, e, split));
  assert.equal(
    devices.map(([h, e]) => assignArm(h, e, split)),
    arms,
  );
  const shareB = arms.filter((a) => a === "b").length / arms.length;
  assert.ok(Math.abs(shareB - 0.3) < 0.03, `share of b ${shareB}`);
  const salted = devices.map(([h, e]) => assignArm(h, e, { ...split, salt: "second" }));
  const moved = salted.filter((a, i) => a !== arms[i]).length / arms.length;
  assert.ok(moved > 0.25, `a new salt moved only ${moved}`);
  assert.ok(devices.every(([h, e]) => assignArm(h, e, { ...split, share: 0 }) === "a"));
  assert.ok(devices.every(([h, e]) => assignArm(h, e, { ...split, share: 1 }) === "b"));
});

test("a bad split is a one-line error naming the field", () => {
  assert.throws(() => checkAbSplit({ ...split, share: 1.5 }), /ab\.share/);
  assert.throws(() => checkAbSplit({ ...split, b: "production" }), /ab\.b/);
});

/** Logs `n` predictions per arm over 20 homes; arm b's scores separate the labels better. */
function fill(store: OnlineAbStore, rng: Rng, n: number, separationB: number): Map<string, 0 | 1> {
  const labels = new Map<string, 0 | 1>();
  const rows: LoggedPrediction[] = [];
  for (const arm of ["a", "b"] as const) {
    for (let i = 0; i < n; i++) {
      const label = rng.bernoulli(0.3) ? 1 : 0;
      const separation = arm === "b" ? separationB : 0.5;
      const p = 1 / (1 + Math.exp(-(rng.normal() + (label ? separation : -separation))));
      const id = `${arm}-${i}`;
      labels.set(id, label);
      rows.push({
        prediction_id: id,
        experiment: "failure-router",
        arm,
        served_model: "failure-router",
        served_version: arm === "a" ? "v1" : "v2",
        home_id: `home_${i % 20}`,
        entity_id: `sensor.d${i}`,
        day: "2025-01-10",
        probability: p,
        threshold: 0.5,
        logged_at: "2026-12-02T00:00:00.000Z",
      });
    }
  }
  store.logPredictions(rows);
  return labels;
}

test("feedback joins logged predictions; per-arm metrics and the difference tell the better arm", () => {
  const path = join(mkdtempSync(join(tmpdir(), "hf-ab-")), "online.sqlite");
  const store = OnlineAbStore.open(path);
  const labels = fill(store, new Rng(11), 400, 2);
  assert.is(store.recordFeedback("no-such-id", 1), false);
  for (const [id, label] of labels) if (!id.endsWith("7")) assert.ok(store.recordFeedback(id, label));
  store.close();

  const reopened = OnlineAbStore.open(path);
  assert.equal(reopened.experiments(), ["failure-router"]);
  const [a, b] = reopened.armMetrics("failure-router", { resamples: 200 });
  assert.is(a.arm, "a");
  assert.equal(b.versions, ["v2"]);
  assert.is(a.predictions, 400);
  assert.is(a.labelled, 360);
  assert.ok(b.pr_auc && a.pr_auc && b.pr_auc.estimate > a.pr_auc.estimate);
  const diff = reopened.armDifference("failure-router", { resamples: 200 });
  assert.ok(diff && diff.lo > 0, `b − a interval ${JSON.stringify(diff)}`);
  reopened.close();
});

test("equal arms give an interval around zero; no labels give no metrics", () => {
  const store = OnlineAbStore.open(":memory:");
  const labels = fill(store, new Rng(5), 300, 0.5);
  const [unlabelled] = store.armMetrics("failure-router");
  assert.is(unlabelled.pr_auc, null);
  assert.is(store.armDifference("failure-router"), null);
  for (const [id, label] of labels) store.recordFeedback(id, label);
  const diff = store.armDifference("failure-router", { resamples: 200 });
  assert.ok(diff && diff.lo < 0 && diff.hi > 0, `b − a interval ${JSON.stringify(diff)}`);
  store.close();
});

test.run();
