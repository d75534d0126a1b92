/**
 * Training sets derived from several dataset tables (suggestions, automations, qa): what a
 * kind reads, how it builds its candidate rows, its filters, and which source rows stand
 * behind each row. Every candidate row lists its evidence as `table#row` references (JSON)
 * in an `evidence` column, so lineage can say which rows of which table a set came from.
 */
import type { ColumnTable } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import type { TableName } from "../storage/tables.js";
import type { Filter } from "./collectFilters.js";

export type SourceTables = Partial<Record<TableName, ColumnTable>>;

export interface DerivedSet<Thresholds> {
  /** The dataset tables it reads, in reading order. */
  tables: readonly TableName[];
  /** Candidate rows, before any filter; `seed` seeds choices among phrasings. */
  build(tables: SourceTables, seed: number): ColumnTable;
  /** `tables`: what build read, for filters that check rows against the dataset. */
  filters(thresholds: Thresholds, tables: SourceTables): Filter[];
  /** What the kept rows hold (by source, by question kind …), for statistics. */
  summary(kept: ColumnTable): Record<string, unknown>;
  /** The label column and the names of its values 0 and 1; null when the set has none … */
  label: { column: string; names: [string, string] } | null;
  /** … and then why, in words, for the statistics. */
  noLabel?: string;
}

export const evidenceRef = (table: TableName, row: number) => `${table}#${row}`;

/** A table the build needs, or a one-line error naming it. */
export function need(tables: SourceTables, name: TableName): ColumnTable {
  const t = tables[name];
  if (!t) throw new HomeforgeError(name, "the table was not read", "pass every table the set lists");
  return t;
}

/**
 * The rows of `table` (with `rows` rows) that kept rows name in their evidence; for `homes`,
 * the homes of the kept rows.
 */
export function usedRows(kept: ColumnTable, table: TableName, source: ColumnTable): Uint8Array {
  const used = new Uint8Array(source.rows);
  if (table === "homes") {
    const homes = new Set(kept.columns.home_id as string[]);
    const ids = source.columns.home_id as string[];
    for (let i = 0; i < source.rows; i++) if (homes.has(ids[i])) used[i] = 1;
    return used;
  }
  const prefix = `${table}#`;
  for (const json of kept.columns.evidence as string[]) {
    for (const ref of JSON.parse(json) as string[]) {
      if (ref.startsWith(prefix)) used[Number(ref.slice(prefix.length))] = 1;
    }
  }
  return used;
}

/** How often each value occurs (null as "none"), sorted by value. */
export function countValues(values: readonly (string | null)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) {
    const k = v ?? "none";
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** home_id → home_type from the homes table. */
export function homeTypes(homes: ColumnTable): Map<string, string> {
  const ids = homes.columns.home_id as string[];
  const types = homes.columns.home_type as string[];
  return new Map(ids.map((id, i) => [id, types[i]]));
}

/** (home_id, key) → row index of a table, for the evidence references. */
export function rowIndex(table: ColumnTable, keyColumn: string): Map<string, number> {
  const homes = table.columns.home_id as string[];
  const keys = table.columns[keyColumn] as string[];
  const index = new Map<string, number>();
  for (let i = 0; i < table.rows; i++) index.set(`${homes[i]}\u0000${keys[i]}`, i);
  return index;
}
