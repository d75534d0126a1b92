import { AleaStream } from "../core/aleaStream.js";
import { POWER_DISTURBANCE_SPREAD } from "./catalog/health.js";
import { HOME_TYPE_SPECS } from "./catalog/homeTypes.js";
import type { Home } from "./homes.js";

/*
 * Power quality: the days a home's mains supply is disturbed (sag, swell, short outage).
 * Disturbances arrive as a Poisson process at the home type's rate × a per-home log-normal
 * factor (its feeder and wiring). Mains devices reboot on such days and some die the day
 * after (failures.ts, telemetry.ts). Stream (seed, home index, "power").
 */

export interface HomePower {
  /** The home's disturbance rate, per 30 days. */
  ratePer30d: number;
  /** Horizon days (0-based) with a disturbance, ascending. */
  disturbanceDays: number[];
  /** 1 on a disturbance day, else 0; one entry per horizon day. */
  disturbed: Uint8Array;
}

export function homePower(seed: number, home: Pick<Home, "index" | "homeType">, days: number): HomePower {
  const rng = AleaStream.derive(seed, home.index, "power");
  const ratePer30d =
    HOME_TYPE_SPECS[home.homeType].powerDisturbancesPer30d * rng.logNormal(1, POWER_DISTURBANCE_SPREAD);
  const disturbed = new Uint8Array(Math.max(0, days));
  const disturbanceDays: number[] = [];
  // exponential gaps between disturbances: one draw per disturbance
  for (let t = rng.exponential(30 / ratePer30d); t < days; t += rng.exponential(30 / ratePer30d)) {
    const d = Math.floor(t);
    if (disturbed[d] === 0) disturbanceDays.push(d);
    disturbed[d] = 1;
  }
  return { ratePer30d, disturbanceDays, disturbed };
}
