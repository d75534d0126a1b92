import { DuckDBInstance } from "@duckdb/node-api";

/** Runs one query in an in-memory DuckDB: rows as objects and the column type names. */
export async function duckdb(
  sql: string,
): Promise<{ rows: Record<string, unknown>[]; types: Record<string, string> }> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    const names = reader.columnNames();
    const types = Object.fromEntries(names.map((n, i) => [n, String(reader.columnTypes()[i])]));
    return { rows: reader.getRowObjects() as Record<string, unknown>[], types };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Column name → DuckDB type of a file, e.g. `read_parquet('x.parquet')`. */
export async function duckdbTypes(source: string): Promise<Record<string, string>> {
  const { rows } = await duckdb(`DESCRIBE SELECT * FROM ${source}`);
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.column_type)]));
}

export async function duckdbCount(source: string): Promise<number> {
  const { rows } = await duckdb(`SELECT count(*) AS n FROM ${source}`);
  return Number(rows[0].n);
}
