import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { evaluateSynergyScorers } from "../../../lib/models/synergy/evaluateSynergyScorers.js";
import {
  CoOccurrenceScorer,
  LaggedStatisticScorer,
  SameAreaRule,
  servedThreshold,
  statisticBaselines,
} from "../../../lib/models/synergy/synergyBaselines.js";
import type { SynergyGraph } from "../../../lib/models/synergy/synergyTypes.js";
import { handGraph, seededGraphs } from "../../helpers/synergyFixtures.js";

const pairs = [
  { linked: 1, sameArea: 1, coOccurrences: 12, excessShare30s: 0.6 },
  { linked: 1, sameArea: 0, coOccurrences: 40, excessShare30s: 0.5 },
  { linked: 0, sameArea: 1, coOccurrences: 3, excessShare30s: 0.4, confounder: "routine" },
  { linked: 1, sameArea: 1, coOccurrences: 7, excessShare30s: 0.3 },
  { linked: 0, sameArea: 0, coOccurrences: 0, excessShare30s: 0.1 },
  { linked: 0, sameArea: 1, coOccurrences: 9, excessShare30s: 0 },
] as const;

test("the rule scores same-area pairs 1 and the rest 0; co-occurrence is the raw 30 s count", () => {
  const g = handGraph("h", pairs);
  assert.equal(Array.from(new SameAreaRule().score([g])[0]), [1, 0, 1, 1, 0, 1]);
  assert.is(new SameAreaRule().threshold, 0.5);
  assert.equal(Array.from(new CoOccurrenceScorer().score([g])[0]), [12, 40, 3, 7, 0, 9]);
});

test("the lagged statistic reads excess_share_30s from the pair features by name", () => {
  const g = handGraph("h", pairs);
  const scores = new LaggedStatisticScorer().score([g])[0];
  assert.equal(Array.from(scores), Array.from(Float32Array.from([0.6, 0.5, 0.4, 0.3, 0.1, 0])));
  const bad = { ...g, pairFeatures: new Float32Array(6 * 3) };
  assert.throws(
    () => new LaggedStatisticScorer().score([bad]),
    (e: unknown) => e instanceof HomeforgeError && /pairFeatures.*has no column/.test(e.message),
  );
});

test("the served threshold maximises pooled F1 on the validation graphs", () => {
  // ≥ 0.5: F1 0.8; ≥ 0.4: 2/3; ≥ 0.3: 6/7 (best); ≥ 0.1: 3/4; all: 2/3
  const lagged = new LaggedStatisticScorer().fitThreshold([handGraph("v", pairs)]);
  assert.ok(Math.abs(lagged.threshold! - 0.2) < 1e-6, String(lagged.threshold));
  assert.ok(Math.abs(lagged.validation!.f1 - 6 / 7) < 1e-9);
  // pooled over graphs: the same pairs split over two homes give the same threshold
  const split = [handGraph("v1", pairs.slice(0, 3)), handGraph("v2", pairs.slice(3))];
  assert.is(new LaggedStatisticScorer().fitThreshold(split).threshold, lagged.threshold);
});

test("the lagged threshold comes from validation graphs only: test labels change nothing it decided", () => {
  const validation = seededGraphs(1, 10, { prefix: "val" });
  const test = seededGraphs(2, 10, { prefix: "test" });
  const flipped: SynergyGraph[] = test.map((g) => ({ ...g, labels: g.labels!.map((y) => 1 - y) }));
  const served = statisticBaselines(validation);
  const evaluate = (graphs: SynergyGraph[]) =>
    evaluateSynergyScorers([{ graphs, scorers: served }], { reference: "lagged_statistic", resamples: 50 });
  const a = evaluate(test).cuts[0].scorers;
  const b = evaluate(flipped).cuts[0].scorers;
  assert.equal(
    a.map((s) => s.threshold),
    b.map((s) => s.threshold),
  );
  assert.equal(
    served.map((s) => s.threshold),
    a.map((s) => s.threshold),
  );
  assert.equal(new LaggedStatisticScorer().score(test), new LaggedStatisticScorer().score(flipped));
  // and the evaluation does see the flip (so the check above could fail)
  assert.ok(a[2].averagePrecision.mean! > b[2].averagePrecision.mean!);
  // validation labels do decide it
  const otherValidation = validation.map((g) => ({
    ...g,
    labels: g.labels!.map((y, i) => (i % 2 ? y : 1 - y)),
  }));
  assert.not.equal(new LaggedStatisticScorer().fitThreshold(otherValidation).threshold, served[2].threshold);
});

test("statisticBaselines serves the three baselines; the rule at 0.5, co-occurrence chosen on validation", () => {
  const validation = seededGraphs(1, 10, { prefix: "val" });
  const served = statisticBaselines(validation);
  assert.equal(
    served.map((s) => s.scorer.name),
    ["same_area_rule", "co_occurrence_30s", "lagged_statistic"],
  );
  assert.is(served[0].threshold, 0.5);
  assert.is(served[1].threshold, servedThreshold(new CoOccurrenceScorer(), validation).threshold);
});

test("graphs without truth cannot choose a threshold", () => {
  const unknown = handGraph("mine", pairs, { truthKnown: false });
  assert.throws(
    () => new LaggedStatisticScorer().fitThreshold([unknown]),
    (e: unknown) => e instanceof HomeforgeError && /graph mine: has no labels/.test(e.message),
  );
  assert.throws(
    () => servedThreshold(new SameAreaRule(), []),
    (e: unknown) => e instanceof HomeforgeError && /validationGraphs/.test(e.message),
  );
});

test.run();
