/**
 * Event activity on each home's own clock, counted in one pass over the events table:
 * events by domain × local hour, by domain × local weekday, and by local calendar month ×
 * hemisphere (with the home-hours each month holds, so months of unequal length compare).
 */
import type { ColumnTable } from "../../core/columnTable.js";
import { addDaysIso, buildHourGrid, clockFromShiftedMs, zoneOffsetMs } from "../../core/localTime.js";

const HOUR_MS = 3_600_000;

export const HEMISPHERES = ["northern", "southern"] as const;

export interface LocalActivity {
  /** Domains seen in events, sorted; the row order of byHour and byWeekday. */
  domains: string[];
  /** domains × 24: events per local clock hour (0–23). */
  byHour: Float64Array;
  /** domains × 7: events per local weekday, 0 = Sunday … 6 = Saturday. */
  byWeekday: Float64Array;
  /** Local calendar months of the horizon, "YYYY-MM", in order. */
  months: string[];
  /** months × 2 (HEMISPHERES): events per local month. */
  byMonthHemisphere: Float64Array;
  /** months × 2: hours of home time in each month (homes × their local hours). */
  homeHoursByMonthHemisphere: Float64Array;
  events: number;
  /** Events of homes missing from the homes table: not counted anywhere else. */
  unknownHome: number;
  /** Events outside the horizon's local days: counted by hour and weekday, not by month. */
  outsideHorizon: number;
}

interface HomeClock {
  timeZone: string;
  startUtcMs: number;
  hours: number;
  localHour: Uint8Array;
  dayOfWeek: Uint8Array;
  /** Index into LocalActivity.months for each grid hour. */
  monthSlot: Uint16Array;
  hemisphere: number;
}

/** The horizon's local months: those of the local dates start … start + days − 1. */
export function horizonMonths(start: string, days: number): { months: string[]; monthOfDay: Uint16Array } {
  const months: string[] = [];
  const monthOfDay = new Uint16Array(days);
  for (let d = 0; d < days; d++) {
    const key = addDaysIso(start, d).slice(0, 7);
    if (months[months.length - 1] !== key) months.push(key);
    monthOfDay[d] = months.length - 1;
  }
  return { months, monthOfDay };
}

/**
 * Aggregates `events` chunks (home_id, entity_id, time in UTC ms). The domain is the part
 * of entity_id before the dot (the Home Assistant convention the table contract states).
 * Each home's times map to its local clock through an hour grid of its time zone, so the
 * per-event cost is an array look-up, not a time-zone conversion.
 */
export async function aggregateLocalActivity(
  homes: ColumnTable,
  events: AsyncIterable<ColumnTable>,
  horizon: { start: string; days: number },
): Promise<LocalActivity> {
  const { months, monthOfDay } = horizonMonths(horizon.start, horizon.days);
  const homeHours = new Float64Array(months.length * 2);
  const clocks = new Map<string, HomeClock>();
  const ids = homes.columns.home_id as string[];
  const zones = homes.columns.timezone as string[];
  const latitude = homes.columns.latitude as Float64Array;
  for (let h = 0; h < homes.rows; h++) {
    const grid = buildHourGrid(horizon.start, horizon.days, zones[h]);
    const hemisphere = latitude[h] < 0 ? 1 : 0;
    const monthSlot = new Uint16Array(grid.hours);
    for (let i = 0; i < grid.hours; i++) {
      monthSlot[i] = monthOfDay[grid.dayIndex[i]];
      homeHours[monthSlot[i] * 2 + hemisphere]++;
    }
    clocks.set(ids[h], {
      timeZone: zones[h],
      startUtcMs: grid.startUtcMs,
      hours: grid.hours,
      localHour: grid.localHour,
      dayOfWeek: grid.dayOfWeek,
      monthSlot,
      hemisphere,
    });
  }

  const domainIndex = new Map<string, number>();
  const domainOf = new Map<string, number>();
  const hourCounts: number[][] = [];
  const weekdayCounts: number[][] = [];
  const byMonth = new Float64Array(months.length * 2);
  let total = 0;
  let unknownHome = 0;
  let outsideHorizon = 0;

  for await (const chunk of events) {
    const home = chunk.columns.home_id as string[];
    const entity = chunk.columns.entity_id as string[];
    const time = chunk.columns.time as Float64Array;
    let lastHome: string | null = null;
    let clock: HomeClock | undefined;
    for (let i = 0; i < chunk.rows; i++) {
      total++;
      if (home[i] !== lastHome) {
        lastHome = home[i];
        clock = clocks.get(home[i]!);
      }
      if (!clock) {
        unknownHome++;
        continue;
      }
      const id = entity[i]!;
      let d = domainOf.get(id);
      if (d === undefined) {
        const dot = id.indexOf(".");
        const domain = dot > 0 ? id.slice(0, dot) : id;
        d = domainIndex.get(domain);
        if (d === undefined) {
          d = domainIndex.size;
          domainIndex.set(domain, d);
          hourCounts.push(new Array(24).fill(0));
          weekdayCounts.push(new Array(7).fill(0));
        }
        domainOf.set(id, d);
      }
      const slot = Math.floor((time[i] - clock.startUtcMs) / HOUR_MS);
      if (slot >= 0 && slot < clock.hours) {
        hourCounts[d][clock.localHour[slot]]++;
        weekdayCounts[d][clock.dayOfWeek[slot]]++;
        byMonth[clock.monthSlot[slot] * 2 + clock.hemisphere]++;
      } else {
        const local = clockFromShiftedMs(time[i] + zoneOffsetMs(time[i], clock.timeZone));
        hourCounts[d][local.hour]++;
        weekdayCounts[d][local.dayOfWeek]++;
        outsideHorizon++;
      }
    }
  }

  const domains = [...domainIndex.keys()].sort();
  const byHour = new Float64Array(domains.length * 24);
  const byWeekday = new Float64Array(domains.length * 7);
  domains.forEach((domain, row) => {
    const d = domainIndex.get(domain)!;
    byHour.set(hourCounts[d], row * 24);
    byWeekday.set(weekdayCounts[d], row * 7);
  });
  return {
    domains,
    byHour,
    byWeekday,
    months,
    byMonthHemisphere: byMonth,
    homeHoursByMonthHemisphere: homeHours,
    events: total,
    unknownHome,
    outsideHorizon,
  };
}
