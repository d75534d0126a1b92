import { HomeforgeError } from "../../core/errors.js";
import { deriveSeed } from "../../core/random.js";
import {
  DEFAULT_LEVEL,
  DEFAULT_RESAMPLES,
  type DifferenceVerdict,
  type Interval,
} from "../evaluation/bootstrap.js";
import { prAuc, rocAuc } from "../evaluation/metrics.js";
import {
  checkRankingK,
  DEFAULT_RANKING_K,
  type PairRankingMetrics,
  rankingMetrics,
  type ThresholdCounts,
  thresholdCounts,
} from "./rankingMetrics.js";
import { checkedScores, graphLabels, type ServedScorer } from "./synergyBaselines.js";
import { bootstrapHomeMean, bootstrapPooledCounts, pairedHomeDifference } from "./synergyBootstrap.js";
import type { SynergyGraph } from "./synergyTypes.js";

/**
 * The synergy evaluation table: every scorer (GNN, ablation, pair classifier, statistic
 * baselines) on the same test graphs, at every amount of history. Per cut and scorer: the
 * per-home ranking metrics as a mean over homes with a bootstrap interval over homes, pooled
 * precision / recall / F1 at the scorer's served threshold, and AP on the hard problem only
 * (links vs confounded negatives: AP and ROC-AUC); per cut, the paired AP difference reference − each other
 * scorer with its verdict. The result is plain JSON (NaN written as null) for metrics.json.
 */

/** One history cut: its test graphs and the scorers with thresholds chosen on its validation graphs. */
export interface SynergyCutInput {
  /** One graph per test home, all cut to the same history. */
  graphs: readonly SynergyGraph[];
  scorers: readonly ServedScorer[];
}

export interface SynergyScorerEvaluationOptions {
  /** The scorer every other one is compared with (the GNN). */
  reference: string;
  /** Cut-off of precision@k, recall@k, Hits@k (default 5). */
  k?: number;
  /** Seed of the resampling streams (default 0). */
  seed?: number;
  resamples?: number;
  level?: number;
}

/** A mean over homes with its interval; null where undefined. */
export interface HomeMetricSummary {
  mean: number | null;
  lo: number | null;
  hi: number | null;
  /** Homes where the metric is defined. */
  homes: number;
}

export interface PooledSummary {
  estimate: number | null;
  lo: number | null;
  hi: number | null;
}

export const SYNERGY_RANKING_METRICS = [
  "rocAuc",
  "averagePrecision",
  "precisionAtK",
  "recallAtK",
  "hitsAtK",
] as const satisfies readonly (keyof PairRankingMetrics)[];
export type SynergyRankingMetric = (typeof SYNERGY_RANKING_METRICS)[number];

export interface ScorerCutEvaluation extends Record<SynergyRankingMetric, HomeMetricSummary> {
  scorer: string;
  threshold: number;
  /**
   * AP over the linked pairs and the negatives with a confounder only (the hard problem). Never
   * below AP on all pairs (fewer negatives), so read it against the links' share of that set.
   */
  hardNegativeAp: HomeMetricSummary;
  /** ROC-AUC of links vs confounded negatives: 0.5 = the confounders fool the scorer completely. */
  hardNegativeRocAuc: HomeMetricSummary;
  /** Precision / recall / F1 of every pair of the cut's graphs at the served threshold. */
  pooled: { precision: PooledSummary; recall: PooledSummary; f1: PooledSummary } & ThresholdCounts;
}

export interface ApDifference {
  reference: string;
  scorer: string;
  /** Mean over homes of AP(reference) − AP(scorer). */
  estimate: number | null;
  lo: number | null;
  hi: number | null;
  homes: number;
  /** "a_beats_b": the reference beats the scorer (interval above 0). */
  verdict: DifferenceVerdict;
}

export interface CutEvaluation {
  historyDays: number | null;
  /** Days the events cover (the largest over the cut's graphs). */
  observedDays: number;
  homes: number;
  pairs: number;
  positives: number;
  /** Negatives with a confounder (routine or walk-through). */
  hardNegatives: number;
  scorers: ScorerCutEvaluation[];
  apDifferences: ApDifference[];
}

export interface SynergyScorerEvaluation {
  reference: string;
  k: number;
  level: number;
  resamples: number;
  seed: number;
  /** Ordered by history, the full horizon last. */
  cuts: CutEvaluation[];
}

/** Evaluates every scorer of every cut on that cut's test graphs. */
export function evaluateSynergyScorers(
  cuts: readonly SynergyCutInput[],
  options: SynergyScorerEvaluationOptions,
): SynergyScorerEvaluation {
  const k = options.k ?? DEFAULT_RANKING_K;
  checkRankingK(k);
  const seed = options.seed ?? 0;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const level = options.level ?? DEFAULT_LEVEL;
  const evaluated = cuts.map((cut) => evaluateCut(cut, options.reference, k, { seed, resamples, level }));
  const seen = new Set<number | null>();
  for (const c of evaluated) {
    if (seen.has(c.historyDays)) {
      throw new HomeforgeError(
        "cuts",
        `history cut ${cutLabel(c.historyDays)} appears twice`,
        "pass one entry per amount of history",
      );
    }
    seen.add(c.historyDays);
  }
  evaluated.sort(
    (a, b) => (a.historyDays ?? Number.POSITIVE_INFINITY) - (b.historyDays ?? Number.POSITIVE_INFINITY),
  );
  return { reference: options.reference, k, level, resamples, seed, cuts: evaluated };
}

interface Resampling {
  seed: number;
  resamples: number;
  level: number;
}

function evaluateCut(cut: SynergyCutInput, reference: string, k: number, rs: Resampling): CutEvaluation {
  const graphs = cut.graphs;
  if (graphs.length === 0) {
    throw new HomeforgeError(
      "cuts",
      "a history cut has no test graphs",
      "pass the test homes' graphs of every cut",
    );
  }
  const historyDays = graphs[0].historyDays;
  const homeIds = new Set<string>();
  for (const g of graphs) {
    if (g.historyDays !== historyDays) {
      throw new HomeforgeError(
        `graph ${g.homeId}`,
        `is cut to ${cutLabel(g.historyDays)} among graphs cut to ${cutLabel(historyDays)}`,
        "group the graphs by historyDays, one cut per entry",
      );
    }
    if (homeIds.has(g.homeId)) {
      throw new HomeforgeError(
        `graph ${g.homeId}`,
        `appears twice at ${cutLabel(historyDays)}`,
        "pass one graph per home and cut",
      );
    }
    graphLabels(g);
    homeIds.add(g.homeId);
  }
  const names = cut.scorers.map((s) => s.scorer.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) {
    throw new HomeforgeError(
      "scorers",
      `${duplicate} appears twice at ${cutLabel(historyDays)}`,
      "give every scorer its own name",
    );
  }
  if (!names.includes(reference)) {
    throw new HomeforgeError(
      "reference",
      `${reference} is not among the scorers at ${cutLabel(historyDays)} (${names.join(", ")})`,
      "name the reference scorer (the GNN) and pass it at every cut",
    );
  }
  const streamOf = (metric: string) => ({ ...rs, seed: deriveSeed(rs.seed, cutLabel(historyDays), metric) });
  const labels = graphs.map((g) => g.labels!);
  const hard = graphs.map(hardSubset);

  const perScorer = cut.scorers.map(({ scorer, threshold }) => {
    const scores = checkedScores(scorer, graphs);
    const ranking = graphs.map((_, h) => rankingMetrics(scores[h], labels[h], k));
    const hardRanking = graphs.map((_, h) => {
      const subset = hard[h];
      if (!subset) return { ap: Number.NaN, auc: Number.NaN };
      const y = Uint8Array.from(subset, (i) => labels[h][i]);
      const x = Float32Array.from(subset, (i) => scores[h][i]);
      return { ap: prAuc(y, x), auc: rocAuc(y, x) };
    });
    const counts = graphs.map((_, h) => thresholdCounts(scores[h], labels[h], threshold));
    return { name: scorer.name, threshold, ranking, hardRanking, counts };
  });

  const summaries: ScorerCutEvaluation[] = perScorer.map((s) => {
    const pooled = bootstrapPooledCounts(s.counts, streamOf("pooled"));
    const metrics = {} as Record<SynergyRankingMetric, HomeMetricSummary>;
    for (const m of SYNERGY_RANKING_METRICS) {
      metrics[m] = homeSummary(
        s.ranking.map((r) => r[m]),
        streamOf(m),
      );
    }
    return {
      scorer: s.name,
      threshold: s.threshold,
      ...metrics,
      hardNegativeAp: homeSummary(
        s.hardRanking.map((r) => r.ap),
        streamOf("hardNegativeAp"),
      ),
      hardNegativeRocAuc: homeSummary(
        s.hardRanking.map((r) => r.auc),
        streamOf("hardNegativeRocAuc"),
      ),
      pooled: {
        precision: pooledSummary(pooled.precision),
        recall: pooledSummary(pooled.recall),
        f1: pooledSummary(pooled.f1),
        ...pooled.counts,
      },
    };
  });

  const ref = perScorer.find((s) => s.name === reference)!;
  const apOf = (s: (typeof perScorer)[number]) => s.ranking.map((r) => r.averagePrecision);
  const apDifferences: ApDifference[] = perScorer
    .filter((s) => s !== ref)
    .map((s) => {
      const d = pairedHomeDifference(apOf(ref), apOf(s), "average_precision", streamOf("averagePrecision"));
      return {
        reference,
        scorer: s.name,
        estimate: jsonNumber(d.estimate),
        lo: jsonNumber(d.lo),
        hi: jsonNumber(d.hi),
        homes: d.homes,
        verdict: d.verdict,
      };
    });

  let positives = 0;
  let hardNegatives = 0;
  for (let h = 0; h < graphs.length; h++) {
    for (const y of labels[h]) positives += y;
    if (hard[h]) hardNegatives += hard[h]!.length - ref.ranking[h].positives;
  }
  return {
    historyDays,
    observedDays: Math.max(...graphs.map((g) => g.observedDays)),
    homes: graphs.length,
    pairs: graphs.reduce((n, g) => n + g.pairCount, 0),
    positives,
    hardNegatives,
    scorers: summaries,
    apDifferences,
  };
}

/** Indices of the linked pairs and the confounded negatives; null when the confounder truth is unknown. */
function hardSubset(g: SynergyGraph): number[] | null {
  if (!g.confounder || !g.labels) return null;
  const out: number[] = [];
  for (let i = 0; i < g.pairCount; i++) if (g.labels[i] === 1 || g.confounder[i] !== null) out.push(i);
  return out;
}

function homeSummary(values: readonly number[], rs: Resampling): HomeMetricSummary {
  const m = bootstrapHomeMean(values, rs);
  return { mean: jsonNumber(m.estimate), lo: jsonNumber(m.lo), hi: jsonNumber(m.hi), homes: m.homes };
}

function pooledSummary(i: Interval): PooledSummary {
  return { estimate: jsonNumber(i.estimate), lo: jsonNumber(i.lo), hi: jsonNumber(i.hi) };
}

/** NaN / ±Infinity → null, so the result survives JSON unchanged. */
function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** "3 d", or "full" for the full horizon. */
export function cutLabel(historyDays: number | null): string {
  return historyDays === null ? "full" : `${historyDays} d`;
}
