import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../lib/core/random.js";
import { buildFeatures, featureSpecFor, ROLLING_SOURCES } from "../../../lib/models/failure/features.js";
import { makeTelemetryFixture, permuteRows } from "../../helpers/telemetryFixture.js";

const table = makeTelemetryFixture({ seed: 3, homes: 6, days: 20, devicesPerHome: 4, missingRate: 0.1 });
const spec = featureSpecFor(table);
const set = buildFeatures(table, spec);

/** Brute force: observed values of `source` for the device of row i over days (d-window, d]. */
function windowValues(i: number, source: string, window: number): { x: number[]; y: number[] } {
  const home = table.columns.home_id as string[];
  const entity = table.columns.entity_id as string[];
  const day = table.columns.day as Int32Array;
  const values = table.columns[source] as Float64Array;
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < table.rows; j++) {
    if (home[j] !== home[i] || entity[j] !== entity[i]) continue;
    if (day[j] > day[i] || day[j] <= day[i] - window) continue;
    if (Number.isNaN(values[j])) continue;
    x.push(day[j] - day[i]);
    y.push(values[j]);
  }
  return { x, y };
}

const close = (a: number, b: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-3 * (1 + Math.abs(b));

test("rolling mean, sd and slope match a brute-force computation over trailing days", () => {
  const rng = Rng.derive(1, "rows");
  for (let probe = 0; probe < 60; probe++) {
    const i = rng.int(0, table.rows - 1);
    for (const source of ROLLING_SOURCES) {
      const { x, y } = windowValues(i, source, spec.window);
      const n = y.length;
      const mean = n ? y.reduce((a, b) => a + b, 0) / n : Number.NaN;
      const sd = n > 1 ? Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : Number.NaN;
      const mx = n ? x.reduce((a, b) => a + b, 0) / n : 0;
      const sxx = x.reduce((a, b) => a + (b - mx) ** 2, 0);
      const slope =
        n > 1 && sxx > 0 ? x.reduce((a, b, k) => a + (b - mx) * (y[k] - mean), 0) / sxx : Number.NaN;
      const col = (stat: string) => set.columns[set.names.indexOf(`${source}_${stat}_${spec.window}d`)][i];
      assert.ok(close(col("mean"), mean), `${source} mean at row ${i}: ${col("mean")} vs ${mean}`);
      assert.ok(close(col("std"), sd), `${source} sd at row ${i}`);
      assert.ok(close(col("slope"), slope), `${source} slope at row ${i}: ${col("slope")} vs ${slope}`);
    }
  }
});

test("features never depend on row order", () => {
  const order = Rng.derive(2, "perm").shuffle(Array.from({ length: table.rows }, (_, i) => i));
  const shuffled = buildFeatures(permuteRows(table, order), spec);
  for (let c = 0; c < set.names.length; c++) {
    for (let k = 0; k < order.length; k += 7) {
      const a = shuffled.columns[c][k];
      const b = set.columns[c][order[k]];
      assert.ok(Object.is(a, b) || a === b, `${set.names[c]} differs after shuffling`);
    }
  }
});

test("the truth columns are never features: changing them changes nothing", () => {
  const scrambled = {
    ...table,
    columns: {
      ...table.columns,
      days_to_failure: (table.columns.days_to_failure as (number | null)[]).map(() => 1),
      failure_scenario: (table.columns.failure_scenario as (string | null)[]).map(() => "sudden"),
    },
  };
  const other = buildFeatures(scrambled, spec);
  assert.equal(other.names, set.names);
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  for (let c = 0; c < set.names.length; c++) assert.ok(bytes(other.columns[c]).equals(bytes(set.columns[c])));
  assert.not.ok(set.names.some((n) => /days_to_failure|failure_scenario|fails_within/.test(n)));
});

test("missing values: today's stay NaN and are counted; windows skip them", () => {
  const errorRate = table.columns.error_rate as Float64Array;
  const missing = set.columns[set.names.indexOf("missing_fraction")];
  let checked = 0;
  for (let i = 0; i < table.rows; i++) {
    if (!Number.isNaN(errorRate[i])) continue;
    assert.ok(Number.isNaN(set.columns[set.names.indexOf("error_rate")][i]));
    assert.ok(missing[i] >= 1 / 11 - 1e-6);
    const mean = set.columns[set.names.indexOf(`error_rate_mean_${spec.window}d`)][i];
    const { y } = windowValues(i, "error_rate", spec.window);
    if (y.length > 0) assert.ok(Number.isFinite(mean), "a window with observed values has a mean");
    checked++;
  }
  assert.ok(checked > 10, "the fixture has missing error rates");
});

test("health-type one-hot: exactly one category per row; output is columnar Float32Array", () => {
  const cols = spec.healthTypes.map((h) => set.columns[set.names.indexOf(`health_type=${h}`)]);
  for (let i = 0; i < table.rows; i++)
    assert.is(
      cols.reduce((s, c) => s + c[i], 0),
      1,
    );
  assert.ok(set.columns.every((c) => c instanceof Float32Array && c.length === table.rows));
  assert.is(set.labels.length, table.rows);
});

test.run();
