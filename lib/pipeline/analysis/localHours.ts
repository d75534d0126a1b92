import { DAY_MS, zoneOffsetMs } from "../../synth/localTime.js";

const HOUR_MS = 3_600_000;

/**
 * The local hour (0–23) of each of `count` UTC instants, written to `out`. Offsets change at
 * most once a day, so a UTC day whose start and the next day's start share an offset has that
 * offset throughout; offsets at day starts are remembered per zone (see dayStartOffset), and
 * only a day with a change reads its later offset and the switch instant.
 */
export function localHours(time: Float64Array, count: number, timeZone: string, out: Uint8Array): void {
  // Changes come ~20 an hour, so most instants fall in the same local hour as the one before:
  // [lo, hi) is a range of instants around the last one computed that surely get its hour
  // (1 ms inside every boundary, far from rounding; only where the offset holds all along).
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let hour = 0;
  if (timeZone === "UTC") {
    for (let c = 0; c < count; c++) {
      const t = time[c];
      if (t >= lo && t < hi) {
        out[c] = hour;
        continue;
      }
      const k = Math.floor(t / HOUR_MS);
      hour = out[c] = ((k % 24) + 24) % 24;
      if (Math.abs(t) < MAX_RANGED_MS) {
        lo = k * HOUR_MS + 1;
        hi = (k + 1) * HOUR_MS - 1;
      }
    }
    return;
  }
  let day = Number.NaN;
  let dayOffset = 0;
  let laterOffset = 0;
  /** First UTC second of the day on the later offset; Infinity on a day without a change. */
  let switchSecond = Number.POSITIVE_INFINITY;
  for (let c = 0; c < count; c++) {
    const t = time[c];
    if (t >= lo && t < hi) {
      out[c] = hour;
      continue;
    }
    const d = Math.floor(t / DAY_MS);
    if (d !== day) {
      day = d;
      dayOffset = dayStartOffset(d, timeZone);
      if (dayStartOffset(d + 1, timeZone) === dayOffset) {
        laterOffset = dayOffset;
        switchSecond = Number.POSITIVE_INFINITY;
      } else {
        laterOffset = zoneOffsetMs((d + 1) * DAY_MS - 1, timeZone);
        switchSecond =
          laterOffset === dayOffset ? Number.POSITIVE_INFINITY : firstSecondOnOffset(d, dayOffset, timeZone);
      }
    }
    const offset = Math.floor(t / 1000) >= switchSecond ? laterOffset : dayOffset;
    const k = Math.floor((t + offset) / HOUR_MS);
    hour = out[c] = ((k % 24) + 24) % 24;
    if (switchSecond === Number.POSITIVE_INFINITY && Math.abs(t) < MAX_RANGED_MS) {
      lo = Math.max(d * DAY_MS, k * HOUR_MS - offset) + 1;
      hi = Math.min((d + 1) * DAY_MS, (k + 1) * HOUR_MS - offset) - 1;
    } else {
      lo = Number.POSITIVE_INFINITY;
      hi = Number.NEGATIVE_INFINITY;
    }
  }
}

/** Instants within ±2^45 ms (±1100 years) of 1970: divisions by an hour or a day are exact to far below 1 ms. */
const MAX_RANGED_MS = 2 ** 45;

/** Zone → UTC day → offset at the day's first instant (Intl is slow; homes share zones and days). */
const dayStarts = new Map<string, Map<number, number>>();
/** Bound on remembered days per zone (about 270 years), so the memo cannot grow without limit. */
const MAX_REMEMBERED_DAYS = 100_000;

function dayStartOffset(d: number, timeZone: string): number {
  let days = dayStarts.get(timeZone);
  if (!days) {
    days = new Map();
    dayStarts.set(timeZone, days);
  }
  let offset = days.get(d);
  if (offset === undefined) {
    offset = zoneOffsetMs(d * DAY_MS, timeZone);
    if (days.size >= MAX_REMEMBERED_DAYS) days.clear();
    days.set(d, offset);
  }
  return offset;
}

/**
 * The first UTC second of day `d` whose offset differs from `dayOffset` (the day's one
 * change), by bisection: zoneOffsetMs depends only on the UTC second, so per-instant
 * lookups on a DST day become one comparison.
 */
function firstSecondOnOffset(d: number, dayOffset: number, timeZone: string): number {
  let lo = (d * DAY_MS) / 1000; // on dayOffset
  let hi = ((d + 1) * DAY_MS) / 1000 - 1; // on the later offset
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zoneOffsetMs(mid * 1000, timeZone) === dayOffset) lo = mid;
    else hi = mid;
  }
  return hi;
}
