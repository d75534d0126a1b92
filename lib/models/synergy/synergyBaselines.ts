import { HomeforgeError } from "../../core/errors.js";
import { chooseThreshold, type ThresholdChoice } from "../evaluation/metrics.js";
import { checkScored } from "./rankingMetrics.js";
import { type GraphScores, PAIR_STAT_FEATURES, type PairScorer, type SynergyGraph } from "./synergyTypes.js";

/**
 * The statistic baselines of issue 13, each a PairScorer over the same candidate pairs as the
 * GNN: the same-area rule, co-occurrence counting within 30 s, and the lagged statistic
 * (follow share minus chance). Nothing here learns from test graphs: the only fitted number,
 * a served threshold, comes from validation graphs (servedThreshold).
 */

/** A scorer with the threshold its precision / recall / F1 are reported at. */
export interface ServedScorer {
  scorer: PairScorer;
  /** Pairs scoring ≥ threshold are predicted links. */
  threshold: number;
}

/** The fixed threshold of the same-area rule (its scores are 0 and 1). */
export const RULE_THRESHOLD = 0.5;

/** "Same area and compatible domains": 1 for every same-area candidate pair, 0 otherwise. */
export class SameAreaRule implements PairScorer {
  readonly name = "same_area_rule";
  readonly threshold = RULE_THRESHOLD;

  score(graphs: readonly SynergyGraph[]): GraphScores {
    return graphs.map((g) => Float32Array.from(g.sameArea));
  }
}

/** The raw count of onsets of either device within 30 s of an onset of the other. */
export class CoOccurrenceScorer implements PairScorer {
  readonly name = "co_occurrence_30s";

  score(graphs: readonly SynergyGraph[]): GraphScores {
    return graphs.map((g) => Float32Array.from(g.evidence, (e) => e.coOccurrences30s));
  }
}

const EXCESS_SHARE_30S = PAIR_STAT_FEATURES.indexOf("excess_share_30s");

/**
 * The lagged statistic alone: excess_share_30s (share of trigger onsets followed by the action
 * within 30 s, minus that share under chance), read from the graph's pair features by name.
 * `fitThreshold(validationGraphs)` chooses its served threshold (best pooled F1).
 */
export class LaggedStatisticScorer implements PairScorer {
  readonly name = "lagged_statistic";
  /** Null until fitThreshold. */
  threshold: number | null = null;
  /** What the validation graphs gave (F1, precision, recall at the chosen threshold). */
  validation: ThresholdChoice | null = null;

  score(graphs: readonly SynergyGraph[]): GraphScores {
    return graphs.map((g) => pairFeatureColumn(g, EXCESS_SHARE_30S));
  }

  fitThreshold(validationGraphs: readonly SynergyGraph[]): this {
    this.validation = servedThreshold(this, validationGraphs);
    this.threshold = this.validation.threshold;
    return this;
  }
}

/** Column `index` of a graph's row-major pair features. */
function pairFeatureColumn(graph: SynergyGraph, index: number): Float32Array {
  const out = new Float32Array(graph.pairCount);
  if (graph.pairCount === 0) return out;
  const width = graph.pairFeatures.length / graph.pairCount;
  if (!Number.isInteger(width) || width <= index) {
    throw new HomeforgeError(
      `graph ${graph.homeId}.pairFeatures`,
      `${graph.pairFeatures.length} values for ${graph.pairCount} pairs has no column ${index}`,
      "build pairFeatures as pairCount × PAIR_FEATURE_NAMES, row-major",
    );
  }
  for (let p = 0; p < graph.pairCount; p++) out[p] = graph.pairFeatures[p * width + index];
  return out;
}

/** A graph's 0/1 labels; a one-line error for a graph whose truth is unknown. */
export function graphLabels(graph: SynergyGraph): Uint8Array {
  if (!graph.labels) {
    throw new HomeforgeError(
      `graph ${graph.homeId}`,
      "has no labels (truth unknown)",
      "evaluate and choose thresholds on graphs built from a dataset with its synergies table",
    );
  }
  return graph.labels;
}

/** Every pair's 0/1 label, graph after graph. */
export function pooledLabels(graphs: readonly SynergyGraph[]): Uint8Array {
  return concatenate(graphs.map(graphLabels), (n) => new Uint8Array(n));
}

/** A scorer's scores of the graphs, checked: one finite score per candidate pair of each graph. */
export function checkedScores(scorer: PairScorer, graphs: readonly SynergyGraph[]): GraphScores {
  const scores = scorer.score(graphs);
  if (scores.length !== graphs.length) {
    throw new HomeforgeError(
      `scorer ${scorer.name}`,
      `returned ${scores.length} score arrays for ${graphs.length} graphs`,
      "return one Float32Array per graph",
    );
  }
  graphs.forEach((g, i) => {
    checkScored(scores[i], g.pairCount, `scorer ${scorer.name} on ${g.homeId}`);
  });
  return scores;
}

/** A scorer's checked scores concatenated in pooledLabels order. */
export function pooledScores(scorer: PairScorer, graphs: readonly SynergyGraph[]): Float32Array {
  return concatenate(checkedScores(scorer, graphs), (n) => new Float32Array(n));
}

function concatenate<T extends Uint8Array | Float32Array>(
  parts: readonly T[],
  make: (length: number) => T,
): T {
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The served threshold of a scorer: the one with the best F1 over the pooled pairs of the
 * VALIDATION graphs (chooseThreshold). Test graphs never go in here.
 */
export function servedThreshold(
  scorer: PairScorer,
  validationGraphs: readonly SynergyGraph[],
): ThresholdChoice {
  if (validationGraphs.length === 0) {
    throw new HomeforgeError(
      "validationGraphs",
      `no validation graphs to choose ${scorer.name}'s threshold on`,
      "pass the graphs of the validation homes",
    );
  }
  return chooseThreshold(pooledLabels(validationGraphs), pooledScores(scorer, validationGraphs));
}

/** The three statistic baselines with their served thresholds (the rule's fixed, the others from validation). */
export function statisticBaselines(validationGraphs: readonly SynergyGraph[]): ServedScorer[] {
  const rule = new SameAreaRule();
  const coOccurrence = new CoOccurrenceScorer();
  const lagged = new LaggedStatisticScorer().fitThreshold(validationGraphs);
  return [
    { scorer: rule, threshold: rule.threshold },
    { scorer: coOccurrence, threshold: servedThreshold(coOccurrence, validationGraphs).threshold },
    { scorer: lagged, threshold: lagged.threshold! },
  ];
}
