/**
 * A small table with one column of every type, nulls and NaN at fixed strides, for writer and
 * batch tests: `mixedSchema(names)` picks columns, `mixedTable(schema, n, from)` fills rows
 * from..from+n (so consecutive calls tile one longer table).
 */
import {
  type ColumnData,
  type ColumnTable,
  columnTable,
  type TableSchema,
} from "../../lib/core/columnTable.js";

const COLUMNS: TableSchema["columns"] = [
  { name: "s", type: "string", role: "key", nullable: true },
  { name: "k", type: "string", role: "key" },
  { name: "i", type: "int32", role: "feature", nullable: true },
  { name: "f", type: "float64", role: "feature", nullable: true },
  { name: "g", type: "float64", role: "feature" },
  { name: "b", type: "bool", role: "feature" },
  { name: "time", type: "timestamp_ms", role: "key" },
  { name: "d", type: "date", role: "key" },
];

export function mixedSchema(names: readonly string[] = COLUMNS.map((c) => c.name)): TableSchema {
  return { name: "mixed", columns: names.map((n) => COLUMNS.find((c) => c.name === n) ?? missing(n)) };
}

function missing(name: string): never {
  throw new Error(`mixedSchema: no column ${name}`);
}

function values(name: string, n: number, from: number): ColumnData {
  const at = (i: number) => from + i;
  switch (name) {
    case "s":
      return Array.from({ length: n }, (_, i) => (at(i) % 5 === 0 ? null : `dev_${at(i) % 7}_é`));
    case "k":
      return Array.from({ length: n }, (_, i) => `home_${Math.floor(at(i) / 40)}`);
    case "i":
      return Array.from({ length: n }, (_, i) => (at(i) % 4 === 0 ? null : at(i) * 3));
    case "f":
      return Float64Array.from({ length: n }, (_, i) => (at(i) % 3 === 0 ? Number.NaN : at(i) / 8));
    case "g":
      return Float64Array.from({ length: n }, (_, i) => (at(i) % 6 === 0 ? Number.NaN : -at(i)));
    case "b":
      return Uint8Array.from({ length: n }, (_, i) => at(i) % 2);
    case "time":
      return Float64Array.from({ length: n }, (_, i) => Date.UTC(2025, 0, 1) + at(i) * 1000);
    default:
      return Int32Array.from({ length: n }, (_, i) => 20_000 + (at(i) >> 4));
  }
}

export function mixedTable(schema: TableSchema, n: number, from = 0): ColumnTable {
  return columnTable(
    schema,
    Object.fromEntries(schema.columns.map((c) => [c.name, values(c.name, n, from)])),
  );
}
