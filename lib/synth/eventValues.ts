import type { Rng } from "../core/random.js";
import type { NumericBehaviour, ValueBump } from "./catalog/eventBehaviour.js";
import { type HomeWorld, heatingDemand } from "./eventRates.js";
import type { Area } from "./homes.js";
import { ASLEEP, HOME } from "./occupancy.js";
import { daily, seasonal, seasonalAmplitude, winterness } from "./rhythms.js";
import { SEASONAL_LAG_DAYS } from "./weather.js";

/**
 * The expected reading of a numeric sensor at the start of every grid hour (plus one value
 * for the end of the horizon); reports interpolate linearly inside the hour and add noise.
 * Each model has its own daily and seasonal cycle; energy is the running integral of a
 * power model, so it only ever increases.
 */

const DAILY_MAX = daily(19.5);

function bumpAt(hour: number, b: ValueBump): number {
  let d = Math.abs(hour - b.hour) % 24;
  if (d > 12) d = 24 - d;
  return b.amplitude * Math.exp(-(d * d) / (2 * b.widthHours * b.widthHours));
}

/** Household activity 0…1 at a grid hour, for power draw. */
function activity(world: HomeWorld, h: number): number {
  const state = world.occupancy.state[h];
  const occ = state === HOME ? 1 : state === ASLEEP ? 0.15 : 0.1;
  return (occ * daily(world.grid.localHour[h] + 0.5)) / DAILY_MAX;
}

/** Hour-start expected readings, length grid.hours + 1. `rng` draws the device's own offsets. */
export function numericValueTrack(
  world: HomeWorld,
  area: Area | undefined,
  behaviour: NumericBehaviour,
  rng: Rng,
): Float64Array {
  const { grid, weather, home } = world;
  const n = grid.hours;
  const out = new Float64Array(n + 1);
  const p = behaviour.params;
  const lat = home.latitude;
  switch (behaviour.model) {
    case "indoor_temperature": {
      const offset = rng.normal(0, 0.6);
      for (let h = 0; h < n; h++) {
        const hour = grid.localHour[h];
        const outdoor = weather[h];
        const setback =
          world.occupancy.state[h] === HOME ? 0 : p.setbackC * Math.min(1, heatingDemand(outdoor));
        const v =
          p.setpointC +
          offset +
          p.dailySwingC * Math.cos((2 * Math.PI * (hour - 17)) / 24) +
          p.warmCoupling * Math.max(0, outdoor - 18) -
          p.coldCoupling * Math.max(0, 15 - outdoor) -
          setback;
        out[h] = Math.min(35, Math.max(8, v));
      }
      break;
    }
    case "outdoor_temperature": {
      const offset = rng.normal(0, 0.5);
      const sunExposure = rng.uniform(0, 3);
      for (let h = 0; h < n; h++) out[h] = weather[h] + offset + sunExposure * world.sun.daylight[h];
      break;
    }
    case "humidity": {
      const offset = rng.normal(0, 3);
      const bumps = (area && behaviour.bumps?.[area.kind]) || [];
      const amplitude = seasonalAmplitude(lat);
      for (let h = 0; h < n; h++) {
        const hour = grid.localHour[h];
        let v =
          p.baseRh +
          offset -
          p.seasonalSwingRh * winterness(grid.dayOfYear[h] - SEASONAL_LAG_DAYS, lat) * amplitude;
        if (world.occupancy.state[h] === HOME) for (const b of bumps) v += bumpAt(hour, b);
        out[h] = Math.min(99, Math.max(5, v));
      }
      break;
    }
    case "illuminance": {
      const maxLux = p.maxLux * rng.logNormal(1, 0.3);
      for (let h = 0; h < n; h++) out[h] = maxLux * world.sun.daylight[h];
      break;
    }
    case "power": {
      const standby = p.standbyW * rng.logNormal(1, 0.3);
      const active = p.activeW * rng.logNormal(1, 0.3);
      for (let h = 0; h < n; h++) {
        out[h] = standby + active * activity(world, h) * seasonal(grid.dayOfYear[h], lat, "activity");
      }
      break;
    }
    case "energy": {
      const standby = p.standbyW * rng.logNormal(1, 0.3);
      const active = p.activeW * rng.logNormal(1, 0.3);
      let kwh = rng.uniform(p.startKwhMin, p.startKwhMax);
      for (let h = 0; h < n; h++) {
        out[h] = kwh;
        kwh += (standby + active * activity(world, h)) / 1000;
      }
      out[n] = kwh;
      return out;
    }
  }
  if (n > 0) out[n] = out[n - 1];
  return out;
}

/** Lower and upper bounds of a model's readings. */
export function valueBounds(behaviour: NumericBehaviour): [number, number] {
  switch (behaviour.model) {
    case "humidity":
      return [0, 100];
    case "illuminance":
    case "power":
    case "energy":
      return [0, Number.POSITIVE_INFINITY];
    default:
      return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  }
}
