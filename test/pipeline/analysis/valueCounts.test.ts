import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../lib/core/random.js";
import { ValueCounts } from "../../../lib/pipeline/analysis/valueCounts.js";

function sortedCopy(xs: readonly number[]): Float64Array {
  return Float64Array.from(xs).sort();
}

function counted(xs: readonly number[]): ValueCounts {
  const counts = new ValueCounts();
  for (const x of xs) counts.add(x);
  return counts;
}

test("kth gives what a sort puts at k: ties, one value, odd and even counts, huge values", () => {
  const rng = Rng.derive(5, "value-counts");
  const cases: number[][] = [
    [7],
    [3, 3, 3, 3],
    [2, 1],
    [1, 2, 2, 3, 3, 3],
    [5, 1, 4, 1, 5, 9, 2, 6, 5],
    [1e308, -1e308, Number.POSITIVE_INFINITY, 0, Number.MIN_VALUE, -Number.MIN_VALUE],
    Array.from({ length: 2001 }, () => Math.round(rng.normal(0, 2) * 10) / 10),
    Array.from({ length: 3000 }, () => rng.uniform(0, 1)), // all distinct: the table grows
  ];
  for (const xs of cases) {
    const counts = counted(xs);
    const sorted = sortedCopy(xs);
    assert.is(counts.total, xs.length);
    assert.is(counts.size, new Set(xs).size);
    for (let k = 0; k < xs.length; k++) assert.is(counts.kth(k), sorted[k], `n=${xs.length} k=${k}`);
  }
});

test("-0 counts as 0, clear starts over, k outside the counts is an error", () => {
  const counts = counted([-0, 0, 1]);
  assert.is(counts.size, 2);
  assert.ok(Object.is(counts.kth(1), 0));
  assert.throws(() => counts.kth(3), /outside/);
  assert.throws(() => counts.kth(-1), /outside/);
  counts.clear();
  assert.is(counts.total, 0);
  assert.throws(() => counts.kth(0), /outside/);
  counts.add(4);
  counts.add(2);
  assert.is(counts.kth(0), 2);
  assert.is(counts.kth(1), 4);
});

test.run();
