import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as arrow from "apache-arrow";
import { parquetMetadata } from "hyparquet";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ColumnTable, columnTable, concatTables, sliceTable } from "../../../lib/core/columnTable.js";
import { Rng } from "../../../lib/core/random.js";
import { readTableChunks, readTableFile } from "../../../lib/pipeline/storage/tableIO.js";
import { EVENTS_SCHEMA, TELEMETRY_FEATURES, TELEMETRY_SCHEMA } from "../../../lib/pipeline/storage/tables.js";
import {
  hashFile,
  openTableWriter,
  PartitionedTableWriter,
} from "../../../lib/pipeline/storage/tableWriter.js";
import { duckdb, duckdbTypes } from "../../helpers/duckdb.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const T0 = Date.UTC(2025, 0, 1);

function eventsTable(n: number): ColumnTable {
  const rng = new Rng(5);
  return columnTable(EVENTS_SCHEMA, {
    home_id: Array.from({ length: n }, (_, i) => `home_${String(Math.floor(i / 100)).padStart(6, "0")}`),
    entity_id: Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? "sensor.kitchen_temperature" : "light.kitchen_ceiling",
    ),
    time: Float64Array.from({ length: n }, (_, i) => T0 + i * 60_000),
    state: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? "21.5" : i % 2 ? "on" : "off")),
    value: Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? rng.uniform(15, 25) : Number.NaN)),
  });
}

async function write(
  path: string,
  table: ColumnTable,
  format: "parquet" | "arrow",
  splits: number[],
  groupRows: number,
) {
  const writer = openTableWriter(path, table.schema, format, { groupRows });
  let start = 0;
  for (const end of [...splits, table.rows]) {
    await writer.append(sliceTable(table, start, end));
    start = end;
  }
  return writer.finish();
}

test("streamed Parquet: exact row groups, bytes independent of how rows were batched", async () => {
  const table = eventsTable(2_500);
  const a = await write(join(root, "a.parquet"), table, "parquet", [10, 700, 701, 1900], 1000);
  const b = await write(join(root, "b.parquet"), table, "parquet", [1250], 1000);
  assert.is(a.sha256, b.sha256);
  assert.is(a.sha256, await hashFile(join(root, "a.parquet")));
  assert.is(a.rows, 2500);
  const bytes = readFileSync(join(root, "a.parquet"));
  const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  assert.equal(
    meta.row_groups.map((g) => Number(g.num_rows)),
    [1000, 1000, 500],
  );
  const back = await readTableFile(join(root, "a.parquet"), EVENTS_SCHEMA);
  assert.equal(back.columns.home_id, table.columns.home_id);
  assert.equal(Array.from(back.columns.time as Float64Array), Array.from(table.columns.time as Float64Array));
  const value = back.columns.value as Float64Array;
  assert.ok(Number.isNaN(value[1]) && Math.abs(value[0] - (table.columns.value as Float64Array)[0]) < 1e-12);
});

test("streamed Arrow IPC: several record batches that read back as one table", async () => {
  const table = eventsTable(2_500);
  const a = await write(join(root, "a.arrow"), table, "arrow", [10, 1900], 1000);
  const b = await write(join(root, "b.arrow"), table, "arrow", [], 1000);
  assert.is(a.sha256, b.sha256);
  const t = arrow.tableFromIPC(readFileSync(join(root, "a.arrow")));
  assert.is(t.batches.length, 3);
  assert.is(t.numRows, 2500);
  assert.ok(arrow.DataType.isTimestamp(t.schema.fields[2].type));
  assert.is(t.getChild("entity_id")?.get(2499), (table.columns.entity_id as string[])[2499]);
  assert.is(t.getChild("value")?.get(1), null);
  const back = await readTableFile(join(root, "a.arrow"), EVENTS_SCHEMA);
  assert.equal(back.columns.state, table.columns.state);
});

test("an empty table still writes a readable file with its columns", async () => {
  const table = eventsTable(0);
  for (const format of ["parquet", "arrow"] as const) {
    const path = join(root, `empty.${format}`);
    const file = await write(path, table, format, [], 1000);
    assert.is(file.rows, 0);
    assert.is((await readTableFile(path, EVENTS_SCHEMA)).rows, 0);
  }
  const types = await duckdbTypes(`read_parquet('${join(root, "empty.parquet")}')`);
  assert.equal(
    Object.keys(types),
    EVENTS_SCHEMA.columns.map((c) => c.name),
  );
});

test("DuckDB reads the files with the right types: timestamps, dates, nulls, strings", async () => {
  const n = 40;
  const columns: Record<string, unknown> = {
    home_id: Array(n).fill("home_000001"),
    entity_id: Array.from({ length: n }, (_, i) => `sensor.s${i % 4}`),
    day: Int32Array.from({ length: n }, (_, i) => Math.round(T0 / 86_400_000) + i),
    home_type: Array(n).fill("apartment"),
    size_category: Array(n).fill("small"),
    floors: new Int32Array(n).fill(1),
    climate_zone: Array(n).fill("oceanic"),
    health_type: Array(n).fill("sensor"),
    power_source: Array(n).fill("battery"),
    fails_within_7d: Int32Array.from({ length: n }, (_, i) => (i > 30 ? 1 : 0)),
    censored: Uint8Array.from({ length: n }, (_, i) => (i > 35 ? 1 : 0)),
    days_to_failure: Array.from({ length: n }, (_, i) => (i % 2 ? null : 40 - i)),
    failure_scenario: Array.from({ length: n }, (_, i) => (i % 2 ? null : "progressive")),
  };
  for (const f of TELEMETRY_FEATURES)
    columns[f] = Float64Array.from({ length: n }, (_, i) => (i % 5 ? i : Number.NaN));
  const telemetry = columnTable(TELEMETRY_SCHEMA, columns as never);
  await write(join(root, "telemetry.parquet"), telemetry, "parquet", [17], 16);
  await write(join(root, "events.parquet"), eventsTable(300), "parquet", [], 128);
  const tel = `read_parquet('${join(root, "telemetry.parquet")}')`;
  const types = await duckdbTypes(tel);
  assert.is(types.day, "DATE");
  assert.is(types.entity_id, "VARCHAR");
  assert.is(types.response_time, "DOUBLE");
  assert.is(types.fails_within_7d, "INTEGER");
  assert.is(types.censored, "BOOLEAN");
  const ev = await duckdbTypes(`read_parquet('${join(root, "events.parquet")}')`);
  assert.is(ev.time, "TIMESTAMP WITH TIME ZONE");
  const { rows } = await duckdb(
    `SELECT count(*) AS n, count(days_to_failure) AS dtf, count(response_time) AS rt, min(day)::VARCHAR AS first FROM ${tel}`,
  );
  assert.is(Number(rows[0].n), n);
  assert.is(Number(rows[0].dtf), n / 2, "null ints stay null");
  assert.is(Number(rows[0].rt), n - n / 5, "NaN floats are null");
  assert.is(rows[0].first, "2025-01-01");
  const t = await duckdb(
    `SELECT min(time)::VARCHAR AS t FROM read_parquet('${join(root, "events.parquet")}')`,
  );
  assert.match(String(t.rows[0].t), /^2025-01-01 00:00:00/);
});

test("tables read back a row group at a time equal the whole-file read (Parquet and Arrow)", async () => {
  const table = eventsTable(2_500);
  for (const format of ["parquet", "arrow"] as const) {
    const path = join(root, `chunks.${format}`);
    await write(path, table, format, [333], 1000);
    const chunks: ColumnTable[] = [];
    for await (const chunk of readTableChunks(path, EVENTS_SCHEMA)) chunks.push(chunk);
    assert.equal(
      chunks.map((c) => c.rows),
      [1000, 1000, 500],
      format,
    );
    const joined = concatTables(EVENTS_SCHEMA, chunks);
    const whole = await readTableFile(path, EVENTS_SCHEMA);
    assert.equal(joined.columns.entity_id, whole.columns.entity_id, format);
    assert.equal(joined.columns.state, table.columns.state, format);
    assert.equal(
      Array.from(joined.columns.time as Float64Array),
      Array.from(table.columns.time as Float64Array),
    );
    const v = joined.columns.value as Float64Array;
    const w = whole.columns.value as Float64Array;
    assert.ok(
      v.every((x, i) => (Number.isNaN(x) ? Number.isNaN(w[i]) : x === w[i])),
      format,
    );
  }
});

test("a dataset table rolls over to part files at fileRows; DuckDB reads the parts as one table", async () => {
  const table = eventsTable(2_500);
  const writeParts = async (dir: string, splits: number[]) => {
    mkdirSync(dir, { recursive: true });
    const writer = new PartitionedTableWriter(dir, "events", EVENTS_SCHEMA, "parquet", {
      groupRows: 300,
      fileRows: 1_000,
    });
    let start = 0;
    for (const end of [...splits, table.rows]) {
      await writer.append(sliceTable(table, start, end));
      start = end;
    }
    return writer.finish();
  };
  const a = await writeParts(join(root, "parts-a"), [999, 1000, 1001, 2400]);
  const b = await writeParts(join(root, "parts-b"), []);
  assert.equal(a, b, "same files whatever the batching");
  // fileRows is rounded to whole groups: 3 × 300 = 900 rows per file
  assert.equal(
    a.map((f) => [f.path, f.rows]),
    [
      ["events-00000.parquet", 900],
      ["events-00001.parquet", 900],
      ["events-00002.parquet", 700],
    ],
  );
  assert.equal(
    readdirSync(join(root, "parts-a")).sort(),
    a.map((f) => f.path),
  );
  const glob = `read_parquet('${join(root, "parts-a", "events*.parquet")}')`;
  const { rows } = await duckdb(`SELECT count(*) AS n, count(DISTINCT home_id) AS homes FROM ${glob}`);
  assert.is(Number(rows[0].n), table.rows);
  assert.is(Number(rows[0].homes), 25);
  // one part keeps the table's plain name
  mkdirSync(join(root, "parts-one"));
  const one = new PartitionedTableWriter(join(root, "parts-one"), "events", EVENTS_SCHEMA, "arrow", {
    groupRows: 300,
  });
  await one.append(table);
  assert.equal(
    (await one.finish()).map((f) => f.path),
    ["events.arrow"],
  );
  // aborting removes the finished parts too
  mkdirSync(join(root, "parts-abort"));
  const aborted = new PartitionedTableWriter(join(root, "parts-abort"), "events", EVENTS_SCHEMA, "parquet", {
    groupRows: 300,
    fileRows: 900,
  });
  await aborted.append(table);
  assert.ok(readdirSync(join(root, "parts-abort")).length > 1);
  aborted.abort();
  assert.equal(readdirSync(join(root, "parts-abort")), []);
});

test("chunked Parquet read with keep: skips row groups whose home_id statistics rule the homes out", async () => {
  const table = eventsTable(2_500); // 100 rows per home, 250 rows per group: homes 0–24, groups 0–9
  const path = join(root, "keep.parquet");
  await write(path, table, "parquet", [], 250);
  let skipped = 0;
  const homes: string[] = [];
  let groups = 0;
  for await (const chunk of readTableChunks(path, EVENTS_SCHEMA, {
    keep: { column: "home_id", values: new Set(["home_000007"]), onSkip: (n) => (skipped += n) },
  })) {
    groups++;
    homes.push(...new Set(chunk.columns.home_id as string[]));
  }
  // home 7 is rows 700–799: groups 2 (500–749) and 3 (750–999) only
  assert.is(groups, 2);
  assert.is(skipped, 2_000);
  assert.ok(homes.includes("home_000007"));
  assert.not.ok(homes.includes("home_000001"));
  let all = 0;
  for await (const chunk of readTableChunks(path, EVENTS_SCHEMA)) all += chunk.rows;
  assert.is(all, 2_500);
});

test.run();
