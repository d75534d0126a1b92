import { test } from "uvu";
import * as assert from "uvu/assert";
import { PairCounts } from "../../../lib/pipeline/analysis/pairCounts.js";
import { ZeroedScratch } from "../../../lib/pipeline/analysis/zeroedScratch.js";

function counted(counts: PairCounts, keys: number[]): [number, number][] {
  for (const k of keys) counts.add(k);
  return counts.keys.map((k) => [k, counts.get(k)]);
}

test("counts by key in first-count order, the same with lent scratch memory, reused zeroed", () => {
  const keys = [5, 3, 5, 8, 3, 5, 0];
  const expected: [number, number][] = [
    [5, 3],
    [3, 2],
    [8, 1],
    [0, 1],
  ];
  assert.equal(counted(new PairCounts(3), keys), expected);
  const scratch = new ZeroedScratch();
  assert.equal(counted(new PairCounts(3, scratch), keys), expected);
  // the next user of the scratch starts from zero counts
  assert.equal(counted(new PairCounts(3, scratch), [8]), [[8, 1]]);
  const labels = new PairCounts(3, scratch);
  counted(labels, keys);
  const slot = labels.labels([3, 8], new ZeroedScratch()) as Int32Array;
  assert.equal(Array.from(slot), [0, 0, 0, 1, 0, 0, 0, 0, 2]);
});

test("past the dense limit, counts live in a Map with the same answers", () => {
  const big = new PairCounts(3000);
  assert.is(big.dense, null);
  assert.equal(counted(big, [9_000_000, 7, 9_000_000]), [
    [9_000_000, 2],
    [7, 1],
  ]);
  const labels = big.labels([7]) as Map<number, number>;
  assert.is(labels.get(7), 1);
  assert.is(labels.get(9_000_000), undefined);
});

test.run();
