/**
 * The contract of the synergy model room (issue 13): what the graph builder produces, what
 * the GNN and the baselines read, what evaluation scores. One graph per (home, amount of
 * history). Everything is dense and row-major, so a batch of homes is a padded stack of
 * these arrays and the network needs no gather (wasm has no gradient for it).
 */

/** The amounts of observed history the evaluation reports, in days; null = the full horizon. */
export const HISTORY_CUTS: readonly (number | null)[] = [1, 3, 7, 14, null];

/** The windows (ms) of the lagged co-activation statistics. */
export const LAG_WINDOWS_MS = [5_000, 30_000, 120_000] as const;

/**
 * What the event stream says about one candidate pair (the raw counts the pair features and
 * the `reason` text are made of).
 */
export interface PairEvidence {
  /** Trigger onsets observed (events entering the pair's trigger state). */
  triggerOnsets: number;
  /** Action onsets observed (events entering the pair's action state). */
  actionOnsets: number;
  /** Trigger onsets followed by an action onset within each LAG_WINDOWS_MS window. */
  followed: number[];
  /**
   * Expected count of followed trigger onsets under chance for each window: the sum over
   * trigger onsets of P(an action onset within the window), from the action's own onset rate
   * at that local hour of day.
   */
  chance: number[];
  /** Action onsets preceded by a trigger onset within 30 s (the other direction of evidence). */
  explainedActions: number;
  /** Action onsets followed by a trigger onset within 30 s (a link never does this more than chance). */
  reverseFollowed: number;
  /** Onsets of either device within 30 s of an onset of the other (either order): the co-occurrence count. */
  coOccurrences30s: number;
  /** Median delay (ms) trigger onset → next action onset among those followed within 120 s; null when none. */
  medianDelayMs: number | null;
  /** Sd of log(delay) over those delays; null with fewer than 2. */
  delayLogSd: number | null;
}

/** One home's graph at one history cut. */
export interface SynergyGraph {
  homeId: string;
  homeType: string;
  /** Days of history the events were cut to; null = full horizon. */
  historyDays: number | null;
  /** Days the events actually cover (historyDays, or the dataset's days for the full horizon). */
  observedDays: number;
  /** Node i is entityIds[i] (device-table order of the home). */
  entityIds: string[];
  nodeCount: number;
  /** nodeCount × NODE_FEATURE_NAMES.length, row-major. */
  nodeFeatures: Float32Array;
  /**
   * Message-passing edges, one symmetric nodeCount × nodeCount matrix per EDGE_TYPES entry,
   * row-major, zero diagonal, weights in [0, 1]. The model adds self loops and normalises.
   */
  adjacency: Float32Array[];
  pairCount: number;
  /** Node index of each candidate pair's trigger and action (compatiblePairs order). */
  trigger: Int32Array;
  action: Int32Array;
  /** Catalog relationship key of each pair, e.g. "motion_light". */
  relationship: string[];
  sameArea: Uint8Array;
  /** pairCount × PAIR_FEATURE_NAMES.length, row-major. */
  pairFeatures: Float32Array;
  evidence: PairEvidence[];
  /** 1 = planted link, 0 = compatible but unlinked; null when the truth is unknown (a user's own home). */
  labels: Uint8Array | null;
  /** Truth: routine | walk_through | null per pair (null when unknown). Never a feature. */
  confounder: (string | null)[] | null;
}

/** A detector's scores for the pairs of each graph (same order as graph.trigger). */
export type GraphScores = Float32Array[];

/** Anything that scores the candidate pairs of graphs: the GNN, its ablation, the baselines. */
export interface PairScorer {
  readonly name: string;
  score(graphs: readonly SynergyGraph[]): GraphScores;
}

/** The message-passing edge types, in the order of SynergyGraph.adjacency. */
export const EDGE_TYPES = [
  /** 1 between two devices of one area. */
  "same_area",
  /** 1 between devices of two adjacent areas (lib/synth/areaAdjacency.ts: areasAdjacent). */
  "adjacent_area",
  /** Observed co-activation: onsets of the two within 30 s of each other, normalised to [0, 1]. */
  "co_activation",
] as const;

/**
 * The pair features, in the column order of SynergyGraph.pairFeatures: lagged co-activation
 * against chance, delay consistency, the same-area flag and the relationship type (one-hot,
 * `rel_<key>` for every catalog relationship, appended after these). Shares are of the
 * trigger's onsets (of the action's onsets for explained / reverse); 0 when there is none.
 */
export const PAIR_STAT_FEATURES = [
  "log_trigger_onsets_per_day",
  "log_action_onsets_per_day",
  "follow_share_5s",
  "follow_share_30s",
  "follow_share_120s",
  "chance_share_5s",
  "chance_share_30s",
  "chance_share_120s",
  "excess_share_5s",
  "excess_share_30s",
  "excess_share_120s",
  "explained_action_share_30s",
  "reverse_share_30s",
  "log_co_occurrences_per_day_30s",
  "has_delay",
  "delay_log_median",
  "delay_log_sd",
  "same_area",
] as const;
