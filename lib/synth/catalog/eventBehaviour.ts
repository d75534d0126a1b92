import type { SeasonalKind } from "../rhythms.js";
import type { AreaKind } from "./areas.js";
import type { Domain } from "./devices.js";

/**
 * How each kind of device behaves in the event stream: data, not code. The generator
 * (events.ts) reads a behaviour per device template (falling back to its domain).
 *
 * Rates: every behaviour has a base rate at pattern multiplier 1, multiplied per local
 * hour by its patterns: the daily shape, the week shape, the seasonal kind, the household
 * occupancy (home / asleep / away), darkness or sunlight, and outdoor-temperature demand.
 */

export interface OccupancyFactors {
  /** Multiplier when someone is home and awake (scaled by the share of occupants present). */
  home: number;
  asleep: number;
  away: number;
}

export interface Duration {
  medianMs: number;
  /** Sd of log(duration): durations are log-normal. */
  sigma: number;
}

export interface RatePatterns {
  /** "seasonal_daily" moves the evening peak up to an hour earlier at midwinter. */
  daily: "daily" | "seasonal_daily" | "flat";
  /** 24 multipliers by local hour on top of `daily` (a coffee maker's mornings, a vacuum's daytime). */
  hourWeights?: readonly number[];
  week: "weekly" | "weekend_peak" | "flat";
  seasonal: SeasonalKind | null;
  occupancy: OccupancyFactors;
  /** 0–1: weight of darkness, × (1 − w + w × dark share of the hour). */
  darkness?: number;
  /** 0–1: weight of daylight, × (1 − w + w × light share of the hour). */
  sunlight?: number;
  /** Outdoor-temperature demand, × (1 − weight + weight × demand). */
  weather?: { demand: "heating" | "cooling" | "heat_cool"; weight: number };
}

/** A value carried by an active state: uniform on a grid [min, max] with this step. */
export interface ValueRange {
  min: number;
  max: number;
  step: number;
}

/**
 * A device that rests in one state and is activated by arrivals of a Poisson process:
 * it enters `active` (or a weather-chosen state), maybe passes through an interruption,
 * maybe a tail state, and returns to `rest` after a drawn duration — or just before its
 * next activation, whichever comes first.
 */
export interface PulseBehaviour {
  kind: "pulse";
  /** Activations per day at pattern multiplier 1. */
  perDay: number;
  rate: RatePatterns;
  rest: string;
  active: string;
  /** Climate: the active state is "heat" or "cool", drawn from the hour's heating vs cooling demand. */
  activeByWeather?: { heat: string; cool: string };
  /** Further states that end an active period when a synergy action asks for them (e.g. climate "idle"). */
  restAliases?: readonly string[];
  duration: Duration;
  /** Reading carried by each active state (light brightness, climate setpoint). */
  values?: Readonly<Record<string, ValueRange>>;
  /** e.g. media paused in the middle of playing. */
  interruption?: { state: string; probability: number; duration: Duration };
  /** e.g. a vacuum "returning" before "docked". */
  tail?: { state: string; duration: Duration };
}

export type NumericModel =
  | "indoor_temperature"
  | "outdoor_temperature"
  | "humidity"
  | "power"
  | "energy"
  | "illuminance";

/** A daily bump in a numeric reading (a shower's humidity), applied when someone is home. */
export interface ValueBump {
  hour: number;
  amplitude: number;
  widthHours: number;
}

/**
 * A numeric sensor reporting readings at Poisson times. The reading follows its model's
 * daily and seasonal cycle plus persistent measurement noise; "high" / "low" synergy
 * triggers fire when a reading crosses above `high` / below `low`.
 */
export interface NumericBehaviour {
  kind: "numeric";
  model: NumericModel;
  /** Reports per hour at pattern multiplier 1. */
  perHour: number;
  rate: RatePatterns;
  /** Readings are rounded to this step. */
  resolution: number;
  noiseSd: number;
  /** Correlation of the noise from one report to the next. */
  noisePersistence: number;
  high: number;
  low: number;
  /** Model parameters (see events.ts numeric models). */
  params: Readonly<Record<string, number>>;
  bumps?: Partial<Record<AreaKind, readonly ValueBump[]>>;
}

/** A device whose state mirrors the household occupancy (an alarm panel arming when everyone leaves). */
export interface FollowOccupancyBehaviour {
  kind: "follow_occupancy";
  states: { home: string; asleep: string; away: string };
  /** Lag after the occupancy change. */
  delay: Duration;
}

export type EventBehaviour = PulseBehaviour | NumericBehaviour | FollowOccupancyBehaviour;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** 24 hourly weights: `base` everywhere, with the given local hours set. */
function hours(base: number, set: Readonly<Record<number, number>>): number[] {
  return Array.from({ length: 24 }, (_, h) => set[h] ?? base);
}

const LIVING_OCCUPANCY: OccupancyFactors = { home: 1, asleep: 0.06, away: 0.02 };
const ALWAYS: OccupancyFactors = { home: 1, asleep: 1, away: 1 };
const FLAT: RatePatterns = { daily: "flat", week: "flat", seasonal: null, occupancy: ALWAYS };
const BRIGHTNESS: Readonly<Record<string, ValueRange>> = { on: { min: 40, max: 255, step: 1 } };

/** Outdoor temperature below which heating demand starts, and the °C per unit of demand. */
export const HEATING_BELOW_C = 15;
export const HEATING_SCALE_C = 8;
/** Outdoor temperature above which cooling demand starts, and the °C per unit of demand. */
export const COOLING_ABOVE_C = 23;
export const COOLING_SCALE_C = 5;
/** Demand is capped at this many units. */
export const MAX_DEMAND = 2.5;

/** Behaviour per device template key. */
export const TEMPLATE_BEHAVIOUR: Readonly<Record<string, EventBehaviour>> = {
  ceiling_light: {
    kind: "pulse",
    perDay: 7,
    rate: {
      daily: "seasonal_daily",
      week: "weekly",
      seasonal: "lighting",
      occupancy: LIVING_OCCUPANCY,
      darkness: 0.75,
    },
    rest: "off",
    active: "on",
    duration: { medianMs: 25 * MINUTE, sigma: 1 },
    values: BRIGHTNESS,
  },
  lamp: {
    kind: "pulse",
    perDay: 4,
    rate: {
      daily: "seasonal_daily",
      week: "weekly",
      seasonal: "lighting",
      occupancy: LIVING_OCCUPANCY,
      darkness: 0.85,
    },
    rest: "off",
    active: "on",
    duration: { medianMs: 45 * MINUTE, sigma: 0.9 },
    values: BRIGHTNESS,
  },
  led_strip: {
    kind: "pulse",
    perDay: 1.5,
    rate: {
      daily: "seasonal_daily",
      week: "weekend_peak",
      seasonal: "lighting",
      occupancy: LIVING_OCCUPANCY,
      darkness: 0.9,
    },
    rest: "off",
    active: "on",
    duration: { medianMs: 60 * MINUTE, sigma: 0.8 },
    values: BRIGHTNESS,
  },
  outdoor_light: {
    kind: "pulse",
    perDay: 6,
    rate: {
      daily: "seasonal_daily",
      week: "weekly",
      seasonal: "lighting",
      occupancy: { home: 1, asleep: 0.25, away: 0.3 },
      darkness: 0.95,
    },
    rest: "off",
    active: "on",
    duration: { medianMs: 8 * MINUTE, sigma: 1 },
    values: BRIGHTNESS,
  },
  smart_plug: {
    kind: "pulse",
    perDay: 3.5,
    rate: { daily: "daily", week: "weekly", seasonal: null, occupancy: { home: 1, asleep: 0.1, away: 0.05 } },
    rest: "off",
    active: "on",
    duration: { medianMs: 50 * MINUTE, sigma: 1.2 },
  },
  wall_switch: {
    kind: "pulse",
    perDay: 4,
    rate: {
      daily: "daily",
      week: "weekly",
      seasonal: "lighting",
      occupancy: LIVING_OCCUPANCY,
      darkness: 0.5,
    },
    rest: "off",
    active: "on",
    duration: { medianMs: 30 * MINUTE, sigma: 1 },
  },
  coffee_maker: {
    kind: "pulse",
    perDay: 5,
    rate: {
      daily: "daily",
      hourWeights: hours(0.15, { 6: 2.5, 7: 3, 8: 2.5, 9: 1.5, 14: 1.2, 15: 1 }),
      week: "weekend_peak",
      seasonal: null,
      occupancy: { home: 1, asleep: 0, away: 0 },
    },
    rest: "off",
    active: "on",
    duration: { medianMs: 12 * MINUTE, sigma: 0.4 },
  },
  exhaust_fan: {
    kind: "pulse",
    perDay: 6,
    rate: {
      daily: "daily",
      hourWeights: hours(0.3, { 6: 1.5, 7: 2.5, 8: 1.5, 20: 1.2, 21: 1.8, 22: 1.2 }),
      week: "weekly",
      seasonal: null,
      occupancy: { home: 1, asleep: 0.02, away: 0 },
    },
    rest: "off",
    active: "on",
    duration: { medianMs: 15 * MINUTE, sigma: 0.6 },
  },
  ceiling_fan: {
    kind: "pulse",
    perDay: 6,
    rate: {
      daily: "daily",
      week: "weekly",
      seasonal: "cooling",
      occupancy: { home: 1, asleep: 0.15, away: 0 },
      weather: { demand: "cooling", weight: 0.85 },
    },
    rest: "off",
    active: "on",
    duration: { medianMs: 90 * MINUTE, sigma: 0.8 },
  },
  motion_sensor: {
    kind: "pulse",
    // people walking through (walkThrough.ts) add about 20–40 onsets a day per sensor on
    // top; this is the unstructured rest of a room's movement (90/day before version 4)
    perDay: 12,
    rate: {
      daily: "daily",
      week: "weekly",
      seasonal: null,
      occupancy: { home: 1, asleep: 0.04, away: 0.01 },
    },
    rest: "off",
    active: "on",
    duration: { medianMs: 90 * SECOND, sigma: 0.5 },
  },
  outdoor_motion: {
    kind: "pulse",
    perDay: 24,
    rate: { daily: "daily", week: "weekly", seasonal: null, occupancy: { home: 1, asleep: 0.3, away: 0.3 } },
    rest: "off",
    active: "on",
    duration: { medianMs: 60 * SECOND, sigma: 0.5 },
  },
  occupancy_sensor: {
    kind: "pulse",
    perDay: 16,
    rate: {
      daily: "daily",
      week: "weekly",
      seasonal: null,
      occupancy: { home: 1, asleep: 0.1, away: 0.005 },
    },
    rest: "off",
    active: "on",
    duration: { medianMs: 25 * MINUTE, sigma: 0.9 },
  },
  presence_sensor: {
    kind: "pulse",
    perDay: 12,
    rate: {
      daily: "daily",
      week: "weekly",
      seasonal: null,
      occupancy: { home: 1, asleep: 0.05, away: 0.003 },
    },
    rest: "off",
    active: "on",
    duration: { medianMs: 40 * MINUTE, sigma: 1 },
  },
  door_sensor: {
    kind: "pulse",
    // door walks (walkThrough.ts) add about 10–20 openings a day over a home's doors (22/day before version 4)
    perDay: 14,
    rate: {
      daily: "daily",
      week: "weekly",
      seasonal: null,
      occupancy: { home: 1, asleep: 0.02, away: 0.01 },
    },
    rest: "closed",
    active: "open",
    duration: { medianMs: 40 * SECOND, sigma: 0.8 },
  },
  window_sensor: {
    kind: "pulse",
    perDay: 3,
    rate: {
      daily: "daily",
      week: "weekly",
      seasonal: "cooling",
      occupancy: { home: 1, asleep: 0.2, away: 0.02 },
      sunlight: 0.5,
      weather: { demand: "cooling", weight: 0.5 },
    },
    rest: "closed",
    active: "open",
    duration: { medianMs: 45 * MINUTE, sigma: 1 },
  },
  leak_sensor: {
    kind: "pulse",
    perDay: 0.01,
    rate: FLAT,
    rest: "off",
    active: "on",
    duration: { medianMs: 30 * MINUTE, sigma: 1 },
  },
  smoke_detector: {
    kind: "pulse",
    perDay: 0.005,
    rate: FLAT,
    rest: "off",
    active: "on",
    duration: { medianMs: 3 * MINUTE, sigma: 0.7 },
  },
  thermostat: {
    kind: "pulse",
    perDay: 20,
    rate: {
      daily: "daily",
      week: "weekly",
      seasonal: null,
      occupancy: { home: 1, asleep: 0.5, away: 0.25 },
      weather: { demand: "heat_cool", weight: 1 },
    },
    rest: "off",
    active: "heat",
    activeByWeather: { heat: "heat", cool: "cool" },
    restAliases: ["idle"],
    duration: { medianMs: 40 * MINUTE, sigma: 0.6 },
    values: { heat: { min: 19, max: 22.5, step: 0.5 }, cool: { min: 22, max: 26, step: 0.5 } },
  },
  air_conditioner: {
    kind: "pulse",
    perDay: 14,
    rate: {
      daily: "daily",
      week: "weekly",
      seasonal: null,
      occupancy: { home: 1, asleep: 0.6, away: 0.1 },
      weather: { demand: "cooling", weight: 1 },
    },
    rest: "off",
    active: "cool",
    restAliases: ["idle"],
    duration: { medianMs: 60 * MINUTE, sigma: 0.6 },
    values: { cool: { min: 22, max: 26, step: 0.5 }, heat: { min: 19, max: 22.5, step: 0.5 } },
  },
  smart_lock: {
    kind: "pulse",
    perDay: 7,
    rate: {
      daily: "daily",
      week: "weekly",
      seasonal: null,
      occupancy: { home: 1, asleep: 0.02, away: 0.05 },
    },
    rest: "locked",
    active: "unlocked",
    duration: { medianMs: 4 * MINUTE, sigma: 1.2 },
  },
  indoor_camera: {
    kind: "pulse",
    perDay: 12,
    rate: { daily: "flat", week: "flat", seasonal: null, occupancy: { home: 0.3, asleep: 0.1, away: 1 } },
    rest: "idle",
    active: "recording",
    duration: { medianMs: 2 * MINUTE, sigma: 0.6 },
  },
  outdoor_camera: {
    kind: "pulse",
    perDay: 16,
    rate: { daily: "daily", week: "weekly", seasonal: null, occupancy: { home: 1, asleep: 0.6, away: 0.8 } },
    rest: "idle",
    active: "recording",
    duration: { medianMs: 1 * MINUTE, sigma: 0.6 },
  },
  alarm_panel: {
    kind: "follow_occupancy",
    states: { home: "disarmed", asleep: "armed_night", away: "armed_away" },
    delay: { medianMs: 4 * MINUTE, sigma: 0.6 },
  },
  blind: {
    kind: "pulse",
    perDay: 3,
    rate: {
      daily: "flat",
      hourWeights: hours(0.4, { 6: 1.5, 7: 3, 8: 3, 9: 2 }),
      week: "flat",
      seasonal: null,
      occupancy: { home: 1, asleep: 0, away: 0.1 },
      sunlight: 0.95,
    },
    rest: "closed",
    active: "open",
    duration: { medianMs: 9 * HOUR, sigma: 0.35 },
  },
  garage_door: {
    kind: "pulse",
    perDay: 4,
    rate: { daily: "daily", week: "weekly", seasonal: null, occupancy: { home: 1, asleep: 0.01, away: 0.2 } },
    rest: "closed",
    active: "open",
    duration: { medianMs: 2 * MINUTE, sigma: 0.6 },
  },
  tv: {
    kind: "pulse",
    perDay: 4,
    rate: {
      daily: "daily",
      week: "weekend_peak",
      seasonal: "activity",
      occupancy: { home: 1, asleep: 0.02, away: 0 },
    },
    rest: "off",
    active: "playing",
    interruption: { state: "paused", probability: 0.35, duration: { medianMs: 4 * MINUTE, sigma: 0.8 } },
    duration: { medianMs: 75 * MINUTE, sigma: 0.7 },
  },
  speaker: {
    kind: "pulse",
    perDay: 4,
    rate: {
      daily: "daily",
      week: "weekend_peak",
      seasonal: null,
      occupancy: { home: 1, asleep: 0.02, away: 0 },
    },
    rest: "idle",
    active: "playing",
    interruption: { state: "paused", probability: 0.2, duration: { medianMs: 3 * MINUTE, sigma: 0.8 } },
    duration: { medianMs: 40 * MINUTE, sigma: 0.8 },
  },
  robot_vacuum: {
    kind: "pulse",
    perDay: 1.5,
    rate: {
      daily: "flat",
      hourWeights: hours(0.02, { 9: 1, 10: 1.5, 11: 1.5, 12: 1, 13: 1, 14: 1.5, 15: 1.2, 16: 0.6 }),
      week: "weekly",
      seasonal: null,
      occupancy: { home: 0.25, asleep: 0, away: 1 },
    },
    rest: "docked",
    active: "cleaning",
    tail: { state: "returning", duration: { medianMs: 2 * MINUTE, sigma: 0.4 } },
    duration: { medianMs: 55 * MINUTE, sigma: 0.3 },
  },
  irrigation: {
    kind: "pulse",
    perDay: 3,
    rate: {
      daily: "flat",
      hourWeights: hours(0.01, { 5: 1.5, 6: 1.5, 20: 1, 21: 0.8 }),
      week: "flat",
      seasonal: "cooling",
      occupancy: ALWAYS,
      weather: { demand: "cooling", weight: 0.9 },
    },
    rest: "off",
    active: "on",
    duration: { medianMs: 20 * MINUTE, sigma: 0.3 },
  },
  temperature_sensor: {
    kind: "numeric",
    model: "indoor_temperature",
    perHour: 3,
    rate: FLAT,
    resolution: 0.1,
    noiseSd: 0.25,
    noisePersistence: 0.9,
    high: 24.5,
    low: 18.5,
    params: { setpointC: 21, dailySwingC: 0.8, warmCoupling: 0.35, coldCoupling: 0.08, setbackC: 1.2 },
  },
  outdoor_temperature: {
    kind: "numeric",
    model: "outdoor_temperature",
    perHour: 3,
    rate: FLAT,
    resolution: 0.1,
    noiseSd: 0.3,
    noisePersistence: 0.8,
    high: 28,
    low: 2,
    params: {},
  },
  humidity_sensor: {
    kind: "numeric",
    model: "humidity",
    perHour: 3,
    rate: FLAT,
    resolution: 1,
    noiseSd: 1.5,
    noisePersistence: 0.8,
    high: 70,
    low: 30,
    params: { baseRh: 45, seasonalSwingRh: 7 },
    bumps: {
      bathroom: [
        { hour: 7.3, amplitude: 34, widthHours: 0.6 },
        { hour: 21.5, amplitude: 28, widthHours: 0.6 },
      ],
      kitchen: [{ hour: 19, amplitude: 10, widthHours: 1 }],
      laundry: [{ hour: 10, amplitude: 14, widthHours: 1.5 }],
    },
  },
  illuminance_sensor: {
    kind: "numeric",
    model: "illuminance",
    perHour: 6,
    rate: { ...FLAT, sunlight: 0.85 },
    resolution: 1,
    noiseSd: 12,
    noisePersistence: 0.5,
    high: 400,
    low: 40,
    params: { maxLux: 700 },
  },
  power_meter: {
    kind: "numeric",
    model: "power",
    perHour: 10,
    rate: { daily: "daily", week: "flat", seasonal: null, occupancy: { home: 1, asleep: 0.3, away: 0.2 } },
    resolution: 1,
    noiseSd: 30,
    noisePersistence: 0.3,
    high: 1500,
    low: 50,
    params: { standbyW: 70, activeW: 450 },
  },
  energy_meter: {
    kind: "numeric",
    model: "energy",
    perHour: 2,
    rate: FLAT,
    resolution: 0.001,
    noiseSd: 0,
    noisePersistence: 0,
    high: Number.POSITIVE_INFINITY,
    low: Number.NEGATIVE_INFINITY,
    params: { standbyW: 250, activeW: 900, startKwhMin: 300, startKwhMax: 9000 },
  },
};

/** Fallback behaviour per domain, for templates without their own entry. */
export const DOMAIN_BEHAVIOUR: Readonly<Record<Domain, EventBehaviour>> = {
  light: TEMPLATE_BEHAVIOUR.ceiling_light,
  switch: TEMPLATE_BEHAVIOUR.smart_plug,
  sensor: TEMPLATE_BEHAVIOUR.temperature_sensor,
  binary_sensor: TEMPLATE_BEHAVIOUR.motion_sensor,
  climate: TEMPLATE_BEHAVIOUR.thermostat,
  lock: TEMPLATE_BEHAVIOUR.smart_lock,
  cover: TEMPLATE_BEHAVIOUR.blind,
  media_player: TEMPLATE_BEHAVIOUR.speaker,
  vacuum: TEMPLATE_BEHAVIOUR.robot_vacuum,
  fan: TEMPLATE_BEHAVIOUR.exhaust_fan,
  camera: TEMPLATE_BEHAVIOUR.indoor_camera,
  alarm_control_panel: TEMPLATE_BEHAVIOUR.alarm_panel,
};

/** The behaviour of a device: its template's, else its domain's. */
export function behaviourFor(device: { template: string; domain: Domain }): EventBehaviour {
  return TEMPLATE_BEHAVIOUR[device.template] ?? DOMAIN_BEHAVIOUR[device.domain];
}

/** Every state string the catalog can emit, in a fixed order: the base of the state dictionary. */
export function catalogStates(): string[] {
  const states = new Set<string>();
  const add = (s: string) => states.add(s);
  for (const b of Object.values(TEMPLATE_BEHAVIOUR)) {
    if (b.kind === "pulse") {
      add(b.rest);
      add(b.active);
      if (b.activeByWeather) {
        add(b.activeByWeather.heat);
        add(b.activeByWeather.cool);
      }
      for (const s of b.restAliases ?? []) add(s);
      if (b.interruption) add(b.interruption.state);
      if (b.tail) add(b.tail.state);
    } else if (b.kind === "follow_occupancy") {
      add(b.states.home);
      add(b.states.asleep);
      add(b.states.away);
    }
  }
  return [...states];
}
