import { join } from "node:path";
import * as arrow from "apache-arrow";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  fromDataFrame,
  loadDataFrame,
  loadTable,
  toDataFrame,
} from "../../../lib/pipeline/analysis/dataFrames.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { DataGenerationManager } from "../../../lib/pipeline/generation/manager.js";
import { openDataset } from "../../../lib/pipeline/storage/openDataset.js";
import { PIPELINE_PRODUCERS } from "../../helpers/pipelineProducers.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const config = parseGenerationConfig({
  seed: 9,
  homes: 5,
  days: 3,
  validation: { minDevices: 0, minEvents: 0 },
});
const dirs: Record<string, string> = {};

test.before(async () => {
  for (const format of ["parquet", "arrow"] as const) {
    const r = await new DataGenerationManager(
      { ...config, format },
      { producerModule: PIPELINE_PRODUCERS, workers: 1, outDir: join(root, format) },
    ).run();
    dirs[format] = r.dir;
  }
});

/** Column values in plain JS form, for comparing tables. */
function values(table: arrow.Table, name: string): unknown[] {
  const v = table.getChild(name)!;
  return Array.from({ length: v.length }, (_, i) => {
    const x = v.get(i) as unknown;
    return typeof x === "bigint" ? Number(x) : x instanceof Date ? x.getTime() : x;
  });
}

test("loadTable gives Arrow types: UTF8 strings, timestamp[ms, UTC], date32, nullable ints; both formats agree", async () => {
  const events = await loadTable(dirs.parquet, "events");
  const expected = await openDataset(dirs.parquet).table("events");
  assert.is(events.numRows, expected.rows);
  const time = events.schema.fields.find((f) => f.name === "time")!.type as arrow.TimestampMillisecond;
  assert.ok(arrow.DataType.isTimestamp(time));
  assert.is(time.timezone, "UTC");
  assert.ok(arrow.DataType.isUtf8(events.schema.fields[0].type));
  assert.equal(values(events, "time"), Array.from(expected.columns.time as Float64Array));
  const telemetry = await loadTable(dirs.parquet, "telemetry");
  assert.ok(arrow.DataType.isDate(telemetry.schema.fields.find((f) => f.name === "day")!.type));
  const dtf = values(telemetry, "days_to_failure");
  assert.ok(dtf.includes(null) && dtf.some((v) => typeof v === "number"));
  const fromArrow = await loadTable(dirs.arrow, "telemetry");
  for (const name of ["entity_id", "day", "days_to_failure", "response_time"]) {
    assert.equal(values(fromArrow, name), values(telemetry, name), name);
  }
});

test("toDataFrame → fromDataFrame round-trips types and values (with and without a schema hint)", async () => {
  for (const name of ["telemetry", "events", "devices", "areas"]) {
    const table = await loadTable(dirs.parquet, name);
    const df = toDataFrame(table);
    assert.equal(df.shape, [table.numRows, table.numCols]);
    const back = fromDataFrame(df, table.schema);
    assert.equal(
      back.schema.fields.map((f) => `${f.name}:${f.type}`),
      table.schema.fields.map((f) => `${f.name}:${f.type}`),
      name,
    );
    for (const f of table.schema.fields)
      assert.equal(values(back, f.name), values(table, f.name), `${name}.${f.name}`);
  }
  const events = await loadTable(dirs.parquet, "events");
  const df = toDataFrame(events);
  assert.is(df.dtypes[df.columns.indexOf("time")], "datetime");
  assert.is(df.dtypes[df.columns.indexOf("entity_id")], "string");
  const inferred = fromDataFrame(df);
  assert.ok(arrow.DataType.isTimestamp(inferred.schema.fields[2].type));
  assert.ok(arrow.DataType.isFloat(inferred.schema.fields[4].type));
  assert.equal(values(inferred, "time"), values(events, "time"));
});

test("one call from dataset to DataFrame; a selection survives the trip back", async () => {
  const df = await loadDataFrame(dirs.parquet, "devices");
  const manifest = openDataset(dirs.parquet).manifest;
  assert.is(df.shape[0], manifest.tables.devices.rows);
  const lights = df.query((df.column("domain").values as string[]).map((d) => d === "light"));
  const back = fromDataFrame(lights);
  assert.ok(back.numRows > 0 && back.numRows < df.shape[0]);
  assert.ok(values(back, "domain").every((d) => d === "light"));
  try {
    await loadTable(dirs.parquet, "weather");
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /has no weather table/);
  }
});

test.run();
