import type { SynergyHomeData } from "../../../lib/models/synergy/synergyHome.js";

/**
 * A home small enough to count by hand (Europe/Berlin, January: local = UTC + 1 h). Areas:
 * hallway and kitchen (ground floor, adjacent), bedroom (first floor), garden (outdoor, no
 * neighbour here). Candidate pairs (catalog): hallway motion → hallway light (motion_light)
 * and bedroom temperature → bedroom fan (temperature_fan, a numeric "high" trigger).
 *
 * Day 0, local time (all inside a 3-day cut):
 *   motion on  08:00:00  light on +2 s     (followed within 5 / 30 / 120 s)
 *   motion on  09:00:00  light on +20 s    (within 30 / 120 s)
 *   motion on  10:00:00  light on +100 s   (within 120 s)
 *   motion on  11:00:00  no light
 *   light on   12:00:00, motion on 12:00:10 (the reverse direction)
 *   temperature 21, 25 (onset), 25.5, 24, 24.6 (onset), 23 at 13:00 … 18:00;
 *   fan on 60 s after the 14:00 onset, a duplicated "on" 1 s later (no new onset)
 * Day 4 (after the cut): motion on 08:00:00, light on +1 s.
 * Every "on" is followed by an "off" later.
 */
export const START = Date.parse("2025-01-05T23:00:00Z");
const H = 3_600_000;
const S = 1000;
const at = (day: number, hour: number, seconds = 0) => START + day * 24 * H + hour * H + seconds * S;

export const MOTION = "binary_sensor.hallway_motion";
export const HALL_LIGHT = "light.hallway_ceiling";
export const KITCHEN_LIGHT = "light.kitchen_ceiling";
export const TEMPERATURE = "sensor.bedroom_temperature";
export const FAN = "fan.bedroom_ceiling_fan";
export const LAMP = "light.bedroom_lamp";
export const GARDEN_LIGHT = "light.garden_light";

type Row = [entity: string, time: number, state: string, value: number];

function rows(): Row[] {
  const r: Row[] = [];
  const motion = (day: number, hour: number, s = 0) => {
    r.push([MOTION, at(day, hour, s), "on", Number.NaN], [MOTION, at(day, hour, s + 60), "off", Number.NaN]);
  };
  const light = (day: number, hour: number, s: number) => {
    r.push([HALL_LIGHT, at(day, hour, s), "on", 80], [HALL_LIGHT, at(day, hour, s + 600), "off", Number.NaN]);
  };
  motion(0, 8);
  light(0, 8, 2);
  motion(0, 9);
  light(0, 9, 20);
  motion(0, 10);
  light(0, 10, 100);
  motion(0, 11);
  light(0, 12, 0);
  motion(0, 12, 10);
  [21, 25, 25.5, 24, 24.6, 23].forEach((v, k) => {
    r.push([TEMPERATURE, at(0, 13 + k), v.toFixed(1), v]);
  });
  r.push([FAN, at(0, 14, 60), "on", Number.NaN], [FAN, at(0, 14, 61), "on", Number.NaN]);
  r.push([FAN, at(0, 15, 0), "off", Number.NaN]);
  motion(4, 8);
  light(4, 8, 1);
  return r;
}

/** The home with its events in the given row order (default: grouped by device, as written above). */
export function handHome(order: (rows: Row[]) => Row[] = (x) => x): SynergyHomeData {
  const events = order(rows());
  return {
    homeId: "home_hand",
    homeType: "apartment",
    timezone: "Europe/Berlin",
    startUtcMs: START,
    days: 5,
    areas: [
      { areaId: "hallway", kind: "hallway", floor: 0, indoor: true },
      { areaId: "kitchen", kind: "kitchen", floor: 0, indoor: true },
      { areaId: "bedroom", kind: "bedroom", floor: 1, indoor: true },
      { areaId: "garden", kind: "garden", floor: 0, indoor: false },
    ],
    devices: [
      device(MOTION, "binary_sensor", "motion", "hallway", "battery", "motion_sensor"),
      device(HALL_LIGHT, "light", "", "hallway", "mains", "ceiling_light"),
      device(KITCHEN_LIGHT, "light", "", "kitchen", "mains", "ceiling_light"),
      device(TEMPERATURE, "sensor", "temperature", "bedroom", "battery", "temperature_sensor"),
      device(FAN, "fan", "", "bedroom", "mains", "ceiling_fan"),
      device(LAMP, "light", "", "bedroom", "mains", "lamp"),
      device(GARDEN_LIGHT, "light", "", "garden", "mains", "outdoor_light"),
    ],
    events: {
      entityId: events.map((e) => e[0]),
      time: Float64Array.from(events, (e) => e[1]),
      state: events.map((e) => e[2]),
      value: Float64Array.from(events, (e) => e[3]),
    },
  };
}

function device(
  entityId: string,
  domain: string,
  deviceClass: string,
  areaId: string,
  powerSource: string,
  template: string,
) {
  return { entityId, domain, deviceClass, areaId, powerSource, template };
}
