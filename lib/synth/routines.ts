import { Rng } from "../core/random.js";
import type { ConfounderActions, ConfounderStep } from "./confounderTypes.js";
import type { HomeWorld } from "./eventRates.js";
import { logNormalFromUniform, logNormalTable } from "./fastDraws.js";
import type { Device, GeneratedHome } from "./homes.js";
import { HOME } from "./occupancy.js";

/**
 * Household routines: the same few devices switched within minutes of each other at about
 * the same local time on the days someone is home and awake — the evening (living-room
 * lights, then the TV), the morning kitchen (light, coffee maker, radio), bedtime (lights
 * off room by room, the bedroom light on). They co-activate devices with no link between
 * them: the person is the common cause.
 */

export type RoutineName = "morning" | "evening" | "bedtime";

export interface Routine {
  name: RoutineName;
  /** Local hour the routine starts in (it starts uniformly inside that hour). */
  localHour: number;
  /** Chance the routine happens on a day the household is home and awake at that hour. */
  probability: number;
  /** Devices in the order the routine switches them. */
  steps: ConfounderStep[];
}

/** Median gap between two steps of a routine (log-normal, sd of log ROUTINE_GAP_SIGMA). */
export const ROUTINE_GAP_MS = 20_000;
const ROUTINE_GAP_SIGMA = 0.9;
/** A step is skipped on a given day with this chance (the lamp stays off tonight). */
const STEP_SKIP = 0.15;
const HOUR_MS = 3_600_000;

const LIGHT_TEMPLATES = new Set(["ceiling_light", "lamp", "led_strip"]);

function inArea(generated: GeneratedHome, kind: string): Set<string> {
  return new Set(generated.areas.filter((a) => a.kind === kind).map((a) => a.areaId));
}

function devicesWhere(generated: GeneratedHome, areas: Set<string>, match: (d: Device) => boolean): number[] {
  return generated.devices.flatMap((d, i) => (areas.has(d.areaId) && match(d) ? [i] : []));
}

function shuffled<T>(items: T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * A home's routines, from its devices: only routines with at least two devices exist. The
 * order of the evening and morning steps is drawn per home (households differ) and then
 * kept; bedtime always ends in the bedroom. A pure function of (home, seed).
 */
export function planRoutines(generated: GeneratedHome, seed: number): Routine[] {
  const rng = Rng.derive(seed, generated.home.index, "routines");
  const living = inArea(generated, "living_room");
  const kitchen = inArea(generated, "kitchen");
  const bedroom = new Set([...inArea(generated, "bedroom")].slice(0, 1));
  const passages = new Set([...inArea(generated, "hallway"), ...inArea(generated, "entrance")]);
  const isLight = (d: Device) => LIGHT_TEMPLATES.has(d.template);
  const step = (state: string) => (device: number) => ({ device, state });

  // evening: the living-room lights on in a household order, the TV, and where a lamp stays
  // on, the ceiling light off once the programme starts
  const livingLights = devicesWhere(generated, living, isLight);
  const tv = devicesWhere(generated, living, (d) => d.template === "tv");
  const ceiling = livingLights.filter((i) => generated.devices[i].template === "ceiling_light").slice(0, 1);
  const evening = [
    ...shuffled([...livingLights.map(step("on")), ...tv.map(step("playing"))], rng),
    ...(tv.length > 0 && livingLights.length > ceiling.length ? ceiling.map(step("off")) : []),
  ];
  // morning: someone walks into the kitchen, then light, coffee and radio in a household order
  const morning = [
    ...devicesWhere(generated, kitchen, (d) => d.deviceClass === "motion").map(step("on")),
    ...shuffled(
      [
        ...devicesWhere(generated, kitchen, isLight).map(step("on")),
        ...devicesWhere(generated, kitchen, (d) => d.template === "coffee_maker").map(step("on")),
        ...devicesWhere(generated, kitchen, (d) => d.template === "speaker").map(step("playing")),
      ],
      rng,
    ),
  ];
  const bedtime = [
    ...devicesWhere(generated, living, (d) => d.template === "tv").map(step("off")),
    ...devicesWhere(generated, living, isLight).map(step("off")),
    ...devicesWhere(generated, kitchen, isLight).map(step("off")),
    ...devicesWhere(generated, passages, (d) => d.deviceClass === "motion").map(step("on")),
    ...devicesWhere(generated, bedroom, isLight).slice(0, 1).map(step("on")),
    // a programme in bed, then the light goes off
    ...devicesWhere(generated, bedroom, (d) => d.template === "tv").map(step("playing")),
    ...devicesWhere(generated, bedroom, isLight).slice(0, 1).map(step("off")),
  ];
  const routines: Routine[] = [];
  const add = (name: RoutineName, steps: ConfounderStep[], hours: [number, number]) => {
    const localHour = rng.int(hours[0], hours[1]);
    const probability = rng.uniform(0.5, 0.9);
    if (steps.length >= 2) routines.push({ name, localHour, probability, steps });
  };
  add("morning", morning, [6, 8]);
  add("evening", evening, [18, 20]);
  add("bedtime", bedtime, [22, 23]);
  return routines;
}

/**
 * Plays the routines out over the home's hour grid: at each grid hour in a routine's local
 * hour when the household is HOME (someone home and awake), the routine happens with its
 * probability, starting uniformly inside the hour; steps follow each other after
 * log-normal gaps, each skipped with a small chance.
 */
export function scheduleRoutines(
  world: HomeWorld,
  routines: readonly Routine[],
  seed: number,
  out: ConfounderActions,
): void {
  if (routines.length === 0) return;
  const rng = Rng.derive(seed, world.home.index, "routine_days");
  const { localHour, utcMs, hours } = world.grid;
  const state = world.occupancy.state;
  const gapTable = logNormalTable(ROUTINE_GAP_SIGMA);
  const codes = routines.map((r) => r.steps.map((s) => out.stateIndex(s.state)));
  for (let h = 0; h < hours; h++) {
    for (let r = 0; r < routines.length; r++) {
      const routine = routines[r];
      if (localHour[h] !== routine.localHour || state[h] !== HOME) continue;
      if (rng.next() >= routine.probability) continue;
      let t = utcMs[h] + Math.floor(rng.next() * HOUR_MS);
      routine.steps.forEach((s, k) => {
        if (rng.next() >= STEP_SKIP) out.push(s.device, t, codes[r][k]);
        t += Math.max(1000, Math.floor(ROUTINE_GAP_MS * logNormalFromUniform(gapTable, rng.next())));
      });
    }
  }
}
