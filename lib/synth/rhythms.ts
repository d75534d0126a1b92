import { type LocalClock, localClock } from "./localTime.js";

/**
 * Rhythms — the generator's temporal patterns: pure functions of local time returning a
 * non-negative activity multiplier around 1. Generators multiply them (base rate × daily ×
 * weekly × seasonal …). ("Pattern" is kept for what lib/pipeline/analysis mines from events.)
 */
export const RHYTHM_KINDS = ["daily", "weekly", "seasonal", "seasonal_daily", "weekend_peak"] as const;
export type RhythmKind = (typeof RHYTHM_KINDS)[number];

/** What a seasonal pattern tracks: lighting and heating peak in local winter, cooling in local summer. */
export type SeasonalKind = "lighting" | "heating" | "cooling" | "activity";

export const MORNING_PEAK_HOUR = 7.5;
export const EVENING_PEAK_HOUR = 19.5;

function bump(hour: number, centre: number, width: number): number {
  // circular distance on the 24 h clock, so a late-evening bump wraps past midnight
  let d = Math.abs(hour - centre) % 24;
  if (d > 12) d = 24 - d;
  return Math.exp(-(d * d) / (2 * width * width));
}

/**
 * Daily profile: quiet nights, a morning peak around 07:30 and a larger evening peak
 * around 19:30 (local clock), with a small midday shoulder.
 */
export function daily(hourOfDay: number, eveningPeakHour = EVENING_PEAK_HOUR): number {
  return (
    0.12 +
    1.1 * bump(hourOfDay, MORNING_PEAK_HOUR, 1.1) +
    1.5 * bump(hourOfDay, eveningPeakHour, 1.7) +
    0.3 * bump(hourOfDay, 13, 2.2)
  );
}

const WEEKLY = [1.08, 0.96, 0.95, 0.95, 0.97, 1.03, 1.12]; // Sun … Sat

/** Weekly profile: a mild lift on Friday and the weekend. */
export function weekly(dayOfWeek: number): number {
  return WEEKLY[dayOfWeek];
}

const WEEKEND_PEAK = [1.35, 0.82, 0.82, 0.82, 0.85, 0.95, 1.45]; // Sun … Sat

/** Weekend peak: Saturday and Sunday clearly above every weekday. */
export function weekendPeak(dayOfWeek: number): number {
  return WEEKEND_PEAK[dayOfWeek];
}

/** Midwinter day of year: 21 December north of the equator, 21 June south of it. */
export function midwinterDayOfYear(latitude: number): number {
  return latitude >= 0 ? 355 : 172;
}

/** +1 at local midwinter, −1 at local midsummer; hemisphere-aware. */
export function winterness(dayOfYear: number, latitude: number): number {
  return Math.cos((2 * Math.PI * (dayOfYear - midwinterDayOfYear(latitude))) / 365.25);
}

/** Seasonal swing grows with distance from the equator (small in the tropics). */
export function seasonalAmplitude(latitude: number): number {
  return Math.min(1, Math.max(0.1, Math.abs(latitude) / 55));
}

export function seasonal(dayOfYear: number, latitude: number, kind: SeasonalKind = "lighting"): number {
  const w = winterness(dayOfYear, latitude) * seasonalAmplitude(latitude);
  switch (kind) {
    case "lighting":
      return 1 + 0.35 * w;
    case "heating":
      return Math.max(0.05, 1 + 0.9 * w);
    case "cooling":
      return Math.max(0.05, 1 - 0.9 * w);
    case "activity":
      return 1 + 0.08 * w;
  }
}

/** Seasonal × daily, with the evening peak an hour earlier at midwinter (earlier dusk). */
export function seasonalDaily(clock: LocalClock, latitude: number, kind: SeasonalKind = "lighting"): number {
  const w = winterness(clock.dayOfYear, latitude) * seasonalAmplitude(latitude);
  return seasonal(clock.dayOfYear, latitude, kind) * daily(clock.hourOfDay, EVENING_PEAK_HOUR - w);
}

/** Evaluates a rhythm on a local clock. */
export function rhythmOnClock(
  kind: RhythmKind,
  clock: LocalClock,
  latitude: number,
  seasonalKind: SeasonalKind = "lighting",
): number {
  switch (kind) {
    case "daily":
      return daily(clock.hourOfDay);
    case "weekly":
      return weekly(clock.dayOfWeek);
    case "seasonal":
      return seasonal(clock.dayOfYear, latitude, seasonalKind);
    case "seasonal_daily":
      return seasonalDaily(clock, latitude, seasonalKind);
    case "weekend_peak":
      return weekendPeak(clock.dayOfWeek);
  }
}

/** Evaluates a rhythm at a UTC instant for a home's zone and latitude. */
export function rhythmAt(
  kind: RhythmKind,
  utcMs: number,
  place: { timezone: string; latitude: number },
  seasonalKind: SeasonalKind = "lighting",
): number {
  return rhythmOnClock(kind, localClock(utcMs, place.timezone), place.latitude, seasonalKind);
}

/** Product of several rhythms at one clock: the usual way generators combine them. */
export function combinedRhythm(
  kinds: readonly RhythmKind[],
  clock: LocalClock,
  latitude: number,
  seasonalKind: SeasonalKind = "lighting",
): number {
  let value = 1;
  for (const kind of kinds) value *= rhythmOnClock(kind, clock, latitude, seasonalKind);
  return value;
}
