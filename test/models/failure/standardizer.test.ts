import { test } from "uvu";
import * as assert from "uvu/assert";
import { Standardizer } from "../../../lib/models/failure/standardizer.js";

test("fitted on the training rows only: other rows do not move the statistics", () => {
  const a = Float32Array.from([1, 2, 3, 4, 1000, -1000]);
  const b = Float32Array.from([10, Number.NaN, 30, 50, 7, 7]);
  const train = [0, 1, 2, 3];
  const s = Standardizer.fit([a, b], train);
  assert.ok(Math.abs(s.mean[0] - 2.5) < 1e-12);
  assert.ok(Math.abs(s.scale[0] - Math.sqrt(5 / 3)) < 1e-12);
  assert.ok(Math.abs(s.mean[1] - 30) < 1e-12, "NaN is ignored");
  const changed = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const s2 = Standardizer.fit([changed, b], train);
  assert.equal(s2.toJSON(), s.toJSON());
});

test("transform: z-scores, missing → 0 (the training mean), clipped, row-major", () => {
  const a = Float32Array.from([0, 2, 4, 1e9]);
  const b = Float32Array.from([1, 1, 1, Number.NaN]);
  const s = Standardizer.fit([a, b], [0, 1, 2], 5);
  const x = s.transformRows([a, b], [3, 0, 1]);
  assert.is(x.length, 6);
  assert.is(x[0], 5, "clipped");
  assert.is(x[1], 0, "missing is the mean; a constant column has scale 1");
  assert.ok(Math.abs(x[2] - -1) < 1e-6);
  assert.ok(Math.abs(x[4]) < 1e-6);
});

test("saved state round-trips exactly through JSON", () => {
  const a = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i) * 1234.5678);
  const s = Standardizer.fit(
    [a],
    Array.from({ length: 40 }, (_, i) => i),
  );
  const back = new Standardizer(JSON.parse(JSON.stringify(s.toJSON())));
  assert.equal(Array.from(back.transformRows([a], [1, 45])), Array.from(s.transformRows([a], [1, 45])));
});

test.run();
