/**
 * Building blocks of the collector's quality filters: the threshold field types, the filter
 * shape (a name and a keep mask over the rows it sees) and row selection, shared by the
 * collector and the training sets it derives from several tables.
 */
import { z } from "zod";
import type { ColumnData, ColumnTable } from "../../core/columnTable.js";

const SHARE = "must be a share between 0 and 1";
/** A threshold between 0 and 1. */
export const share = (d: number) =>
  z.number({ error: SHARE }).min(0, { error: SHARE }).max(1, { error: SHARE }).default(d);
const COUNT = "must be a whole number, 0 or more";
/** A whole-number threshold, 0 or more. */
export const count = (d: number) =>
  z.number({ error: COUNT }).int({ error: COUNT }).min(0, { error: COUNT }).default(d);
const POSITIVE = "must be a number, 0 or more";
/** A non-negative number threshold (e.g. a lift). */
export const nonNegative = (d: number) =>
  z.number({ error: POSITIVE }).min(0, { error: POSITIVE }).default(d);

/** A quality filter: what it drops, in words, and which of the rows it sees it keeps (1). */
export type Filter = { name: string; keep: (t: ColumnTable) => Uint8Array };

/** Keeps rows where `keep[i]` is 1. */
export function filterRows(table: ColumnTable, keep: Uint8Array): ColumnTable {
  let n = 0;
  for (let i = 0; i < table.rows; i++) n += keep[i];
  const columns: Record<string, ColumnData> = {};
  for (const spec of table.schema.columns) {
    const data = table.columns[spec.name];
    if (ArrayBuffer.isView(data)) {
      const Ctor = (data as Float64Array).constructor as new (n: number) => Float64Array;
      const out = new Ctor(n);
      let j = 0;
      for (let i = 0; i < table.rows; i++) if (keep[i]) out[j++] = (data as Float64Array)[i];
      columns[spec.name] = out;
    } else {
      columns[spec.name] = (data as unknown[]).filter((_, i) => keep[i] === 1) as ColumnData;
    }
  }
  return { schema: table.schema, rows: n, columns };
}

export function rowMask(t: ColumnTable, pass: (i: number) => boolean): Uint8Array {
  const keep = new Uint8Array(t.rows);
  for (let i = 0; i < t.rows; i++) keep[i] = pass(i) ? 1 : 0;
  return keep;
}

/** Keeps the first row of each key (in row order): later repeats are dropped. */
export function firstOfEachKey(t: ColumnTable, keyOf: (i: number) => string): Uint8Array {
  const seen = new Set<string>();
  return rowMask(t, (i) => {
    const k = keyOf(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Keeps rows whose string columns are all at most `max` characters long. */
export function maxLengthFilter(columns: readonly string[], max: number, what: string): Filter {
  return {
    name: `${what} longer than ${max} characters`,
    keep: (t) => {
      const cols = columns.map((c) => t.columns[c] as string[]);
      return rowMask(t, (i) => cols.every((c) => c[i].length <= max));
    },
  };
}
