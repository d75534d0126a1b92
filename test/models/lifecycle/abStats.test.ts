/**
 * The statistics behind `homeforge ab`: McNemar's test against hand-computed values (both
 * branches), the decision rule on paired bootstrap intervals of synthetic scores, and the
 * synergy comparison on hand-built graphs. No TensorFlow.js, no files.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../lib/core/random.js";
import { bootstrapInterval, pairedDifference } from "../../../lib/models/evaluation/bootstrap.js";
import { decideAb } from "../../../lib/models/lifecycle/abDecision.js";
import {
  chiSquared1UpperTail,
  EXACT_BELOW,
  erfc,
  mcnemarFromCounts,
  mcnemarTest,
} from "../../../lib/models/lifecycle/mcnemar.js";
import { compareSynergyVersions } from "../../../lib/models/lifecycle/synergyAb.js";
import type { PairScorer, SynergyGraph } from "../../../lib/models/synergy/synergyTypes.js";
import { makeSynergyGraphs } from "../../helpers/synergyGraphFixture.js";

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

test("McNemar, exact branch: two-sided binomial p-values computed by hand", () => {
  // b01 = 2, b10 = 8: 2 · (C(10,0) + C(10,1) + C(10,2)) / 2^10 = 2 · 56 / 1024
  const small = mcnemarFromCounts(2, 8);
  assert.is(small.method, "exact_binomial");
  assert.is(small.statistic, null);
  close(small.p_value, 0.109375, 1e-12, "2 vs 8");
  assert.is(mcnemarFromCounts(8, 2).p_value, small.p_value, "symmetric");
  // n = 24 (the largest exact n): 2 · Σ_{i ≤ 8} C(24, i) / 2^24 = 2 · 1 271 626 / 16 777 216
  const largest = mcnemarFromCounts(16, 8);
  assert.is(largest.method, "exact_binomial");
  assert.is(16 + 8, EXACT_BELOW - 1);
  close(largest.p_value, (2 * 1_271_626) / 16_777_216, 1e-12, "16 vs 8");
  assert.is(mcnemarFromCounts(0, 0).p_value, 1, "no discordant rows");
  assert.is(mcnemarFromCounts(5, 5).p_value, 1, "balanced: capped at 1");
  close(mcnemarFromCounts(0, 6).p_value, 2 / 64, 1e-12, "0 vs 6");
});

test("McNemar, χ² branch with continuity correction, by hand", () => {
  // b01 = 30, b10 = 10: (|30 − 10| − 1)² / 40 = 9.025; P(χ²₁ > 9.025) = erfc(√4.5125) = 0.0026631…
  const big = mcnemarFromCounts(30, 10);
  assert.is(big.method, "chi_squared_continuity");
  close(big.statistic!, 9.025, 1e-12, "statistic");
  close(big.p_value, 0.002663119259138554, 1e-8, "p");
  // n = 25 is the first χ² case: (|17 − 8| − 1)² / 25 = 2.56 → p = 0.1095986
  const first = mcnemarFromCounts(17, 8);
  assert.is(first.method, "chi_squared_continuity");
  close(first.statistic!, 2.56, 1e-12, "statistic at n = 25");
  close(first.p_value, 0.109598583399116, 1e-7, "p at n = 25");
  // the tail against known χ²₁ quantiles: 3.841459 → 0.05, 6.634897 → 0.01
  close(chiSquared1UpperTail(3.841459), 0.05, 1e-6, "χ² 0.95 quantile");
  close(chiSquared1UpperTail(6.634897), 0.01, 1e-6, "χ² 0.99 quantile");
  close(erfc(-1), 2 - 0.157299207050285, 1e-7, "erfc(−1)");
  assert.throws(() => mcnemarFromCounts(-1, 2), /mcnemar b01/);
});

test("McNemar from per-row correctness counts only the discordant rows", () => {
  const a = [1, 1, 0, 0, 1, 0, 1, 1];
  const b = [1, 0, 1, 1, 1, 0, 1, 1];
  const r = mcnemarTest(a, b);
  assert.equal([r.b01, r.b10, r.rows], [2, 1, 8]);
  assert.is(r.p_value, mcnemarFromCounts(2, 1).p_value);
  assert.throws(() => mcnemarTest([1], [1, 0]), /same rows/);
});

/** 30 homes × 40 rows, ~15 % positives; `separation` of each model's score between the classes. */
function synthetic(seed: number, separationA: number, separationB: number) {
  const rng = new Rng(seed);
  const labels: number[] = [];
  const homes: string[] = [];
  const a: number[] = [];
  const b: number[] = [];
  for (let h = 0; h < 30; h++) {
    for (let r = 0; r < 40; r++) {
      const y = rng.bernoulli(0.15) ? 1 : 0;
      const noise = rng.normal();
      labels.push(y);
      homes.push(`home_${h}`);
      a.push(1 / (1 + Math.exp(-(noise + (y ? separationA : -separationA)))));
      b.push(1 / (1 + Math.exp(-(rng.normal() * 0.5 + noise * 0.5 + (y ? separationB : -separationB)))));
    }
  }
  return { rows: { labels, homes }, a, b };
}

function decide(seed: number, separationA: number, separationB: number, same = false) {
  const s = synthetic(seed, separationA, separationB);
  const a = { scores: s.a, threshold: 0.5 };
  const b = { scores: same ? s.a : s.b, threshold: 0.5 };
  const options = { seed: 3, resamples: 300 };
  const d = pairedDifference(s.rows, b, a, "pr_auc", options);
  const correct = (m: typeof a) => s.rows.labels.map((y, i) => ((m.scores[i] >= 0.5 ? 1 : 0) === y ? 1 : 0));
  return {
    difference: d,
    a: bootstrapInterval(s.rows, a, "pr_auc", options),
    b: bootstrapInterval(s.rows, b, "pr_auc", options),
    decision: decideAb({
      metric: "PR-AUC",
      a: { ref: "production", version: "v1" },
      b: { ref: "candidate", version: "v2" },
      difference: d,
      mcnemar: mcnemarTest(correct(a), correct(b)),
    }),
  };
}

test("the paired bootstrap tells a better b from a worse one, and sees no difference between identical ones", () => {
  const better = decide(1, 0.6, 1.6);
  assert.ok(better.difference.lo > 0, `b better: ${JSON.stringify(better.difference)}`);
  assert.is(better.decision.choice, "b");
  assert.is(better.decision.keep, "b");
  assert.match(
    better.decision.reason,
    /^b \(candidate, v2\) is better: PR-AUC b − a = \+0\.\d{4}, 95 % interval \[\+/,
  );
  assert.match(
    better.decision.reason,
    /McNemar at the served thresholds (agrees|does not agree) \(b01 \d+, b10 \d+, p [=<] /,
  );

  const worse = decide(2, 1.6, 0.6);
  assert.ok(worse.difference.hi < 0, `b worse: ${JSON.stringify(worse.difference)}`);
  assert.is(worse.decision.choice, "a");
  assert.is(worse.decision.keep, "a");
  assert.match(worse.decision.reason, /^a \(production, v1\) is better, keep it: .* lies below 0/);

  const same = decide(3, 1, 1, true);
  assert.equal([same.difference.estimate, same.difference.lo, same.difference.hi], [0, 0, 0]);
  assert.is(same.decision.choice, "no_difference");
  assert.is(same.decision.keep, "a");
  assert.is(same.decision.mcnemar_agrees, true, "no discordant rows: p = 1, agreeing with no difference");
  assert.match(
    same.decision.reason,
    /^no detectable difference, keep a \(production, v1\): .* includes 0; McNemar/,
  );
  // each version's own interval comes from the same resampled homes as the difference
  assert.equal(same.a, same.b);
});

test("the decision with too few homes or positives keeps a and says why", () => {
  const d = decideAb({
    metric: "PR-AUC",
    a: { ref: "production", version: "v1" },
    b: { ref: "candidate", version: "v2" },
    difference: {
      estimate: 0.2,
      lo: Number.NaN,
      hi: Number.NaN,
      level: 0.95,
      resamples: 0,
      homes: 3,
      too_few: "3 held-out homes with 4 failing device-days",
    },
    mcnemar: null,
  });
  assert.is(d.choice, "no_difference");
  assert.is(d.mcnemar_agrees, null);
  assert.match(
    d.reason,
    /b − a = \+0\.2000 with no interval: 3 held-out homes with 4 failing device-days\.$/,
  );
});

/** Scores pairs by pair feature 0 (which carries the label in the "pair" task) plus `noise` × N(0, 1). */
function featureScorer(name: string, noise: number, seed: number): PairScorer {
  return {
    name,
    score: (graphs: readonly SynergyGraph[]) =>
      graphs.map((g) => {
        const rng = Rng.derive(seed, g.homeId);
        const width = g.pairFeatures.length / g.pairCount;
        return Float32Array.from(
          { length: g.pairCount },
          (_, p) => g.pairFeatures[p * width] + noise * rng.normal(),
        );
      }),
  };
}

test("synergy versions: mean per-home AP with paired intervals per cut, McNemar on pair decisions", () => {
  const full = makeSynergyGraphs({ task: "pair", homes: 30, seed: 4 });
  const short = full.map((g) => ({ ...g, historyDays: 3 }));
  const graphs = [...full, ...short];
  const side = (version: string, scorer: PairScorer) => ({
    version: { ref: version, name: "synergy-gnn", version, kind: "synergy_gnn" },
    scorer,
    threshold: 0.75,
  });
  const sharp = side("v1", featureScorer("sharp", 0, 1));
  const blurred = side("v2", featureScorer("blurred", 3, 2));
  const [fullCut, shortCut] = compareSynergyVersions(
    graphs,
    { a: blurred, b: sharp },
    { seed: 5, resamples: 300 },
  );
  assert.equal([fullCut.history_days, shortCut.history_days], [null, 3]);
  assert.is(fullCut.homes, 30);
  assert.is(
    fullCut.rows,
    full.reduce((n, g) => n + g.pairCount, 0),
  );
  assert.ok(fullCut.difference.lo > 0, JSON.stringify(fullCut.difference));
  assert.is(fullCut.difference.verdict, "b_better");
  assert.ok(fullCut.b.metric.estimate > fullCut.a.metric.estimate);
  assert.ok(fullCut.mcnemar.b01 > fullCut.mcnemar.b10, "the sharp scorer decides more pairs right");
  assert.is(fullCut.b.thresholds[0].threshold, 0.75);

  const [same] = compareSynergyVersions(
    full,
    { a: sharp, b: sharp },
    { seed: 5, resamples: 300, cuts: [null] },
  );
  assert.is(same.difference.estimate, 0);
  assert.is(same.difference.verdict, "no_difference");
  assert.equal([same.mcnemar.b01, same.mcnemar.b10], [0, 0]);
});

test.run();
