/**
 * A dataset's tables as Arrow tables and danfo DataFrames — the light half of the frames
 * face, re-exported by the root (`homeforge`):
 *
 *   const table = await loadTable("data/ds_…", "devices");          // apache-arrow Table
 *   const df = await loadDataFrame("data/ds_…", "telemetry");       // danfo DataFrame
 *
 * Importing this module does not load danfo.js: loadDataFrame imports the bundled danfo
 * (`#danfo`) on its first call. The synchronous conversions (toDataFrame, fromDataFrame)
 * live in ./dataFrames.ts (`homeforge/frames`), which loads danfo when imported.
 */
import * as arrow from "apache-arrow";
import type { DataFrame } from "#danfo";
import { sliceTable } from "../../core/columnTable.js";
import { arrowSchema, recordBatchOf } from "../storage/arrowBatch.js";
import { type OpenDatasetOptions, openDataset } from "../storage/openDataset.js";
import { decodeError } from "../storage/tableIO.js";

/** The danfo.js types, for annotations; `homeforge/danfo` is the whole (bundled) library. */
export type { DataFrame, Series } from "#danfo";

const GROUP_ROWS = 131_072;

/**
 * A dataset table as an Arrow table: `time` timestamp[ms, UTC], `day` date32, strings Utf8 from a
 * Parquet dataset and Dictionary<Int32, Utf8> from an Arrow one (its files are written that way;
 * `get(i)` gives the same strings either way).
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
      recordBatchOf(
        columns.schema,
        [sliceTable(columns, start, Math.min(start + GROUP_ROWS, columns.rows))],
        schema,
      ),
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

/** The DataFrame class of whichever danfo the caller loaded (statically or on demand). */
export type DataFrameClass = typeof import("#danfo").DataFrame;

/**
 * An Arrow table as a danfo DataFrame built with `DataFrameCtor`: strings stay strings,
 * numbers numbers (missing = NaN), timestamps and dates become Date values (dtype datetime).
 */
export function arrowToDataFrame(DataFrameCtor: DataFrameClass, table: arrow.Table): DataFrame {
  const names = table.schema.fields.map((f) => f.name);
  const dtypes = table.schema.fields.map((f) => danfoDtype(f.type));
  if (table.numRows === 0) return new DataFrameCtor([], { columns: names });
  const data: Record<string, Cell[]> = {};
  for (const name of names) data[name] = cells(table.getChild(name)!);
  return new DataFrameCtor(data, { columns: names, dtypes });
}

/**
 * A dataset table as a danfo DataFrame, in one call (verified like loadTable). danfo.js is
 * loaded on the first call, not when homeforge is imported.
 */
export async function loadDataFrame(
  datasetDir: string,
  name: string,
  options: OpenDatasetOptions = {},
): Promise<DataFrame> {
  const table = await loadTable(datasetDir, name, options);
  const { DataFrame: DataFrameCtor } = await import("#danfo");
  return arrowToDataFrame(DataFrameCtor, table);
}
