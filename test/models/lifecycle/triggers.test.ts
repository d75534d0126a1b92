import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../lib/core/random.js";
import { snapshotDrift, trainingSnapshot } from "../../../lib/models/lifecycle/trainingSnapshot.js";
import {
  ageTrigger,
  driftTrigger,
  metricFloorTrigger,
  newDataTrigger,
} from "../../../lib/models/lifecycle/triggers.js";

test("new data: fires on another dataset with enough new homes or rows, not on the same one or a thin one", () => {
  const input = { servedDatasetId: "ds_a", datasetId: "ds_b", newHomes: 12, newRows: 0 };
  const fired = newDataTrigger(input);
  assert.is(fired.fired, true);
  assert.match(fired.explanation, "ds_b differs from the served ds_a and adds 12 new homes");
  assert.is(newDataTrigger({ ...input, newHomes: 0, newRows: 25_000 }).fired, true);
  const thin = newDataTrigger({ ...input, newHomes: 3, newRows: 100 });
  assert.is(thin.fired, false);
  assert.match(thin.explanation, "adds too little: 3 new homes, 100 new rows (need 10 homes or 20000 rows)");
  const same = newDataTrigger({ ...input, datasetId: "ds_a" });
  assert.is(same.fired, false);
  assert.match(same.explanation, "is the one the served version was trained on");
});

test("drift: fires naming the drifted features with PSI and JS; quiet when stable or unknown", () => {
  const rng = new Rng(5);
  const col = (n: number, mean: number) => Float64Array.from({ length: n }, () => mean + rng.normal());
  const snapshot = trainingSnapshot("telemetry row", {
    signal_strength: col(3000, 0),
    humidity: col(3000, 0),
  });
  const moved = snapshotDrift(snapshot, { signal_strength: col(3000, 2), humidity: col(3000, 0) });
  const fired = driftTrigger([{ model: "failure-global", version: "v1", report: moved }]);
  assert.is(fired.fired, true);
  assert.match(fired.explanation, /failure-global v1: signal_strength \(PSI \d+\.\d{3}, JS \d\.\d{3}\)$/);
  assert.not.match(fired.explanation, "humidity");
  const stable = snapshotDrift(snapshot, { signal_strength: col(3000, 0), humidity: col(3000, 0) });
  const quiet = driftTrigger([{ model: "failure-global", version: "v1", report: stable }]);
  assert.is(quiet.fired, false);
  assert.match(quiet.explanation, "no feature drifted (PSI < 0.25, JS < 0.1 bits)");
  const unknown = driftTrigger([{ model: "failure-global", version: "v1", report: null }]);
  assert.is(unknown.fired, false);
  assert.match(unknown.explanation, "no training snapshot stored with failure-global v1");
});

test("metric floor: fires only when the interval's upper bound is below the floor", () => {
  const interval = (estimate: number, lo: number, hi: number) => ({
    estimate,
    lo,
    hi,
    level: 0.95,
    resamples: 200,
  });
  const base = { metric: "PR-AUC", homes: 12, reference: 0.5 };
  const low = metricFloorTrigger({ ...base, interval: interval(0.2, 0.12, 0.3) });
  assert.is(low.fired, true);
  assert.match(
    low.explanation,
    "PR-AUC 0.200 [0.120, 0.300] on 12 fresh homes: even the upper bound is below the floor 0.400 (0.8 × validation 0.500)",
  );
  // point estimate below the floor, but the interval reaches it: not enough evidence
  const noisy = metricFloorTrigger({ ...base, interval: interval(0.35, 0.2, 0.45) });
  assert.is(noisy.fired, false);
  assert.match(noisy.explanation, "the upper bound reaches the floor 0.400");
  assert.is(
    metricFloorTrigger(
      { ...base, interval: interval(0.35, 0.2, 0.45) },
      { fraction: 0.8, floor: 0.5, minHomes: 5 },
    ).fired,
    true,
  );
  const few = metricFloorTrigger({ ...base, homes: 2, interval: interval(0.1, 0, 0.2) });
  assert.is(few.fired, false);
  assert.match(few.explanation, "not checked: 2 fresh labelled homes");
  const noReference = metricFloorTrigger({ ...base, reference: null, interval: interval(0.1, 0, 0.2) });
  assert.is(noReference.fired, false);
  assert.match(noReference.explanation, "no floor");
});

test("age: fires past the limit, with an injected clock", () => {
  const saved = "2026-01-01T00:00:00.000Z";
  const old = ageTrigger(saved, new Date("2026-02-15T00:00:00Z"));
  assert.is(old.fired, true);
  assert.match(old.explanation, "is 45.0 days old");
  const young = ageTrigger(saved, new Date("2026-01-10T12:00:00Z"));
  assert.is(young.fired, false);
  assert.match(young.explanation, "only 9.5 days old");
  assert.is(ageTrigger(saved, new Date("2026-01-10T12:00:00Z"), { maxAgeDays: 7 }).fired, true);
  assert.is(ageTrigger("not a date", new Date()).fired, false);
});

test.run();
