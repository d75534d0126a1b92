import { Rng } from "../core/random.js";
import type { ClimateZone } from "./catalog/locations.js";
import type { Home } from "./homes.js";
import type { HourGrid } from "./localTime.js";
import { seasonalAmplitude, winterness } from "./rhythms.js";

/**
 * The hourly outdoor-temperature driver of a home: a climate-zone annual mean, a seasonal
 * swing that follows local winter (hemisphere-aware via `winterness`, lagging the solstice
 * by about four weeks as real temperatures do), a daily cycle peaking mid-afternoon local
 * time, and a seeded day-to-day weather anomaly (AR(1), interpolated across the day).
 */

export interface ZoneWeather {
  /** Annual mean outdoor temperature, °C. */
  meanC: number;
  /** Half the summer–winter difference of daily means at |latitude| ≥ 55°, °C. */
  seasonalSwingC: number;
  /** Half the day–night difference, °C. */
  dailySwingC: number;
  /** Sd of the day-to-day weather anomaly, °C. */
  anomalySdC: number;
}

export const ZONE_WEATHER: Record<ClimateZone, ZoneWeather> = {
  tropical: { meanC: 27, seasonalSwingC: 6, dailySwingC: 3.5, anomalySdC: 1 },
  arid: { meanC: 23, seasonalSwingC: 16, dailySwingC: 7, anomalySdC: 2 },
  mediterranean: { meanC: 16.5, seasonalSwingC: 11, dailySwingC: 5, anomalySdC: 2 },
  subtropical: { meanC: 18.5, seasonalSwingC: 12, dailySwingC: 4.5, anomalySdC: 2.5 },
  oceanic: { meanC: 11, seasonalSwingC: 8, dailySwingC: 4, anomalySdC: 2.5 },
  continental: { meanC: 9.5, seasonalSwingC: 13, dailySwingC: 5, anomalySdC: 3.5 },
  subarctic: { meanC: 3, seasonalSwingC: 14, dailySwingC: 4, anomalySdC: 4 },
};

/** Local hour of the daily maximum. */
export const WARMEST_HOUR = 15;
/** Days the temperature cycle lags the solstice. */
export const SEASONAL_LAG_DAYS = 28;
/** Day-to-day persistence of the weather anomaly. */
export const ANOMALY_PERSISTENCE = 0.8;

/** Expected outdoor temperature (no anomaly) at a local hour and day of year. */
export function climateNormalC(
  zone: ClimateZone,
  latitude: number,
  dayOfYear: number,
  localHourOfDay: number,
): number {
  const w = ZONE_WEATHER[zone];
  const season = winterness(dayOfYear - SEASONAL_LAG_DAYS, latitude) * seasonalAmplitude(latitude);
  const day = Math.cos((2 * Math.PI * (localHourOfDay - WARMEST_HOUR)) / 24);
  return w.meanC - w.seasonalSwingC * season + w.dailySwingC * day;
}

/** Hourly outdoor temperature (°C) over a home's hour grid, seeded per home. */
export function buildWeather(home: Home, grid: HourGrid, seed: number): Float32Array {
  const rng = Rng.derive(seed, home.index, "weather");
  const zone = ZONE_WEATHER[home.climateZone];
  const days = grid.hours > 0 ? grid.dayIndex[grid.hours - 1] + 2 : 0;
  // daily anomalies (one extra so the last day can interpolate forward)
  const anomaly = new Float64Array(days);
  const keep = Math.sqrt(1 - ANOMALY_PERSISTENCE * ANOMALY_PERSISTENCE);
  let a = rng.normal(0, zone.anomalySdC);
  for (let d = 0; d < days; d++) {
    anomaly[d] = a;
    a = ANOMALY_PERSISTENCE * a + keep * rng.normal(0, zone.anomalySdC);
  }
  const out = new Float32Array(grid.hours);
  for (let h = 0; h < grid.hours; h++) {
    const hourOfDay = grid.localHour[h] + 0.5;
    const d = grid.dayIndex[h];
    const f = hourOfDay / 24;
    const anomalyC = (1 - f) * anomaly[d] + f * anomaly[d + 1];
    out[h] = climateNormalC(home.climateZone, home.latitude, grid.dayOfYear[h], hourOfDay) + anomalyC;
  }
  return out;
}
