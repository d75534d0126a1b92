import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../../lib/pipeline/generation/homeSpec.js";
import type { Schedule } from "../../lib/synth/catalog/homeTypes.js";
import { generateHome, type Home } from "../../lib/synth/homes.js";
import { buildHourGrid, type HourGrid } from "../../lib/synth/localTime.js";
import { ASLEEP, AWAY, buildOccupancy, HOME, onVacation } from "../../lib/synth/occupancy.js";

const SEED = 5;
const DAYS = 56;
const START = "2025-03-03"; // a Monday; the horizon crosses the European DST change of 30 March
const spec = homeGenerationSpec(
  parseGenerationConfig({ seed: SEED, homes: 400, days: DAYS, timezones: ["Europe/Berlin"] }),
);
const homes = Array.from({ length: 400 }, (_, i) => generateHome(spec, i).home);
const grid = buildHourGrid(START, DAYS, "Europe/Berlin");

/** Share of (non-vacation) hours in a state, by local hour, over homes of one schedule and day kind. */
function shareByHour(schedule: Schedule, weekend: boolean, state: number, singles = true): number[] {
  const hits = new Float64Array(24);
  const totals = new Float64Array(24);
  for (const home of homes) {
    if (home.schedule !== schedule || (singles && home.occupants !== 1)) continue;
    const occ = buildOccupancy(home, grid, SEED);
    for (let h = 0; h < grid.hours; h++) {
      const dow = grid.dayOfWeek[h];
      if ((dow === 0 || dow === 6) !== weekend || onVacation(home, grid.dayIndex[h])) continue;
      totals[grid.localHour[h]]++;
      if (occ.state[h] === state) hits[grid.localHour[h]]++;
    }
  }
  return Array.from(hits, (x, i) => x / totals[i]);
}

function singlesOf(schedule: Schedule): Home[] {
  return homes.filter((h) => h.schedule === schedule && h.occupants === 1);
}

test("office workers living alone are away at weekday midday and mostly home at weekends", () => {
  assert.ok(singlesOf("office").length >= 5, "enough single-occupant office homes");
  const weekdayAway = shareByHour("office", false, AWAY);
  const weekendAway = shareByHour("office", true, AWAY);
  assert.ok(weekdayAway[11] > 0.9, `weekday 11:00 away share ${weekdayAway[11]}`);
  assert.ok(weekendAway[11] < 0.7, `weekend 11:00 away share ${weekendAway[11]}`);
  assert.ok(weekdayAway[20] < 0.1, `weekday 20:00 away share ${weekdayAway[20]}`);
});

test("people are asleep at 03:00 and awake and home in the evening", () => {
  for (const schedule of ["office", "remote", "retired"] as const) {
    const asleep = shareByHour(schedule, false, ASLEEP);
    const home = shareByHour(schedule, false, HOME);
    assert.ok(asleep[3] > 0.95, `${schedule}: asleep at 03:00 ${asleep[3]}`);
    assert.ok(home[20] > 0.8, `${schedule}: home at 20:00 ${home[20]}`);
  }
});

test("retired and remote households are home at weekday midday far more than office ones", () => {
  const office = shareByHour("office", false, HOME)[14];
  const retired = shareByHour("retired", false, HOME)[14];
  const remote = shareByHour("remote", false, HOME)[14];
  assert.ok(
    retired > office + 0.4 && remote > office + 0.4,
    `office ${office}, retired ${retired}, remote ${remote}`,
  );
});

test("shift workers are sometimes away at night, unlike office workers", () => {
  const shift = shareByHour("shift", false, AWAY, false)[2];
  const office = shareByHour("office", false, AWAY, false)[2];
  assert.ok(shift > 0.05 && office < 0.01, `away at 02:00: shift ${shift}, office ${office}`);
});

test("vacation days are away for every hour, and the DST day has 23 hours of states", () => {
  const vacationers = homes.filter((h) => h.vacations.length > 0);
  assert.ok(vacationers.length >= 10, `${vacationers.length} homes with vacations`);
  for (const home of vacationers.slice(0, 20)) {
    const occ = buildOccupancy(home, grid, SEED);
    assert.is(occ.state.length, grid.hours);
    for (let h = 0; h < grid.hours; h++) {
      if (!onVacation(home, grid.dayIndex[h])) continue;
      assert.is(occ.state[h], AWAY);
      assert.is(occ.presentShare[h], 0);
    }
  }
  assert.is(grid.hours, DAYS * 24 - 1, "30 March loses an hour in Berlin");
});

test("occupancy is a pure function of (home, grid, seed)", () => {
  const home = homes[17];
  const a = buildOccupancy(home, grid, SEED);
  buildOccupancy(homes[3], grid, SEED);
  const b = buildOccupancy(home, grid, SEED);
  assert.equal(a.state, b.state);
  assert.equal(a.presentShare, b.presentShare);
  const other = buildOccupancy(home, grid, SEED + 1);
  assert.not.equal(a.state, other.state);
  // a grid for a shorter horizon is a prefix of the longer one
  const short: HourGrid = buildHourGrid(START, 7, "Europe/Berlin");
  assert.equal(buildOccupancy(home, short, SEED).state, a.state.slice(0, short.hours));
});

test.run();
