import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { Rng } from "../../../lib/core/random.js";
import {
  buildFeatures,
  CONTEXT_COLUMNS,
  type FeatureSpec,
  featureNames,
  featureSpecFor,
  isContextFeature,
  ROLLING_SOURCES,
} from "../../../lib/models/failure/features.js";
import { selectRows } from "../../../lib/models/tableInput.js";
import { makeTelemetryFixture, permuteRows } from "../../helpers/telemetryFixture.js";

const table = makeTelemetryFixture({ seed: 3, homes: 6, days: 20, devicesPerHome: 4, missingRate: 0.1 });
const spec = featureSpecFor(table);
const set = buildFeatures(table, spec);
/** Every optional feature on, for the checks that must hold for all of them. */
const fullSpec = featureSpecFor(table, {
  longWindows: [14, 28],
  baselineDays: 5,
  recency: true,
  context: true,
});
const full = buildFeatures(table, fullSpec);

/** Brute force: observed values of `source` for the device of row i over days (d-window, d]. */
function windowValues(
  i: number,
  source: string,
  window: number,
  t = table,
  since = Number.NEGATIVE_INFINITY,
): { x: number[]; y: number[] } {
  const home = t.columns.home_id as string[];
  const entity = t.columns.entity_id as string[];
  const day = t.columns.day as Int32Array;
  const values = t.columns[source] as Float64Array;
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < t.rows; j++) {
    if (home[j] !== home[i] || entity[j] !== entity[i]) continue;
    if (day[j] > day[i] || day[j] <= day[i] - window || day[j] < since) continue;
    if (Number.isNaN(values[j])) continue;
    x.push(day[j] - day[i]);
    y.push(values[j]);
  }
  return { x, y };
}

const close = (a: number, b: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-3 * (1 + Math.abs(b));

function bruteStats(x: number[], y: number[]): { mean: number; sd: number; slope: number } {
  const n = y.length;
  const mean = n ? y.reduce((a, b) => a + b, 0) / n : Number.NaN;
  const sd = n > 1 ? Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  const mx = n ? x.reduce((a, b) => a + b, 0) / n : 0;
  const sxx = x.reduce((a, b) => a + (b - mx) ** 2, 0);
  const slope = n > 1 && sxx > 0 ? x.reduce((a, b, k) => a + (b - mx) * (y[k] - mean), 0) / sxx : Number.NaN;
  return { mean, sd, slope };
}

const median = (v: number[]) => {
  if (v.length === 0) return Number.NaN;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

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
  const shuffled = buildFeatures(permuteRows(table, order), fullSpec);
  for (let c = 0; c < full.names.length; c++) {
    for (let k = 0; k < order.length; k += 7) {
      const a = shuffled.columns[c][k];
      const b = full.columns[c][order[k]];
      assert.ok(Object.is(a, b) || a === b, `${full.names[c]} differs after shuffling`);
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
  const other = buildFeatures(scrambled, fullSpec);
  assert.equal(other.names, full.names);
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  for (let c = 0; c < full.names.length; c++)
    assert.ok(bytes(other.columns[c]).equals(bytes(full.columns[c])), full.names[c]);
  assert.not.ok(full.names.some((n) => /days_to_failure|failure_scenario|fails_within/.test(n)));
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

test("a spec saved before the optional features builds exactly the 39 features it always did", () => {
  const old: FeatureSpec = { window: 7, healthTypes: spec.healthTypes };
  const names = featureNames(old);
  assert.is(names.length, 11 + 1 + 18 + spec.healthTypes.length + 1);
  assert.not.ok(names.some(isContextFeature));
  // and it needs no context columns
  const columns = { ...table.columns };
  for (const c of CONTEXT_COLUMNS) if (c !== "home_type") delete columns[c];
  const built = buildFeatures({ ...table, columns }, old);
  assert.equal(built.names, names);
  for (const name of names) {
    const a = built.columns[built.names.indexOf(name)];
    const b = full.columns[full.names.indexOf(name)];
    assert.ok(
      a.every((v, i) => Object.is(v, b[i])),
      `${name} is the same with or without the new features`,
    );
  }
});

test("context: one-hot per group (categories fixed at fit, unseen ones all zero) and numeric floors", () => {
  const c = fullSpec.context!;
  assert.equal(c.sizeCategories, ["large", "medium", "small"]);
  const groups = {
    home_type: c.homeTypes,
    size_category: c.sizeCategories,
    climate_zone: c.climateZones,
  } as const;
  for (const [group, values] of Object.entries(groups)) {
    const data = table.columns[group] as string[];
    const cols = values.map((v) => full.columns[full.names.indexOf(`${group}=${v}`)]);
    for (let i = 0; i < table.rows; i++) {
      assert.is(
        cols.reduce((s, col) => s + col[i], 0),
        1,
        `${group} one-hot of row ${i}`,
      );
      assert.is(cols[values.indexOf(data[i])][i], 1);
    }
  }
  const floors = full.columns[full.names.indexOf("floors")];
  assert.ok(floors.every((v, i) => v === (table.columns.floors as Int32Array)[i]));

  // fitted on homes without "arid": a home there gets no climate_zone column at all
  const climates = table.columns.climate_zone as string[];
  const known = selectRows(
    table,
    Array.from({ length: table.rows }, (_, i) => i).filter((i) => climates[i] !== "arid"),
  );
  const narrow = featureSpecFor(known, { context: true });
  assert.not.ok(narrow.context!.climateZones.includes("arid"));
  const scored = buildFeatures(table, narrow);
  const zones = narrow.context!.climateZones.map(
    (v) => scored.columns[scored.names.indexOf(`climate_zone=${v}`)],
  );
  for (let i = 0; i < table.rows; i++) {
    const sum = zones.reduce((s, col) => s + col[i], 0);
    assert.is(sum, climates[i] === "arid" ? 0 : 1);
  }
});

test("a table lacking a context column the spec needs is refused, naming the column and the fix", () => {
  const { climate_zone: _c, ...columns } = table.columns;
  const lacking = { ...table, columns };
  for (const build of [
    () => buildFeatures(lacking, fullSpec),
    () => featureSpecFor(lacking, { context: true }),
  ]) {
    try {
      build();
      assert.unreachable();
    } catch (e) {
      assert.instance(e, HomeforgeError);
      assert.match((e as Error).message, /lacks context column\(s\) climate_zone .*context: false/);
      assert.not.match((e as Error).message, /\n/);
    }
  }
  assert.not.ok(featureSpecFor(lacking, { context: false }).context);
});

test("long windows, baseline change and days-since match brute force; a replacement gap starts a new unit", () => {
  // device of row 0 stops reporting for 7 days mid-way: a replacement, as the generator writes it
  const home = table.columns.home_id as string[];
  const entity = table.columns.entity_id as string[];
  const day = table.columns.day as Int32Array;
  const first = day[0];
  const gapped = selectRows(
    table,
    Array.from({ length: table.rows }, (_, i) => i).filter(
      (i) => !(home[i] === home[0] && entity[i] === entity[0] && day[i] >= first + 5 && day[i] < first + 12),
    ),
  );
  const s = featureSpecFor(gapped, { longWindows: [28], baselineDays: 5, recency: true, context: false });
  const built = buildFeatures(gapped, s);
  const gh = gapped.columns.home_id as string[];
  const ge = gapped.columns.entity_id as string[];
  const gd = gapped.columns.day as Int32Array;
  const col = (name: string) => built.columns[built.names.indexOf(name)];
  const rng = Rng.derive(4, "probe");
  const probes = [...Array.from({ length: 40 }, () => rng.int(0, gapped.rows - 1))];
  for (let i = 0; i < gapped.rows; i++) if (gh[i] === home[0] && ge[i] === entity[0]) probes.push(i);
  for (const i of probes) {
    // the unit's first day: after the gap for the gapped device, else its first report
    let unitStart = Number.POSITIVE_INFINITY;
    for (let j = 0; j < gapped.rows; j++)
      if (gh[j] === gh[i] && ge[j] === ge[i]) unitStart = Math.min(unitStart, gd[j]);
    if (gh[i] === home[0] && ge[i] === entity[0] && gd[i] >= first + 12) unitStart = first + 12;
    for (const source of ROLLING_SOURCES) {
      const { x, y } = windowValues(i, source, 28, gapped, unitStart);
      const want = bruteStats(x, y);
      assert.ok(close(col(`${source}_mean_28d`)[i], want.mean), `${source} 28d mean at row ${i}`);
      assert.ok(close(col(`${source}_std_28d`)[i], want.sd), `${source} 28d sd at row ${i}`);
      assert.ok(close(col(`${source}_slope_28d`)[i], want.slope), `${source} 28d slope at row ${i}`);
      // the baseline: the median of the unit's observed values over its first 5 days up to today
      const values = gapped.columns[source] as Float64Array;
      const base: number[] = [];
      for (let j = 0; j < gapped.rows; j++)
        if (
          gh[j] === gh[i] &&
          ge[j] === ge[i] &&
          gd[j] >= unitStart &&
          gd[j] < unitStart + 5 &&
          gd[j] <= gd[i] &&
          !Number.isNaN(values[j])
        )
          base.push(values[j]);
      const recent = windowValues(i, source, 7, gapped, unitStart);
      const mean7 = bruteStats(recent.x, recent.y).mean;
      assert.ok(
        close(col(`${source}_change_7d_vs_first_5d`)[i], mean7 - median(base)),
        `${source} change vs baseline at row ${i}`,
      );
    }
    for (const [name, source] of [
      ["days_since_restart", "restart_count"],
      ["days_since_drop", "connection_drops"],
    ] as const) {
      const values = gapped.columns[source] as Float64Array;
      let last = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < gapped.rows; j++)
        if (gh[j] === gh[i] && ge[j] === ge[i] && gd[j] >= unitStart && gd[j] <= gd[i] && values[j] > 0)
          last = Math.max(last, gd[j]);
      const want = Number.isFinite(last) ? gd[i] - last : gd[i] - unitStart + 1;
      assert.is(col(name)[i], want, `${name} at row ${i}`);
    }
  }
});

test("features of chosen rows only equal the full build at those rows (windows, baselines, one-hots)", () => {
  const spec = featureSpecFor(table);
  const full = buildFeatures(table, spec);
  const rng = new Rng(8);
  const rows = Array.from({ length: 40 }, () => rng.int(0, table.rows - 1));
  const some = buildFeatures(table, spec, rows);
  assert.equal(some.names, full.names);
  for (const [j, name] of full.names.entries())
    for (const i of rows) assert.ok(Object.is(some.columns[j][i], full.columns[j][i]), `${name} at row ${i}`);
});

test.run();
