import { type ConfounderActions, type ConfounderKind, emptyActions } from "./confounderTypes.js";
import type { HomeWorld } from "./eventRates.js";
import type { GeneratedHome } from "./homes.js";
import { planRoutines, type Routine, scheduleRoutines } from "./routines.js";
import { planWalkRoutes, scheduleWalks, type WalkRoute } from "./walkThrough.js";

/**
 * Co-activation without a causal link, the confounders that make unlinked pairs look
 * linked to a lag count: household routines and walk-throughs. The plan is a pure function
 * of (home, seed), so synergy planting (which records the truth) and event generation
 * (which plays it out) compute the same plan without handing it over.
 */

export type { ConfounderActions, ConfounderKind, ConfounderStep } from "./confounderTypes.js";

export interface ConfounderPlan {
  routines: Routine[];
  routes: WalkRoute[];
}

export function planConfounders(generated: GeneratedHome, seed: number): ConfounderPlan {
  return { routines: planRoutines(generated, seed), routes: planWalkRoutes(generated, seed) };
}

/** Every action the plan takes over the home's horizon (unsorted; devices by index). */
export function scheduleConfounders(
  world: HomeWorld,
  generated: GeneratedHome,
  plan: ConfounderPlan,
  seed: number,
): ConfounderActions {
  const out = emptyActions();
  scheduleRoutines(world, plan.routines, seed, out);
  scheduleWalks(world, generated, plan.routes, seed, out);
  return out;
}

/**
 * Which mechanism, if any, switches the trigger into `triggerState` and afterwards the
 * action into `actionState` in one sequence: a routine with the trigger's step before the
 * action's, or a walk route with the trigger (a sensor on entry, or the route's door) and the
 * action (a light, wall switch or plug) on it, the trigger no later than the action unless
 * the route is walked both ways. Routines are checked first.
 */
export function confounderOf(
  plan: ConfounderPlan,
  trigger: number,
  triggerState: string,
  action: number,
  actionState: string,
): ConfounderKind | null {
  for (const r of plan.routines) {
    const i = r.steps.findIndex((s) => s.device === trigger && s.state === triggerState);
    if (i >= 0 && r.steps.some((s, j) => j > i && s.device === action && s.state === actionState))
      return "routine";
  }
  if (actionState !== "on") return null;
  for (const route of plan.routes) {
    let at = route.lights.findIndex((l) => l.includes(action));
    if (at < 0) at = route.outlet.indexOf(action);
    if (at < 0) continue;
    if (route.door === trigger && triggerState === "open") return "walk_through";
    if (triggerState !== "on") continue;
    const sensorAt = route.sensors.findIndex((s) => s.includes(trigger));
    if (sensorAt >= 0 && (sensorAt <= at || route.reversible)) return "walk_through";
  }
  return null;
}
