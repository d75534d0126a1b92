import type { AreaKind } from "./areas.js";
import type { HealthType } from "./devices.js";
import type { RadioEnvironment } from "./homeTypes.js";
import type { ClimateZone } from "./locations.js";

/**
 * Device-health telemetry catalog: data, not code. Baselines per health type, the effects
 * of the radio environment, floors, outdoor placement and climate, and the failure
 * scenarios with their durations and signature strengths. lib/synth/telemetry.ts turns
 * these numbers into one row per device per day.
 */

/** The 11 daily health features, in the telemetry table's column order (DESIGN.md §3). */
export const HEALTH_FEATURES = [
  "response_time",
  "error_rate",
  "battery_level",
  "signal_strength",
  "usage_frequency",
  "temperature",
  "humidity",
  "uptime_hours",
  "restart_count",
  "connection_drops",
  "data_transfer_rate",
] as const;
export type HealthFeature = (typeof HEALTH_FEATURES)[number];

/** Units of the features, for documentation and table descriptions. */
export const HEALTH_FEATURE_UNITS: Record<HealthFeature, string> = {
  response_time: "ms, daily median command/report round trip",
  error_rate: "share of failed commands/reports that day, 0–1",
  battery_level: "%, end of day; mains devices report 100",
  signal_strength: "dBm, daily mean RSSI",
  usage_frequency: "activations or reports per day",
  temperature: "°C, device temperature (outdoor devices follow the weather)",
  humidity: "% relative humidity around the device",
  uptime_hours: "hours since the last restart, end of day",
  restart_count: "restarts that day",
  connection_drops: "disconnections from the hub that day",
  data_transfer_rate: "kbit/s, daily mean",
};

export interface HealthBaseline {
  /** Median response time, ms (log-normal device-to-device and day-to-day). */
  responseTimeMs: number;
  /** Typical daily error rate of a healthy device. */
  errorRate: number;
  /** Activations or reports per day at a weekly/seasonal factor of 1. */
  usagePerDay: number;
  /** Mean data rate, kbit/s. */
  dataRateKbps: number;
  /** Expected restarts per day. */
  restartsPerDay: number;
  /** Expected connection drops per day at −60 dBm in a clean radio environment. */
  dropsPerDay: number;
  /** Self-heating above the room temperature, °C. */
  selfHeatingC: number;
  /** Battery drain, % per day at mild temperatures (battery-powered devices only). */
  batteryDrainPerDay: number;
  /** Which calendar rhythm drives usage: people (weekly), weekends (weekend_peak) or none. */
  usageRhythm: "weekly" | "weekend_peak" | "constant";
  /** Seasonal driver of usage (lighting peaks in winter, climate follows heating). */
  usageSeason: "lighting" | "heating" | "activity" | null;
  /** Whether usage needs someone at home (a vacation empties it). */
  needsOccupants: boolean;
}

export const HEALTH_BASELINES: Record<HealthType, HealthBaseline> = {
  sensor: {
    responseTimeMs: 110,
    errorRate: 0.008,
    usagePerDay: 96,
    dataRateKbps: 1.5,
    restartsPerDay: 0.01,
    dropsPerDay: 0.15,
    selfHeatingC: 1,
    batteryDrainPerDay: 0.2,
    usageRhythm: "constant",
    usageSeason: null,
    needsOccupants: false,
  },
  switch: {
    responseTimeMs: 80,
    errorRate: 0.006,
    usagePerDay: 9,
    dataRateKbps: 0.8,
    restartsPerDay: 0.01,
    dropsPerDay: 0.12,
    selfHeatingC: 2,
    batteryDrainPerDay: 0.2,
    usageRhythm: "weekly",
    usageSeason: "activity",
    needsOccupants: true,
  },
  light: {
    responseTimeMs: 90,
    errorRate: 0.006,
    usagePerDay: 12,
    dataRateKbps: 0.6,
    restartsPerDay: 0.012,
    dropsPerDay: 0.12,
    selfHeatingC: 4,
    batteryDrainPerDay: 0.2,
    usageRhythm: "weekly",
    usageSeason: "lighting",
    needsOccupants: true,
  },
  climate: {
    responseTimeMs: 190,
    errorRate: 0.01,
    usagePerDay: 30,
    dataRateKbps: 2,
    restartsPerDay: 0.008,
    dropsPerDay: 0.1,
    selfHeatingC: 1.5,
    batteryDrainPerDay: 0.2,
    usageRhythm: "constant",
    usageSeason: "heating",
    needsOccupants: false,
  },
  security: {
    responseTimeMs: 140,
    errorRate: 0.007,
    usagePerDay: 14,
    dataRateKbps: 40,
    restartsPerDay: 0.01,
    dropsPerDay: 0.15,
    selfHeatingC: 3,
    batteryDrainPerDay: 0.22,
    usageRhythm: "weekly",
    usageSeason: "activity",
    needsOccupants: false,
  },
  battery_powered: {
    responseTimeMs: 230,
    errorRate: 0.012,
    usagePerDay: 28,
    dataRateKbps: 0.3,
    restartsPerDay: 0.005,
    dropsPerDay: 0.2,
    selfHeatingC: 0,
    batteryDrainPerDay: 0.17,
    usageRhythm: "weekly",
    usageSeason: "activity",
    needsOccupants: false,
  },
  media: {
    responseTimeMs: 60,
    errorRate: 0.01,
    usagePerDay: 5,
    dataRateKbps: 900,
    restartsPerDay: 0.03,
    dropsPerDay: 0.25,
    selfHeatingC: 9,
    batteryDrainPerDay: 0.2,
    usageRhythm: "weekend_peak",
    usageSeason: "activity",
    needsOccupants: true,
  },
  vacuum: {
    responseTimeMs: 320,
    errorRate: 0.015,
    usagePerDay: 1.2,
    dataRateKbps: 15,
    restartsPerDay: 0.02,
    dropsPerDay: 0.3,
    selfHeatingC: 5,
    batteryDrainPerDay: 0.2,
    usageRhythm: "weekend_peak",
    usageSeason: null,
    needsOccupants: false,
  },
};

/** Battery-powered radios send little: their data rate is this share of the type's baseline. */
export const BATTERY_DATA_RATE_FACTOR = 0.25;

export interface RadioEffect {
  /** Mean RSSI of a ground-floor indoor device, dBm. */
  signalDbm: number;
  /** dB lost per floor between the device and the ground-floor hub. */
  perFloorDb: number;
  /** dB lost by an outdoor device (through the outer wall). */
  outdoorDb: number;
  /** Interference multiplier on drops at the same signal (neighbours' networks). */
  interference: number;
  /** Multiplier on response time (retries, airtime contention). */
  latency: number;
}

/**
 * Radio environment effects: the learnable home-type effect. Apartments and condos are
 * congested (many neighbouring networks: interference and weekend crowding), multi-story
 * homes and cottages have thick walls (weak signal upstairs and outdoors), ranch houses are clean.
 */
export const RADIO_EFFECTS: Record<RadioEnvironment, RadioEffect> = {
  clean: { signalDbm: -52, perFloorDb: 3, outdoorDb: 7, interference: 0.7, latency: 0.9 },
  moderate: { signalDbm: -59, perFloorDb: 4, outdoorDb: 9, interference: 1, latency: 1 },
  congested: { signalDbm: -66, perFloorDb: 4, outdoorDb: 10, interference: 2, latency: 1.3 },
  thick_walls: { signalDbm: -63, perFloorDb: 8, outdoorDb: 13, interference: 1.1, latency: 1.15 },
};

/** dB lost by a device in the basement (floor −1). */
export const BASEMENT_DB = 7;

/**
 * Drops grow as the signal weakens: × e^((REFERENCE − rssi) / DROPS_DB_SCALE).
 * At −60 dBm the factor is 1, at −76 dBm about 7.
 */
export const DROPS_REFERENCE_DBM = -60;
export const DROPS_DB_SCALE = 8;

/** Outdoor climate per zone: annual mean and half-swing of daily mean temperature, mean humidity. */
export const CLIMATE_WEATHER: Record<ClimateZone, { meanC: number; swingC: number; humidity: number }> = {
  tropical: { meanC: 27, swingC: 2, humidity: 78 },
  arid: { meanC: 23, swingC: 9, humidity: 25 },
  mediterranean: { meanC: 17, swingC: 7, humidity: 60 },
  subtropical: { meanC: 19, swingC: 8, humidity: 70 },
  oceanic: { meanC: 11, swingC: 6, humidity: 78 },
  continental: { meanC: 9, swingC: 13, humidity: 65 },
  subarctic: { meanC: 0, swingC: 15, humidity: 72 },
};

/** Day-to-day weather anomaly: AR(1) with this persistence and stationary sd, °C. */
export const WEATHER_PERSISTENCE = 0.75;
export const WEATHER_ANOMALY_SD = 3;

/** Indoor rooms: a thermostat keeps them near this, a little cooler in winter. */
export const INDOOR_TEMPERATURE_C = 21;
export const INDOOR_WINTER_DROP_C = 1.5;
export const INDOOR_HUMIDITY = 45;
/** Extra humidity in wet rooms. */
export const AREA_HUMIDITY: Partial<Record<AreaKind, number>> = {
  bathroom: 15,
  laundry: 10,
  basement: 10,
  kitchen: 5,
};

/**
 * Battery drain grows in the cold (lithium cells lose capacity) and in heat:
 * × (1 + COLD_DRAIN_PER_C per °C below 5 °C) and × HOT_DRAIN above 35 °C.
 */
export const COLD_DRAIN_PER_C = 0.06;
export const HOT_DRAIN = 1.4;

/** Healthy battery devices: users swap batteries once the level drops below a drawn threshold. */
export const BATTERY_SWAP_THRESHOLD: [number, number] = [4, 25];
/** Daily chance the user gets round to the swap once below the threshold. */
export const BATTERY_SWAP_DAILY = 0.2;

/** A few healthy devices are chronically flaky: higher error and drop rates, yet they never fail. */
export const FLAKY_SHARE = 0.05;
export const FLAKY_FACTOR = 3;

/** Transient glitches on healthy days (they fool threshold rules). */
export const GLITCH_ERROR_RATE = 0.004;
export const GLITCH_LATENCY_RATE = 0.003;

/** Share of feature values reported missing (NaN), per value. */
export const MISSING_VALUE_RATE = 0.01;

export const FAILURE_SCENARIOS = [
  "progressive",
  "sudden",
  "intermittent",
  "battery_depletion",
  "network_issues",
] as const;
export type FailureScenario = (typeof FAILURE_SCENARIOS)[number];

export interface ScenarioSpec {
  /** Days from onset to the failure day, drawn uniformly (inclusive). */
  durationDays: [number, number];
  /** Relative weight among the scenarios a device can have. */
  weight: number;
}

/**
 * Scenario catalog. Signatures (telemetry.ts) develop with progress p = (day − onset) /
 * (failure day − onset):
 * - progressive: error rate, response time, restarts and device temperature creep up,
 *   data rate sags; the rise steepens towards the failure day.
 * - sudden: one or two days of onset and almost no signature: little warning, by design.
 * - intermittent: "bad days" (error bursts, drops, restarts, slow responses) that grow more
 *   frequent towards the failure; good days look healthy.
 * - battery_depletion: the battery drains ever faster to near 0 and no one swaps it;
 *   responses slow and errors rise as the voltage sags. Battery devices only.
 * - network_issues: signal weakens, drops and response time rise, data rate falls.
 */
export const SCENARIO_SPECS: Record<FailureScenario, ScenarioSpec> = {
  progressive: { durationDays: [14, 45], weight: 0.3 },
  sudden: { durationDays: [1, 2], weight: 0.2 },
  intermittent: { durationDays: [14, 40], weight: 0.2 },
  battery_depletion: { durationDays: [18, 60], weight: 0.35 },
  network_issues: { durationDays: [7, 30], weight: 0.15 },
};

/** network_issues is likelier where the radio is hard: this multiplies its weight. */
export const NETWORK_ISSUE_RADIO_FACTOR: Record<RadioEnvironment, number> = {
  clean: 0.4,
  moderate: 1,
  congested: 2.5,
  thick_walls: 2.2,
};
/** Outdoor placement: weather and cold make network trouble and battery depletion likelier. */
export const OUTDOOR_NETWORK_FACTOR = 1.5;
export const OUTDOOR_BATTERY_FACTOR = 1.8;

/**
 * After a failure the device stops reporting; the user replaces it after a gap drawn
 * uniformly from this range (days). At least 7 days, so no 7-day calendar window ever
 * mixes the failed device with its replacement.
 */
export const REPLACEMENT_GAP_DAYS: [number, number] = [7, 28];
