import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parquetMetadata } from "hyparquet";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { columnTable } from "../../../lib/core/columnTable.js";
import { recordBatchOf } from "../../../lib/pipeline/storage/arrowBatch.js";
import { ParquetStreamWriter } from "../../../lib/pipeline/storage/parquetStream.js";
import { readTableFile } from "../../../lib/pipeline/storage/tableIO.js";
import { EVENTS_SCHEMA } from "../../../lib/pipeline/storage/tables.js";
import { duckdb } from "../../helpers/duckdb.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const n = 3_000;
const table = columnTable(EVENTS_SCHEMA, {
  home_id: Array.from({ length: n }, (_, i) => `home_${String(i >> 10).padStart(6, "0")}`),
  entity_id: Array.from({ length: n }, (_, i) => (i % 3 ? "light.hall" : "sensor.hall_temperature")),
  time: Float64Array.from({ length: n }, (_, i) => Date.UTC(2025, 0, 1) + i * 30_000),
  state: Array.from({ length: n }, (_, i) => (i % 3 ? (i % 2 ? "on" : "off") : "20.5")),
  value: Float64Array.from({ length: n }, (_, i) => (i % 3 ? Number.NaN : 20 + i / 100)),
});

async function write(path: string): Promise<Buffer> {
  const writer = new ParquetStreamWriter(path, EVENTS_SCHEMA, {
    groupRows: 1024,
    metadata: { what: "events" },
  });
  for (let start = 0; start < n; start += 1024) {
    const end = Math.min(n, start + 1024);
    await writer.write(
      recordBatchOf(EVENTS_SCHEMA, [{ ...table, rows: end - start, columns: slice(start, end) }]),
    );
  }
  const bytes = await writer.finish();
  const file = readFileSync(path);
  assert.is(file.length, bytes);
  return file;
}

function slice(start: number, end: number) {
  return Object.fromEntries(
    Object.entries(table.columns).map(([k, v]) => [
      k,
      ArrayBuffer.isView(v) ? (v as Float64Array).subarray(start, end) : v.slice(start, end),
    ]),
  ) as typeof table.columns;
}

test("parquet-wasm stream: round trip, one row group per batch, delta-coded time, same bytes twice", async () => {
  const a = await write(join(root, "a.parquet"));
  const b = await write(join(root, "b.parquet"));
  assert.ok(a.equals(b), "second write gives identical bytes");

  const meta = parquetMetadata(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength) as ArrayBuffer);
  assert.equal(
    meta.row_groups.map((g) => Number(g.num_rows)),
    [1024, 1024, 952],
  );
  const time = meta.row_groups[0].columns.find((c) => c.meta_data?.path_in_schema[0] === "time");
  assert.ok(time?.meta_data?.encodings.includes("DELTA_BINARY_PACKED"), String(time?.meta_data?.encodings));
  assert.ok(meta.key_value_metadata?.some((kv) => kv.key === "what" && kv.value === "events"));

  const back = await readTableFile(join(root, "a.parquet"), EVENTS_SCHEMA);
  assert.equal(back.columns.state, table.columns.state);
  assert.equal(Array.from(back.columns.time as Float64Array), Array.from(table.columns.time as Float64Array));
  assert.ok(Number.isNaN((back.columns.value as Float64Array)[1]));

  const { rows, types } = await duckdb(
    `SELECT count(*) AS n, count(value) AS v, max(time) AS t FROM read_parquet('${join(root, "a.parquet")}')`,
  );
  assert.is(Number(rows[0].n), n);
  assert.is(Number(rows[0].v), n / 3);
  const described = await duckdb(`DESCRIBE SELECT * FROM read_parquet('${join(root, "a.parquet")}')`);
  assert.is(
    String(described.rows.find((r) => r.column_name === "time")?.column_type),
    "TIMESTAMP WITH TIME ZONE",
  );
  assert.ok(types.t);
});

test.run();
