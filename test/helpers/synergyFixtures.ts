/**
 * Hand-built SynergyGraphs for the evaluation tests (metrics, baselines, the table): only
 * what the scorers and the evaluation read is meaningful (labels, confounder, sameArea,
 * evidence.coOccurrences30s, the excess_share_30s pair feature); nodes are one trigger and
 * one action per pair, with no node features and no edges.
 */
import { Rng } from "../../lib/core/random.js";
import {
  EDGE_TYPES,
  type GraphScores,
  PAIR_STAT_FEATURES,
  type PairEvidence,
  type PairScorer,
  type SynergyGraph,
} from "../../lib/models/synergy/synergyTypes.js";

export interface HandPair {
  linked: 0 | 1;
  sameArea?: 0 | 1;
  coOccurrences?: number;
  /** The lagged statistic (follow share − chance share at 30 s). */
  excessShare30s?: number;
  confounder?: "routine" | "walk_through" | null;
}

export interface HandGraphOptions {
  historyDays?: number | null;
  observedDays?: number;
  /** false: labels and confounder null (a user's own home). */
  truthKnown?: boolean;
  /** false: confounder null while labels are known. */
  confounderKnown?: boolean;
}

/** One relationship one-hot after the stat features, so the row width is not the stat count. */
export const FIXTURE_PAIR_WIDTH = PAIR_STAT_FEATURES.length + 1;

export function handGraph(
  homeId: string,
  pairs: readonly HandPair[],
  options: HandGraphOptions = {},
): SynergyGraph {
  const n = pairs.length;
  const nodeCount = 2 * n;
  const historyDays = options.historyDays === undefined ? null : options.historyDays;
  const observedDays = options.observedDays ?? historyDays ?? 30;
  const truthKnown = options.truthKnown ?? true;
  const pairFeatures = new Float32Array(n * FIXTURE_PAIR_WIDTH);
  const column = (name: (typeof PAIR_STAT_FEATURES)[number]) => PAIR_STAT_FEATURES.indexOf(name);
  const evidence: PairEvidence[] = pairs.map((p, i) => {
    const excess = p.excessShare30s ?? 0;
    const co = p.coOccurrences ?? 0;
    const row = i * FIXTURE_PAIR_WIDTH;
    pairFeatures[row + column("excess_share_30s")] = excess;
    pairFeatures[row + column("same_area")] = p.sameArea ?? 0;
    pairFeatures[row + column("log_co_occurrences_per_day_30s")] = Math.log1p(co / observedDays);
    pairFeatures[row + PAIR_STAT_FEATURES.length] = 1;
    const onsets = 20;
    return {
      triggerOnsets: onsets,
      actionOnsets: onsets,
      followed: [0, Math.max(0, Math.round(excess * onsets)), 0],
      chance: [0, 0, 0],
      explainedActions: 0,
      reverseFollowed: 0,
      coOccurrences30s: co,
      medianDelayMs: null,
      delayLogSd: null,
    };
  });
  return {
    homeId,
    homeType: "apartment",
    historyDays,
    observedDays,
    entityIds: Array.from({ length: nodeCount }, (_, i) => `${i % 2 ? "light" : "binary_sensor"}.d${i}`),
    nodeCount,
    nodeFeatures: new Float32Array(0),
    adjacency: EDGE_TYPES.map(() => new Float32Array(nodeCount * nodeCount)),
    pairCount: n,
    trigger: Int32Array.from(pairs, (_, i) => 2 * i),
    action: Int32Array.from(pairs, (_, i) => 2 * i + 1),
    relationship: pairs.map(() => "motion_light"),
    sameArea: Uint8Array.from(pairs, (p) => p.sameArea ?? 0),
    pairFeatures,
    evidence,
    labels: truthKnown ? Uint8Array.from(pairs, (p) => p.linked) : null,
    confounder:
      truthKnown && options.confounderKnown !== false ? pairs.map((p) => p.confounder ?? null) : null,
  };
}

/**
 * `homes` seeded graphs of 10–16 pairs, about a third linked, at least one link and one
 * negative each. The lagged statistic separates links weakly; co-occurrence is high for links
 * and for confounded negatives alike (the confounder effect).
 */
export function seededGraphs(
  seed: number,
  homes: number,
  options: HandGraphOptions & { prefix?: string } = {},
): SynergyGraph[] {
  return Array.from({ length: homes }, (_, h) => {
    const rng = Rng.derive(seed, "synergy fixture", h);
    const count = rng.int(10, 16);
    const pairs: HandPair[] = Array.from({ length: count }, (_, i) => {
      const linked = i === 0 ? 1 : i === 1 ? 0 : rng.bernoulli(0.33) ? 1 : 0;
      const confounder = linked ? null : rng.bernoulli(0.4) ? "routine" : null;
      return {
        linked,
        sameArea: rng.bernoulli(linked ? 0.7 : 0.5) ? 1 : 0,
        coOccurrences: rng.int(0, 10) + (linked || confounder ? 25 : 0),
        excessShare30s: rng.uniform(0, 0.4) + (linked ? 0.15 : 0),
        confounder,
      };
    });
    return handGraph(`${options.prefix ?? "home"}_${h}`, pairs, options);
  });
}

/**
 * A scorer that sees the labels: label × strength + seeded uniform noise (strength 0 = pure
 * noise). Two oracles with the same seed and noiseKey score identically whatever their names.
 */
export class NoisyOracle implements PairScorer {
  constructor(
    readonly name: string,
    private readonly strength: number,
    private readonly seed: number,
    private readonly noiseKey = name,
  ) {}

  score(graphs: readonly SynergyGraph[]): GraphScores {
    return graphs.map((g) => {
      const rng = Rng.derive(this.seed, this.noiseKey, g.homeId);
      return Float32Array.from(g.labels!, (y) => y * this.strength + rng.next());
    });
  }
}
