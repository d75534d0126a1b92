import { Rng } from "../core/random.js";
import { SCHEDULE_SHARES, SCHEDULES, type Schedule } from "./catalog/homeTypes.js";
import type { Home } from "./homes.js";
import type { HourGrid } from "./localTime.js";

/**
 * Who is home, hour by hour. Each occupant lives one day at a time by a schedule archetype
 * (office 9-to-5, remote, shift, retired) with seeded day-to-day jitter; the household is
 * HOME when anyone is home and awake, ASLEEP when people are home but all asleep, AWAY
 * when nobody is home. Vacation days empty the home. States are sampled at each grid
 * hour's midpoint on the local clock, so DST days simply have 23 or 25 of them.
 */

export const AWAY = 0;
export const HOME = 1;
export const ASLEEP = 2;
export type OccupancyState = typeof AWAY | typeof HOME | typeof ASLEEP;
export const OCCUPANCY_STATE_NAMES = ["away", "home", "asleep"] as const;

export interface OccupancyTrack {
  /** Household state per grid hour: AWAY, HOME or ASLEEP. */
  state: Uint8Array;
  /** Share of the occupants at home (awake or asleep) per grid hour. */
  presentShare: Float32Array;
}

/** Share of a household's other occupants that keep the household's own schedule. */
export const SAME_SCHEDULE_SHARE = 0.6;

/** One occupant's local day: wake and bed hours, and intervals away [from, to) in local hours. */
interface DayPlan {
  wake: number;
  bed: number;
  /** Hours asleep in the daytime (night-shift workers), [from, to); empty when from >= to. */
  daySleepFrom: number;
  daySleepTo: number;
  away: number[];
}

function clampHour(h: number): number {
  return Math.min(23.99, Math.max(0, h));
}

function outing(plan: DayPlan, rng: Rng, probability: number, start: number, length: number): void {
  if (!rng.bernoulli(probability)) {
    return;
  }
  const from = clampHour(rng.normal(start, 1.5));
  const to = clampHour(from + Math.max(0.5, rng.normal(length, length / 2)));
  plan.away.push(from, to);
}

/** A free day (weekend, day off): late wake, maybe an outing or two. */
function freeDay(rng: Rng, wakeMean: number): DayPlan {
  const plan: DayPlan = {
    wake: rng.normal(wakeMean, 0.7),
    bed: clampHour(rng.normal(23.4, 0.5)),
    daySleepFrom: 0,
    daySleepTo: 0,
    away: [],
  };
  outing(plan, rng, 0.6, 11, 3);
  outing(plan, rng, 0.25, 16.5, 2);
  return plan;
}

function planDay(
  schedule: Schedule,
  dayIndex: number,
  dayOfWeek: number,
  rotation: number,
  rng: Rng,
): DayPlan {
  const weekend = dayOfWeek === 0 || dayOfWeek === 6;
  switch (schedule) {
    case "office": {
      if (weekend) return freeDay(rng, 8.3);
      const leave = rng.normal(7.9, 0.4);
      return {
        wake: rng.normal(6.5, 0.35),
        bed: clampHour(rng.normal(23, 0.45)),
        daySleepFrom: 0,
        daySleepTo: 0,
        away: [leave, clampHour(leave + rng.normal(9.8, 0.6))],
      };
    }
    case "remote": {
      if (weekend) return freeDay(rng, 8);
      const plan: DayPlan = {
        wake: rng.normal(7.2, 0.45),
        bed: clampHour(rng.normal(23.2, 0.5)),
        daySleepFrom: 0,
        daySleepTo: 0,
        away: [],
      };
      outing(plan, rng, 0.35, 12.5, 1.5);
      return plan;
    }
    case "shift": {
      // two days off per week on a rotating weekday; shift type rotates weekly
      const workday = (dayIndex + rotation) % 7 < 5;
      if (!workday) return freeDay(rng, 8.5);
      const shiftType = (Math.floor((dayIndex + rotation) / 7) + rotation) % 3;
      if (shiftType === 0) {
        // early shift 06–14
        const leave = rng.normal(5.4, 0.2);
        return {
          wake: rng.normal(4.8, 0.2),
          bed: clampHour(rng.normal(21.8, 0.4)),
          daySleepFrom: 0,
          daySleepTo: 0,
          away: [leave, clampHour(leave + rng.normal(9, 0.3))],
        };
      }
      if (shiftType === 1) {
        // late shift 14–22
        const leave = rng.normal(13.4, 0.2);
        return {
          wake: rng.normal(8.8, 0.5),
          bed: 23.99,
          daySleepFrom: 0,
          daySleepTo: 0,
          away: [leave, clampHour(leave + rng.normal(9, 0.3))],
        };
      }
      // night shift 22–06: home in the morning, asleep until mid-afternoon
      return {
        wake: 0,
        bed: 23.99,
        daySleepFrom: rng.normal(7.6, 0.3),
        daySleepTo: rng.normal(14.8, 0.5),
        away: [0, clampHour(rng.normal(6.7, 0.2)), clampHour(rng.normal(21.6, 0.2)), 23.99],
      };
    }
    case "retired": {
      const plan: DayPlan = {
        wake: rng.normal(6.9, 0.6),
        bed: clampHour(rng.normal(22.4, 0.6)),
        daySleepFrom: 0,
        daySleepTo: 0,
        away: [],
      };
      outing(plan, rng, 0.65, 10.2, 2.5);
      outing(plan, rng, 0.3, 15.2, 1.5);
      return plan;
    }
  }
}

/** 0 away, 1 home awake, 2 asleep at home, for one occupant at a local hour. */
function occupantState(plan: DayPlan, hour: number): OccupancyState {
  for (let i = 0; i < plan.away.length; i += 2)
    if (hour >= plan.away[i] && hour < plan.away[i + 1]) return AWAY;
  if (hour < plan.wake || hour >= plan.bed) return ASLEEP;
  if (hour >= plan.daySleepFrom && hour < plan.daySleepTo) return ASLEEP;
  return HOME;
}

/** The schedule archetype of each occupant: the first keeps the household's, others mostly do. */
export function occupantSchedules(home: Home, seed: number): Schedule[] {
  const rng = Rng.derive(seed, home.index, "occupants");
  const schedules: Schedule[] = [home.schedule];
  const weights = SCHEDULES.map((s) => SCHEDULE_SHARES[s]);
  for (let i = 1; i < home.occupants; i++) {
    schedules.push(
      rng.bernoulli(SAME_SCHEDULE_SHARE) ? home.schedule : SCHEDULES[rng.weightedIndex(weights)],
    );
  }
  return schedules;
}

/** Whether local day `dayIndex` (0-based from the dataset start) falls in one of the home's vacations. */
export function onVacation(home: Home, dayIndex: number): boolean {
  for (const v of home.vacations) if (dayIndex >= v.startDay && dayIndex < v.startDay + v.days) return true;
  return false;
}

/** The household's occupancy on every hour of a grid; a pure function of (home, grid, seed). */
export function buildOccupancy(home: Home, grid: HourGrid, seed: number): OccupancyTrack {
  const schedules = occupantSchedules(home, seed);
  const n = Math.max(1, schedules.length);
  const rngs = schedules.map((_, i) => Rng.derive(seed, home.index, i, "occupancy"));
  const rotations = rngs.map((r) => r.int(0, 6));
  const state = new Uint8Array(grid.hours);
  const presentShare = new Float32Array(grid.hours);
  let plans: DayPlan[] = [];
  let planDayIndex = -1;
  let vacation = false;
  for (let h = 0; h < grid.hours; h++) {
    const d = grid.dayIndex[h];
    if (d !== planDayIndex) {
      planDayIndex = d;
      // plans are drawn every day, vacation or not, so a vacation does not shift later days' draws
      plans = schedules.map((s, i) => planDay(s, d, grid.dayOfWeek[h], rotations[i], rngs[i]));
      vacation = onVacation(home, d);
    }
    if (vacation) continue; // AWAY, nobody present
    const hour = grid.localHour[h] + 0.5;
    let awake = 0;
    let asleep = 0;
    for (const plan of plans) {
      const s = occupantState(plan, hour);
      if (s === HOME) awake++;
      else if (s === ASLEEP) asleep++;
    }
    state[h] = awake > 0 ? HOME : asleep > 0 ? ASLEEP : AWAY;
    presentShare[h] = (awake + asleep) / n;
  }
  return { state, presentShare };
}
