/**
 * A producer module for pipeline tests: the real homes/areas/devices plus small, seeded,
 * hand-built tables of the other schemas (events, synergies, telemetry, patterns), so the
 * manager, exports, collector and frames are tested independently of the generators.
 * Loaded by URL (also inside worker threads): `producerModule: PIPELINE_PRODUCERS`.
 */

import { type ColumnTable, columnTable } from "../../lib/core/columnTable.js";
import { Rng } from "../../lib/core/random.js";
import type { GenerationConfig } from "../../lib/pipeline/generation/config.js";
import { homeTablesProducer, type TableProducer } from "../../lib/pipeline/generation/producers.js";
import {
  EVENTS_SCHEMA,
  PATTERNS_SCHEMA,
  SYNERGIES_SCHEMA,
  TELEMETRY_FEATURES,
  TELEMETRY_SCHEMA,
} from "../../lib/pipeline/storage/tables.js";
import type { GeneratedHome } from "../../lib/synth/homes.js";

export const PIPELINE_PRODUCERS = new URL("./pipelineProducers.ts", import.meta.url).href;

const DAY_MS = 86_400_000;
/** Events per device per day. */
export const EVENTS_PER_DEVICE_DAY = 2;

function startMs(config: GenerationConfig): number {
  return Date.parse(`${config.start}T00:00:00Z`);
}

function events(g: GeneratedHome, config: GenerationConfig): ColumnTable {
  const n = g.devices.length * config.days * EVENTS_PER_DEVICE_DAY;
  const home: string[] = [];
  const entity: string[] = [];
  const state: string[] = [];
  const time = new Float64Array(n);
  const value = new Float64Array(n);
  let k = 0;
  g.devices.forEach((d) => {
    const rng = Rng.derive(config.seed, g.home.index, d.entityId, "test-events");
    for (let day = 0; day < config.days; day++) {
      for (let e = 0; e < EVENTS_PER_DEVICE_DAY; e++) {
        home.push(g.home.homeId);
        entity.push(d.entityId);
        time[k] = startMs(config) + day * DAY_MS + Math.floor(rng.uniform(0, DAY_MS));
        const numeric = d.domain === "sensor";
        value[k] = numeric ? Math.round(rng.uniform(15, 30) * 10) / 10 : Number.NaN;
        state.push(numeric ? value[k].toFixed(1) : e % 2 === 0 ? "on" : "off");
        k++;
      }
    }
  });
  return columnTable(EVENTS_SCHEMA, { home_id: home, entity_id: entity, time, state, value });
}

function synergies(g: GeneratedHome, config: GenerationConfig): ColumnTable {
  const rng = Rng.derive(config.seed, g.home.index, "test-synergies");
  const rows: { t: string; a: string; rel: string; same: boolean }[] = [];
  for (const t of g.devices) {
    for (const a of g.devices) {
      const motionLight = t.domain === "binary_sensor" && t.deviceClass === "motion" && a.domain === "light";
      const doorLock = t.domain === "binary_sensor" && t.deviceClass === "door" && a.domain === "lock";
      if ((motionLight || doorLock) && (t.areaId === a.areaId || rng.next() < 0.2)) {
        rows.push({
          t: t.entityId,
          a: a.entityId,
          rel: motionLight ? "motion_light" : "door_lock",
          same: t.areaId === a.areaId,
        });
      }
    }
  }
  const linked = Uint8Array.from(rows, (_, i) => (i % 2 === 0 ? 1 : 0));
  return columnTable(SYNERGIES_SCHEMA, {
    home_id: rows.map(() => g.home.homeId),
    trigger_entity: rows.map((r) => r.t),
    action_entity: rows.map((r) => r.a),
    relationship: rows.map((r) => r.rel),
    linked,
    same_area: Uint8Array.from(rows, (r) => (r.same ? 1 : 0)),
    delay_ms: Float64Array.from(rows, (r, i) =>
      linked[i] ? (r.rel === "door_lock" ? 60_000 : 1500) : Number.NaN,
    ),
    probability: Float64Array.from(rows, (_, i) => (linked[i] ? 0.8 : Number.NaN)),
    condition: rows.map((r, i) => (linked[i] && r.rel === "motion_light" ? "dark" : null)),
    benefit: Float64Array.from(rows, (r) => (r.rel === "motion_light" ? 0.9 : 0.85)),
    confounder: rows.map((r, i) =>
      !linked[i] && r.same && r.rel === "motion_light" ? "walk_through" : null,
    ),
  });
}

function telemetry(g: GeneratedHome, config: GenerationConfig): ColumnTable {
  const n = g.devices.length * config.days;
  const startDay = Math.round(startMs(config) / DAY_MS);
  const features: Record<string, Float64Array> = {};
  for (const f of TELEMETRY_FEATURES) features[f] = new Float64Array(n);
  const day = new Int32Array(n);
  const fails = new Int32Array(n);
  const censored = new Uint8Array(n);
  const daysToFailure: (number | null)[] = [];
  const scenario: (string | null)[] = [];
  const entity: string[] = [];
  const health: string[] = [];
  const power: string[] = [];
  let k = 0;
  g.devices.forEach((d, di) => {
    const rng = Rng.derive(config.seed, g.home.index, d.entityId, "test-telemetry");
    const failing = di % 5 === 0;
    for (let t = 0; t < config.days; t++) {
      day[k] = startDay + t;
      entity.push(d.entityId);
      health.push(d.healthType);
      power.push(d.powerSource);
      for (const f of TELEMETRY_FEATURES) features[f][k] = rng.next() < 0.1 ? Number.NaN : rng.uniform(0, 1);
      features.battery_level[k] = t === 1 && di % 7 === 3 ? 140 : 50; // an impossible reading now and then
      const left = config.days - t;
      fails[k] = failing && left <= 7 ? 1 : 0;
      censored[k] = !failing && t + 7 > config.days - 1 ? 1 : 0;
      daysToFailure.push(failing ? left : null);
      scenario.push(failing ? "progressive" : null);
      k++;
    }
  });
  return columnTable(TELEMETRY_SCHEMA, {
    home_id: entity.map(() => g.home.homeId),
    entity_id: entity,
    day,
    home_type: entity.map(() => g.home.homeType),
    size_category: entity.map(() => g.home.sizeCategory),
    floors: Int32Array.from(entity, () => g.home.floors),
    climate_zone: entity.map(() => g.home.climateZone),
    health_type: health,
    power_source: power,
    ...features,
    fails_within_7d: fails,
    censored,
    days_to_failure: daysToFailure,
    failure_scenario: scenario,
  });
}

function patterns(g: GeneratedHome, config: GenerationConfig): ColumnTable {
  const rng = Rng.derive(config.seed, g.home.index, "test-patterns");
  const devices = g.devices;
  return columnTable(PATTERNS_SCHEMA, {
    home_id: devices.map(() => g.home.homeId),
    entity_id: devices.map((d) => d.entityId),
    kind: devices.map((_, i) => (i % 2 === 0 ? "peak_hours" : "transition")),
    detail: devices.map((_, i) =>
      JSON.stringify(i % 2 === 0 ? { hours: [7, 19] } : { from: "off", to: "on" }),
    ),
    confidence: Float64Array.from(devices, () => Math.round(rng.uniform(0, 1) * 1000) / 1000),
    occurrences: Int32Array.from(devices, () => rng.int(0, 10)),
  });
}

export const tableProducers: readonly TableProducer[] = [
  homeTablesProducer,
  (g, c) => ({ synergies: synergies(g, c) }),
  (g, c) => ({ events: events(g, c) }),
  (g, c) => ({ telemetry: telemetry(g, c) }),
  (g, c, ctx) => {
    if (!ctx.tables.events) throw new Error("patterns need the events of the producer before");
    return { patterns: patterns(g, c) };
  },
];
