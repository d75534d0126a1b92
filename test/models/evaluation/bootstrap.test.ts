import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../lib/core/random.js";
import {
  bootstrapInterval,
  bootstrapMetrics,
  pairedDifference,
  verdictText,
} from "../../../lib/models/evaluation/bootstrap.js";
import { binaryMetrics } from "../../../lib/models/evaluation/metrics.js";

/** `homes` homes of `rows` rows, ~10 % positives, two scorers: a good one and a weak one. */
function data(homes: number, rows = 40, seed = 1) {
  const rng = new Rng(seed);
  const labels: number[] = [];
  const ids: string[] = [];
  const good: number[] = [];
  const weak: number[] = [];
  for (let h = 0; h < homes; h++) {
    for (let r = 0; r < rows; r++) {
      const y = rng.bernoulli(0.1) ? 1 : 0;
      labels.push(y);
      ids.push(`home_${h}`);
      good.push(1 / (1 + Math.exp(-(2.5 * y + rng.normal() - 1.5))));
      weak.push(1 / (1 + Math.exp(-(0.3 * y + rng.normal() - 1.5))));
    }
  }
  return {
    rows: { labels, homes: ids },
    good: { scores: good, threshold: 0.5 },
    weak: { scores: weak, threshold: 0.5 },
  };
}

const fast = { resamples: 200, seed: 7 };

test("the point estimate equals binaryMetrics on the full rows and lies inside its interval", () => {
  const d = data(30);
  const full = binaryMetrics(d.rows.labels, d.good.scores, 0.5);
  const all = bootstrapMetrics(d.rows, d.good, undefined, fast);
  for (const k of ["pr_auc", "roc_auc", "f1", "recall", "precision"] as const) {
    assert.ok(Math.abs(all[k].estimate - full[k]) < 1e-12, `${k}: ${all[k].estimate} vs ${full[k]}`);
    assert.ok(all[k].lo <= all[k].estimate && all[k].estimate <= all[k].hi, `${k} ${JSON.stringify(all[k])}`);
    assert.ok(all[k].lo < all[k].hi, k);
    assert.is(all[k].level, 0.95);
    assert.is(all[k].resamples, 200);
  }
});

test("a resample weights rows exactly as duplicating the drawn homes' rows would", () => {
  // one resample over two homes: the interval of one draw is a point equal to the metric of the drawn rows
  const rows = { labels: [1, 0, 0, 1, 0, 1], homes: ["a", "a", "a", "b", "b", "b"] };
  const model = { scores: [0.9, 0.8, 0.1, 0.4, 0.4, 0.7], threshold: 0.5 };
  const rng = new Rng(3);
  const probe = new Rng(3);
  const counts = [0, 0];
  for (let d = 0; d < 2; d++) counts[Math.floor(probe.next() * 2)]++;
  const idx: number[] = [];
  for (let i = 0; i < 6; i++) for (let c = 0; c < counts[i < 3 ? 0 : 1]; c++) idx.push(i);
  const expected = binaryMetrics(
    idx.map((i) => rows.labels[i]),
    idx.map((i) => model.scores[i]),
    0.5,
  );
  const got = bootstrapMetrics(rows, model, ["pr_auc", "roc_auc", "f1"], { rng, resamples: 1 });
  for (const k of ["pr_auc", "roc_auc", "f1"] as const) {
    if (Number.isNaN(expected[k])) assert.is(got[k].resamples, 0);
    else assert.ok(Math.abs(got[k].lo - expected[k]) < 1e-12, `${k}: ${got[k].lo} vs ${expected[k]}`);
  }
});

test("the interval narrows with more homes", () => {
  const few = bootstrapInterval(data(10).rows, data(10).good, "pr_auc", fast);
  const many = bootstrapInterval(data(160).rows, data(160).good, "pr_auc", fast);
  assert.ok(many.hi - many.lo < few.hi - few.lo, `${many.hi - many.lo} vs ${few.hi - few.lo}`);
});

test("same seed ⇒ same interval; another seed ⇒ another one", () => {
  const d = data(20);
  const a = bootstrapInterval(d.rows, d.good, "roc_auc", fast);
  const b = bootstrapInterval(d.rows, d.good, "roc_auc", fast);
  const c = bootstrapInterval(d.rows, d.good, "roc_auc", { ...fast, seed: 8 });
  assert.equal(a, b);
  assert.ok(a.lo !== c.lo || a.hi !== c.hi);
  assert.equal(
    pairedDifference(d.rows, d.good, d.weak, "pr_auc", fast),
    pairedDifference(d.rows, d.good, d.weak, "pr_auc", fast),
  );
});

test("identical models: the difference interval contains 0, no detectable difference", () => {
  const d = data(30);
  const p = pairedDifference(d.rows, d.good, { ...d.good }, "pr_auc", fast);
  assert.is(p.estimate, 0);
  assert.ok(p.lo <= 0 && 0 <= p.hi);
  assert.is(p.verdict, "no_difference");
  assert.is(verdictText(p.verdict, "A", "B"), "no detectable difference");
});

test("a clearly better model beats the weak one, on PR-AUC and F1; swapped, the other way round", () => {
  const d = data(30);
  const p = pairedDifference(d.rows, d.good, d.weak, "pr_auc", fast);
  assert.ok(p.lo > 0, JSON.stringify(p));
  assert.is(p.verdict, "a_beats_b");
  assert.is(verdictText(p.verdict, "MLP", "logistic"), "MLP beats logistic");
  assert.is(pairedDifference(d.rows, d.weak, d.good, "pr_auc", fast).verdict, "b_beats_a");
  assert.is(pairedDifference(d.rows, d.good, d.weak, "f1", fast).verdict, "a_beats_b");
});

test("too few homes or positives: no verdict, no interval", () => {
  const fewHomes = data(4, 200);
  const p = pairedDifference(fewHomes.rows, fewHomes.good, fewHomes.weak, "pr_auc", fast);
  assert.is(p.verdict, "too_few");
  assert.is(p.homes, 4);
  assert.ok(Number.isNaN(p.lo) && Number.isNaN(p.hi));
  assert.ok(p.estimate > 0, "the point difference is still reported");
  assert.is(verdictText(p.verdict, "A", "B"), "too few homes/positives to compare");
  const fewPositives = data(8, 5);
  const q = pairedDifference(fewPositives.rows, fewPositives.good, fewPositives.weak, "pr_auc", fast);
  assert.ok(q.positives < 10);
  assert.is(q.verdict, "too_few");
});

test("decisions override the threshold for F1, recall and precision but not for the AUCs", () => {
  const rows = { labels: [1, 0, 1, 0, 0, 1], homes: ["a", "b", "c", "d", "e", "f"] };
  const scores = [0.9, 0.2, 0.3, 0.6, 0.1, 0.8];
  const decisions = [1, 0, 1, 0, 0, 1];
  const m = bootstrapMetrics(rows, { scores, threshold: 0.5, decisions }, undefined, fast);
  assert.is(m.f1.estimate, 1);
  assert.ok(Math.abs(m.pr_auc.estimate - binaryMetrics(rows.labels, scores, 0.5).pr_auc) < 1e-12);
});

test("bad parameters are RangeErrors", () => {
  const d = data(5, 5);
  assert.throws(() => bootstrapInterval(d.rows, d.good, "f1", { resamples: 0 }), RangeError);
  assert.throws(() => bootstrapInterval(d.rows, d.good, "f1", { level: 1 }), RangeError);
  assert.throws(
    () => bootstrapInterval({ labels: [1, 0], homes: ["a"] }, { scores: [1, 0], threshold: 0.5 }, "f1"),
    RangeError,
  );
});

test.run();
