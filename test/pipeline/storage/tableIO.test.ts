import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parquetMetadata } from "hyparquet";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { columnTable, sliceTable, type TableSchema } from "../../../lib/core/columnTable.js";
import { ParquetFileWriter } from "../../../lib/pipeline/storage/parquet/fileWriter.js";
import {
  ROW_GROUP_SIZE,
  readTableFile,
  tableToParquet,
  writeTableFile,
} from "../../../lib/pipeline/storage/tableIO.js";
import { duckdb } from "../../helpers/duckdb.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const schema: TableSchema = {
  name: "mixed",
  columns: [
    { name: "id", type: "string", role: "key" },
    { name: "when", type: "timestamp_ms", role: "key" },
    { name: "day", type: "date", role: "key" },
    { name: "x", type: "float64", role: "feature", nullable: true },
    { name: "n", type: "int32", role: "truth", nullable: true },
    { name: "label", type: "string", role: "truth", nullable: true },
    { name: "flag", type: "bool", role: "attribute" },
  ],
};

test("every column type round-trips through Parquet and Arrow, nulls included", async () => {
  const table = columnTable(schema, {
    id: ["a", "b", "c"],
    when: Float64Array.from([1735689600000, 1735689601234, 1735776000000]),
    day: Int32Array.from([20089, 20090, 20091]),
    x: Float64Array.from([1.5, Number.NaN, -2]),
    n: [3, null, 0],
    label: [null, "sudden", null],
    flag: Uint8Array.from([1, 0, 1]),
  });
  for (const format of ["parquet", "arrow"] as const) {
    const path = join(root, `t.${format}`);
    writeTableFile(path, table, format);
    const back = await readTableFile(path, schema);
    assert.is(back.rows, 3, format);
    assert.equal(back.columns.id, ["a", "b", "c"], format);
    assert.equal(
      Array.from(back.columns.when as Float64Array),
      Array.from(table.columns.when as Float64Array),
      format,
    );
    assert.equal(Array.from(back.columns.day as Int32Array), [20089, 20090, 20091], format);
    const x = back.columns.x as Float64Array;
    assert.ok(x[0] === 1.5 && Number.isNaN(x[1]) && x[2] === -2, `${format}: ${Array.from(x)}`);
    assert.equal(Array.from(back.columns.n as (number | null)[]), [3, null, 0], format);
    assert.equal(back.columns.label, [null, "sudden", null], format);
    assert.equal(Array.from(back.columns.flag as Uint8Array), [1, 0, 1], format);
  }
});

test("a whole table is the dataset encoder's file: same bytes, row groups of ROW_GROUP_SIZE, DuckDB reads it", async () => {
  const rows = ROW_GROUP_SIZE + 1_000;
  const table = columnTable(schema, {
    id: Array.from({ length: rows }, (_, i) => `d${i % 13}`),
    when: Float64Array.from({ length: rows }, (_, i) => 1735689600000 + i * 1000),
    day: Int32Array.from({ length: rows }, (_, i) => 20089 + (i >> 16)),
    x: Float64Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? Number.NaN : i / 4)),
    n: Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : i)),
    label: Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? null : `l${i % 4}`)),
    flag: Uint8Array.from({ length: rows }, (_, i) => i & 1),
  });
  const bytes = tableToParquet(table);
  assert.equal(tableToParquet(table), bytes, "deterministic");
  const meta = parquetMetadata(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
  );
  assert.equal(
    meta.row_groups.map((g) => Number(g.num_rows)),
    [ROW_GROUP_SIZE, 1_000],
  );
  // the same rows through the streaming file writer, split the same way
  const path = join(root, "streamed.parquet");
  const writer = new ParquetFileWriter(path, schema);
  writer.writeRowGroup([sliceTable(table, 0, ROW_GROUP_SIZE)]);
  writer.writeRowGroup([sliceTable(table, ROW_GROUP_SIZE, rows)]);
  writer.finish();
  assert.equal(new Uint8Array(readFileSync(path)), bytes);
  const file = join(root, "whole.parquet");
  writeTableFile(file, table, "parquet");
  const { rows: counts } = await duckdb(
    `SELECT count(*) AS n, count(x) AS x, count(n) AS nn, count(label) AS l, sum(flag::INT) AS f FROM read_parquet('${file}')`,
  );
  assert.equal(Object.fromEntries(Object.entries(counts[0]).map(([k, v]) => [k, Number(v)])), {
    n: rows,
    x: rows - Math.ceil(rows / 7),
    nn: rows - Math.ceil(rows / 5),
    l: rows - Math.ceil(rows / 3),
    f: Math.floor(rows / 2),
  });
});

test.run();
