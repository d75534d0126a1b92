import { type ColumnTable, columnTable } from "../../core/columnTable.js";
import { TELEMETRY_FEATURES, TELEMETRY_SCHEMA } from "../../pipeline/storage/tables.js";
import type { FeatureSpec } from "../failure/features.js";
import type { SynergyHomeData } from "../synergy/synergyHome.js";

/**
 * The probe inputs of `models health`: small, fixed (no randomness, no clock) inputs of the
 * shape the service receives, so "the model loads and predicts" is checked on the path a
 * real request takes.
 */

const PROBE_START_DAY = 20089; // 2025-01-01
const PROBE_HOME = "probe_home";

/** A plausible healthy device-day, per feature; day d varies it a little so windows have a spread. */
function probeValue(feature: string, device: number, day: number): number {
  const wave = Math.sin(day * 0.7 + device); // in [-1, 1]
  switch (feature) {
    case "response_time":
      return 180 + 20 * wave;
    case "error_rate":
      return 0.02 + 0.005 * wave;
    case "battery_level":
      return 90 - 0.3 * day;
    case "signal_strength":
      return -62 + 3 * wave;
    case "usage_frequency":
      return 20 + Math.round(4 * wave);
    case "temperature":
      return 22 + wave;
    case "humidity":
      return 45 + 3 * wave;
    case "uptime_hours":
      return 24;
    case "restart_count":
      return day % 9 === 0 ? 1 : 0;
    case "connection_drops":
      return day % 5 === 0 ? 1 : 0;
    case "data_transfer_rate":
      return 50 + 5 * wave;
    default:
      return 0;
  }
}

/** Days of history the spec's longest window reads, plus today. */
export function probeDays(spec: FeatureSpec | null): number {
  const windows = [spec?.window ?? 7, ...(spec?.longWindows ?? []), (spec?.baselineDays ?? 0) + 7];
  return Math.max(...windows) + 1;
}

/**
 * A synthetic telemetry history (TELEMETRY_SCHEMA) for one home: one device per health type
 * the classifier was fitted on, `probeDays(spec)` days each, with the home's context from
 * the spec's first categories (or `homeType`). No label: scoring needs none.
 */
export function failureProbeTable(spec: FeatureSpec | null, homeType?: string): ColumnTable {
  const healthTypes = spec?.healthTypes.length ? spec.healthTypes : ["sensor"];
  const days = probeDays(spec);
  const type = homeType ?? spec?.context?.homeTypes[0] ?? "apartment";
  const size = spec?.context?.sizeCategories[0] ?? "medium";
  const climate = spec?.context?.climateZones[0] ?? "oceanic";
  const n = healthTypes.length * days;
  const features: Record<string, Float64Array> = {};
  for (const f of TELEMETRY_FEATURES) features[f] = new Float64Array(n);
  const entity: string[] = [];
  const health: string[] = [];
  const power: string[] = [];
  const day = new Int32Array(n);
  let row = 0;
  healthTypes.forEach((h, device) => {
    const battery = h === "battery_powered" || h === "sensor" || h === "security";
    for (let d = 0; d < days; d++, row++) {
      entity.push(`sensor.probe_${device}`);
      health.push(h);
      power.push(battery ? "battery" : "mains");
      day[row] = PROBE_START_DAY + d;
      for (const f of TELEMETRY_FEATURES)
        features[f][row] = f === "battery_level" && !battery ? Number.NaN : probeValue(f, device, d);
    }
  });
  const repeat = <T>(v: T): T[] => new Array<T>(n).fill(v);
  return columnTable(TELEMETRY_SCHEMA, {
    home_id: repeat(PROBE_HOME),
    entity_id: entity,
    day,
    home_type: repeat(type),
    size_category: repeat(size),
    floors: new Int32Array(n).fill(1),
    climate_zone: repeat(climate),
    health_type: health,
    power_source: power,
    ...features,
    fails_within_7d: new Int32Array(n),
    censored: new Uint8Array(n),
    days_to_failure: repeat(null),
    failure_scenario: repeat(null),
  });
}

const PROBE_START_MS = Date.parse("2025-01-05T23:00:00Z"); // local midnight, Europe/Berlin
const HOUR_MS = 3_600_000;

/**
 * A tiny home for the synergy model: a hallway with a motion sensor and a light that follows
 * it, and a kitchen light (two candidate pairs), three days of events.
 */
export function synergyProbeHome(): SynergyHomeData {
  const entityId: string[] = [];
  const time: number[] = [];
  const state: string[] = [];
  const push = (entity: string, t: number, s: string) => {
    entityId.push(entity);
    time.push(t);
    state.push(s);
  };
  for (let day = 0; day < 3; day++) {
    for (const hour of [7, 12, 19]) {
      const t = PROBE_START_MS + (day * 24 + hour) * HOUR_MS;
      push("binary_sensor.hallway_motion", t, "on");
      push("binary_sensor.hallway_motion", t + 60_000, "off");
      push("light.hallway_ceiling", t + 3_000, "on");
      push("light.hallway_ceiling", t + 600_000, "off");
      push("light.kitchen_ceiling", t + 1_800_000, "on");
      push("light.kitchen_ceiling", t + 2_400_000, "off");
    }
  }
  return {
    homeId: PROBE_HOME,
    homeType: "apartment",
    timezone: "Europe/Berlin",
    startUtcMs: PROBE_START_MS,
    days: 3,
    areas: [
      { areaId: "hallway", kind: "hallway", floor: 0, indoor: true },
      { areaId: "kitchen", kind: "kitchen", floor: 0, indoor: true },
    ],
    devices: [
      {
        entityId: "binary_sensor.hallway_motion",
        domain: "binary_sensor",
        deviceClass: "motion",
        areaId: "hallway",
        powerSource: "battery",
      },
      {
        entityId: "light.hallway_ceiling",
        domain: "light",
        deviceClass: "",
        areaId: "hallway",
        powerSource: "mains",
      },
      {
        entityId: "light.kitchen_ceiling",
        domain: "light",
        deviceClass: "",
        areaId: "kitchen",
        powerSource: "mains",
      },
    ],
    events: { entityId, time, state, value: new Float64Array(entityId.length).fill(Number.NaN) },
  };
}
