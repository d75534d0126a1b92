import { deriveSeed } from "../../core/random.js";
import { splitHomes, splitRows } from "../split.js";
import { type TelemetryInput, toColumnTable } from "../tableInput.js";
import { buildFeatures, type FeatureSet, featureSpecFor } from "./features.js";

/** Rows of a feature set: how trainHomeTypes shares one feature build between many models. */
export interface FeatureRows {
  set: FeatureSet;
  rows: Int32Array;
}

/**
 * What an estimator's `fit(table)` trains and validates on: the table's features, and the
 * given validation table's, or else a seeded, home-stratified `validationFraction` of the
 * table's own homes.
 */
export function tableFitRows(
  data: TelemetryInput,
  validation: TelemetryInput | undefined,
  params: { window: number; context: boolean; seed: number; validationFraction: number },
): { train: FeatureRows; validation: FeatureRows } {
  const table = toColumnTable(data);
  const spec = featureSpecFor(table, { window: params.window, context: params.context });
  const set = buildFeatures(table, spec);
  if (validation) {
    const held = buildFeatures(toColumnTable(validation), spec);
    return { train: { set, rows: allRows(set.rows) }, validation: { set: held, rows: allRows(held.rows) } };
  }
  const vf = params.validationFraction;
  const split = splitHomes(set.homeIds, set.homeTypes, {
    seed: deriveSeed(params.seed, "validation-split"),
    fractions: { train: 1 - vf, validation: vf, test: 0 },
  });
  const rows = splitRows(split, set.homeIds);
  return { train: { set, rows: rows.train }, validation: { set, rows: rows.validation } };
}

/** 0 … n − 1. */
export function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
