import { DAY_MS, zoneOffsetMs } from "../../synth/localTime.js";

const HOUR_MS = 3_600_000;

/**
 * The local hour (0–23) of each of `count` UTC instants, written to `out`. Offsets change at
 * most once a day, so each UTC day's offset is read once (and per instant only a comparison
 * on a day with a DST change). Instants in any order; runs of one day are the fast case.
 */
export function localHours(time: Float64Array, count: number, timeZone: string, out: Uint8Array): void {
  if (timeZone === "UTC") {
    for (let c = 0; c < count; c++) out[c] = (((Math.floor(time[c] / HOUR_MS) % 24) + 24) % 24) as number;
    return;
  }
  let day = Number.NaN;
  let dayOffset = 0;
  let laterOffset = 0;
  /** First UTC second of the day on the later offset; Infinity on a day without a change. */
  let switchSecond = Number.POSITIVE_INFINITY;
  for (let c = 0; c < count; c++) {
    const t = time[c];
    const d = Math.floor(t / DAY_MS);
    if (d !== day) {
      day = d;
      dayOffset = zoneOffsetMs(d * DAY_MS, timeZone);
      laterOffset = zoneOffsetMs((d + 1) * DAY_MS - 1, timeZone);
      switchSecond =
        laterOffset === dayOffset ? Number.POSITIVE_INFINITY : firstSecondOnOffset(d, dayOffset, timeZone);
    }
    const offset = Math.floor(t / 1000) >= switchSecond ? laterOffset : dayOffset;
    out[c] = ((Math.floor((t + offset) / HOUR_MS) % 24) + 24) % 24;
  }
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
