import type { ColumnTable } from "../../core/columnTable.js";

/**
 * Right-censoring of the failure label (DESIGN.md §4). The telemetry column `censored`
 * (role "label") is 1 where a row's 7-day label window reaches past the horizon's last day
 * and no failure is observed in the days that remain: its `fails_within_7d` = 0 is unknown,
 * not true. Training sets and evaluations leave these rows out.
 */
export const CENSORED_COLUMN = "censored";

/** Is row i censored? A table without the column (hand-built, unlabelled) has none. */
export function censoredMask(table: ColumnTable): Uint8Array {
  const column = table.columns[CENSORED_COLUMN] as ArrayLike<number | boolean | null> | undefined;
  const mask = new Uint8Array(table.rows);
  if (!column) return mask;
  for (let i = 0; i < table.rows; i++) mask[i] = column[i] === 1 || column[i] === true ? 1 : 0;
  return mask;
}

/** Indices of the rows that are not censored, in table order. */
export function uncensoredRows(table: ColumnTable): Int32Array {
  const mask = censoredMask(table);
  const out: number[] = [];
  for (let i = 0; i < table.rows; i++) if (mask[i] === 0) out.push(i);
  return Int32Array.from(out);
}
