/**
 * Aggregate statistics of a collected training set, as plain JSON: rows read and kept, what
 * each quality filter dropped (in the order they ran), kept rows per home type and, for the
 * labelled sets, the balance of the label. `collect` prints them and writes them next to
 * its output as `<output>.stats.json`.
 */
import type { ColumnTable } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { type TrainingSet, type TrainingSetKind, trainingSetLabel } from "./collector.js";

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
  /** The dataset tables the set was built from, comma-separated … */
  source: string;
  /** … and per table: rows read, rows behind the kept rows, and what those hold. */
  sources: { table: string; rowsRead: number; rowsUsed: number; summary: Record<string, unknown> }[];
  /** Rows the filters saw: the source table's rows, or the candidate rows built from several tables. */
  rowsRead: number;
  rowsKept: number;
  /** One entry per filter, in the order they ran; rowsRead = rowsKept + Σ dropped. */
  dropped: { filter: string; rows: number }[];
  /** Kept rows per home type (from the dataset's homes table), sorted by type. */
  keptByHomeType: Record<string, number>;
  /** The label and its values among the kept rows; null for sets without one … */
  labelBalance: { label: string; values: LabelCount[] } | null;
  /** … and then why ("no label: …"); null for labelled sets. */
  noLabel: string | null;
  /** What the kept rows hold (homes, devices, planted synergies, question kinds …). */
  kept: Record<string, unknown>;
}

/** The statistics of `set`; `homes` is the dataset's homes table (home_id → home_type). */
export function collectStats(set: TrainingSet, homes: ColumnTable): CollectStats {
  const { table } = set;
  const label = trainingSetLabel(set.kind);
  return {
    kind: set.kind,
    datasetId: set.datasetId,
    trainingSetId: set.id,
    source: set.source,
    sources: set.sources.map((s) => ({ ...s })),
    rowsRead: set.rowsRead,
    rowsKept: table.rows,
    dropped: set.filters.map((f) => ({ filter: f.filter, rows: f.dropped })),
    keptByHomeType: keptByHomeType(table, homes),
    labelBalance: label.column === null ? null : labelBalance(label, table),
    noLabel: label.column === null ? label.reason : null,
    kept: set.kept,
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

function labelBalance(
  spec: { column: string; names: [string, string] },
  table: ColumnTable,
): CollectStats["labelBalance"] {
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
    ...(stats.sources.length === 1
      ? [`  ${n(stats.rowsRead)}  rows read from ${stats.source}`]
      : [
          `  ${n(stats.rowsRead)}  candidate rows built from ${stats.source}`,
          ...stats.sources.map(
            (s) => `  ${" ".repeat(width)}  (${s.table}: ${s.rowsUsed} of ${s.rowsRead} rows used)`,
          ),
        ]),
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
  } else if (stats.noLabel) {
    lines.push(`  ${stats.noLabel}`);
  }
  return lines;
}
