import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildHourGrid, localClock, localDayHours } from "../../lib/synth/localTime.js";
import { daily, rhythmAt, seasonal, weekendPeak, weekly } from "../../lib/synth/rhythms.js";

test("daily maxima fall in the morning and evening windows of local time", () => {
  const values = Array.from({ length: 24 * 60 }, (_, m) => daily(m / 60));
  const maxima: number[] = [];
  for (let m = 0; m < values.length; m++) {
    const prev = values[(m - 1 + values.length) % values.length];
    const next = values[(m + 1) % values.length];
    if (values[m] > prev && values[m] >= next) maxima.push(m / 60);
  }
  const morning = maxima.filter((h) => h >= 6 && h <= 10);
  const evening = maxima.filter((h) => h >= 17 && h <= 22);
  assert.ok(morning.length === 1 && evening.length === 1, `maxima at ${maxima}`);
  const global = values.indexOf(Math.max(...values)) / 60;
  assert.ok((global >= 6 && global <= 10) || (global >= 17 && global <= 22), `global max at ${global}`);
  assert.ok(daily(3) < 0.3 * daily(evening[0]), "nights are quiet");
});

test("the daily pattern follows the home's local clock, not UTC", () => {
  const utc = Date.UTC(2025, 5, 10, 17, 30); // 19:30 in Berlin (CEST), 03:30 in Sydney
  const berlin = rhythmAt("daily", utc, { timezone: "Europe/Berlin", latitude: 52.5 });
  const sydney = rhythmAt("daily", utc, { timezone: "Australia/Sydney", latitude: -33.9 });
  assert.ok(Math.abs(berlin - daily(19.5)) < 1e-12);
  assert.ok(Math.abs(sydney - daily(3.5)) < 1e-12);
});

test("weekend_peak is higher on Saturday and Sunday than on every weekday", () => {
  const weekend = [weekendPeak(0), weekendPeak(6)];
  const weekdays = [1, 2, 3, 4, 5].map(weekendPeak);
  assert.ok(Math.min(...weekend) > Math.max(...weekdays));
  assert.ok(weekly(6) > weekly(2));
});

test("lighting peaks in local winter: December–January in Berlin, June–July in Sydney", () => {
  const peakMonth = (timezone: string, latitude: number) => {
    let best = { month: 0, value: -1 };
    for (let day = 0; day < 365; day += 1) {
      const utc = Date.UTC(2025, 0, 1, 12) + day * 86_400_000;
      const value = rhythmAt("seasonal", utc, { timezone, latitude }, "lighting");
      if (value > best.value) best = { month: localClock(utc, timezone).month, value };
    }
    return best.month;
  };
  assert.ok([12, 1].includes(peakMonth("Europe/Berlin", 52.5)));
  assert.ok([6, 7].includes(peakMonth("Australia/Sydney", -33.9)));
  assert.ok(
    seasonal(15, 52.5, "cooling") < seasonal(196, 52.5, "cooling"),
    "cooling peaks in northern summer",
  );
  assert.ok(
    seasonal(15, -33.9, "cooling") > seasonal(196, -33.9, "cooling"),
    "cooling peaks in southern summer",
  );
  const tropics = seasonal(355, 1.35, "lighting") / seasonal(172, 1.35, "lighting");
  const north = seasonal(355, 60, "lighting") / seasonal(172, 60, "lighting");
  assert.ok(tropics < north, "the seasonal swing is smaller near the equator");
});

test("DST days in America/New_York have 23 and 25 local hours and patterns follow the clock", () => {
  const tz = "America/New_York";
  const spring = localDayHours("2025-03-09", tz);
  const fall = localDayHours("2025-11-02", tz);
  assert.is(spring.length, 23);
  assert.is(fall.length, 25);
  assert.is(localDayHours("2025-06-01", tz).length, 24);
  const springHours = spring.map((t) => localClock(t, tz).hour);
  assert.equal(springHours.slice(0, 4), [0, 1, 3, 4], "02:00 does not exist");
  const fallHours = fall.map((t) => localClock(t, tz).hour);
  assert.equal(fallHours.slice(0, 4), [0, 1, 1, 2], "01:00 happens twice");
  for (const t of [...spring, ...fall]) {
    assert.ok(
      Math.abs(rhythmAt("daily", t, { timezone: tz, latitude: 40.7 }) - daily(localClock(t, tz).hourOfDay)) <
        1e-12,
    );
  }
  // the evening peak stays at local 19:30 across the change, so it moves in UTC
  const peakUtcHour = (date: string) => {
    const hours = localDayHours(date, tz);
    const values = hours.map((t) => rhythmAt("daily", t + 1_800_000, { timezone: tz, latitude: 40.7 }));
    return new Date(hours[values.indexOf(Math.max(...values))]).getUTCHours();
  };
  assert.is(peakUtcHour("2025-03-08"), 0); // 19:00 EST = 00:00 UTC
  assert.is(peakUtcHour("2025-03-10"), 23); // 19:00 EDT = 23:00 UTC
});

test("an hour grid over a DST change has one entry per real hour", () => {
  const grid = buildHourGrid("2025-03-08", 3, "America/New_York");
  assert.is(grid.hours, 24 + 23 + 24);
  assert.equal(Array.from(grid.dayIndex.slice(24, 28)), [1, 1, 1, 1]);
  assert.equal(Array.from(grid.localHour.slice(24, 28)), [0, 1, 3, 4]);
  assert.is(grid.dayIndex[grid.hours - 1], 2);
});

test.run();
