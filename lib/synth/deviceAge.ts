import { AleaStream } from "../core/aleaStream.js";
import {
  AGE_HAZARD,
  FIRST_INSTALL_SHARE,
  FLEET_AGE_MEDIAN_YEARS,
  FLEET_AGE_RANGE_YEARS,
  FLEET_AGE_SIGMA,
} from "./catalog/health.js";
import type { Home } from "./homes.js";

/*
 * Device age: homes differ in how old their fleet is (years since the first smart-home
 * install, stream (seed, home index, "fleet_age")); each device either came with the first
 * install or was added since (from its placement stream, see homeContext.ts). The age at the
 * horizon's start sets the device's place on the bathtub curve (ageHazard).
 */

/**
 * Years since the home's first smart-home install; `scale` (drift scenarios: an older fleet)
 * multiplies it after the clamp, so the same homes keep their order, only older.
 */
export function fleetAgeYears(seed: number, home: Pick<Home, "index">, scale?: number): number {
  const rng = AleaStream.derive(seed, home.index, "fleet_age");
  const [lo, hi] = FLEET_AGE_RANGE_YEARS;
  const age = Math.min(hi, Math.max(lo, rng.logNormal(FLEET_AGE_MEDIAN_YEARS, FLEET_AGE_SIGMA)));
  return scale === undefined ? age : age * scale;
}

/** A device's installed age at the start of the horizon, years, drawn from its placement stream. */
export function installedAgeYears(rng: AleaStream, fleetAge: number): number {
  const firstInstall = rng.next() < FIRST_INSTALL_SHARE;
  return firstInstall ? fleetAge * rng.uniform(0.9, 1) : fleetAge * rng.next();
}

/** Relative hazard at an age (years): early-life failures, then wear-out growing with age. */
export function ageHazard(ageYears: number): number {
  const a = AGE_HAZARD;
  return a.floor + (a.wear * ageYears) / a.referenceYears + a.infant * Math.exp(-ageYears / a.infantYears);
}
