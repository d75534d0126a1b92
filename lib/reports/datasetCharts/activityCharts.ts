/** Chart specs for the local-time activity aggregates (localActivity.ts). */
import { addDaysIso } from "../../core/localTime.js";
import type { ChartSpec } from "../vegaSvg.js";
import { HEMISPHERES, type LocalActivity } from "./localActivity.js";

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/** Display order: the week starting on Monday. */
const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

function domainTotal(counts: Float64Array, row: number, width: number): number {
  let s = 0;
  for (let i = 0; i < width; i++) s += counts[row * width + i];
  return s;
}

/** Each domain's events per local hour as a share of all its events (so domains compare). */
export function hourOfDayRows(
  a: LocalActivity,
): { domain: string; hour: number; events: number; share: number }[] {
  const rows: { domain: string; hour: number; events: number; share: number }[] = [];
  a.domains.forEach((domain, d) => {
    const total = domainTotal(a.byHour, d, 24);
    if (total === 0) return;
    for (let h = 0; h < 24; h++) {
      const events = a.byHour[d * 24 + h];
      rows.push({ domain, hour: h, events, share: round((100 * events) / total) });
    }
  });
  return rows;
}

export function hourOfDaySpec(a: LocalActivity): ChartSpec {
  return {
    width: 620,
    height: 300,
    data: { values: hourOfDayRows(a) },
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
      x: { field: "hour", type: "ordinal", title: "local hour of day", axis: { labelAngle: 0 } },
      y: { field: "share", type: "quantitative", title: "% of the domain's events" },
      color: {
        field: "domain",
        type: "nominal",
        title: "domain",
        scale: { scheme: "tableau20" },
        legend: { labelLimit: 240 },
      },
      tooltip: [{ field: "domain" }, { field: "hour" }, { field: "events" }, { field: "share" }],
    },
  };
}

/** How many local dates of each weekday (0 = Sunday) the horizon holds. */
export function weekdayDays(start: string, days: number): number[] {
  const n = new Array(7).fill(0);
  for (let d = 0; d < days; d++) n[new Date(`${addDaysIso(start, d)}T00:00:00Z`).getUTCDay()]++;
  return n;
}

/**
 * Each domain's events per day on a weekday relative to its average day (1 = average), so
 * a horizon with one Monday more than Sundays does not read as a Monday peak.
 */
export function weekdayRows(
  a: LocalActivity,
  horizon: { start: string; days: number },
): { domain: string; weekday: string; order: number; events: number; index: number }[] {
  const perWeekday = weekdayDays(horizon.start, horizon.days);
  const rows: { domain: string; weekday: string; order: number; events: number; index: number }[] = [];
  a.domains.forEach((domain, d) => {
    const total = domainTotal(a.byWeekday, d, 7);
    if (total === 0) return;
    const perDay = total / horizon.days;
    WEEK_ORDER.forEach((w, order) => {
      if (perWeekday[w] === 0) return;
      const events = a.byWeekday[d * 7 + w];
      rows.push({
        domain,
        weekday: WEEKDAYS[w],
        order,
        events,
        index: round(events / perWeekday[w] / perDay, 3),
      });
    });
  });
  return rows;
}

export function weekdaySpec(a: LocalActivity, horizon: { start: string; days: number }): ChartSpec {
  return {
    width: 340,
    height: { step: 20 },
    data: { values: weekdayRows(a, horizon) },
    mark: { type: "rect" },
    encoding: {
      x: {
        field: "weekday",
        type: "ordinal",
        sort: WEEK_ORDER.map((w) => WEEKDAYS[w]),
        title: "local weekday",
        axis: { labelAngle: 0 },
      },
      y: { field: "domain", type: "nominal", title: "domain" },
      color: {
        field: "index",
        type: "quantitative",
        title: "× average day",
        scale: { scheme: "blueorange", domainMid: 1 },
      },
      tooltip: [{ field: "domain" }, { field: "weekday" }, { field: "events" }, { field: "index" }],
    },
  };
}

/** Events per home per day in each local month, by hemisphere (seasons run opposite). */
export function monthlyRows(
  a: LocalActivity,
): { month: string; hemisphere: string; events: number; homeDays: number; perHomeDay: number }[] {
  const rows: { month: string; hemisphere: string; events: number; homeDays: number; perHomeDay: number }[] =
    [];
  a.months.forEach((month, m) => {
    HEMISPHERES.forEach((hemisphere, h) => {
      const homeDays = a.homeHoursByMonthHemisphere[m * 2 + h] / 24;
      if (homeDays === 0) return;
      const events = a.byMonthHemisphere[m * 2 + h];
      rows.push({
        month,
        hemisphere,
        events,
        homeDays: round(homeDays, 2),
        perHomeDay: round(events / homeDays, 2),
      });
    });
  });
  return rows;
}

export function monthlySpec(a: LocalActivity): ChartSpec {
  return {
    width: { step: 36 },
    height: 260,
    data: { values: monthlyRows(a) },
    mark: { type: "bar" },
    encoding: {
      x: { field: "month", type: "ordinal", title: "local month", axis: { labelAngle: 0 } },
      xOffset: { field: "hemisphere", type: "nominal", sort: [...HEMISPHERES] },
      y: { field: "perHomeDay", type: "quantitative", title: "events per home per day" },
      color: {
        field: "hemisphere",
        type: "nominal",
        sort: [...HEMISPHERES],
        scale: { domain: [...HEMISPHERES], range: ["#4c78a8", "#f58518"] },
      },
      tooltip: [{ field: "month" }, { field: "hemisphere" }, { field: "events" }, { field: "homeDays" }],
    },
  };
}
