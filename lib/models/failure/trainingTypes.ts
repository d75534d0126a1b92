import type { BootstrapMetric, Interval, PairedDifference } from "../evaluation/bootstrap.js";
import type { PromotionPolicy, Verdict } from "../evaluation/evaluator.js";
import type { BinaryMetrics } from "../evaluation/metrics.js";
import type { HomeSplit, SplitFractions } from "../split.js";
import type { FailureClassifierParams } from "./failureClassifier.js";
import type { RoutingDecision, TrainingDecisions } from "./routing.js";

/** The types of a trainHomeTypes run, shared by its steps (split, fit, compare, register). */
export interface TrainHomeTypesOptions {
  /** Registry root; comparison_results.json is written here too. */
  modelsDir: string;
  seed?: number;
  epochs?: number;
  params?: Partial<FailureClassifierParams>;
  fractions?: SplitFractions;
  /**
   * The homes to split (every home of the dataset, with its type), when known: a home's split
   * then does not depend on which of its rows the data holds (a filtered training set).
   * Default: the homes of the data.
   */
  splitHomes?: { ids: ArrayLike<string>; types: ArrayLike<string> };
  /** Where the telemetry came from (manifest dataset id + table hash); hashed from the table if absent. */
  dataset?: { id: string | null; hash: string | null };
  lineageRunId?: string | null;
  /** Lineage hook for each evaluator verdict. */
  onVerdict?: (verdict: Verdict) => void | Promise<void>;
  /** Lineage hook for each saved version (e.g. record it as a run output); weights_sha256 is router.json's for the router. */
  /** Called for every saved version, with its directory, weights hash and registry kind (meta.json's). */
  onRegistered?: (
    model: RegisteredModel & { dir: string; weights_sha256: string; kind: string },
  ) => void | Promise<void>;
  policy?: PromotionPolicy;
  /** A home type needs this many failing device-days in its training homes for its own model. */
  minTrainPositives?: number;
  /** Save models to the registry, evaluate and promote (default true). */
  register?: boolean;
  /** Model names are `<prefix>-global` and `<prefix>-<home_type>`. */
  modelPrefix?: string;
  onProgress?: (message: string) => void;
  /** Bootstrap resamples (over test homes) for the comparison's intervals (default 1000). */
  bootstrapResamples?: number;
  /**
   * Whether equal home ids name the homes the served models saw (default true: the same
   * generator seed). False for data of another seed: `home_3` is then another home, so
   * promotion leaves none of its validation homes out as "trained on".
   */
  servedHomesShareIds?: boolean;
}

/**
 * The compared models: the learned ones and the baselines. "logistic" is logistic regression
 * on the 11 raw telemetry features (with "rule", what HomeIQ did); "logistic_matched" is the
 * same regression on the classifier's own features (the feature-matched baseline);
 * "ensemble" is gradient-boosted trees on the classifier's own features (BoostedTreesBaseline,
 * the non-neural feature-matched baseline).
 */
export type ComparedModel = "per_type" | "global" | "rule" | "logistic" | "logistic_matched" | "ensemble";
export const COMPARED_MODELS: readonly ComparedModel[] = [
  "per_type",
  "global",
  "rule",
  "logistic",
  "logistic_matched",
  "ensemble",
];
export type BaselineModel = "rule" | "logistic" | "logistic_matched" | "ensemble";

/** A paired model-vs-model verdict on the row's test homes (bootstrap over homes). */
export interface PairedVerdict extends PairedDifference {
  a: ComparedModel;
  b: ComparedModel;
  /** "A beats B", "no detectable difference" or "too few homes/positives to compare". */
  text: string;
}

/** Every model's metrics on one block of test rows, each with its bootstrap interval. */
export interface ScoredRows {
  samples: number;
  positives: number;
  /** Distinct test homes in the block. */
  homes: number;
  models: Record<ComparedModel, BinaryMetrics | null>;
  /** 95 % bootstrap intervals (over test homes) of each model's metrics. */
  intervals: Record<ComparedModel, Record<BootstrapMetric, Interval> | null>;
}

export interface HomeTypeComparison extends ScoredRows {
  /** A home type, or "all" for every test home (per_type there routes each row to its type's model). */
  home_type: string;
  /** Each model's Brier score and ECE on the row's test homes (the "all" row pools the routed models). */
  calibration: Record<ComparedModel, CalibrationPoint | null>;
  /**
   * The per-type model beats the global model: the paired bootstrap interval of the PR-AUC
   * difference on this type's test homes lies above 0 (null: no per-type model).
   */
  per_type_beats_global: boolean | null;
  /** Each learned model minus each baseline (positive: the model wins), on PR-AUC and F1 (point estimates). */
  lift: Record<"per_type" | "global", Lift | null>;
  /** Paired PR-AUC verdicts: per-type vs global, and each learned model vs each baseline. */
  verdicts: PairedVerdict[];
  /**
   * The same models on the row's test rows without the sudden-failure positives (failure_scenario
   * "sudden" and label 1; negatives kept): sudden failures give no warning by design. Null when
   * the table has no failure_scenario column. Truth read for this report only.
   */
  without_sudden: WithoutSudden | null;
  note?: string;
}

/** Calibration of one model's probabilities on test rows: reported, never decided on. */
export interface CalibrationPoint {
  brier: number;
  /** Expected calibration error, 10 equal-width bins. */
  ece: number;
  /** The same, and the PR-AUC, of the network's raw output (learned models with a calibrator). */
  uncalibrated?: { brier: number; ece: number; pr_auc: number };
}

export interface WithoutSudden extends ScoredRows {
  /** Sudden-failure positives left out. */
  removed_positives: number;
}

export interface Lift {
  over_rule: { pr_auc: number; f1: number };
  over_logistic: { pr_auc: number; f1: number };
  over_logistic_matched: { pr_auc: number; f1: number };
  over_ensemble: { pr_auc: number; f1: number };
}

/** What the register steps (classifiers, then the router) take from a run's options. */
export type RegisterStepOptions = Pick<
  TrainHomeTypesOptions,
  | "modelsDir"
  | "lineageRunId"
  | "onVerdict"
  | "onRegistered"
  | "policy"
  | "onProgress"
  | "servedHomesShareIds"
> & {
  seed: number;
  prefix: string;
  dataset: { id: string | null; hash: string | null; rows: number };
};

export interface RegisteredModel {
  name: string;
  version: string;
  promoted: boolean;
  passed: boolean;
  blocked_by: string[];
}

/**
 * Right-censored telemetry rows (the `censored` column) left out of training and evaluation,
 * by the split their home fell in; `unsplit`: homes with only censored rows, in no split.
 */
export interface CensoredCounts {
  total: number;
  train: number;
  validation: number;
  test: number;
  unsplit: number;
}

export interface HomeTypesResult {
  backend: string;
  seed: number;
  dataset: { id: string | null; hash: string | null; rows: number };
  fixed_rule: string;
  split: Omit<HomeSplit, "homes">;
  rows: { train: number; validation: number; test: number };
  /** Which split each decision read (validation for all; test homes are reported only). */
  decisions: TrainingDecisions;
  /** Right-censored rows left out of every split (never trained on or scored). */
  censored: CensoredCounts;
  comparison: HomeTypeComparison[];
  /**
   * The served model per home type, chosen on its validation homes, with the numbers; each
   * entry's test_of_served and served_on_all_test (the routed model) are the report half.
   */
  routing: { split: "validation"; per_type: RoutingDecision[]; served_on_all_test: BinaryMetrics };
  /** How the comparison's intervals were drawn (bootstrap over test homes). */
  bootstrap: { resamples: number; level: number; seed: number; metric_for_verdicts: "pr_auc" };
  /** Home types whose own model beats the global model on PR-AUC (paired interval above 0). */
  per_type_beats_global: string[];
  registered: RegisteredModel[];
  comparison_file: string;
}
