import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../lib/core/random.js";
import {
  readTrainingSnapshot,
  snapshotDrift,
  TRAINING_SNAPSHOT_FILE,
  trainingSnapshot,
  trainingSnapshotText,
} from "../../../lib/models/lifecycle/trainingSnapshot.js";

const normal = (rng: Rng, n: number, mean: number) =>
  Float64Array.from({ length: n }, () => mean + rng.normal());

test("a shifted feature drifts, a resampled one does not, and the report names it first", () => {
  const rng = new Rng(3);
  const snapshot = trainingSnapshot("row", { stable: normal(rng, 4000, 0), moving: normal(rng, 4000, 0) });
  const report = snapshotDrift(snapshot, { stable: normal(rng, 4000, 0), moving: normal(rng, 4000, 1.5) });
  assert.equal(report.drifted, ["moving"]);
  assert.is(report.features[0].feature, "moving");
  assert.ok(report.features[1].psi < 0.05, `stable PSI ${report.features[1].psi}`);
  assert.is(report.rows, 4000);
});

test("the snapshot round-trips through its file; a version without one reads as null", () => {
  const dir = mkdtempSync(join(tmpdir(), "hf-snapshot-"));
  assert.is(readTrainingSnapshot(dir), null);
  const snapshot = trainingSnapshot("row", { x: Float64Array.from([1, 2, 3, Number.NaN]) });
  writeFileSync(join(dir, TRAINING_SNAPSHOT_FILE), trainingSnapshotText(snapshot));
  assert.equal(readTrainingSnapshot(dir), JSON.parse(JSON.stringify(snapshot)));
});

test("new data without a snapshot feature is an error naming it", () => {
  const snapshot = trainingSnapshot("row", { x: Float64Array.from([1, 2, 3]) });
  assert.throws(() => snapshotDrift(snapshot, { y: Float64Array.from([1]) }), /drift\.x/);
  assert.throws(
    () => trainingSnapshot("row", { x: Float64Array.from([1, 2]), y: Float64Array.from([1]) }),
    /snapshot\.y/,
  );
});

test.run();
