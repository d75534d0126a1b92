import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../lib/core/random.js";
import { binaryMetrics, chooseThreshold, prAuc, rocAuc } from "../../../lib/models/evaluation/metrics.js";

function sample(n: number, seed: number, separation: number, ties = false) {
  const rng = Rng.derive(seed, "metrics");
  const labels: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = rng.bernoulli(0.2) ? 1 : 0;
    let s = rng.normal(y * separation, 1);
    if (ties) s = Math.round(s * 2) / 2;
    labels.push(y);
    scores.push(s);
  }
  return { labels, scores };
}

function bruteAuc(labels: number[], scores: number[]): number {
  let pairs = 0;
  let good = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      good += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return good / pairs;
}

/** sklearn's average precision, by brute force over each distinct threshold. */
function bruteAp(labels: number[], scores: number[]): number {
  const positives = labels.filter((y) => y === 1).length;
  const thresholds = [...new Set(scores)].sort((a, b) => b - a);
  let ap = 0;
  let prevRecall = 0;
  for (const t of thresholds) {
    let tp = 0;
    let predicted = 0;
    for (let i = 0; i < labels.length; i++) {
      if (scores[i] >= t) {
        predicted++;
        if (labels[i] === 1) tp++;
      }
    }
    ap += (tp / positives - prevRecall) * (tp / predicted);
    prevRecall = tp / positives;
  }
  return ap;
}

test("ROC-AUC and PR-AUC match brute force, with and without tied scores", () => {
  for (const ties of [false, true]) {
    const { labels, scores } = sample(300, ties ? 2 : 1, 1, ties);
    assert.ok(Math.abs(rocAuc(labels, scores) - bruteAuc(labels, scores)) < 1e-12);
    assert.ok(Math.abs(prAuc(labels, scores) - bruteAp(labels, scores)) < 1e-12);
  }
});

test("statistics: separable scores give 1, random scores give ≈0.5 ROC and ≈ base rate PR", () => {
  const labels = [0, 0, 1, 1, 0, 1];
  const perfect = labels.map((y, i) => y + i * 1e-3);
  assert.is(rocAuc(labels, perfect), 1);
  assert.is(prAuc(labels, perfect), 1);
  const { labels: l, scores } = sample(20000, 3, 0);
  const base = l.filter((y) => y === 1).length / l.length;
  assert.ok(Math.abs(rocAuc(l, scores) - 0.5) < 0.02);
  assert.ok(Math.abs(prAuc(l, scores) - base) < 0.02);
  assert.ok(Number.isNaN(rocAuc([1, 1], [0.2, 0.3])), "undefined with one class");
});

test("confusion-matrix metrics at a threshold", () => {
  const m = binaryMetrics([1, 1, 0, 0, 1], [0.9, 0.4, 0.6, 0.1, 0.7], 0.5);
  assert.equal([m.tp, m.fp, m.tn, m.fn], [2, 1, 1, 1]);
  assert.ok(Math.abs(m.precision - 2 / 3) < 1e-12);
  assert.ok(Math.abs(m.recall - 2 / 3) < 1e-12);
  assert.ok(Math.abs(m.f1 - 2 / 3) < 1e-12);
  assert.is(m.accuracy, 0.6);
});

test("chooseThreshold maximises F1 on the data it is given, between two scores", () => {
  const { labels, scores } = sample(500, 4, 1.5);
  const choice = chooseThreshold(labels, scores);
  const atChoice = binaryMetrics(labels, scores, choice.threshold).f1;
  assert.ok(Math.abs(atChoice - choice.f1) < 1e-12);
  for (const t of scores) assert.ok(binaryMetrics(labels, scores, t).f1 <= choice.f1 + 1e-12);
  assert.not.ok(scores.includes(choice.threshold), "the threshold is not itself a score");
});

test.run();
