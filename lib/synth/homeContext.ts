import { AleaStream } from "../core/aleaStream.js";
import { AREA_HUMIDITY, HEALTH_BASELINES } from "./catalog/health.js";
import { fleetAgeYears, installedAgeYears } from "./deviceAge.js";
import {
  type DeviceExposure,
  deviceExposure,
  exposureClassOf,
  type HomeWeather,
  homeWeather,
} from "./exposure.js";
import type { Area, GeneratedHome } from "./homes.js";
import { type DeviceLink, deviceLink } from "./linkBudget.js";
import { type HomePower, homePower } from "./power.js";

/*
 * The context a home gives its devices, shared by the failure plan and the telemetry so
 * both see one world: the daily weather, the mains disturbances, the fleet age, and per
 * device its area, radio link, exposure and installed age. Every part comes from its own
 * derived stream — (seed, home index, "telemetry_weather" | "power" | "fleet_age") and
 * (seed, home index, entity_id, "placement") — so it is a pure function of them.
 */

export interface DeviceContext {
  area: Area;
  link: DeviceLink;
  exposure: DeviceExposure;
  /** Installed age at the start of the horizon, years. */
  ageYears: number;
}

export interface HomeContext {
  weather: HomeWeather;
  power: HomePower;
  fleetAgeYears: number;
  /** One entry per device, in `generated.devices` order. */
  devices: DeviceContext[];
}

export interface HomeContextInput {
  seed: number;
  /** First local date of the horizon, YYYY-MM-DD. */
  start: string;
  days: number;
  /** Drift scenarios: extra path loss (dB) on every link, and a multiplier on the fleet age. */
  signalLossDb?: number;
  fleetAgeScale?: number;
}

export function homeContext(generated: GeneratedHome, ctx: HomeContextInput): HomeContext {
  const { home } = generated;
  const weather = homeWeather(home, ctx.seed, ctx.start, ctx.days);
  const fleetAge = fleetAgeYears(ctx.seed, home, ctx.fleetAgeScale);
  const areas = new Map<string, Area>();
  for (const a of generated.areas) areas.set(a.areaId, a);
  // devices at the same kind of place with the same self-heating share their exposure
  const exposures = new Map<string, DeviceExposure>();
  // loops, not map callbacks: callbacks made per home were recompiled by the JIT again and again
  const devices: DeviceContext[] = [];
  for (const device of generated.devices) {
    const area = areas.get(device.areaId)!;
    const place = exposureClassOf(area);
    const humidityOffset = place === "outdoor" ? 0 : (AREA_HUMIDITY[area.kind] ?? 0);
    const selfHeating = HEALTH_BASELINES[device.healthType].selfHeatingC;
    const key = `${place}|${selfHeating}|${humidityOffset}`;
    let exposure = exposures.get(key);
    if (!exposure) {
      exposure = deviceExposure(place, weather, selfHeating, humidityOffset);
      exposures.set(key, exposure);
    }
    // one stream per device for where it sits and how old it is
    const rng = AleaStream.derive(ctx.seed, home.index, device.entityId, "placement");
    const drawn = deviceLink(rng, home, area);
    const link = ctx.signalLossDb ? { ...drawn, signalDbm: drawn.signalDbm - ctx.signalLossDb } : drawn;
    devices.push({ area, link, exposure, ageYears: installedAgeYears(rng, fleetAge) });
  }
  return { weather, power: homePower(ctx.seed, home, ctx.days), fleetAgeYears: fleetAge, devices };
}
