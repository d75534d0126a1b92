import type { ColumnTable } from "../../core/columnTable.js";
import { TELEMETRY_FEATURES } from "../../pipeline/storage/tables.js";
import { PAIR_STAT_FEATURES, type SynergyGraph } from "../synergy/synergyTypes.js";
import { type TrainingSnapshot, trainingSnapshot } from "./trainingSnapshot.js";

/**
 * The columns the training snapshots are taken of, and compared on: the same function builds
 * them when a model is saved and when new data is checked for drift, so both sides match.
 * - failure classifiers: the 11 raw telemetry features of each row (unit "telemetry row");
 * - synergy GNN: the pair statistics (PAIR_STAT_FEATURES) of every candidate pair of the
 *   full-history graphs (unit "candidate pair"): one value per pair and home, not per cut,
 *   so a home is not counted five times.
 */
export const TELEMETRY_SNAPSHOT_UNIT = "telemetry row";
export const PAIR_SNAPSHOT_UNIT = "candidate pair";

/** The raw telemetry features at `rows` (all rows when absent), NaN = missing. */
export function telemetryFeatureColumns(
  table: ColumnTable,
  rows?: ArrayLike<number>,
): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  const n = rows ? rows.length : table.rows;
  for (const name of TELEMETRY_FEATURES) {
    const column = table.columns[name] as ArrayLike<number | null> | undefined;
    const values = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const v = column ? column[rows ? rows[j] : j] : null;
      values[j] = v === null || v === undefined ? Number.NaN : v;
    }
    out[name] = values;
  }
  return out;
}

/** The pair statistics of every candidate pair of the full-history graphs. */
export function candidatePairColumns(graphs: readonly SynergyGraph[]): Record<string, Float64Array> {
  const full = graphs.filter((g) => g.historyDays === null);
  const pairs = full.reduce((n, g) => n + g.pairCount, 0);
  const out: Record<string, Float64Array> = {};
  PAIR_STAT_FEATURES.forEach((name, k) => {
    const values = new Float64Array(pairs);
    let j = 0;
    for (const g of full) {
      const width = g.pairFeatures.length / Math.max(1, g.pairCount);
      for (let p = 0; p < g.pairCount; p++) values[j++] = g.pairFeatures[p * width + k];
    }
    out[name] = values;
  });
  return out;
}

/** training_snapshot.json of a failure classifier trained on `rows` of `table`. */
export function telemetrySnapshot(table: ColumnTable, rows: ArrayLike<number>): TrainingSnapshot {
  return trainingSnapshot(TELEMETRY_SNAPSHOT_UNIT, telemetryFeatureColumns(table, rows));
}

/** training_snapshot.json of a synergy model trained on `graphs`. */
export function candidatePairSnapshot(graphs: readonly SynergyGraph[]): TrainingSnapshot {
  return trainingSnapshot(PAIR_SNAPSHOT_UNIT, candidatePairColumns(graphs));
}
