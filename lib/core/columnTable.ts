import { DictionaryColumn } from "./dictionaryColumn.js";

/**
 * Column tables: the in-memory face of every dataset table. Data is passed as columns
 * (typed arrays for numbers, plain arrays for strings), never as an object per row.
 */
export type ColumnType = "string" | "int32" | "float64" | "bool" | "timestamp_ms" | "date";

/** What a column is for: keys join, features feed models, labels are targets, truth is never a feature. */
export type ColumnRole = "key" | "attribute" | "feature" | "label" | "truth";

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  role: ColumnRole;
  /** Whether missing values (null, or NaN in a float64 column) may occur. */
  nullable?: boolean;
  description?: string;
}

export interface TableSchema {
  name: string;
  columns: readonly ColumnSpec[];
}

/**
 * Column storage per type:
 * - string: (string | null)[]
 * - int32: Int32Array (or number[] with nulls when nullable)
 * - float64: Float64Array (NaN = missing)
 * - bool: Uint8Array (0/1)
 * - timestamp_ms: Float64Array of UTC epoch ms
 * - date: Int32Array of days since 1970-01-01
 */
export type ColumnData = (string | null)[] | Int32Array | Float64Array | Uint8Array | (number | null)[];

export interface ColumnTable<C = ColumnData> {
  schema: TableSchema;
  rows: number;
  columns: Record<string, C>;
}

/**
 * Column storage as generation makes it: string columns may be dictionary-coded (see
 * dictionaryColumn.ts) all the way to the writers. Tables read back from files are plain.
 */
export type ProducedColumnData = ColumnData | DictionaryColumn;
export type ProducedTable = ColumnTable<ProducedColumnData>;

/** A produced column with any dictionary decoded to a plain string array. */
export function plainColumn(data: ProducedColumnData): ColumnData {
  return data instanceof DictionaryColumn ? data.toArray() : data;
}

/** A produced table with every dictionary column decoded (for code that reads plain tables). */
export function plainTable(table: ProducedTable): ColumnTable {
  const columns: Record<string, ColumnData> = {};
  for (const [name, data] of Object.entries(table.columns)) columns[name] = plainColumn(data);
  return { schema: table.schema, rows: table.rows, columns };
}

export function columnTable<C extends ProducedColumnData = ColumnData>(
  schema: TableSchema,
  columns: Record<string, C>,
): ColumnTable<C> {
  const rows = columns[schema.columns[0].name]?.length ?? 0;
  for (const spec of schema.columns) {
    const data = columns[spec.name];
    if (!data) throw new Error(`table ${schema.name}: column ${spec.name} is missing`);
    if (data.length !== rows) {
      throw new Error(`table ${schema.name}: column ${spec.name} has ${data.length} rows, expected ${rows}`);
    }
  }
  return { schema, rows, columns };
}

/** Concatenates tables of one schema (e.g. per-home batches) into one. */
export function concatTables(schema: TableSchema, parts: readonly ColumnTable[]): ColumnTable {
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const columns: Record<string, ColumnData> = {};
  for (const spec of schema.columns) {
    const first = parts[0]?.columns[spec.name];
    if (first && ArrayBuffer.isView(first)) {
      const Ctor = (first as Float64Array).constructor as new (n: number) => Float64Array;
      const out = new Ctor(rows);
      let offset = 0;
      for (const p of parts) {
        out.set(p.columns[spec.name] as Float64Array, offset);
        offset += p.rows;
      }
      columns[spec.name] = out;
    } else {
      const out: (string | number | null)[] = [];
      for (const p of parts) for (const v of p.columns[spec.name] as (string | number | null)[]) out.push(v);
      columns[spec.name] = out as ColumnData;
    }
  }
  return { schema, rows, columns };
}

/** Rows [start, end) of a table; typed and dictionary columns are views, not copies. */
export function sliceTable<C extends ProducedColumnData>(
  table: ColumnTable<C>,
  start: number,
  end: number,
): ColumnTable<C> {
  const columns: Record<string, C> = {};
  for (const spec of table.schema.columns) {
    const data: ProducedColumnData = table.columns[spec.name];
    columns[spec.name] = (
      data instanceof DictionaryColumn
        ? data.slice(start, end)
        : ArrayBuffer.isView(data)
          ? (data as Float64Array).subarray(start, end)
          : data.slice(start, end)
    ) as C;
  }
  return { schema: table.schema, rows: end - start, columns };
}
