import { type BootstrapOptions, MIN_COMPARE_HOMES } from "../evaluation/bootstrap.js";
import { prAuc } from "../evaluation/metrics.js";
import { graphLabels } from "../synergy/synergyBaselines.js";
import { bootstrapHomeMean, pairedHomeDifference } from "../synergy/synergyBootstrap.js";
import type { PairScorer, SynergyGraph } from "../synergy/synergyTypes.js";
import { type AbComparison, type AbVersion, type AbVersionScore, abDifference } from "./abTypes.js";
import { mcnemarTest } from "./mcnemar.js";

/** A synergy version ready to score: its scorer and the threshold it serves at. */
export interface SynergySide {
  version: AbVersion;
  scorer: PairScorer;
  threshold: number;
}

/** The history cuts an offline synergy A/B reports: the full horizon (decides) and 3 days. */
export const SYNERGY_AB_CUTS: readonly (number | null)[] = [null, 3];

/**
 * Both synergy versions on the candidate pairs of the same held-out homes' graphs, per
 * history cut: mean per-home average precision of each with its bootstrap interval over
 * homes, the paired interval of b − a (homes resampled once for both), and McNemar's test on
 * the pair decisions at each version's served threshold (pairs of one home are correlated,
 * so read its p-value as a guide; the interval is over homes).
 */
export function compareSynergyVersions(
  graphs: readonly SynergyGraph[],
  sides: { a: SynergySide; b: SynergySide },
  options: Pick<BootstrapOptions, "seed" | "resamples"> & { cuts?: readonly (number | null)[] } = {},
): AbComparison[] {
  const bootstrap = { seed: options.seed, resamples: options.resamples };
  const out: AbComparison[] = [];
  for (const cut of options.cuts ?? SYNERGY_AB_CUTS) {
    const cutGraphs = graphs.filter((g) => g.historyDays === cut);
    if (cutGraphs.length === 0) continue;
    const labels = cutGraphs.map(graphLabels);
    const score = (side: SynergySide) => {
      const scores = side.scorer.score(cutGraphs);
      const ap = Float64Array.from(cutGraphs, (_, h) => prAuc(labels[h], scores[h]));
      const correct: number[] = [];
      scores.forEach((s, h) => {
        for (let p = 0; p < s.length; p++)
          correct.push((s[p] >= side.threshold ? 1 : 0) === labels[h][p] ? 1 : 0);
      });
      return { ap, correct };
    };
    const a = score(sides.a);
    const b = score(sides.b);
    const pairs = a.correct.length;
    const links = labels.reduce((n, l) => n + l.reduce((m, y) => m + y, 0), 0);
    const versionScore = (s: typeof a, side: SynergySide): AbVersionScore => ({
      metric: bootstrapHomeMean(s.ap, bootstrap),
      accuracy: pairs > 0 ? s.correct.reduce((n, c) => n + c, 0) / pairs : Number.NaN,
      thresholds: [
        { model: side.version.name, version: side.version.version, threshold: side.threshold, rows: pairs },
      ],
    });
    const difference = pairedHomeDifference(b.ap, a.ap, "average_precision", bootstrap);
    out.push({
      label: cut === null ? "full history" : `${cut} days of history`,
      history_days: cut,
      rows: pairs,
      homes: cutGraphs.length,
      positives: links,
      a: versionScore(a, sides.a),
      b: versionScore(b, sides.b),
      difference: abDifference(
        difference,
        `${difference.homes} held-out homes with planted links (an interval needs ${MIN_COMPARE_HOMES})`,
      ),
      mcnemar: mcnemarTest(a.correct, b.correct),
    });
  }
  return out;
}
