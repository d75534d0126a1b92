import type { ColumnTable } from "../../core/columnTable.js";
import { type BinaryMetrics, binaryMetrics } from "../evaluation/metrics.js";
import { type HomeSplit, rowsOfType, type SplitFractions, splitHomes, splitRows } from "../split.js";
import { FixedRuleBaseline } from "./baselines.js";
import type { FailureEstimator } from "./estimator.js";
import type { FeatureRows } from "./failureClassifier.js";
import { buildFeatures, DEFAULT_WINDOW, type FeatureSet, featureSpecFor } from "./features.js";

/**
 * Step 1 of trainHomeTypes: one feature build and one home split shared by every model of a
 * run (no home in two splits), with the helpers the later steps score and slice with.
 */
export interface TrainingSplit {
  table: ColumnTable;
  set: FeatureSet;
  split: HomeSplit;
  rows: { train: Int32Array; validation: Int32Array; test: Int32Array };
  /** The home types present, sorted. */
  types: string[];
  /** `rows` as feature rows of the shared set. */
  at(rows: Int32Array): FeatureRows;
  labelsOf(rows: Int32Array): Uint8Array;
  /** The rows of `part` in homes of `type` (all rows of `part` for null). */
  rowsOf(part: "train" | "validation" | "test", type: string | null): Int32Array;
  /** An estimator's probabilities on `rows` (the rule reads the raw table). */
  proba(model: FailureEstimator, rows: Int32Array): Float32Array;
  /** An estimator's metrics on `rows` at its own threshold (the rule reads the raw table). */
  score(model: FailureEstimator, rows: Int32Array): BinaryMetrics;
}

/**
 * `homes`: every home to split with its type (e.g. the dataset's homes table), besides those
 * of the table's rows; a home's split then depends only on the homes and the seed, not on
 * which of its rows the table kept.
 */
export function splitForTraining(
  table: ColumnTable,
  options: {
    seed: number;
    fractions?: SplitFractions;
    window?: number;
    homes?: { ids: ArrayLike<string>; types: ArrayLike<string> };
  },
): TrainingSplit {
  const set = buildFeatures(table, featureSpecFor(table, options.window ?? DEFAULT_WINDOW));
  const { homes } = options;
  // splitHomes also checks that a home's rows and its homes entry agree on its type
  const ids = homes ? [...Array.from(homes.ids), ...set.homeIds] : set.homeIds;
  const types = homes ? [...Array.from(homes.types), ...set.homeTypes] : set.homeTypes;
  const split = splitHomes(ids, types, { seed: options.seed, fractions: options.fractions });
  const rows = splitRows(split, set.homeIds);
  const labelsOf = (r: Int32Array) => Uint8Array.from(r, (i) => set.labels[i]);
  const proba = (model: FailureEstimator, r: Int32Array) =>
    model instanceof FixedRuleBaseline ? model.predictProba(table, r) : model.predictProba(set, r);
  return {
    table,
    set,
    split,
    rows,
    types: [...new Set(set.homeTypes.filter((t): t is string => t !== null))].sort(),
    at: (r) => ({ set, rows: r }),
    labelsOf,
    rowsOf: (part, type) => (type === null ? rows[part] : rowsOfType(rows[part], set.homeTypes, type)),
    proba,
    score: (model, r) => binaryMetrics(labelsOf(r), proba(model, r), model.threshold),
  };
}
