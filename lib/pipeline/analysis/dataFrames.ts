/**
 * The Arrow and danfo faces of a dataset, for notebooks and the training API:
 *
 *   const df = await loadDataFrame("data/ds_…", "telemetry");      // one call
 *   const table = await loadTable("data/ds_…", "devices");          // apache-arrow Table
 *   const df2 = toDataFrame(table); const back = fromDataFrame(df2, table.schema);
 *
 * Hot paths stay on typed arrays / Arrow columns; danfo is the convenient tabular face
 * (DESIGN §4), slow at millions of rows.
 */
import * as arrow from "apache-arrow";
import { DataFrame } from "#danfo";
import { type OpenDatasetOptions, openDataset } from "../storage/openDataset.js";
import { decodeError } from "../storage/tableIO.js";
import { arrowSchema, sliceTable, toRecordBatch } from "../storage/tableWriter.js";

/** The danfo.js types, for annotations; `homeforge/danfo` is the whole (bundled) library. */
export type { DataFrame, Series } from "#danfo";

const GROUP_ROWS = 131_072;

/**
 * A dataset table as an Arrow table (strings UTF8, `time` timestamp[ms, UTC], `day` date32).
 * Every file is checked against its manifest sha256 first; `{ verify: false }` reads it anyway.
 */
export async function loadTable(
  datasetDir: string,
  name: string,
  options: OpenDatasetOptions = {},
): Promise<arrow.Table> {
  const dataset = openDataset(datasetDir, "datasetDir", options);
  const entry = dataset.manifest.tables?.[name];
  if (entry && entry.format === "arrow") {
    const tables = dataset.fileBytes(name).map(({ path, bytes, read }) => {
      try {
        return arrow.tableFromIPC(bytes);
      } catch (e) {
        throw decodeError(path, e, read);
      }
    });
    return tables.length === 1 ? tables[0] : tables[0].concat(...tables.slice(1));
  }
  const columns = await dataset.table(name);
  const schema = arrowSchema(columns.schema);
  const batches: arrow.RecordBatch[] = [];
  for (let start = 0; start < columns.rows; start += GROUP_ROWS) {
    batches.push(
      toRecordBatch(sliceTable(columns, start, Math.min(start + GROUP_ROWS, columns.rows)), schema),
    );
  }
  return batches.length > 0 ? new arrow.Table(batches) : new arrow.Table(schema);
}

type Cell = string | number | boolean | Date | null;

function isTemporal(type: arrow.DataType): boolean {
  return arrow.DataType.isTimestamp(type) || arrow.DataType.isDate(type);
}

/** danfo dtype for an Arrow type. */
function danfoDtype(type: arrow.DataType): string {
  if (arrow.DataType.isDictionary(type) || arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type))
    return "string";
  if (arrow.DataType.isBool(type)) return "boolean";
  if (isTemporal(type)) return "datetime";
  if (arrow.DataType.isInt(type)) return "int32";
  return "float32";
}

function cells(vector: arrow.Vector): Cell[] {
  const out: Cell[] = new Array(vector.length);
  const temporal = isTemporal(vector.type);
  const numeric = arrow.DataType.isInt(vector.type) || arrow.DataType.isFloat(vector.type);
  for (let i = 0; i < vector.length; i++) {
    const v = vector.get(i) as unknown;
    if (v === null || v === undefined) out[i] = numeric ? Number.NaN : null;
    else if (temporal) out[i] = new Date(v instanceof Date ? v.getTime() : Number(v));
    else if (typeof v === "bigint") out[i] = Number(v);
    else out[i] = v as Cell;
  }
  return out;
}

/**
 * An Arrow table as a danfo DataFrame: strings stay strings, numbers numbers (missing = NaN),
 * timestamps and dates become Date values (dtype datetime).
 */
export function toDataFrame(table: arrow.Table): DataFrame {
  const names = table.schema.fields.map((f) => f.name);
  const dtypes = table.schema.fields.map((f) => danfoDtype(f.type));
  if (table.numRows === 0) return new DataFrame([], { columns: names });
  const data: Record<string, Cell[]> = {};
  for (const name of names) data[name] = cells(table.getChild(name)!);
  return new DataFrame(data, { columns: names, dtypes });
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

/** A dataset table as a danfo DataFrame, in one call (verified like loadTable). */
export async function loadDataFrame(
  datasetDir: string,
  name: string,
  options: OpenDatasetOptions = {},
): Promise<DataFrame> {
  return toDataFrame(await loadTable(datasetDir, name, options));
}
