import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { prAuc } from "../../../lib/models/evaluation/metrics.js";
import {
  evaluateSynergyScorers,
  type SynergyCutInput,
} from "../../../lib/models/synergy/evaluateSynergyScorers.js";
import { formatSynergyTable } from "../../../lib/models/synergy/formatSynergyTable.js";
import { rankingMetrics } from "../../../lib/models/synergy/rankingMetrics.js";
import { CoOccurrenceScorer, statisticBaselines } from "../../../lib/models/synergy/synergyBaselines.js";
import { handGraph, NoisyOracle, seededGraphs } from "../../helpers/synergyFixtures.js";

const options = { reference: "gnn", resamples: 200, seed: 5 };

/**
 * Two cuts (3 days, full) of 12 test homes; scorers: a strong oracle "gnn", its exact twin, an
 * equally strong peer with other noise, and the statistic baselines.
 */
function cuts(): SynergyCutInput[] {
  return [null, 3].map((historyDays, c) => {
    const validation = seededGraphs(100 + c, 12, { historyDays, prefix: "val" });
    const graphs = seededGraphs(200 + c, 12, { historyDays, prefix: "test" });
    return {
      graphs,
      scorers: [
        { scorer: new NoisyOracle("gnn", 0.8, 1), threshold: 0.9 },
        { scorer: new NoisyOracle("gnn_twin", 0.8, 1, "gnn"), threshold: 0.9 },
        { scorer: new NoisyOracle("gnn_peer", 0.8, 2), threshold: 0.9 },
        ...statisticBaselines(validation),
      ],
    };
  });
}

test("per cut and scorer: home means with intervals, ordered by history, the full horizon last", () => {
  const input = cuts();
  const r = evaluateSynergyScorers(input, options);
  assert.equal(
    r.cuts.map((c) => c.historyDays),
    [3, null],
  );
  assert.is(r.k, 5);
  for (const cut of r.cuts) {
    assert.is(cut.homes, 12);
    assert.equal(
      cut.scorers.map((s) => s.scorer),
      ["gnn", "gnn_twin", "gnn_peer", "same_area_rule", "co_occurrence_30s", "lagged_statistic"],
    );
    for (const s of cut.scorers) {
      const all = [s.rocAuc, s.averagePrecision, s.precisionAtK, s.recallAtK, s.hitsAtK];
      for (const m of [...all, s.hardNegativeAp, s.hardNegativeRocAuc]) {
        assert.ok(m.lo! <= m.mean! && m.mean! <= m.hi!, `${s.scorer} ${JSON.stringify(m)}`);
        assert.is(m.homes, 12);
      }
      assert.ok(s.pooled.f1.lo! <= s.pooled.f1.estimate! && s.pooled.f1.estimate! <= s.pooled.f1.hi!);
    }
  }
  // the mean is the plain mean of the per-home values
  const full = input[0];
  const gnnScores = full.scorers[0].scorer.score(full.graphs);
  const perHome = full.graphs.map((g, h) => rankingMetrics(gnnScores[h], g.labels!).averagePrecision);
  const mean = perHome.reduce((s, x) => s + x, 0) / perHome.length;
  assert.ok(Math.abs(r.cuts[1].scorers[0].averagePrecision.mean! - mean) < 1e-12);
});

test("the paired AP difference: the oracle beats the baselines, not its twin or an equally good peer", () => {
  const r = evaluateSynergyScorers(cuts(), options);
  for (const cut of r.cuts) {
    const verdict = Object.fromEntries(cut.apDifferences.map((d) => [d.scorer, d.verdict]));
    assert.equal(verdict, {
      gnn_twin: "no_difference",
      gnn_peer: "no_difference",
      same_area_rule: "a_beats_b",
      co_occurrence_30s: "a_beats_b",
      lagged_statistic: "a_beats_b",
    });
    const twin = cut.apDifferences.find((d) => d.scorer === "gnn_twin")!;
    assert.equal([twin.estimate, twin.lo, twin.hi], [0, 0, 0]);
    assert.ok(cut.apDifferences.every((d) => d.reference === "gnn" && d.homes === 12));
    // every home has a link, so the mean of differences is the difference of the AP means
    const apMean = (name: string) => cut.scorers.find((s) => s.scorer === name)!.averagePrecision.mean!;
    for (const d of cut.apDifferences) {
      assert.ok(Math.abs(d.estimate! - (apMean("gnn") - apMean(d.scorer))) < 1e-12, d.scorer);
    }
  }
});

test("the hard negatives show the confounder: co-occurrence cannot tell links from confounded pairs", () => {
  const r = evaluateSynergyScorers(cuts(), options);
  for (const cut of r.cuts) {
    const co = cut.scorers.find((s) => s.scorer === "co_occurrence_30s")!;
    const lagged = cut.scorers.find((s) => s.scorer === "lagged_statistic")!;
    assert.ok(co.rocAuc.mean! > 0.7, JSON.stringify(co.rocAuc));
    assert.ok(Math.abs(co.hardNegativeRocAuc.mean! - 0.5) < 0.15, JSON.stringify(co.hardNegativeRocAuc));
    assert.ok(lagged.hardNegativeRocAuc.mean! > co.hardNegativeRocAuc.mean! + 0.1);
    // fewer negatives: AP on the hard set is never below AP on all pairs
    assert.ok(co.hardNegativeAp.mean! >= co.averagePrecision.mean! - 1e-12);
    assert.ok(cut.hardNegatives > 0 && cut.positives > 0);
  }
  // by hand: links {0, 3}, confounded negative 1, plain negative 2 scored above everything
  const g = handGraph("h", [
    { linked: 1, coOccurrences: 5 },
    { linked: 0, coOccurrences: 6, confounder: "walk_through" },
    { linked: 0, coOccurrences: 9 },
    { linked: 1, coOccurrences: 4 },
    { linked: 0, coOccurrences: 1 },
  ]);
  const one = evaluateSynergyScorers(
    [{ graphs: [g], scorers: [{ scorer: new CoOccurrenceScorer(), threshold: 5 }] }],
    { reference: "co_occurrence_30s", resamples: 20 },
  ).cuts[0];
  assert.is(one.scorers[0].hardNegativeAp.mean, prAuc([1, 0, 1], [5, 6, 4]));
  assert.is(one.scorers[0].hardNegativeRocAuc.mean, 0);
  assert.is(one.hardNegatives, 1);
  assert.equal([one.scorers[0].pooled.tp, one.scorers[0].pooled.fp, one.scorers[0].pooled.fn], [1, 2, 1]);
});

test("the result is plain JSON (NaN → null) and the same seed gives the same bytes", () => {
  const input = cuts();
  // a home whose confounder truth is unknown: its hard-negative AP is undefined
  input[0].graphs = [...input[0].graphs.slice(1), { ...input[0].graphs[0], confounder: null }];
  const r = evaluateSynergyScorers(input, options);
  assert.equal(JSON.parse(JSON.stringify(r)), r);
  assert.is(r.cuts[1].scorers[0].hardNegativeAp.homes, 11);
  assert.is(JSON.stringify(evaluateSynergyScorers(input, options)), JSON.stringify(r));
  assert.is.not(JSON.stringify(evaluateSynergyScorers(input, { ...options, seed: 6 })), JSON.stringify(r));
  // a single-home cut has no comparison and no interval: nulls, not NaN
  const single = evaluateSynergyScorers([{ ...input[1], graphs: input[1].graphs.slice(0, 1) }], options);
  const d = single.cuts[0].apDifferences[0];
  assert.equal([d.lo, d.hi, d.verdict], [null, null, "too_few"]);
  assert.equal(JSON.parse(JSON.stringify(single)), single);
});

test("formatSynergyTable prints every cut, every scorer and the verdict rows, aligned", () => {
  const r = evaluateSynergyScorers(cuts(), options);
  const text = formatSynergyTable(r);
  const lines = text.split("\n");
  const header = lines[0];
  assert.ok(header.includes("3 d") && header.includes("full (30 d)"), header);
  assert.ok(header.indexOf("3 d") < header.indexOf("full"));
  for (const name of [
    "gnn",
    "gnn_twin",
    "gnn_peer",
    "same_area_rule",
    "co_occurrence_30s",
    "lagged_statistic",
  ]) {
    assert.is(lines.filter((l) => l.startsWith(`${name}  `)).length, 3, name); // AP, hard-negative AP and ROC-AUC
  }
  const verdictRows = lines.filter((l) => l.startsWith("gnn − "));
  assert.is(verdictRows.length, 5);
  assert.ok(verdictRows.find((l) => l.startsWith("gnn − same_area_rule"))!.includes("better"));
  assert.ok(verdictRows.find((l) => l.startsWith("gnn − gnn_twin"))!.includes("n.s."));
  // every cell of the second column starts where its heading does
  const column = header.indexOf("full");
  const gnnRow = lines.find((l) => l.startsWith("gnn  "))!;
  const ap = r.cuts[1].scorers[0].averagePrecision;
  assert.is(gnnRow.slice(column), `${ap.mean!.toFixed(3)} [${ap.lo!.toFixed(3)}, ${ap.hi!.toFixed(3)}]`);
  assert.ok(text.includes("95 %"));
});

test("bad input gives one-line errors naming the problem", () => {
  const throwsWith = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(
      fn,
      (e: unknown) => e instanceof HomeforgeError && pattern.test(e.message) && !e.message.includes("\n"),
    );
  const [full, short] = cuts();
  throwsWith(
    () => evaluateSynergyScorers([full], { reference: "nope" }),
    /reference: nope is not among the scorers/,
  );
  throwsWith(
    () => evaluateSynergyScorers([{ ...full, graphs: [...full.graphs, short.graphs[0]] }], options),
    /is cut to 3 d among graphs cut to full/,
  );
  throwsWith(
    () => evaluateSynergyScorers([{ ...full, graphs: [full.graphs[0], full.graphs[0]] }], options),
    /graph test_0: appears twice/,
  );
  throwsWith(
    () => evaluateSynergyScorers([{ ...full, graphs: [{ ...full.graphs[0], labels: null }] }], options),
    /has no labels/,
  );
  throwsWith(() => evaluateSynergyScorers([full, full], options), /history cut full appears twice/);
  throwsWith(
    () => evaluateSynergyScorers([{ ...full, scorers: [...full.scorers, full.scorers[0]] }], options),
    /gnn appears twice/,
  );
  throwsWith(
    () =>
      evaluateSynergyScorers(
        [
          {
            ...full,
            scorers: [{ scorer: { name: "gnn", score: () => [new Float32Array(1)] }, threshold: 0.5 }],
          },
        ],
        options,
      ),
    /scorer gnn: returned 1 score arrays for 12 graphs/,
  );
});

test.run();
