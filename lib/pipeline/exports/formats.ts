/**
 * Writers and read-back checks for export files. Every writer has a reader that opens the
 * file it wrote and compares it with the schema (column names, types, row count); an
 * export only succeeds when every check passes.
 */
import { closeSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import Database from "better-sqlite3";
import { parquetMetadata } from "hyparquet";
import type { ColumnData, ColumnSpec, ColumnTable, TableSchema } from "../../core/columnTable.js";
import { readTableFile } from "../storage/tableIO.js";
import { hashFile, openTableWriter, parquetSchema } from "../storage/tableWriter.js";

export type ExportFormat = "json" | "parquet" | "csv" | "sqlite";

export interface ExportFile {
  path: string;
  format: ExportFormat;
  /** The record schema the file follows. */
  schema: string;
  rows: number;
  bytes: number;
  sha256: string;
}

const DAY_MS = 86_400_000;

/** Cell i of a column as a plain JSON value (null for missing). */
export function cellValue(spec: ColumnSpec, data: ColumnData, i: number): string | number | boolean | null {
  const v = data[i];
  if (v === null || v === undefined) return null;
  switch (spec.type) {
    case "string":
      return v as string;
    case "int32":
    case "float64":
      return Number.isNaN(v) ? null : (v as number);
    case "bool":
      return v === 1;
    case "date":
      return new Date((v as number) * DAY_MS).toISOString().slice(0, 10);
    case "timestamp_ms":
      return new Date(v as number).toISOString();
  }
}

class ChunkedFile {
  private readonly fd: number;
  private buffer: string[] = [];
  private size = 0;
  constructor(path: string) {
    this.fd = openSync(path, "w");
  }
  write(text: string): void {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }
  private flush(): void {
    writeSync(this.fd, this.buffer.join(""));
    this.buffer = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * JSON: an array of records (`pandas.read_json`, DuckDB `read_json` read it as a table).
 * Columns in `jsonColumns` hold JSON text and are written as nested values.
 */
export function writeJsonRecords(
  path: string,
  table: ColumnTable,
  jsonColumns: readonly string[] = [],
): void {
  const out = new ChunkedFile(path);
  out.write("[");
  const specs = table.schema.columns;
  for (let i = 0; i < table.rows; i++) {
    const record: Record<string, unknown> = {};
    for (const spec of specs) {
      const value = cellValue(spec, table.columns[spec.name], i);
      record[spec.name] =
        jsonColumns.includes(spec.name) && value !== null ? JSON.parse(String(value)) : value;
    }
    out.write(`${i === 0 ? "\n" : ",\n"}${JSON.stringify(record)}`);
  }
  out.write("\n]\n");
  out.close();
}

/** A problem with a JSON value against its column, or null. */
function jsonTypeProblem(spec: ColumnSpec, value: unknown, nested: boolean): string | null {
  if (value === null) return spec.nullable ? null : "is null";
  if (nested) return typeof value === "object" ? null : "is not a JSON object or array";
  switch (spec.type) {
    case "string":
      return typeof value === "string" ? null : "is not a string";
    case "int32":
      return Number.isInteger(value) ? null : "is not a whole number";
    case "float64":
      return typeof value === "number" ? null : "is not a number";
    case "bool":
      return typeof value === "boolean" ? null : "is not true/false";
    case "date":
      return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? null
        : "is not a YYYY-MM-DD date";
    case "timestamp_ms":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? null : "is not an ISO time";
  }
}

/** Checks a records array against a schema; throws on the first problem. */
export function checkRecords(
  what: string,
  records: unknown,
  schema: TableSchema,
  rows: number,
  jsonColumns: readonly string[] = [],
): void {
  if (!Array.isArray(records)) throw new Error(`${what}: not a JSON array`);
  if (records.length !== rows) throw new Error(`${what}: ${records.length} records, expected ${rows}`);
  const names = schema.columns.map((c) => c.name);
  records.forEach((record, i) => {
    if (record === null || typeof record !== "object")
      throw new Error(`${what}: record ${i} is not an object`);
    const keys = Object.keys(record);
    if (keys.length !== names.length || names.some((n) => !(n in record))) {
      throw new Error(`${what}: record ${i} has keys ${keys.join(",")}, expected ${names.join(",")}`);
    }
    for (const spec of schema.columns) {
      const problem = jsonTypeProblem(
        spec,
        (record as Record<string, unknown>)[spec.name],
        jsonColumns.includes(spec.name),
      );
      if (problem) throw new Error(`${what}: record ${i} column ${spec.name} ${problem}`);
    }
  });
}

export function readBackJson(
  path: string,
  schema: TableSchema,
  rows: number,
  jsonColumns: readonly string[] = [],
): void {
  checkRecords(path, JSON.parse(readFileSync(path, "utf8")), schema, rows, jsonColumns);
}

/** `metadata`: key-value pairs for the file footer (e.g. what a training set is and its dataset). */
export async function writeParquet(
  path: string,
  table: ColumnTable,
  metadata?: Record<string, string>,
): Promise<void> {
  const writer = openTableWriter(path, table.schema, "parquet", { metadata });
  await writer.append(table);
  await writer.finish();
}

/** Opens the Parquet file, compares its schema elements and row count, and reads every column. */
export async function readBackParquet(path: string, schema: TableSchema, rows: number): Promise<void> {
  const bytes = readFileSync(path);
  const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (Number(meta.num_rows) !== rows) throw new Error(`${path}: ${meta.num_rows} rows, expected ${rows}`);
  const expected = parquetSchema(schema).slice(1);
  const actual = meta.schema.slice(1);
  if (actual.length !== expected.length)
    throw new Error(`${path}: ${actual.length} columns, expected ${expected.length}`);
  expected.forEach((e, i) => {
    const a = actual[i];
    if (a.name !== e.name || a.type !== e.type || (a.converted_type ?? null) !== (e.converted_type ?? null)) {
      throw new Error(
        `${path}: column ${i} is ${a.name} ${a.type}/${a.converted_type}, expected ${e.name} ${e.type}/${e.converted_type}`,
      );
    }
  });
  // a file we just wrote that does not read back is our bug, not bad input: a plain Error,
  // which exportDataset reports as a failed check
  const back = await readTableFile(path, schema).catch((e: Error) => {
    throw new Error(e.message);
  });
  if (back.rows !== rows) throw new Error(`${path}: read ${back.rows} rows, expected ${rows}`);
}

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\n\r]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV (RFC 4180): header row, missing values empty, booleans true/false, dates YYYY-MM-DD. */
export function writeCsv(path: string, table: ColumnTable): void {
  const out = new ChunkedFile(path);
  const specs = table.schema.columns;
  out.write(`${specs.map((s) => csvCell(s.name)).join(",")}\n`);
  for (let i = 0; i < table.rows; i++) {
    out.write(`${specs.map((s) => csvCell(cellValue(s, table.columns[s.name], i))).join(",")}\n`);
  }
  out.close();
}

/** Parses RFC 4180 CSV into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function readBackCsv(path: string, schema: TableSchema, rows: number): void {
  const parsed = parseCsv(readFileSync(path, "utf8"));
  const [header, ...body] = parsed;
  const names = schema.columns.map((c) => c.name);
  if (!header || header.join(",") !== names.join(","))
    throw new Error(`${path}: header ${header?.join(",")}, expected ${names.join(",")}`);
  if (body.length !== rows) throw new Error(`${path}: ${body.length} rows, expected ${rows}`);
  body.forEach((fields, r) => {
    if (fields.length !== names.length) throw new Error(`${path}: row ${r + 1} has ${fields.length} fields`);
    schema.columns.forEach((spec, c) => {
      const text = fields[c];
      if (text === "") {
        if (!spec.nullable && spec.type !== "string")
          throw new Error(`${path}: row ${r + 1} ${spec.name} is empty`);
        return;
      }
      const bad =
        ((spec.type === "int32" || spec.type === "float64") && !Number.isFinite(Number(text))) ||
        (spec.type === "int32" && !Number.isInteger(Number(text))) ||
        (spec.type === "bool" && text !== "true" && text !== "false");
      if (bad) throw new Error(`${path}: row ${r + 1} ${spec.name} "${text}" is not a ${spec.type}`);
    });
  });
}

const SQLITE_TYPE: Record<ColumnSpec["type"], string> = {
  string: "TEXT",
  int32: "INTEGER",
  float64: "REAL",
  bool: "INTEGER",
  date: "TEXT",
  timestamp_ms: "TEXT",
};
const SQLITE_STORAGE: Record<ColumnSpec["type"], string> = {
  string: "text",
  int32: "integer",
  float64: "real",
  bool: "integer",
  date: "text",
  timestamp_ms: "text",
};

/** A SQLite table (booleans 0/1, dates and times as ISO text) in a new database file. */
export function writeSqlite(path: string, table: ColumnTable, tableName: string = table.schema.name): void {
  const db = new Database(path);
  try {
    const specs = table.schema.columns;
    const columns = specs.map((s) => `"${s.name}" ${SQLITE_TYPE[s.type]}${s.nullable ? "" : " NOT NULL"}`);
    db.exec(`CREATE TABLE "${tableName}" (${columns.join(", ")})`);
    const insert = db.prepare(`INSERT INTO "${tableName}" VALUES (${specs.map(() => "?").join(", ")})`);
    db.transaction(() => {
      for (let i = 0; i < table.rows; i++) {
        insert.run(
          specs.map((s) => {
            const v = cellValue(s, table.columns[s.name], i);
            return typeof v === "boolean" ? (v ? 1 : 0) : v;
          }),
        );
      }
    })();
  } finally {
    db.close();
  }
}

export function readBackSqlite(
  path: string,
  schema: TableSchema,
  rows: number,
  tableName: string = schema.name,
): void {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const info = db.prepare(`PRAGMA table_info("${tableName}")`).all() as { name: string; type: string }[];
    const names = schema.columns.map((c) => c.name);
    if (info.map((c) => c.name).join(",") !== names.join(",")) {
      throw new Error(`${path}: table ${tableName} has columns ${info.map((c) => c.name).join(",")}`);
    }
    const count = (db.prepare(`SELECT count(*) AS n FROM "${tableName}"`).get() as { n: number }).n;
    if (count !== rows) throw new Error(`${path}: ${count} rows, expected ${rows}`);
    for (const spec of schema.columns) {
      const wrong = db
        .prepare(
          `SELECT count(*) AS n FROM "${tableName}" WHERE "${spec.name}" IS NOT NULL AND typeof("${spec.name}") <> ?`,
        )
        .get(SQLITE_STORAGE[spec.type]) as { n: number };
      if (wrong.n > 0)
        throw new Error(`${path}: ${wrong.n} values of ${spec.name} are not ${SQLITE_STORAGE[spec.type]}`);
    }
  } finally {
    db.close();
  }
}

export async function describeFile(
  path: string,
  name: string,
  format: ExportFormat,
  schema: string,
  rows: number,
): Promise<ExportFile> {
  return { path: name, format, schema, rows, bytes: statSync(path).size, sha256: await hashFile(path) };
}
