import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../lib/core/random.js";
import { selectKth } from "../../lib/core/select.js";

test("selectKth gives what a sort puts at k, for random, tied, sorted and reversed input", () => {
  const rng = Rng.derive(3, "select");
  const inputs: Float64Array[] = [];
  for (const n of [1, 2, 17, 100, 1000]) {
    inputs.push(Float64Array.from({ length: n }, () => rng.next()));
    inputs.push(Float64Array.from({ length: n }, () => Math.floor(rng.next() * 4)));
    inputs.push(Float64Array.from({ length: n }, (_, i) => i));
    inputs.push(Float64Array.from({ length: n }, (_, i) => n - i));
  }
  for (const xs of inputs) {
    const sorted = Float64Array.from(xs).sort();
    for (const k of new Set([0, xs.length >> 1, xs.length - 1, Math.floor(xs.length / 10)])) {
      const copy = Float64Array.from(xs);
      assert.is(selectKth(copy, k), sorted[k], `n=${xs.length} k=${k}`);
      for (let i = 0; i < k; i++) assert.ok(copy[i] <= copy[k]);
      for (let i = k + 1; i < copy.length; i++) assert.ok(copy[i] >= copy[k]);
    }
  }
});

test("selectKth within a sub-range, and a k outside it is an error", () => {
  const xs = Float64Array.from([9, 1, 8, 2, 7, 3, 6, 4, 5]);
  assert.is(selectKth(xs, 4), 5);
  assert.is(selectKth(xs, 6, 5, 9), 7);
  assert.throws(() => selectKth(xs, 9), /outside/);
});

test.run();
