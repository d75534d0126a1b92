// the subpath, not the package root: the root pulls in all of date-fns (≈ 300 modules, ≈ 0.2 s
// of import time in every process and worker thread)
import { fromZonedTime } from "date-fns-tz/fromZonedTime";

/** Wall-clock fields of an instant in a time zone. */
export interface LocalClock {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
  /** 0–23 */
  hour: number;
  minute: number;
  /** Fractional hour of the day, 0 ≤ h < 24. */
  hourOfDay: number;
  /** 0 = Sunday … 6 = Saturday */
  dayOfWeek: number;
  /** 1–366 */
  dayOfYear: number;
}

const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Offset of the zone from UTC at an instant, in ms (DST included), read from Intl.
 * Not date-fns-tz's getTimezoneOffset: it treats its argument as a local wall time and is
 * an hour off near DST changes (date-fns-tz issues #182, #227).
 */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs));
  const field = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(
    field("year"),
    field("month") - 1,
    field("day"),
    field("hour"),
    field("minute"),
    field("second"),
  );
  return wall - Math.floor(utcMs / 1000) * 1000;
}

export function localClock(utcMs: number, timeZone: string): LocalClock {
  return clockFromShiftedMs(utcMs + zoneOffsetMs(utcMs, timeZone));
}

/** Clock fields of a "local ms" value (UTC ms shifted by the zone offset). */
export function clockFromShiftedMs(localMs: number): LocalClock {
  const d = new Date(localMs);
  const year = d.getUTCFullYear();
  const startOfYear = Date.UTC(year, 0, 1);
  const hour = d.getUTCHours();
  const minute = d.getUTCMinutes();
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour,
    minute,
    hourOfDay: hour + minute / 60 + d.getUTCSeconds() / 3600,
    dayOfWeek: d.getUTCDay(),
    dayOfYear: Math.floor((Date.UTC(year, d.getUTCMonth(), d.getUTCDate()) - startOfYear) / DAY_MS) + 1,
  };
}

/** UTC ms of local midnight starting the local date `isoDate` (YYYY-MM-DD) in the zone. */
export function localMidnightUtc(isoDate: string, timeZone: string): number {
  return fromZonedTime(`${isoDate}T00:00:00`, timeZone).getTime();
}

export function addDaysIso(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The UTC start of every local clock hour of a local date. A DST day has 23 or 25 entries:
 * the spring-forward day skips 02:00, the fall-back day repeats 01:00.
 */
export function localDayHours(isoDate: string, timeZone: string): number[] {
  const start = localMidnightUtc(isoDate, timeZone);
  const end = localMidnightUtc(addDaysIso(isoDate, 1), timeZone);
  const hours: number[] = [];
  for (let t = start; t < end; t += HOUR_MS) hours.push(t);
  return hours;
}

/**
 * An hour grid over a home's horizon: for each UTC hour from local midnight of `startDate`
 * to local midnight `days` later, its local hour, weekday, day of year and day index.
 * Generators evaluate patterns on this grid instead of converting every event's time.
 */
export interface HourGrid {
  timeZone: string;
  startUtcMs: number;
  hours: number;
  utcMs: Float64Array;
  localHour: Uint8Array;
  dayOfWeek: Uint8Array;
  dayOfYear: Uint16Array;
  month: Uint8Array;
  /** Local day index from the start date (0-based). */
  dayIndex: Uint16Array;
}

export function buildHourGrid(startDate: string, days: number, timeZone: string): HourGrid {
  const startUtcMs = localMidnightUtc(startDate, timeZone);
  const endUtcMs = localMidnightUtc(addDaysIso(startDate, days), timeZone);
  const hours = Math.round((endUtcMs - startUtcMs) / HOUR_MS);
  const grid: HourGrid = {
    timeZone,
    startUtcMs,
    hours,
    utcMs: new Float64Array(hours),
    localHour: new Uint8Array(hours),
    dayOfWeek: new Uint8Array(hours),
    dayOfYear: new Uint16Array(hours),
    month: new Uint8Array(hours),
    dayIndex: new Uint16Array(hours),
  };
  const startDayNumber = Math.floor(Date.parse(`${startDate}T00:00:00Z`) / DAY_MS);
  // Zone offsets change at most once a day (DST): when the offset 24 h ahead is the same,
  // the next 24 hours share it and need no look-up.
  let offset = zoneOffsetMs(startUtcMs, timeZone);
  let sameUntil = -1;
  for (let i = 0; i < hours; i++) {
    const t = startUtcMs + i * HOUR_MS;
    if (i > sameUntil) {
      offset = zoneOffsetMs(t, timeZone);
      if (zoneOffsetMs(t + DAY_MS, timeZone) === offset) sameUntil = i + 23;
    }
    const local = t + offset;
    const clock = clockFromShiftedMs(local);
    grid.utcMs[i] = t;
    grid.localHour[i] = clock.hour;
    grid.dayOfWeek[i] = clock.dayOfWeek;
    grid.dayOfYear[i] = clock.dayOfYear;
    grid.month[i] = clock.month;
    grid.dayIndex[i] = Math.floor(local / DAY_MS) - startDayNumber;
  }
  return grid;
}
