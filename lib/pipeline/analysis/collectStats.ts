/**
 * Aggregate statistics of a collected training set, as plain JSON: rows read and kept, what
 * each quality filter dropped (in the order they ran), kept rows per home type and, for the
 * labelled sets, the balance of the label. `collect` prints them and writes them next to
 * its output as `<output>.stats.json`.
 */
import type { ColumnTable } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import type { TrainingSet, TrainingSetKind } from "./collector.js";
import { sourceTableSummary } from "./trainingSetLineage.js";

export interface LabelCount {
  value: string;
  count: number;
  /** count / rows kept; 0 when nothing was kept. */
  share: number;
}

export interface CollectStats {
  kind: TrainingSetKind;
  datasetId: string;
  trainingSetId: string;
  /** The dataset table the set was built from. */
  source: string;
  rowsRead: number;
  rowsKept: number;
  /** One entry per filter, in the order they ran; rowsRead = rowsKept + Σ dropped. */
  dropped: { filter: string; rows: number }[];
  /** Kept rows per home type (from the dataset's homes table), sorted by type. */
  keptByHomeType: Record<string, number>;
  /** The label and its values among the kept rows; null for sets without one (patterns, events). */
  labelBalance: { label: string; values: LabelCount[] } | null;
  /** What the kept rows hold (homes, devices, planted synergies …), as lineage records it. */
  kept: Record<string, unknown>;
}

/** The label of each labelled set, and the name of each of its values (by numeric value). */
const LABELS: Partial<Record<TrainingSetKind, { column: string; names: [string, string] }>> = {
  failure: { column: "fails_within_7d", names: ["0", "1"] },
  synergy: { column: "linked", names: ["not linked", "linked"] },
};

/** The statistics of `set`; `homes` is the dataset's homes table (home_id → home_type). */
export function collectStats(set: TrainingSet, homes: ColumnTable): CollectStats {
  const { table } = set;
  return {
    kind: set.kind,
    datasetId: set.datasetId,
    trainingSetId: set.id,
    source: set.source,
    rowsRead: set.rowsRead,
    rowsKept: table.rows,
    dropped: set.filters.map((f) => ({ filter: f.filter, rows: f.dropped })),
    keptByHomeType: keptByHomeType(table, homes),
    labelBalance: labelBalance(set.kind, table),
    kept: sourceTableSummary(set.source, table),
  };
}

function keptByHomeType(table: ColumnTable, homes: ColumnTable): Record<string, number> {
  const typeOf = new Map<string, string>();
  const ids = homes.columns.home_id as string[];
  const types = homes.columns.home_type as string[];
  for (let i = 0; i < homes.rows; i++) typeOf.set(ids[i], types[i]);
  const counts: Record<string, number> = {};
  const homeIds = table.columns.home_id as string[];
  for (let i = 0; i < table.rows; i++) {
    const type = typeOf.get(homeIds[i]);
    if (type === undefined) {
      throw new HomeforgeError(
        "homes",
        `home ${homeIds[i]} of the training set is not in the dataset's homes table`,
        "regenerate the dataset",
      );
    }
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function labelBalance(kind: TrainingSetKind, table: ColumnTable): CollectStats["labelBalance"] {
  const spec = LABELS[kind];
  if (!spec) return null;
  const column = table.columns[spec.column] as ArrayLike<number>;
  const counts = [0, 0];
  for (let i = 0; i < table.rows; i++) counts[column[i] ? 1 : 0]++;
  return {
    label: spec.column,
    values: spec.names.map((value, v) => ({
      value,
      count: counts[v],
      share: table.rows > 0 ? counts[v] / table.rows : 0,
    })),
  };
}

/** A short plain-text table of `stats`, one line each. */
export function formatCollectStats(stats: CollectStats): string[] {
  const width = String(stats.rowsRead).length + 1; // room for a minus sign
  const n = (x: number) => String(x).padStart(width);
  const lines = [
    `statistics of ${stats.trainingSetId}`,
    `  ${n(stats.rowsRead)}  rows read from ${stats.source}`,
    ...stats.dropped.map((d) => `  ${n(-d.rows)}  ${d.filter}`),
    `  ${n(stats.rowsKept)}  rows kept`,
    "  kept by home type:",
    ...Object.entries(stats.keptByHomeType).map(([type, c]) => `  ${n(c)}  ${type}`),
  ];
  if (stats.labelBalance) {
    lines.push(`  label ${stats.labelBalance.label}:`);
    for (const v of stats.labelBalance.values) {
      lines.push(`  ${n(v.count)}  ${v.value} (${(v.share * 100).toFixed(1)} %)`);
    }
  }
  return lines;
}
