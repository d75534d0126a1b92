import { test } from "uvu";
import * as assert from "uvu/assert";
import { columnTable } from "../../../lib/core/columnTable.js";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { Rng } from "../../../lib/core/random.js";
import { evaluateSynergyRanking } from "../../../lib/models/evaluation/synergyEvaluator.js";
import {
  hitsAtK,
  meanDefined,
  rankingMetrics,
  thresholdCounts,
  thresholdMetrics,
} from "../../../lib/models/synergy/rankingMetrics.js";
import { SYNERGIES_SCHEMA } from "../../../lib/pipeline/storage/tables.js";

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs ${expected}`);

test("AP of [0.9 link, 0.8 negative, 0.7 link] is (1 + 2/3) / 2 and ROC-AUC is 1/2", () => {
  const m = rankingMetrics([0.9, 0.8, 0.7], [1, 0, 1], 1);
  close(m.averagePrecision, (1 + 2 / 3) / 2, "AP");
  close(m.rocAuc, 0.5, "ROC-AUC");
  assert.equal([m.pairs, m.positives, m.negatives], [3, 2, 1]);
  assert.is(m.precisionAtK, 1);
  close(m.recallAtK, 1 / 2, "R@1");
});

test("a constant score gets AP = link share, ROC-AUC = 1/2 and the expected P@k / R@k, whatever the order", () => {
  const labels = [1, 0, 0, 1, 0, 0, 1, 0]; // 3 links of 8
  const scores = new Array(8).fill(0.3);
  const m = rankingMetrics(scores, labels, 5);
  close(m.averagePrecision, 3 / 8, "AP");
  close(m.rocAuc, 0.5, "ROC-AUC");
  close(m.precisionAtK, 3 / 8, "P@5");
  close(m.recallAtK, (5 * 3) / 8 / 3, "R@5");
  assert.is(m.hitsAtK, 0); // no link scores strictly above the 5th negative
  const reordered = rankingMetrics(scores, [0, 0, 0, 0, 0, 1, 1, 1], 5);
  assert.equal(reordered, m);
});

test("precision@k counts the tie straddling the cut by its expected links", () => {
  // 0.9 link | tie of three at 0.5 with one link, one slot left at k = 2 | 0.1 link
  const scores = [0.5, 0.1, 0.9, 0.5, 0.5];
  const labels = [0, 1, 1, 1, 0];
  const m = rankingMetrics(scores, labels, 2);
  close(m.precisionAtK, (1 + 1 / 3) / 2, "P@2");
  close(m.recallAtK, (1 + 1 / 3) / 3, "R@2");
  // k beyond the pair count: the cut is every pair
  const all = rankingMetrics(scores, labels, 9);
  close(all.precisionAtK, 3 / 5, "P@9");
  assert.is(all.recallAtK, 1);
});

test("Hits@k is the share of links strictly above the k-th highest negative (OGB)", () => {
  const scores = [0.9, 0.6, 0.3, 0.8, 0.7, 0.5, 0.4, 0.2];
  const labels = [1, 1, 1, 0, 0, 0, 0, 0];
  close(hitsAtK(scores, labels, 1), 1 / 3, "Hits@1"); // above 0.8
  close(hitsAtK(scores, labels, 2), 1 / 3, "Hits@2"); // above 0.7
  close(hitsAtK(scores, labels, 3), 2 / 3, "Hits@3"); // above 0.5
  close(hitsAtK(scores, labels, 5), 1, "Hits@5"); // above 0.2
  // a link tied with the k-th negative is a miss
  close(hitsAtK([0.7, 0.8, 0.7], [1, 0, 0], 2), 0, "tied");
  // fewer than k negatives: 1 by OGB's convention
  assert.is(hitsAtK(scores, labels, 6), 1);
  assert.is(rankingMetrics(scores, labels, 2).hitsAtK, hitsAtK(scores, labels, 2));
});

test("undefined metrics are NaN: no link, no negative, no pair", () => {
  const noLink = rankingMetrics([0.4, 0.2], [0, 0]);
  assert.ok([noLink.averagePrecision, noLink.rocAuc, noLink.recallAtK, noLink.hitsAtK].every(Number.isNaN));
  assert.is(noLink.precisionAtK, 0);
  const noNegative = rankingMetrics([0.4, 0.2], [1, 1]);
  assert.ok(Number.isNaN(noNegative.rocAuc) && Number.isNaN(noNegative.hitsAtK));
  assert.is(noNegative.averagePrecision, 1);
  const empty = rankingMetrics([], []);
  assert.ok(Object.values(empty).slice(3).every(Number.isNaN), JSON.stringify(empty));
});

test("precision / recall / F1 at a threshold, one graph or pooled counts", () => {
  const c = thresholdCounts([0.9, 0.6, 0.5, 0.2], [1, 0, 1, 1], 0.5);
  assert.equal(c, { tp: 2, fp: 1, fn: 1 });
  const m = thresholdMetrics(c);
  close(m.precision, 2 / 3, "precision");
  close(m.recall, 2 / 3, "recall");
  close(m.f1, 2 / 3, "f1");
  const nothingPredicted = thresholdMetrics({ tp: 0, fp: 0, fn: 3 });
  assert.ok(Number.isNaN(nothingPredicted.precision));
  assert.equal([nothingPredicted.recall, nothingPredicted.f1], [0, 0]);
  assert.ok(Object.values(thresholdMetrics({ tp: 0, fp: 0, fn: 0 })).every(Number.isNaN));
});

test("meanDefined skips NaN and says how many values counted", () => {
  assert.equal(meanDefined([0.5, Number.NaN, 1]), { mean: 0.75, count: 2 });
  const none = meanDefined([Number.NaN]);
  assert.ok(Number.isNaN(none.mean) && none.count === 0);
});

test("AP agrees with evaluateSynergyRanking on a ranking without ties", () => {
  const rng = new Rng(5);
  const n = 30;
  const labels = Uint8Array.from({ length: n }, (_, i) => (i < 3 ? 1 : rng.bernoulli(0.3) ? 1 : 0));
  const scores = Float64Array.from({ length: n }, () => rng.next());
  const truth = columnTable(SYNERGIES_SCHEMA, {
    home_id: Array(n).fill("h"),
    trigger_entity: Array.from({ length: n }, (_, i) => `t.${i}`),
    action_entity: Array.from({ length: n }, (_, i) => `a.${i}`),
    relationship: Array(n).fill("motion_light"),
    linked: labels,
    same_area: new Uint8Array(n),
    delay_ms: new Float64Array(n),
    probability: new Float64Array(n),
    condition: Array(n).fill(null),
    benefit: new Float64Array(n),
    confounder: Array(n).fill(null),
  });
  const table = evaluateSynergyRanking(truth, {
    home_id: Array(n).fill("h"),
    trigger_entity: Array.from({ length: n }, (_, i) => `t.${i}`),
    action_entity: Array.from({ length: n }, (_, i) => `a.${i}`),
    score: scores,
  });
  close(rankingMetrics(scores, labels).averagePrecision, table.homes[0].averagePrecision, "AP");
  close(rankingMetrics(scores, labels).precisionAtK, table.homes[0].precisionAtK, "P@5");
});

test("bad input gives one-line errors naming the problem", () => {
  const throwsWith = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(
      fn,
      (e: unknown) => e instanceof HomeforgeError && pattern.test(e.message) && !e.message.includes("\n"),
    );
  throwsWith(() => rankingMetrics([0.1], [1, 0]), /1 scores for 2 candidate pairs/);
  throwsWith(() => rankingMetrics([0.1, Number.NaN], [1, 0]), /pair 1 has score NaN/);
  throwsWith(() => rankingMetrics([0.1], [1], 0), /evaluation\.k: 0 is not a whole number/);
  throwsWith(() => hitsAtK([0.1], [1], 1.5), /evaluation\.k/);
});

test.run();
