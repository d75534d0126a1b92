import type { HourGrid } from "./localTime.js";

/**
 * The sun, from latitude, longitude and day of year: solar elevation, sunrise and sunset,
 * and per grid hour how dark it is. Accurate to a few minutes (a declination formula and
 * the usual equation-of-time approximation), which is plenty for lighting behaviour.
 * Works on UTC instants and longitude, so no time-zone conversion is needed; DST and zone
 * offsets only matter when a caller wants local clock times (`sunTimesLocal`).
 */

const DEG = Math.PI / 180;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Sun elevation below which a room needs artificial light (indoors it gets dark before sunset). */
export const DARK_ELEVATION_DEG = 3;

/** Solar declination (radians) on a day of year (1–366). */
export function solarDeclination(dayOfYear: number): number {
  return -23.44 * DEG * Math.cos(((2 * Math.PI) / 365) * (dayOfYear + 10));
}

/** Equation of time in minutes: apparent solar time minus mean solar time. */
export function equationOfTimeMinutes(dayOfYear: number): number {
  const b = ((2 * Math.PI) / 364) * (dayOfYear - 81);
  return 9.87 * Math.sin(2 * b) - 7.53 * Math.cos(b) - 1.5 * Math.sin(b);
}

function dayOfYearUtc(utcMs: number): number {
  const d = new Date(utcMs);
  return Math.floor((utcMs - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
}

/** Sun elevation in degrees at a UTC instant and place. */
export function solarElevationDeg(utcMs: number, latitude: number, longitude: number): number {
  return elevationOnDay(utcMs, dayOfYearUtc(utcMs), latitude, longitude);
}

function elevationOnDay(utcMs: number, dayOfYear: number, latitude: number, longitude: number): number {
  const utcHours = (((utcMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  const solarHours = utcHours + longitude / 15 + equationOfTimeMinutes(dayOfYear) / 60;
  const hourAngle = (solarHours - 12) * 15 * DEG;
  const decl = solarDeclination(dayOfYear);
  const lat = latitude * DEG;
  const sinEl = Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(hourAngle);
  return Math.asin(Math.max(-1, Math.min(1, sinEl))) / DEG;
}

export interface SunTimes {
  /** Hours of the day the sun is above the elevation threshold (0 in polar night, 24 in midnight sun). */
  dayLengthHours: number;
  /** Sunrise and sunset as local clock hours (may be NaN in polar night / midnight sun). */
  sunriseHour: number;
  sunsetHour: number;
}

/**
 * Sunrise and sunset for a day of year at a place, as local clock hours for a zone whose
 * offset from UTC that day is `utcOffsetHours`. `elevationDeg` is the threshold
 * (−0.833° = the standard sunrise; DARK_ELEVATION_DEG = when rooms get dark).
 */
export function sunTimesLocal(
  dayOfYear: number,
  latitude: number,
  longitude: number,
  utcOffsetHours: number,
  elevationDeg = -0.833,
): SunTimes {
  const decl = solarDeclination(dayOfYear);
  const lat = latitude * DEG;
  const cosH =
    (Math.sin(elevationDeg * DEG) - Math.sin(lat) * Math.sin(decl)) / (Math.cos(lat) * Math.cos(decl));
  if (cosH >= 1) return { dayLengthHours: 0, sunriseHour: Number.NaN, sunsetHour: Number.NaN };
  if (cosH <= -1) return { dayLengthHours: 24, sunriseHour: Number.NaN, sunsetHour: Number.NaN };
  const halfDay = Math.acos(cosH) / DEG / 15;
  const solarNoonUtc = 12 - longitude / 15 - equationOfTimeMinutes(dayOfYear) / 60;
  const noon = solarNoonUtc + utcOffsetHours;
  return {
    dayLengthHours: 2 * halfDay,
    sunriseHour: (((noon - halfDay) % 24) + 24) % 24,
    sunsetHour: (((noon + halfDay) % 24) + 24) % 24,
  };
}

/** Per grid hour: the share of the hour that is dark, and mean daylight (sine of elevation, ≥ 0). */
export interface SunTrack {
  darkness: Float32Array;
  daylight: Float32Array;
}

/**
 * Darkness and daylight on every hour of a grid. Per hour: the overlap of the hour with
 * the daylight interval (sun above DARK_ELEVATION_DEG) around the nearest solar noon, and
 * sin(elevation) at the hour's middle. Solar terms are computed once per UTC day.
 */
export function buildSunTrack(grid: HourGrid, latitude: number, longitude: number): SunTrack {
  const darkness = new Float32Array(grid.hours);
  const daylight = new Float32Array(grid.hours);
  const sinDark = Math.sin(DARK_ELEVATION_DEG * DEG);
  const lat = latitude * DEG;
  let dayNumber = Number.NaN;
  let noonOffsetMs = 0;
  let halfLightMs = 0;
  let a = 0;
  let b = 0;
  for (let h = 0; h < grid.hours; h++) {
    const t0 = grid.utcMs[h];
    const mid = t0 + HOUR_MS / 2;
    const day = Math.floor(mid / DAY_MS);
    if (day !== dayNumber) {
      dayNumber = day;
      const doy = dayOfYearUtc(day * DAY_MS);
      const decl = solarDeclination(doy);
      noonOffsetMs = (12 - longitude / 15 - equationOfTimeMinutes(doy) / 60) * HOUR_MS;
      a = Math.sin(lat) * Math.sin(decl);
      b = Math.cos(lat) * Math.cos(decl);
      const cosH = (sinDark - a) / b;
      halfLightMs = cosH >= 1 ? 0 : cosH <= -1 ? DAY_MS / 2 : (Math.acos(cosH) / (2 * Math.PI)) * DAY_MS;
    }
    const noon = Math.round((mid - noonOffsetMs) / DAY_MS) * DAY_MS + noonOffsetMs;
    const lightFrom = Math.max(t0, noon - halfLightMs);
    const lightTo = Math.min(t0 + HOUR_MS, noon + halfLightMs);
    darkness[h] = 1 - Math.max(0, lightTo - lightFrom) / HOUR_MS;
    const sinEl = a + b * Math.cos((2 * Math.PI * (mid - noon)) / DAY_MS);
    daylight[h] = sinEl > 0 ? sinEl : 0;
  }
  return { darkness, daylight };
}
