import type { AreaKind } from "./areas.js";
import type { HealthType } from "./devices.js";
import type { Construction, RadioEnvironment } from "./homeTypes.js";
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
  /** Interference multiplier on drops at the same signal (neighbours' networks). */
  interference: number;
  /** Multiplier on response time (airtime contention). */
  latency: number;
}

/**
 * Radio environment effects: how busy the air is. Apartments and condos are congested
 * (many neighbouring networks: interference and weekend crowding), ranch houses are clean.
 * Signal strength itself comes from the link (linkBudget.ts): distance from the hub, and
 * the walls and floors of the home's construction (CONSTRUCTION_RADIO).
 */
export const RADIO_EFFECTS: Record<RadioEnvironment, RadioEffect> = {
  clean: { interference: 0.7, latency: 0.9 },
  moderate: { interference: 1, latency: 1 },
  congested: { interference: 2, latency: 1.3 },
  thick_walls: { interference: 1.1, latency: 1.15 },
};

/** RSSI 1 m from the hub with no wall between: a 0 dBm radio loses ~40 dB over the first metre at 2.4 GHz. */
export const SIGNAL_AT_1M_DBM = -40;

export interface ConstructionRadio {
  /** dB lost per interior wall crossed (one wall every ROOM_SPAN_M of path). */
  wallDb: number;
  /** dB lost per floor slab between the device and the hub's floor. */
  perFloorDb: number;
  /** dB lost through the outer wall by an outdoor device. */
  outerWallDb: number;
}

/**
 * Attenuation by construction at 2.4 GHz (Zigbee, Wi-Fi, Thread), after the multi-wall
 * model of COST 231 and ITU-R P.2040 material losses: drywall on timber studs ~3 dB a wall
 * and wooden floors ~5 dB; brick or stone walls ~8 dB and floors ~8 dB, thick outer walls
 * ~13 dB; reinforced concrete (rebar mesh) ~12 dB a wall and ~15 dB a slab, concrete outer
 * walls with coated glass ~15 dB. Heavy construction thins every link's margin.
 */
export const CONSTRUCTION_RADIO: Record<Construction, ConstructionRadio> = {
  timber_frame: { wallDb: 3, perFloorDb: 5, outerWallDb: 7 },
  masonry: { wallDb: 8, perFloorDb: 8, outerWallDb: 13 },
  reinforced_concrete: { wallDb: 12, perFloorDb: 15, outerWallDb: 15 },
};

/** A horizontal path crosses about one interior wall per this many metres (a room's span). */
export const ROOM_SPAN_M = 4;
/** Storey height, m: vertical distance to the hub per floor. */
export const STOREY_HEIGHT_M = 3;
/** Device-to-device spread of signal at the same distance (antenna orientation, furniture), dB sd. */
export const PLACEMENT_SIGNAL_SD_DB = 3;

/**
 * Horizontal distance from the hub (kept in the living area) by area kind, as a multiple of
 * half the side of the home's footprint: bedrooms and utility rooms sit at the far end,
 * gardens and driveways beyond the walls. Each device also draws a ×0.6–1.4 jitter.
 */
export const AREA_HUB_DISTANCE: Record<AreaKind, number> = {
  living_room: 0.4,
  kitchen: 0.7,
  dining_room: 0.6,
  hallway: 0.6,
  stairs: 0.6,
  entrance: 0.9,
  office: 0.9,
  bathroom: 0.9,
  bedroom: 1,
  laundry: 1.1,
  basement: 0.8,
  attic: 0.8,
  garage: 1.3,
  porch: 1.2,
  patio: 1.3,
  yard: 1.8,
  driveway: 2,
  garden: 2.2,
};

/**
 * Drops grow as the signal weakens: × e^((REFERENCE − rssi) / DROPS_DB_SCALE).
 * At −60 dBm the factor is 1, at −76 dBm about 7.
 */
export const DROPS_REFERENCE_DBM = -60;
export const DROPS_DB_SCALE = 8;

/**
 * Retries: the share of transmissions that need a retry is this at −60 dBm and grows like
 * drops as the signal weakens (capped at RETRY_SHARE_MAX). Each retry adds airtime and a
 * back-off (response time × (1 + RETRY_LATENCY × share)); a command fails when the first
 * try and all three MAC retries fail (error rate + share⁴).
 */
export const RETRY_SHARE_AT_REFERENCE = 0.03;
export const RETRY_SHARE_MAX = 0.6;
export const RETRY_LATENCY = 2;

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
 * × (1 + COLD_DRAIN_PER_C per °C below 5 °C) and × HOT_DRAIN above 35 °C. The same factor,
 * averaged over the horizon at the device's place, multiplies the battery_depletion hazard
 * and divides its onset-to-empty duration (a cold cell reaches its cut-off voltage sooner).
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
  sudden: { durationDays: [1, 2], weight: 0.17 },
  intermittent: { durationDays: [14, 40], weight: 0.2 },
  battery_depletion: { durationDays: [18, 60], weight: 0.35 },
  network_issues: { durationDays: [7, 30], weight: 0.15 },
};

/**
 * Failure hazards: how the home and the device's place in it change which devices fail
 * and how. A device's hazard for scenario s is SCENARIO_SPECS[s].weight × the multipliers
 * below (failures.ts); whether it fails in the horizon is 1 − (1 − share)^(hazard /
 * HAZARD_NORMALISER), and its scenario is drawn in proportion to the scenario hazards.
 */

/**
 * network_issues grows as the link margin shrinks: × e^((REFERENCE − expected rssi) /
 * DB_SCALE) (clamped), times the radio environment's interference. A link with little
 * margin is pushed below the receiver's floor by small changes (a new neighbour's access
 * point, furniture, a corroding antenna contact); with log-normal fading the chance of
 * such a fade grows about exponentially as the margin falls.
 */
export const NETWORK_HAZARD_REFERENCE_DBM = -62;
export const NETWORK_HAZARD_DB_SCALE = 10;
export const NETWORK_HAZARD_RANGE: [number, number] = [0.2, 8];

/** Ground temperature (basements) follows the climate zone's annual mean air temperature. */
export interface ExposureClimate {
  /** Share of the outdoor temperature (and humidity) the space follows, 0–1. */
  outdoorCoupling: number;
  /** Share of the ground temperature it follows, 0–1 (the rest is the heated house). */
  groundCoupling: number;
  /** Extra daily-mean °C on warm days from sun on the roof (attics), scaled 0–1 over 10–25 °C outside. */
  solarGainC: number;
  /** Whether cold surfaces meet humid air here (condensation on the device). */
  condensation: boolean;
}

/**
 * Where a device lives: heated rooms (indoor) hold ~21 °C; a garage follows the outdoors
 * more than half way; an attic follows the outdoors and bakes under a sunny roof; a
 * basement sits near the ground temperature and is damp; outdoor devices live in the
 * weather (their case gains half their self-heating, telemetry.ts).
 */
export type ExposureClass = "indoor" | "garage" | "attic" | "basement" | "outdoor";
export const EXPOSURE_CLIMATE: Record<ExposureClass, ExposureClimate> = {
  indoor: { outdoorCoupling: 0, groundCoupling: 0, solarGainC: 0, condensation: false },
  garage: { outdoorCoupling: 0.55, groundCoupling: 0.15, solarGainC: 0, condensation: true },
  attic: { outdoorCoupling: 0.8, groundCoupling: 0, solarGainC: 8, condensation: true },
  basement: { outdoorCoupling: 0.1, groundCoupling: 0.5, solarGainC: 0, condensation: true },
  outdoor: { outdoorCoupling: 1, groundCoupling: 0, solarGainC: 0, condensation: true },
};

/**
 * Electronics ageing (progressive and intermittent): a daily acceleration factor averaged
 * over the horizon, m = BASE + THERMAL × Arrhenius(T) + HUMIDITY × Peck(RH, T), each 1 at
 * 25 °C and 50 % RH. Arrhenius with Ea = 0.6 eV (electrolytic capacitors drying out,
 * solder fatigue: JEDEC JEP122 uses 0.6–0.7 eV); Peck's humidity model (RH/50)^2.66 with
 * Ea = 0.79 eV (corrosion of contacts and traces). The base share is what heat and humidity
 * do not drive (manufacturing defects, firmware, mechanical wear). T is the device's own
 * temperature (room + self-heating).
 */
export const AGEING_BASE_SHARE = 0.5;
export const AGEING_THERMAL_SHARE = 0.3;
export const AGEING_HUMIDITY_SHARE = 0.2;
export const AGEING_REFERENCE_C = 25;
export const AGEING_ACTIVATION_EV = 0.6;
export const PECK_ACTIVATION_EV = 0.79;
export const PECK_REFERENCE_RH = 50;
export const PECK_EXPONENT = 2.66;
/** Boltzmann's constant, eV/K. */
export const BOLTZMANN_EV_PER_K = 8.617e-5;
/** A single day's acceleration is capped (the models are fitted over a moderate range). */
export const AGEING_DAILY_CAP = 30;

/**
 * Condensation (outdoor devices, garages, attics, basements): a day's condensation index
 * rises from 0 at CONDENSATION_RH_ONSET to 1 at CONDENSATION_RH_FULL (daily mean RH: at
 * ~80 % the night air reaches its dew point on cold surfaces). Water in a case makes
 * contacts short and recover: intermittent hazard × (1 + CONDENSATION_HAZARD × mean index).
 */
export const CONDENSATION_RH_ONSET = 75;
export const CONDENSATION_RH_FULL = 90;
export const CONDENSATION_HAZARD = 3;

/**
 * Power quality (mains devices): disturbances (sags, swells, short outages) reach a home
 * as a Poisson process, at HomeTypeSpec.powerDisturbancesPer30d × a per-home log-normal
 * factor (feeder, wiring age). Rural homes on long overhead feeders (ranch houses,
 * cottages) see several times the disturbances of urban homes on underground cable
 * (utility reliability indices SAIFI/MAIFI run 2–5× higher on rural feeders). On a
 * disturbance day a mains device reboots with RESTART_ON_DISTURBANCE probability (the rest
 * ride through on their supply capacitors), and each disturbance per 30 days raises its
 * sudden-failure hazard by SURGE_SUDDEN_HAZARD (surges kill power supplies); such a death
 * happens the day after a disturbance.
 */
export const POWER_DISTURBANCE_SPREAD = 0.7;
export const RESTART_ON_DISTURBANCE = 0.7;
export const SURGE_SUDDEN_HAZARD = 0.6;

/**
 * Device age: each home has a fleet age (years since its smart-home install), log-normal
 * around FLEET_AGE_MEDIAN_YEARS; a share of its devices came with the first install (age ≈
 * the fleet age), the rest were added since (uniform). Electronics follow a bathtub curve:
 * early-life failures for the first weeks, then a wear-out hazard growing with age
 * (Weibull shape 2: linear in age). Relative hazard = FLOOR + WEAR × age / AGE_REFERENCE +
 * INFANT × e^(−age / INFANT_YEARS), on progressive, intermittent and sudden failures.
 * Replacements are new and (within the horizon) never fail.
 */
export const FLEET_AGE_MEDIAN_YEARS = 2.5;
export const FLEET_AGE_SIGMA = 0.7;
export const FLEET_AGE_RANGE_YEARS: [number, number] = [0.1, 12];
export const FIRST_INSTALL_SHARE = 0.5;
export const AGE_HAZARD = { floor: 0.4, wear: 0.6, referenceYears: 3, infant: 2, infantYears: 0.08 };

/**
 * Mean of Σ_s weight_s × multipliers_s over the default population (seed 42, 200 homes,
 * 60 days from 2025-01-01; test/synth/failureContext.test.ts checks it): dividing by it keeps
 * the realised failing share at config.failures.share on average.
 */
export const HAZARD_NORMALISER = 0.975;

/**
 * After a failure the device stops reporting; the user replaces it after a gap drawn
 * uniformly from this range (days). At least 7 days, so no 7-day calendar window ever
 * mixes the failed device with its replacement.
 */
export const REPLACEMENT_GAP_DAYS: [number, number] = [7, 28];
