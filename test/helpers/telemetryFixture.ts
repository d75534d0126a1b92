import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ColumnTable, columnTable } from "../../lib/core/columnTable.js";
import { sha256 } from "../../lib/core/manifest.js";
import { Rng } from "../../lib/core/random.js";
import { writeTableFile } from "../../lib/pipeline/storage/tableIO.js";
import { TELEMETRY_FEATURES, TELEMETRY_SCHEMA } from "../../lib/pipeline/storage/tables.js";

/**
 * A small, seeded stand-in for the telemetry table (TELEMETRY_SCHEMA) for model tests.
 *
 * Failing devices (but the sudden ones) degrade for 9–14 days before their failure day (error rate, response time
 * and restarts creep up; drops and signal worsen; batteries drain), so the trend over the
 * last days carries a signal that precedes `fails_within_7d`. Today's values alone are noisy:
 * healthy devices sometimes cross the fixed rule's limits and early degradation stays below
 * them. Values go missing at random, and home types differ in their baselines.
 */
export interface TelemetryFixtureOptions {
  seed?: number;
  homes?: number;
  days?: number;
  devicesPerHome?: number;
  homeTypes?: readonly string[];
  /** Share of devices with a failure scheduled. */
  failureRate?: number;
  /** Share of feature values missing. */
  missingRate?: number;
}

const START_DAY = 20089; // 2025-01-01
const FEATURES = TELEMETRY_FEATURES;
const HEALTH = ["sensor", "switch", "light", "climate", "security", "battery_powered", "media"] as const;
const BATTERY_HEALTH = new Set(["sensor", "security", "battery_powered"]);
const FIXTURE_SIZES = ["small", "medium", "large"] as const;
const FIXTURE_CLIMATES = ["oceanic", "continental", "arid", "mediterranean"] as const;
const SCENARIOS = ["progressive", "progressive", "network_issues", "battery_depletion", "sudden"] as const;

/** Per home type: response-time scale, drop rate and signal offset (radio environment). */
const TYPE_EFFECT: Record<string, { response: number; drops: number; signal: number }> = {
  single_family_house: { response: 1, drops: 0.3, signal: 0 },
  apartment: { response: 1.2, drops: 0.9, signal: -6 },
  condo: { response: 1.1, drops: 0.6, signal: -3 },
  townhouse: { response: 1, drops: 0.4, signal: -2 },
};

export function makeTelemetryFixture(options: TelemetryFixtureOptions = {}): ColumnTable {
  const seed = options.seed ?? 7;
  const homes = options.homes ?? 24;
  const days = options.days ?? 30;
  const devicesPerHome = options.devicesPerHome ?? 5;
  const homeTypes = options.homeTypes ?? ["single_family_house", "apartment", "condo"];
  const failureRate = options.failureRate ?? 0.35;
  const missingRate = options.missingRate ?? 0.03;

  const homeId: string[] = [];
  const entityId: string[] = [];
  const day: number[] = [];
  const homeType: string[] = [];
  const sizeCategory: string[] = [];
  const floors: number[] = [];
  const climateZone: string[] = [];
  const healthType: string[] = [];
  const powerSource: string[] = [];
  const f: Record<string, number[]> = {};
  for (const name of FEATURES) f[name] = [];
  const censored: number[] = [];
  const label: number[] = [];
  const daysToFailure: (number | null)[] = [];
  const scenario: (string | null)[] = [];

  for (let h = 0; h < homes; h++) {
    const type = homeTypes[h % homeTypes.length];
    const effect = TYPE_EFFECT[type] ?? { response: 1, drops: 0.5, signal: 0 };
    const hid = `home_${String(h).padStart(4, "0")}`;
    for (let d = 0; d < devicesPerHome; d++) {
      const rng = Rng.derive(seed, h, d, "fixture-device");
      const health = rng.pick(HEALTH);
      const battery = BATTERY_HEALTH.has(health);
      const entity = `${health === "light" ? "light" : "sensor"}.device_${d}`;
      const fails = rng.bernoulli(failureRate);
      const failDay = fails ? rng.int(6, days + 6) : Number.POSITIVE_INFINITY;
      const lead = rng.int(9, 14);
      let kind: (typeof SCENARIOS)[number] | null = null;
      if (fails) {
        kind = rng.pick(SCENARIOS);
        if (kind === "battery_depletion" && !battery) kind = "progressive";
      }
      const baseResponse = rng.logNormal(180 * effect.response, 0.25);
      const baseError = rng.uniform(0.005, 0.04);
      const baseSignal = rng.normal(-62 + effect.signal, 6);
      let level = battery ? rng.uniform(22, 100) : Number.NaN;
      const drain = battery ? rng.uniform(0.1, 0.6) : 0;
      for (let t = 0; t < days && t <= failDay; t++) {
        const progress = fails && t >= failDay - lead ? (t - (failDay - lead)) / lead : 0;
        const p = kind === "sudden" ? (progress > 0.85 ? 1 : 0) : progress;
        let responseTime = baseResponse * rng.logNormal(1, 0.25);
        let errorRate = Math.max(0, baseError + rng.normal(0, 0.025));
        let restarts = rng.poisson(0.08);
        let drops = rng.poisson(effect.drops);
        let signal = baseSignal + rng.normal(0, 4);
        if (battery) level = Math.max(0, level - drain + rng.normal(0, 0.4));
        if (kind === "progressive" || kind === "sudden") {
          errorRate += 0.14 * p * p + 0.03 * p;
          responseTime *= 1 + 2.5 * p;
          restarts += rng.poisson(2 * p);
        } else if (kind === "network_issues") {
          drops += rng.poisson(5 * p);
          signal -= 14 * p;
          responseTime *= 1 + 0.8 * p;
        } else if (kind === "battery_depletion") {
          level = Math.min(level, Math.max(0, (1 - p) * level + p * rng.uniform(3, 12)));
        }
        const values: Record<string, number> = {
          response_time: responseTime,
          error_rate: errorRate,
          battery_level: level,
          signal_strength: signal,
          usage_frequency: rng.poisson(20),
          temperature: rng.normal(22, 3),
          humidity: rng.normal(45, 8),
          uptime_hours: Math.max(0, 24 - restarts * rng.uniform(0, 2)),
          restart_count: restarts,
          connection_drops: drops,
          data_transfer_rate: rng.logNormal(50, 0.5),
        };
        homeId.push(hid);
        entityId.push(entity);
        day.push(START_DAY + t);
        homeType.push(type);
        sizeCategory.push(FIXTURE_SIZES[h % FIXTURE_SIZES.length]);
        floors.push(1 + (h % 3));
        climateZone.push(FIXTURE_CLIMATES[h % FIXTURE_CLIMATES.length]);
        healthType.push(health);
        powerSource.push(battery ? "battery" : "mains");
        for (const name of FEATURES) f[name].push(rng.bernoulli(missingRate) ? Number.NaN : values[name]);
        const toFailure = failDay - t;
        label.push(fails && toFailure >= 1 && toFailure <= 7 ? 1 : 0);
        // right-censored: the label window passes the last day and no failure lies ahead (this
        // fixture plans failures up to 6 days past the horizon and labels them, so those are known)
        censored.push(t + 7 > days - 1 && !(fails && toFailure >= 1) ? 1 : 0);
        daysToFailure.push(fails ? toFailure : null);
        scenario.push(kind);
      }
    }
  }
  const columns: ColumnTable["columns"] = {
    home_id: homeId,
    entity_id: entityId,
    day: Int32Array.from(day),
    home_type: homeType,
    size_category: sizeCategory,
    floors: Int32Array.from(floors),
    climate_zone: climateZone,
    health_type: healthType,
    power_source: powerSource,
    fails_within_7d: Int32Array.from(label),
    censored: Uint8Array.from(censored),
    days_to_failure: daysToFailure,
    failure_scenario: scenario,
  };
  for (const name of FEATURES) columns[name] = Float64Array.from(f[name]);
  return columnTable(TELEMETRY_SCHEMA, columns);
}

/** Reorders a table's rows (e.g. to check that nothing depends on row order). */
export function permuteRows(table: ColumnTable, order: ArrayLike<number>): ColumnTable {
  const columns: ColumnTable["columns"] = {};
  for (const [name, data] of Object.entries(table.columns)) {
    if (ArrayBuffer.isView(data)) {
      const Ctor = data.constructor as new (n: number) => Float64Array;
      const out = new Ctor(order.length);
      for (let i = 0; i < order.length; i++) out[i] = (data as Float64Array)[order[i]];
      columns[name] = out;
    } else {
      columns[name] = Array.from({ length: order.length }, (_, i) => data[order[i]]) as typeof data;
    }
  }
  return { schema: table.schema, rows: order.length, columns };
}

/**
 * Writes a table as a minimal dataset directory (manifest.json + telemetry.parquet), the
 * shape `homeforge generate` writes, for tests of code that reads datasets from disk.
 */
/** `seed` is the manifest's (the fixture's own seed, for code that matches homes across datasets by seed). */
export function writeTelemetryDataset(
  dir: string,
  table: ColumnTable,
  datasetId = "ds_fixture",
  seed = 0,
): void {
  mkdirSync(dir, { recursive: true });
  const bytes = writeTableFile(join(dir, "telemetry.parquet"), table, "parquet");
  const manifest = {
    format: "homeforge-dataset",
    format_version: 1,
    dataset_id: datasetId,
    generator: { name: "homeforge", version: "test" },
    seed,
    reference_date: "2025-01-01",
    config: {},
    tables: {
      telemetry: {
        format: "parquet",
        rows: table.rows,
        files: [
          { path: "telemetry.parquet", rows: table.rows, bytes: bytes.byteLength, sha256: sha256(bytes) },
        ],
        schema: table.schema.columns,
      },
    },
  };
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}
