/**
 * The danfo face of a dataset, synchronous (`homeforge/frames`): importing this module
 * loads danfo.js (bundled, `#danfo`).
 *
 *   const df = toDataFrame(table); const back = fromDataFrame(df, table.schema);
 *
 * loadTable and loadDataFrame (re-exported here) live in ./datasetTables.ts, which the root
 * (`homeforge`) exports without loading danfo. Hot paths stay on typed arrays / Arrow
 * columns; danfo is the convenient tabular face (DESIGN §4), slow at millions of rows.
 */
import * as arrow from "apache-arrow";
import { DataFrame } from "#danfo";
import { arrowToDataFrame } from "./datasetTables.js";

export type { DataFrame, Series } from "#danfo";
export { loadDataFrame, loadTable } from "./datasetTables.js";

/**
 * An Arrow table as a danfo DataFrame: strings stay strings, numbers numbers (missing = NaN),
 * timestamps and dates become Date values (dtype datetime).
 */
export function toDataFrame(table: arrow.Table): DataFrame {
  return arrowToDataFrame(DataFrame, table);
}

function inferType(dtype: string, values: readonly unknown[]): arrow.DataType {
  switch (dtype) {
    case "string":
      return new arrow.Utf8();
    case "boolean":
      return new arrow.Bool();
    case "datetime":
      return new arrow.TimestampMillisecond("UTC");
    case "int32": {
      const fits = values.every((v) => Number.isInteger(v) && Math.abs(v as number) < 2 ** 31);
      return fits ? new arrow.Int32() : new arrow.Float64();
    }
    default:
      return new arrow.Float64();
  }
}

/** A danfo value as Arrow takes it; NaN (danfo's missing number) becomes null where nulls are allowed. */
function arrowCell(type: arrow.DataType, v: unknown, nullable: boolean): unknown {
  if (v === null || v === undefined) return null;
  if (arrow.DataType.isTimestamp(type)) return v instanceof Date ? v.getTime() : Number(v);
  if (arrow.DataType.isDate(type)) return v instanceof Date ? v : new Date(Number(v));
  if (arrow.DataType.isInt(type) || arrow.DataType.isFloat(type)) {
    const n = Number(v);
    return Number.isNaN(n) && (nullable || arrow.DataType.isInt(type)) ? null : n;
  }
  if (arrow.DataType.isBool(type)) return Boolean(v);
  return String(v);
}

/**
 * A danfo DataFrame back to an Arrow table. With `schema` (e.g. the table it came from),
 * columns get exactly those types and NaN becomes null in nullable columns; otherwise types
 * follow the danfo dtypes (int32 columns holding non-integers become float64, NaN becomes
 * null, datetime becomes timestamp[ms, UTC]).
 */
export function fromDataFrame(df: DataFrame, schema?: arrow.Schema): arrow.Table {
  const names = df.columns as string[];
  const dtypes = df.dtypes as string[];
  const rows = df.shape[0];
  const vectors: Record<string, arrow.Vector> = {};
  names.forEach((name, i) => {
    const values = rows === 0 ? [] : (df.column(name).values as unknown[]);
    const field = schema?.fields.find((f) => f.name === name);
    let type = field?.type ?? inferType(dtypes[i], values);
    const nullable = field ? field.nullable : true;
    // a dictionary hint becomes plain UTF8: the values are plain strings again
    if (arrow.DataType.isDictionary(type)) type = new arrow.Utf8();
    vectors[name] = arrow.vectorFromArray(
      values.map((v) => arrowCell(type, v, nullable)),
      type,
    );
  });
  return new arrow.Table(vectors);
}
