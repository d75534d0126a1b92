import { test } from "uvu";
import * as assert from "uvu/assert";
import { boundedKth, boundedMedian } from "../../../lib/pipeline/analysis/lagMedian.js";

/** Deterministic values in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

function sortedMedian(xs: ArrayLike<number>): number {
  const s = Array.from(xs).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

test("boundedMedian is the median a sort gives, for small and bucketed ranges", () => {
  const next = lcg(7);
  const max = 60_000;
  // whole ms, fractions, few repeated values, values on bucket edges (max / 256 steps)
  const draws: (() => number)[] = [
    () => Math.floor(next() * (max + 1)),
    () => next() * max,
    () => Math.floor(next() * 5) * (max / 4),
    () => (max / 256) * Math.floor(next() * 257),
  ];
  for (let it = 0; it < 4000; it++) {
    const n = 1 + Math.floor(next() * (it % 10 === 0 ? 2000 : 120));
    const draw = draws[it % draws.length];
    const xs = Float64Array.from({ length: n + 6 }, () => Math.min(max, draw()));
    const want = sortedMedian(xs.subarray(3, 3 + n));
    assert.is(boundedMedian(xs, 3, 3 + n, max), want, `n=${n} draw=${it % draws.length}`);
  }
});

test("boundedMedian: even count whose middles straddle two buckets", () => {
  // 40 values: 20 in the lowest bucket, 20 in the highest; the mean of 10 and 59 990
  const xs = Float64Array.from({ length: 40 }, (_, k) => (k % 2 ? 10 : 59_990));
  assert.is(boundedMedian(xs, 0, 40, 60_000), (10 + 59_990) / 2);
});

test("boundedKth is the value a sort puts at k, for small, bucketed and tied ranges", () => {
  const next = lcg(11);
  const max = 2.5;
  // fractions, few repeated values (as successive differences of readings), bucket edges
  const draws: (() => number)[] = [
    () => next() * max,
    () => Math.floor(next() * 6) * 0.1,
    () => (max / 256) * Math.floor(next() * 257),
    () => 0,
  ];
  for (let it = 0; it < 3000; it++) {
    const n = 1 + Math.floor(next() * (it % 10 === 0 ? 3000 : 150));
    const draw = draws[it % draws.length];
    const xs = Float64Array.from({ length: n + 4 }, () => Math.min(max, draw()));
    const sorted = Array.from(xs.subarray(2, 2 + n)).sort((a, b) => a - b);
    const k = Math.floor(next() * n);
    const top = sorted[n - 1];
    assert.is(boundedKth(xs, 2, 2 + n, k, top), sorted[k], `n=${n} k=${k} draw=${it % draws.length}`);
  }
});

test("boundedKth: k outside the range is a RangeError", () => {
  assert.throws(() => boundedKth(new Float64Array(3), 0, 3, 3, 1), /outside/);
});

test.run();
