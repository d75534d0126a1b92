import { test } from "uvu";
import * as assert from "uvu/assert";
import { columnTable } from "../../../lib/core/columnTable.js";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { Rng } from "../../../lib/core/random.js";
import { evaluateSynergyRanking, type RankedPairs } from "../../../lib/models/evaluation/synergyEvaluator.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../../../lib/pipeline/generation/generate.js";
import { synergiesTable } from "../../../lib/pipeline/generation/synergiesTable.js";
import { generateHome } from "../../../lib/synth/homes.js";
import { plantSynergies } from "../../../lib/synth/synergies.js";

const SEED = 21;
const spec = homeGenerationSpec(parseGenerationConfig({ seed: SEED, homes: 300, days: 30 }));
const planted = Array.from({ length: 300 }, (_, i) => plantSynergies(generateHome(spec, i), SEED)).flat();
const truth = synergiesTable(planted);

/** Scores every truth pair with score(linked, row). */
function rankAll(score: (linked: boolean, i: number) => number): RankedPairs {
  return {
    home_id: planted.map((s) => s.homeId),
    trigger_entity: planted.map((s) => s.trigger),
    action_entity: planted.map((s) => s.action),
    score: Float64Array.from(planted, (s, i) => score(s.linked, i)),
  };
}

/** A small hand-built truth: home a has links p1, p2 and negatives n1, n2; home b has one link. */
const small = columnTable(truth.schema, {
  home_id: ["a", "a", "a", "a", "b", "b"],
  trigger_entity: ["t.p1", "t.p2", "t.n1", "t.n2", "t.q1", "t.m1"],
  action_entity: ["x.p1", "x.p2", "x.n1", "x.n2", "x.q1", "x.m1"],
  relationship: Array(6).fill("motion_light"),
  linked: Uint8Array.from([1, 1, 0, 0, 1, 0]),
  same_area: Uint8Array.from([1, 1, 1, 1, 1, 1]),
  delay_ms: new Float64Array(6),
  probability: new Float64Array(6),
  condition: Array(6).fill(null),
  benefit: new Float64Array(6),
  confounder: Array(6).fill(null),
});

test("a perfect ranking scores AP = 1, recall = 1, precision = 1 on every home", () => {
  const result = evaluateSynergyRanking(
    truth,
    rankAll((linked) => (linked ? 1 : 0)),
  );
  assert.is(result.homes.length, 300);
  for (const m of result.homes) {
    if (m.positives === 0) continue;
    assert.is(m.averagePrecision, 1, m.homeId);
    assert.is(m.recall, 1);
    assert.is(m.precision, 1);
    assert.is(m.precisionAtK, Math.min(m.positives, Math.min(5, m.ranked)) / Math.min(5, m.ranked));
  }
  assert.is(result.macro.averagePrecision, 1);
  assert.is(result.macro.homesWithPositives, 300);
});

test("a hand-built case gives the known values", () => {
  // home a ranked: p1 (0.9), n1 (0.8), p2 (0.6), x (0.4, not in the truth: a negative); n2 unscored
  const ranked: RankedPairs = {
    home_id: ["a", "a", "a", "a", "b"],
    trigger_entity: ["t.n1", "t.p1", "t.zz", "t.p2", "t.m1"],
    action_entity: ["x.n1", "x.p1", "x.zz", "x.p2", "x.m1"],
    score: [0.8, 0.9, 0.4, 0.6, 0.7],
  };
  const r = evaluateSynergyRanking(small, ranked, { k: 2 });
  const a = r.homes.find((m) => m.homeId === "a")!;
  assert.is(a.positives, 2);
  assert.is(a.ranked, 4);
  assert.ok(Math.abs(a.averagePrecision - (1 / 1 + 2 / 3) / 2) < 1e-12, String(a.averagePrecision));
  assert.is(a.precisionAtK, 1 / 2);
  assert.is(a.predicted, 3); // 0.9, 0.8, 0.6 ≥ 0.5
  assert.is(a.truePositives, 2);
  assert.ok(Math.abs(a.precision - 2 / 3) < 1e-12);
  assert.is(a.recall, 1);
  // home b: its one link q1 was never scored; the only scored pair is a negative
  const b = r.homes.find((m) => m.homeId === "b")!;
  assert.equal([b.averagePrecision, b.recall, b.precision, b.precisionAtK], [0, 0, 0, 0]);
  assert.ok(Math.abs(r.macro.averagePrecision - (5 / 6 + 0) / 2) < 1e-12);
  // a pair outside the truth ranked first is a negative at rank 1
  const top = evaluateSynergyRanking(small, { ...ranked, score: [0.8, 0.9, 0.95, 0.6, 0.7] }, { k: 1 });
  assert.is(top.homes[0].precisionAtK, 0);
});

test("ties keep the detector's order; a home with nothing predicted has undefined precision", () => {
  const ranked: RankedPairs = {
    home_id: ["a", "a", "a", "a"],
    trigger_entity: ["t.n1", "t.p1", "t.p2", "t.n2"],
    action_entity: ["x.n1", "x.p1", "x.p2", "x.n2"],
    score: [0.2, 0.2, 0.2, 0.2],
  };
  const r = evaluateSynergyRanking(small, ranked, { homes: ["a"] });
  assert.is(r.homes.length, 1);
  assert.ok(Math.abs(r.homes[0].averagePrecision - (1 / 2 + 2 / 3) / 2) < 1e-12);
  assert.ok(Number.isNaN(r.homes[0].precision));
  assert.is(r.homes[0].recall, 0);
  assert.is(r.macro.homesWithPrediction, 0);
  assert.ok(Number.isNaN(r.macro.precision));
});

test("a seeded random ranking scores about the base rate; a reversed ranking scores below it", () => {
  const rng = Rng.derive(SEED, "random ranking");
  const random = evaluateSynergyRanking(
    truth,
    rankAll(() => rng.next()),
  );
  const homes = random.homes.filter((m) => m.positives > 0);
  const baseRate = (id: string) => {
    const pairs = planted.filter((s) => s.homeId === id);
    return pairs.filter((s) => s.linked).length / pairs.length;
  };
  const meanBase = homes.reduce((s, m) => s + baseRate(m.homeId), 0) / homes.length;
  const predicted = homes.reduce((s, m) => s + m.predicted, 0);
  const tp = homes.reduce((s, m) => s + m.truePositives, 0);
  const overallBase = planted.filter((s) => s.linked).length / planted.length;
  assert.ok(
    Math.abs(tp / predicted - overallBase) < 0.03,
    `micro precision ${tp / predicted} vs ${overallBase}`,
  );
  assert.ok(
    Math.abs(random.macro.precisionAtK - meanBase) < 0.05,
    `p@5 ${random.macro.precisionAtK} vs ${meanBase}`,
  );
  assert.ok(Math.abs(random.macro.recall - 0.5) < 0.05, `recall ${random.macro.recall}`);
  // expected AP of a random order of n pairs with R links: (R−1)/(n−1) + (n−R)·H_n / (n(n−1))
  const expectedAp = (id: string) => {
    const pairs = planted.filter((s) => s.homeId === id);
    const n = pairs.length;
    const R = pairs.filter((s) => s.linked).length;
    if (n === 1) return 1;
    let harmonic = 0;
    for (let i = 1; i <= n; i++) harmonic += 1 / i;
    return (R - 1) / (n - 1) + ((n - R) * harmonic) / (n * (n - 1));
  };
  const meanExpectedAp = homes.reduce((s, m) => s + expectedAp(m.homeId), 0) / homes.length;
  assert.ok(
    Math.abs(random.macro.averagePrecision - meanExpectedAp) < 0.03,
    `AP ${random.macro.averagePrecision} vs expected ${meanExpectedAp}`,
  );
  const reversed = evaluateSynergyRanking(
    truth,
    rankAll((linked) => (linked ? 0 : 1)),
  );
  assert.ok(reversed.macro.averagePrecision < random.macro.averagePrecision - 0.1);
});

test("a ColumnTable of ranked pairs works like plain columns", () => {
  const cols = rankAll((linked, i) => (linked ? 0.6 : 0.4) + (i % 7) / 100);
  const asTable = { schema: { name: "ranked", columns: [] }, rows: planted.length, columns: { ...cols } };
  assert.equal(
    evaluateSynergyRanking(truth, asTable as never).macro,
    evaluateSynergyRanking(truth, cols).macro,
  );
});

test("malformed input gives one-line errors naming the problem", () => {
  const ok: RankedPairs = { home_id: ["a"], trigger_entity: ["t.p1"], action_entity: ["x.p1"], score: [1] };
  const throwsWith = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(
      fn,
      (e: unknown) => e instanceof HomeforgeError && pattern.test(e.message) && !e.message.includes("\n"),
    );
  throwsWith(
    () => evaluateSynergyRanking(small, { ...ok, score: undefined } as never),
    /column score is missing/,
  );
  throwsWith(() => evaluateSynergyRanking(small, { ...ok, score: [Number.NaN] }), /row 0 has score NaN/);
  throwsWith(
    () => evaluateSynergyRanking(small, { ...ok, home_id: ["zz"] }),
    /home zz .* not in the synergies table/,
  );
  throwsWith(
    () =>
      evaluateSynergyRanking(small, {
        home_id: ["a", "a"],
        trigger_entity: ["t.p1", "t.p1"],
        action_entity: ["x.p1", "x.p1"],
        score: [1, 2],
      }),
    /scored twice/,
  );
  throwsWith(
    () => evaluateSynergyRanking(small, { ...ok, trigger_entity: [] }),
    /trigger_entity has 0 rows, expected 1/,
  );
  throwsWith(() => evaluateSynergyRanking(small, ok, { k: 0 }), /evaluation\.k/);
  throwsWith(
    () => evaluateSynergyRanking(small, ok, { homes: ["nope"] }),
    /home nope is not in the synergies table/,
  );
  const { linked: _l, ...noLinked } = small.columns;
  throwsWith(() => evaluateSynergyRanking({ ...small, columns: noLinked }, ok), /column linked is missing/);
  const dup = {
    ...small,
    columns: {
      ...small.columns,
      trigger_entity: ["t.p1", "t.p1", "t.n1", "t.n2", "t.q1", "t.m1"],
      action_entity: ["x.p1", "x.p1", "x.n1", "x.n2", "x.q1", "x.m1"],
    },
  };
  throwsWith(() => evaluateSynergyRanking(dup, ok), /appears twice/);
});

test.run();
