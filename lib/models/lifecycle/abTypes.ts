import type { DifferenceVerdict, Interval } from "../evaluation/bootstrap.js";
import type { AbDecision, AbDifference } from "./abDecision.js";
import type { SeenHomes } from "./heldOutHomes.js";
import type { McNemarResult } from "./mcnemar.js";

/**
 * The offline A/B report (`homeforge ab --json` prints it as is, so its fields are
 * snake_case like metrics.json's).
 */

export type AbSideName = "a" | "b";

/** One side of the comparison: the ref asked for and the exact version it resolved to. */
export interface AbVersion {
  ref: string;
  name: string;
  version: string;
  kind: string;
}

/** A threshold a side decided rows at: a router decides each home type's rows at its served classifier's. */
export interface ServedThreshold {
  model: string;
  version: string;
  threshold: number;
  /** Evaluated rows (or pairs) decided at it. */
  rows: number;
}

export interface AbVersionScore {
  /** The headline metric with its bootstrap interval over homes. */
  metric: Interval;
  /** Share of evaluated rows decided right at the served threshold(s). */
  accuracy: number;
  thresholds: ServedThreshold[];
}

/** "b_better" when the interval of b − a lies above 0, "a_better" below, else no difference (or too few). */
export type AbVerdict = "b_better" | "a_better" | "no_difference" | "too_few";

/** Both versions on the same rows (failure: device-days; synergy: one history cut's pairs). */
export interface AbComparison {
  label: string;
  /** Synergy: the history cut in days (null = the full horizon). */
  history_days?: number | null;
  /** Evaluated rows (device-days) or candidate pairs. */
  rows: number;
  homes: number;
  /** Positive rows (failing device-days) or planted links. */
  positives: number;
  a: AbVersionScore;
  b: AbVersionScore;
  /** metric(b) − metric(a), homes resampled once for both (paired). */
  difference: AbDifference & { verdict: AbVerdict };
  mcnemar: McNemarResult;
}

export interface OfflineAbReport {
  model: string;
  kind: string;
  /** The metric compared: "pr_auc" (failure models) or "mean_home_average_precision" (synergy). */
  metric: string;
  /** How the metric reads in text, e.g. "PR-AUC". */
  metric_label: string;
  dataset: { id: string; dir: string; seed: number; homes: number };
  held_out: {
    /** Homes of the dataset neither version trained or validated on: the only homes evaluated. */
    homes: number;
    /** Per side, every version whose split was read (a router: each classifier it serves). */
    seen_by: Record<AbSideName, SeenHomes[]>;
  };
  versions: Record<AbSideName, AbVersion>;
  /** The first decides; the others are reported (synergy: the 3-day cut). */
  comparisons: AbComparison[];
  decision: AbDecision;
  seed: number;
  resamples: number;
}

/** The paired bootstrap's verdict on metric(b) − metric(a), computed with b as the first model. */
export function abVerdict(verdict: DifferenceVerdict): AbVerdict {
  return verdict === "a_beats_b" ? "b_better" : verdict === "b_beats_a" ? "a_better" : verdict;
}

/**
 * A paired difference computed as pairedDifference(b, a) / pairedHomeDifference(b, a), as the
 * report holds it; `tooFew` says why there is no interval when there is none.
 */
export function abDifference(
  d: Interval & { homes: number; verdict: DifferenceVerdict },
  tooFew: string,
): AbComparison["difference"] {
  const { estimate, lo, hi, level, resamples, homes } = d;
  return {
    estimate,
    lo,
    hi,
    level,
    resamples,
    homes,
    verdict: abVerdict(d.verdict),
    ...(d.verdict === "too_few" ? { too_few: tooFew } : {}),
  };
}
