import { createHash } from "node:crypto";
import type { ColumnData, ColumnSpec, ColumnTable, TableSchema } from "../core/columnTable.js";
import { HomeforgeError } from "../core/errors.js";
import { TELEMETRY_SCHEMA } from "../pipeline/storage/tables.js";

/**
 * What the training API accepts: our ColumnTable, an apache-arrow Table, or a danfo.js
 * DataFrame. Arrow and danfo are recognised by shape (duck typing), so importing this module
 * never loads danfo.
 */
export type TelemetryInput = ColumnTable | ArrowTableLike | DataFrameLike;

/** The parts of an apache-arrow Table we use. */
export interface ArrowTableLike {
  numRows: number;
  getChild(name: string): ArrowVectorLike | null;
}
interface ArrowVectorLike {
  length: number;
  get(index: number): unknown;
  isValid(index: number): boolean;
}

/** The parts of a danfo.js DataFrame we use. */
export interface DataFrameLike {
  columns: string[];
  column(name: string): { values: ArrayLike<unknown> };
}

const DAY_MS = 86_400_000;

function isColumnTable(x: unknown): x is ColumnTable {
  const t = x as ColumnTable;
  return typeof t?.rows === "number" && typeof t?.columns === "object" && Array.isArray(t?.schema?.columns);
}

function isArrowTable(x: unknown): x is ArrowTableLike {
  const t = x as ArrowTableLike;
  return typeof t?.numRows === "number" && typeof t?.getChild === "function";
}

function isDataFrame(x: unknown): x is DataFrameLike {
  const t = x as DataFrameLike;
  return Array.isArray(t?.columns) && typeof t?.column === "function";
}

export interface ToColumnTableOptions {
  /** Accept input without the label column (scoring new data); it reads as all 0. */
  labelOptional?: boolean;
}

/**
 * Converts any accepted input to a ColumnTable of `schema` (default: telemetry), checking
 * that every column is there. Truth columns are never needed (they are not features) and
 * read as null when absent. A ColumnTable with every column is returned as is.
 */
export function toColumnTable(
  input: TelemetryInput,
  schema: TableSchema = TELEMETRY_SCHEMA,
  options: ToColumnTableOptions = {},
): ColumnTable {
  const optional = (spec: ColumnSpec) =>
    spec.role === "truth" || (spec.role === "label" && options.labelOptional);
  const present = presentColumns(input);
  const absent = schema.columns.filter((c) => !present.has(c.name));
  requireColumns(
    [...present, ...absent.filter(optional).map((c) => c.name)],
    schema,
    isColumnTable(input) ? "table" : isArrowTable(input) ? "Arrow table" : "DataFrame",
  );
  const table = convert(input, schema, present);
  for (const spec of absent) table.columns[spec.name] = filler(spec, table.rows);
  return table;
}

/** The columns an input really has (toColumnTable fills absent truth and optional label columns). */
export function presentColumns(input: TelemetryInput): Set<string> {
  if (isColumnTable(input)) return new Set(Object.keys(input.columns));
  if (isArrowTable(input)) {
    const names = (input as { schema?: { fields?: { name: string }[] } }).schema?.fields?.map((f) => f.name);
    return new Set(
      names ?? TELEMETRY_SCHEMA.columns.map((c) => c.name).filter((n) => input.getChild(n) !== null),
    );
  }
  if (isDataFrame(input)) return new Set(input.columns);
  throw new HomeforgeError(
    "data",
    "expected a homeforge ColumnTable, an apache-arrow Table or a danfo.js DataFrame",
    "pass the telemetry table, e.g. from readTableFile(path, TELEMETRY_SCHEMA)",
  );
}

function filler(spec: ColumnSpec, rows: number): ColumnData {
  if (spec.type === "string" || spec.nullable) return new Array(rows).fill(null);
  if (spec.type === "float64" || spec.type === "timestamp_ms") return new Float64Array(rows);
  return spec.type === "bool" ? new Uint8Array(rows) : new Int32Array(rows);
}

function convert(input: TelemetryInput, schema: TableSchema, present: Set<string>): ColumnTable {
  const wanted = schema.columns.filter((c) => present.has(c.name));
  if (isColumnTable(input)) {
    if (input.schema.name === schema.name && wanted.length === schema.columns.length) return input;
    const columns: Record<string, ColumnData> = {};
    for (const spec of wanted) columns[spec.name] = input.columns[spec.name];
    return { schema, rows: input.rows, columns };
  }
  if (isArrowTable(input)) {
    const columns: Record<string, ColumnData> = {};
    for (const spec of wanted) {
      const vector = input.getChild(spec.name)!;
      // toArray() turns nulls into 0 for numeric vectors, so read value by value
      const values = new Array<unknown>(vector.length);
      for (let i = 0; i < vector.length; i++) values[i] = vector.isValid(i) ? vector.get(i) : null;
      columns[spec.name] = fromValues(spec, values);
    }
    return { schema, rows: input.numRows, columns };
  }
  const frame = input as DataFrameLike;
  const columns: Record<string, ColumnData> = {};
  for (const spec of wanted) columns[spec.name] = fromValues(spec, frame.column(spec.name).values);
  const rows = columns[wanted[0].name].length;
  return { schema, rows, columns };
}

function requireColumns(present: readonly string[], schema: TableSchema, what: string): void {
  const have = new Set(present);
  const missing = schema.columns.filter((c) => !have.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw new HomeforgeError(
      "data",
      `the ${what} lacks ${schema.name} column(s) ${missing.join(", ")}`,
      `pass a ${schema.name} table with every column of the ${schema.name} schema`,
    );
  }
}

function fromValues(spec: ColumnSpec, values: ArrayLike<unknown>): ColumnData {
  const n = values.length;
  switch (spec.type) {
    case "string":
      return Array.from(values, (v) => (v === null || v === undefined ? null : String(v)));
    case "int32":
      if (spec.nullable) return Array.from(values, (v) => (v === null || v === undefined ? null : Number(v)));
      return Int32Array.from(values, (v) => Number(v ?? 0));
    case "float64":
      return Float64Array.from(values, (v) => (v === null || v === undefined ? Number.NaN : Number(v)));
    case "bool":
      return Uint8Array.from(values, (v) => (v === true || v === 1 ? 1 : 0));
    case "timestamp_ms":
      return Float64Array.from(values, (v) => toMs(v));
    case "date": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = toDay(values[i]);
      return out;
    }
  }
}

function toMs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === "string") return Date.parse(v);
  return Number(v);
}

/** A day as days since 1970-01-01: from a Date, an ISO date string, epoch ms or a day number. */
function toDay(v: unknown): number {
  if (v instanceof Date || typeof v === "string") return Math.round(toMs(v) / DAY_MS);
  const n = Number(v);
  // Arrow's DateDay yields epoch milliseconds; a plain day count stays far below 1e7
  return Math.abs(n) >= 1e7 ? Math.round(n / DAY_MS) : n;
}

/** sha256 over a table's schema and column contents: identifies in-memory training data. */
export function tableHash(table: ColumnTable): string {
  const hash = createHash("sha256");
  for (const spec of table.schema.columns) {
    hash.update(`${spec.name}:${spec.type}\n`);
    const data = table.columns[spec.name];
    if (ArrayBuffer.isView(data)) hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    else hash.update(JSON.stringify(data));
  }
  return hash.digest("hex");
}

/** The rows of a table at `rows`, in that order. */
export function selectRows(table: ColumnTable, rows: ArrayLike<number>): ColumnTable {
  const columns: Record<string, ColumnData> = {};
  for (const spec of table.schema.columns) {
    const data = table.columns[spec.name];
    if (ArrayBuffer.isView(data)) {
      const Ctor = data.constructor as new (n: number) => Float64Array;
      const out = new Ctor(rows.length);
      for (let i = 0; i < rows.length; i++) out[i] = (data as Float64Array)[rows[i]];
      columns[spec.name] = out;
    } else {
      const out = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) out[i] = data[rows[i]];
      columns[spec.name] = out as ColumnData;
    }
  }
  return { schema: table.schema, rows: rows.length, columns };
}
