import { AleaStream } from "../core/aleaStream.js";
import type { AreaKind } from "./catalog/areas.js";
import {
  AGEING_ACTIVATION_EV,
  AGEING_BASE_SHARE,
  AGEING_DAILY_CAP,
  AGEING_HUMIDITY_SHARE,
  AGEING_REFERENCE_C,
  AGEING_THERMAL_SHARE,
  BOLTZMANN_EV_PER_K,
  CLIMATE_WEATHER,
  COLD_DRAIN_PER_C,
  CONDENSATION_RH_FULL,
  CONDENSATION_RH_ONSET,
  EXPOSURE_CLIMATE,
  type ExposureClass,
  HOT_DRAIN,
  INDOOR_HUMIDITY,
  INDOOR_TEMPERATURE_C,
  INDOOR_WINTER_DROP_C,
  PECK_ACTIVATION_EV,
  PECK_EXPONENT,
  PECK_REFERENCE_RH,
  WEATHER_ANOMALY_SD,
  WEATHER_PERSISTENCE,
} from "./catalog/health.js";
import type { Area, Home } from "./homes.js";
import { DAY_MS } from "./localTime.js";
import { seasonalAmplitude, winterness } from "./rhythms.js";

/*
 * Where a device lives and what that does to it: the home's daily weather, the ambient
 * temperature and humidity of each kind of place (heated room, garage, attic, basement,
 * outdoors), and the stresses that follow — electronics ageing from heat and humidity,
 * condensation, battery drain in the cold. Telemetry reports the ambient; failures.ts turns
 * the stresses into hazards.
 */

/** A home's daily weather over the horizon (one entry per day). */
export interface HomeWeather {
  dayNumber: Int32Array;
  dayOfYear: Uint16Array;
  /** Local winterness × seasonal amplitude: +1 deep winter at high latitude, 0 in the tropics. */
  winter: Float64Array;
  outdoorTemp: Float64Array;
  outdoorHumidity: Float64Array;
  /** Ground temperature, °C: the climate zone's annual mean air temperature. */
  groundTemp: number;
}

/** Days since 1970-01-01 of an ISO date. */
export function isoDayNumber(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);
}

/**
 * The home's daily outdoor weather: climate-zone mean and swing, hemisphere-aware season
 * (winterness), AR(1) anomalies. Stream (seed, home index, "telemetry_weather").
 */
export function homeWeather(home: Home, seed: number, start: string, days: number): HomeWeather {
  const w: HomeWeather = {
    dayNumber: new Int32Array(days),
    dayOfYear: new Uint16Array(days),
    winter: new Float64Array(days),
    outdoorTemp: new Float64Array(days),
    outdoorHumidity: new Float64Array(days),
    groundTemp: CLIMATE_WEATHER[home.climateZone].meanC,
  };
  const first = isoDayNumber(start);
  const climate = CLIMATE_WEATHER[home.climateZone];
  const amplitude = seasonalAmplitude(home.latitude);
  const rng = AleaStream.derive(seed, home.index, "telemetry_weather");
  const innovationSd = WEATHER_ANOMALY_SD * Math.sqrt(1 - WEATHER_PERSISTENCE ** 2);
  let anomaly = rng.normal(0, WEATHER_ANOMALY_SD);
  for (let d = 0; d < days; d++) {
    const dayNumber = first + d;
    const date = new Date(dayNumber * DAY_MS);
    w.dayNumber[d] = dayNumber;
    w.dayOfYear[d] = Math.floor((dayNumber * DAY_MS - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
    const season = winterness(w.dayOfYear[d], home.latitude);
    w.winter[d] = season * amplitude;
    if (d > 0) anomaly = WEATHER_PERSISTENCE * anomaly + rng.normal(0, innovationSd);
    w.outdoorTemp[d] = climate.meanC - climate.swingC * season + anomaly;
    w.outdoorHumidity[d] = clamp(climate.humidity - 1.2 * anomaly + rng.normal(0, 4), 5, 100);
  }
  return w;
}

const SEMI_EXPOSED: Partial<Record<AreaKind, ExposureClass>> = {
  garage: "garage",
  attic: "attic",
  basement: "basement",
};

/** The kind of place an area is, for temperature and humidity. */
export function exposureClassOf(area: Pick<Area, "kind" | "indoor">): ExposureClass {
  if (!area.indoor) return "outdoor";
  return SEMI_EXPOSED[area.kind] ?? "indoor";
}

/** Expected daily-mean air temperature of a place on day d, °C (no noise, no self-heating). */
export function ambientTemperature(exposure: ExposureClass, w: HomeWeather, d: number): number {
  const room = INDOOR_TEMPERATURE_C - INDOOR_WINTER_DROP_C * w.winter[d];
  const c = EXPOSURE_CLIMATE[exposure];
  const outdoor = w.outdoorTemp[d];
  const sun = c.solarGainC * clamp((outdoor - 10) / 15, 0, 1);
  return (
    (1 - c.outdoorCoupling - c.groundCoupling) * room +
    c.outdoorCoupling * outdoor +
    c.groundCoupling * w.groundTemp +
    sun
  );
}

/**
 * Expected daily-mean relative humidity of a place on day d, %, before the device's own
 * offset (wet rooms, see AREA_HUMIDITY): heated rooms are drier in winter and follow the
 * outdoors a little; semi-exposed places follow it by their coupling.
 */
export function ambientHumidity(exposure: ExposureClass, w: HomeWeather, d: number): number {
  const outdoor = w.outdoorHumidity[d];
  const room = INDOOR_HUMIDITY - 6 * w.winter[d] + 0.2 * (outdoor - 60);
  const coupling = EXPOSURE_CLIMATE[exposure].outdoorCoupling;
  return coupling * outdoor + (1 - coupling) * room;
}

/** Battery drain multiplier at a cell temperature, °C (COLD_DRAIN_PER_C, HOT_DRAIN). */
export function drainFactor(temperatureC: number): number {
  const cold = temperatureC < 5 ? 1 + COLD_DRAIN_PER_C * (5 - temperatureC) : 1;
  return temperatureC > 35 ? cold * HOT_DRAIN : cold;
}

const REFERENCE_K = AGEING_REFERENCE_C + 273.15;
const ARRHENIUS_K = AGEING_ACTIVATION_EV / BOLTZMANN_EV_PER_K;
const PECK_K = PECK_ACTIVATION_EV / BOLTZMANN_EV_PER_K;

/** Daily ageing acceleration at a device temperature (°C) and humidity (%), 1 at 25 °C / 50 %. */
export function ageingFactor(temperatureC: number, humidity: number): number {
  const inverseGap = 1 / REFERENCE_K - 1 / (temperatureC + 273.15);
  const arrhenius = Math.exp(ARRHENIUS_K * inverseGap);
  const peck = Math.exp(
    PECK_K * inverseGap + PECK_EXPONENT * Math.log(Math.max(humidity, 1) / PECK_REFERENCE_RH),
  );
  const factor = AGEING_BASE_SHARE + AGEING_THERMAL_SHARE * arrhenius + AGEING_HUMIDITY_SHARE * peck;
  return Math.min(AGEING_DAILY_CAP, factor);
}

/** A day's condensation index, 0–1, from its mean relative humidity. */
export function condensationIndex(humidity: number): number {
  return clamp((humidity - CONDENSATION_RH_ONSET) / (CONDENSATION_RH_FULL - CONDENSATION_RH_ONSET), 0, 1);
}

/** A device's stresses averaged over the horizon. */
export interface DeviceExposure {
  exposure: ExposureClass;
  /** Mean electronics ageing factor (1 at 25 °C, 50 % RH). */
  ageing: number;
  /** Mean condensation index (0 where condensation cannot form, e.g. heated rooms). */
  condensation: number;
  /** Mean battery drain factor at the device's temperature. */
  batteryDrain: number;
}

/**
 * The horizon-mean stresses of a device at a place: device temperature = ambient + its
 * self-heating (half of it for outdoor cases, which the wind cools), humidity = ambient +
 * the room's offset.
 */
export function deviceExposure(
  exposure: ExposureClass,
  w: HomeWeather,
  selfHeatingC: number,
  humidityOffset: number,
): DeviceExposure {
  const days = w.dayNumber.length;
  const heating = exposure === "outdoor" ? 0.5 * selfHeatingC : selfHeatingC;
  const canCondense = EXPOSURE_CLIMATE[exposure].condensation;
  let ageing = 0;
  let condensation = 0;
  let drain = 0;
  for (let d = 0; d < days; d++) {
    const air = ambientTemperature(exposure, w, d);
    const humidity = clamp(ambientHumidity(exposure, w, d) + humidityOffset, 5, 100);
    ageing += ageingFactor(air + heating, humidity);
    if (canCondense) condensation += condensationIndex(humidity);
    drain += drainFactor(air + heating);
  }
  const n = Math.max(1, days);
  return { exposure, ageing: ageing / n, condensation: condensation / n, batteryDrain: drain / n };
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
