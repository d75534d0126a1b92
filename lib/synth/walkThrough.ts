import { AleaStream } from "../core/aleaStream.js";
import { filterPacked, indicesWhere, mapPacked } from "../core/packedArrays.js";
import { Rng } from "../core/random.js";
import { areaAdjacency } from "./areaAdjacency.js";
import type { ConfounderActions } from "./confounderTypes.js";
import type { HomeWorld } from "./eventRates.js";
import { logNormalFromUniform, logNormalTable } from "./fastDraws.js";
import type { GeneratedHome } from "./homes.js";
import { ASLEEP, AWAY, HOME } from "./occupancy.js";

/**
 * Walk-throughs: a person moving through adjacent areas (hallway → kitchen → living room)
 * sets off the motion / occupancy / presence sensors of each area on entry and, when the
 * room is dark, switches a light on a few seconds later (now and then a wall switch or
 * plug too). Walks through a door open it first (arrivals, stepping out to the patio or
 * the garage). So sensors and lights of adjacent areas fire seconds to a minute apart, in
 * walking order, without any automation between them.
 */

export interface WalkRoute {
  /** Area indices (into generated.areas), in walking order, each adjacent to the next. */
  areas: number[];
  /** Per area: the sensors set off on entry (device indices). */
  sensors: number[][];
  /** Per area: the lights one of which is switched on when dark (device indices, first = usual). */
  lights: number[][];
  /** Per area: a wall switch or plug switched on now and then (device index), or -1. */
  outlet: number[];
  /** A door route: this door sensor (device index) opens just before the walk; -1 for inside routes. */
  door: number;
  /** Inside routes are walked either way; door routes only from the door. */
  reversible: boolean;
  /** Relative frequency among the home's routes of its kind. */
  weight: number;
}

/** Inside walks per awake-at-home hour at the daily rhythm's mean. */
export const WALKS_PER_HOUR = 6;
/** Night walks (bathroom, water) relative to awake hours. */
const ASLEEP_FACTOR = 0.05;
/** Median time from entering one area to entering the next, ms (log-normal). */
export const WALK_DWELL_MS = 8_000;
const WALK_DWELL_SIGMA = 0.6;
/** Chance an arrival (the household goes from away to home) walks in through the entrance door. */
const ARRIVAL_WALK = 0.85;
/** Door walks per awake-at-home hour (post, the dog, the bins, the garden), over all doors. */
export const DOOR_WALKS_PER_HOUR = 1.5;
/** Chance a dark area's light is switched on when someone walks in (and it is off). */
const LIGHT_ON_WHEN_DARK = 0.8;
const LIGHT_ON_WHEN_BRIGHT = 0.2;
/** The usual light of an area is the one switched, other than this share of walks. */
const OTHER_LIGHT = 0.3;
/** Chance a walk into an area switches its wall switch or plug on (a fan, a lamp on a plug). */
const OUTLET_ON = 0.25;
/** Areas without daylight to speak of: lights go on whatever the sun does. */
const WINDOWLESS = new Set(["hallway", "stairs", "bathroom", "basement", "laundry", "garage", "attic"]);
const SENSOR_CLASSES = new Set(["motion", "occupancy", "presence"]);
const MAX_INSIDE_ROUTES = 8;
const HOUR_MS = 3_600_000;

/**
 * A home's walking routes: one seeded path along area adjacency from each area with a
 * sensor or light (2–4 indoor areas, no area twice, preferring equipped areas; at most
 * MAX_INSIDE_ROUTES), and one door route from each door sensor (the door's area and 1–2
 * areas beyond, outdoor ones included). A pure function of (home, seed).
 */
export function planWalkRoutes(generated: GeneratedHome, seed: number): WalkRoute[] {
  const rng = Rng.derive(seed, generated.home.index, "walk_routes");
  const { areas, devices } = generated;
  const neighbours = areaAdjacency(generated);
  const inArea = (k: number, match: (i: number) => boolean) =>
    indicesWhere(devices.length, (i) => devices[i].areaId === areas[k].areaId && match(i));
  const sensors = mapPacked(areas, (_, k) =>
    inArea(k, (i) => devices[i].domain === "binary_sensor" && SENSOR_CLASSES.has(devices[i].deviceClass)),
  );
  const lights = mapPacked(areas, (_, k) => inArea(k, (i) => devices[i].domain === "light"));
  const outlet = mapPacked(
    areas,
    (_, k) =>
      inArea(k, (i) => devices[i].template === "wall_switch" || devices[i].template === "smart_plug")[0] ??
      -1,
  );
  const equipped = mapPacked(areas, (_, k) => sensors[k].length > 0 || lights[k].length > 0);
  const walkFrom = (start: number, length: number, outdoors: boolean): number[] => {
    const path = [start];
    while (path.length < length) {
      const last = path[path.length - 1];
      const options = filterPacked(
        neighbours[last],
        (j) => (outdoors || areas[j].indoor) && !path.includes(j),
      );
      if (options.length === 0) break;
      path.push(options[rng.weightedIndex(mapPacked(options, (j) => (equipped[j] ? 3 : 1)))]);
    }
    return path;
  };
  const route = (path: number[], door: number): WalkRoute => ({
    areas: path,
    sensors: mapPacked(path, (k) => sensors[k]),
    lights: mapPacked(path, (k) => lights[k]),
    outlet: mapPacked(path, (k) => outlet[k]),
    door,
    reversible: door < 0,
    weight: rng.logNormal(1, 0.5),
  });

  const routes: WalkRoute[] = [];
  const starts = indicesWhere(areas.length, (k) => areas[k].indoor && equipped[k]);
  for (const start of starts.slice(0, MAX_INSIDE_ROUTES)) {
    const path = walkFrom(start, rng.int(2, 4), false);
    if (path.length >= 2) routes.push(route(path, -1));
  }
  devices.forEach((d, i) => {
    if (d.domain !== "binary_sensor" || d.deviceClass !== "door") return;
    const k = areas.findIndex((a) => a.areaId === d.areaId);
    routes.push(route(walkFrom(k, rng.int(2, 3), true), i));
  });
  return routes;
}

/**
 * Plays walks out over the home's hour grid. Inside routes: a Poisson number per hour with
 * mean WALKS_PER_HOUR × the daily rhythm (× ASLEEP_FACTOR at night, none when away), each
 * walked either way. Door routes: DOOR_WALKS_PER_HOUR × the daily rhythm while home and
 * awake, plus an entrance walk in most hours where the household comes home.
 */
export function scheduleWalks(
  world: HomeWorld,
  generated: GeneratedHome,
  routes: readonly WalkRoute[],
  seed: number,
  out: ConfounderActions,
): void {
  if (routes.length === 0) return;
  // AleaStream: Rng's "walks" stream draw for draw, with draws the JIT inlines (a walk makes
  // a dozen, and Rng's closure boxed each one: over a quarter of the event core's allocation)
  const rng = AleaStream.derive(seed, world.home.index, "walks");
  const inside = filterPacked(routes, (r) => r.door < 0);
  const doors = filterPacked(routes, (r) => r.door >= 0);
  const insideWeights = mapPacked(inside, (r) => r.weight);
  const doorWeights = mapPacked(doors, (r) => r.weight);
  const entrance = doors.find((r) => generated.areas[r.areas[0]].kind === "entrance");
  const daily = world.factors.daily();
  const state = world.occupancy.state;
  const { utcMs, hours } = world.grid;
  const windowless = mapPacked(generated.areas, (a) => WINDOWLESS.has(a.kind));
  const darkness = world.sun.darkness;
  const openCode = out.stateIndex("open");
  const onCode = out.stateIndex("on");
  const dwellTable = logNormalTable(WALK_DWELL_SIGMA);
  const lightTable = logNormalTable(0.5);
  const outletTable = logNormalTable(0.6);
  const push = (device: number, time: number, code: number) => out.push(device, time, code);

  const walk = (r: WalkRoute, h: number) => {
    let t = utcMs[h] + Math.floor(rng.next() * HOUR_MS);
    if (r.door >= 0) {
      push(r.door, t, openCode);
      t += 2000 + Math.floor(rng.next() * 3000);
    }
    const lightChance = darkness[h] >= 0.5 ? LIGHT_ON_WHEN_DARK : LIGHT_ON_WHEN_BRIGHT;
    const backwards = r.reversible && rng.next() < 0.5;
    const n = r.areas.length;
    for (let step = 0; step < n; step++) {
      const k = backwards ? n - 1 - step : step;
      for (const s of r.sensors[k]) push(s, t + Math.floor(rng.next() * 1500), onCode);
      const lights = r.lights[k];
      if (lights.length > 0 && rng.next() < (windowless[r.areas[k]] ? LIGHT_ON_WHEN_DARK : lightChance)) {
        const light = lights.length > 1 && rng.next() < OTHER_LIGHT ? rng.pick(lights) : lights[0];
        push(light, t + 1000 + Math.floor(2500 * logNormalFromUniform(lightTable, rng.next())), onCode);
      }
      if (r.outlet[k] >= 0 && rng.next() < OUTLET_ON)
        push(
          r.outlet[k],
          t + 1000 + Math.floor(4000 * logNormalFromUniform(outletTable, rng.next())),
          onCode,
        );
      t += Math.max(2000, Math.floor(WALK_DWELL_MS * logNormalFromUniform(dwellTable, rng.next())));
    }
  };

  for (let h = 0; h < hours; h++) {
    const s = state[h];
    if (entrance && h > 0 && s === HOME && state[h - 1] === AWAY && rng.next() < ARRIVAL_WALK)
      walk(entrance, h);
    if (s === AWAY) continue;
    if (s === HOME && doors.length > 0)
      for (let c = rng.poisson(DOOR_WALKS_PER_HOUR * daily[h]); c > 0; c--)
        walk(doors[rng.weightedIndex(doorWeights)], h);
    if (inside.length === 0) continue;
    const mean = WALKS_PER_HOUR * daily[h] * (s === ASLEEP ? ASLEEP_FACTOR : 1);
    for (let c = rng.poisson(mean); c > 0; c--) walk(inside[rng.weightedIndex(insideWeights)], h);
  }
}
