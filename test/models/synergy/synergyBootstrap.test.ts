import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { Rng } from "../../../lib/core/random.js";
import { MIN_COMPARE_HOMES } from "../../../lib/models/evaluation/bootstrap.js";
import { thresholdMetrics } from "../../../lib/models/synergy/rankingMetrics.js";
import {
  bootstrapHomeMean,
  bootstrapPooledCounts,
  pairedHomeDifference,
} from "../../../lib/models/synergy/synergyBootstrap.js";

const fast = { resamples: 300, seed: 11 };

/** Per-home values around `mean` with seeded noise. */
function homeValues(homes: number, mean: number, sd: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: homes }, () => mean + rng.normal(0, sd));
}

test("the mean over homes skips undefined homes; the interval holds it and is seeded", () => {
  const values = [...homeValues(30, 0.6, 0.1, 1), Number.NaN, Number.NaN];
  const m = bootstrapHomeMean(values, fast);
  const defined = values.filter((x) => !Number.isNaN(x));
  assert.ok(Math.abs(m.estimate - defined.reduce((s, x) => s + x, 0) / 30) < 1e-12);
  assert.is(m.homes, 30);
  assert.is(m.resamples, 300);
  assert.ok(m.lo < m.estimate && m.estimate < m.hi, JSON.stringify(m));
  // about the normal interval ±1.96·sd/√n
  const width = m.hi - m.lo;
  assert.ok(width > 0.04 && width < 0.11, `width ${width}`);
  assert.equal(bootstrapHomeMean(values, fast), m);
  assert.not.equal(bootstrapHomeMean(values, { ...fast, seed: 12 }), m);
  const none = bootstrapHomeMean([Number.NaN], fast);
  assert.ok(Number.isNaN(none.estimate) && Number.isNaN(none.lo) && none.homes === 0);
});

test("a clearly better scorer beats the other; identical scorers show no difference", () => {
  const weak = homeValues(25, 0.5, 0.15, 2);
  const strong = weak.map((x, h) => x + 0.08 + 0.03 * Math.sin(h));
  const d = pairedHomeDifference(strong, weak, "average_precision", fast);
  assert.is(d.verdict, "a_beats_b");
  assert.ok(d.lo > 0 && d.estimate > 0.07, JSON.stringify(d));
  assert.is(pairedHomeDifference(weak, strong, "average_precision", fast).verdict, "b_beats_a");
  const same = pairedHomeDifference(weak, weak, "average_precision", fast);
  assert.is(same.verdict, "no_difference");
  assert.ok(same.lo <= 0 && same.hi >= 0);
  // noisy differences around 0 are no difference either
  const noisy = weak.map((x, h) => x + 0.05 * Math.sin(3 * h + 1));
  const nd = pairedHomeDifference(noisy, weak, "average_precision", fast);
  assert.is(nd.verdict, "no_difference", JSON.stringify(nd));
});

test("the paired difference uses homes where both are defined, and needs MIN_COMPARE_HOMES of them", () => {
  const a = [0.9, 0.8, Number.NaN, 0.7, 0.9, 0.8, 0.9];
  const b = [0.5, Number.NaN, 0.5, 0.5, 0.4, 0.5, 0.6];
  const d = pairedHomeDifference(a, b, "average_precision", fast);
  assert.is(d.homes, 5);
  assert.ok(Math.abs(d.estimate - (0.4 + 0.2 + 0.5 + 0.3 + 0.3) / 5) < 1e-12);
  const few = pairedHomeDifference(a.slice(0, MIN_COMPARE_HOMES), b.slice(0, MIN_COMPARE_HOMES), "ap", fast);
  assert.is(few.verdict, "too_few");
  assert.ok(Number.isNaN(few.lo) && few.homes === MIN_COMPARE_HOMES - 2);
  assert.throws(
    () => pairedHomeDifference([1], [1, 2], "ap"),
    (e: unknown) => e instanceof HomeforgeError && /1 home values for A but 2 for B/.test(e.message),
  );
});

test("pooled precision / recall / F1 sum the counts of the drawn homes", () => {
  const rng = new Rng(3);
  const perHome = Array.from({ length: 20 }, () => ({
    tp: rng.int(0, 4),
    fp: rng.int(0, 3),
    fn: rng.int(0, 3),
  }));
  const pooled = bootstrapPooledCounts(perHome, fast);
  const total = perHome.reduce((t, c) => ({ tp: t.tp + c.tp, fp: t.fp + c.fp, fn: t.fn + c.fn }), {
    tp: 0,
    fp: 0,
    fn: 0,
  });
  assert.equal(pooled.counts, total);
  const full = thresholdMetrics(total);
  assert.is(pooled.f1.estimate, full.f1);
  assert.is(pooled.precision.estimate, full.precision);
  for (const i of [pooled.precision, pooled.recall, pooled.f1])
    assert.ok(i.lo < i.estimate && i.estimate < i.hi);
  assert.equal(bootstrapPooledCounts(perHome, fast), pooled);
});

test.run();
