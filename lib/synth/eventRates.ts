import { Rng } from "../core/random.js";
import {
  behaviourFor,
  COOLING_ABOVE_C,
  COOLING_SCALE_C,
  type EventBehaviour,
  HEATING_BELOW_C,
  HEATING_SCALE_C,
  MAX_DEMAND,
  type RatePatterns,
} from "./catalog/eventBehaviour.js";
import type { Device, GeneratedHome, Home } from "./homes.js";
import { buildHourGrid, type HourGrid } from "./localTime.js";
import { ASLEEP, AWAY, buildOccupancy, type OccupancyTrack } from "./occupancy.js";
import {
  daily,
  EVENING_PEAK_HOUR,
  type SeasonalKind,
  seasonal,
  seasonalAmplitude,
  weekendPeak,
  weekly,
  winterness,
} from "./rhythms.js";
import { buildSunTrack, type SunTrack } from "./sun.js";
import { buildWeather } from "./weather.js";

/**
 * The hour-grid world a home's events are drawn on (clock, occupancy, weather, sun) and the
 * per-hour intensity of every device's Poisson process. Intensities are piecewise constant
 * per grid hour: all pattern, occupancy and weather work happens here once per hour, never
 * per event.
 */

export interface EventContext {
  seed: number;
  /** Local start date YYYY-MM-DD. */
  start: string;
  days: number;
}

export interface HomeWorld {
  home: Home;
  grid: HourGrid;
  occupancy: OccupancyTrack;
  /** Outdoor temperature per grid hour, °C. */
  weather: Float32Array;
  sun: SunTrack;
  startUtcMs: number;
  endUtcMs: number;
  /** Pattern values per grid hour, computed once per home and shared by every rate. */
  factors: PatternFactors;
}

const HOUR_MS = 3_600_000;

/**
 * Hour grids depend only on (start, days, zone), and many homes share a zone: keep the
 * most recent ones. Grids are never mutated after construction.
 */
const gridCache = new Map<string, HourGrid>();
const GRID_CACHE_SIZE = 64;

export function cachedHourGrid(start: string, days: number, timeZone: string): HourGrid {
  const key = `${start}|${days}|${timeZone}`;
  let grid = gridCache.get(key);
  if (!grid) {
    grid = buildHourGrid(start, days, timeZone);
    if (gridCache.size >= GRID_CACHE_SIZE) gridCache.delete(gridCache.keys().next().value!);
    gridCache.set(key, grid);
  }
  return grid;
}

export function buildHomeWorld(home: Home, ctx: EventContext): HomeWorld {
  const grid = cachedHourGrid(ctx.start, ctx.days, home.timezone);
  const occupancy = buildOccupancy(home, grid, ctx.seed);
  const weather = buildWeather(home, grid, ctx.seed);
  return {
    home,
    grid,
    occupancy,
    weather,
    sun: buildSunTrack(grid, home.latitude, home.longitude),
    startUtcMs: grid.startUtcMs,
    endUtcMs: grid.startUtcMs + grid.hours * HOUR_MS,
    factors: new PatternFactors(grid, home.latitude, weather),
  };
}

/** Heating and cooling demand (0 … MAX_DEMAND) at an outdoor temperature. */
export function heatingDemand(outdoorC: number): number {
  return Math.min(MAX_DEMAND, Math.max(0, (HEATING_BELOW_C - outdoorC) / HEATING_SCALE_C));
}
export function coolingDemand(outdoorC: number): number {
  return Math.min(MAX_DEMAND, Math.max(0, (outdoorC - COOLING_ABOVE_C) / COOLING_SCALE_C));
}

const DAILY_BY_HOUR = Float64Array.from({ length: 24 }, (_, h) => daily(h + 0.5));
const WEEKLY_BY_DAY = Float64Array.from({ length: 7 }, (_, d) => weekly(d));
const WEEKEND_PEAK_BY_DAY = Float64Array.from({ length: 7 }, (_, d) => weekendPeak(d));

/** Pattern values on every grid hour of one home, each computed on first use. */
export class PatternFactors {
  private readonly cache = new Map<string, Float64Array>();
  constructor(
    readonly grid: HourGrid,
    readonly latitude: number,
    readonly weather: Float32Array,
  ) {}

  private memo(key: string, fill: (out: Float64Array) => void): Float64Array {
    let a = this.cache.get(key);
    if (!a) {
      a = new Float64Array(this.grid.hours);
      fill(a);
      this.cache.set(key, a);
    }
    return a;
  }

  /** daily(local hour + ½). */
  daily(): Float64Array {
    return this.memo("daily", (out) => {
      for (let h = 0; h < out.length; h++) out[h] = DAILY_BY_HOUR[this.grid.localHour[h]];
    });
  }

  /** daily with the evening peak moved earlier in local winter (the daily part of seasonal_daily). */
  seasonalDaily(): Float64Array {
    return this.memo("seasonal_daily", (out) => {
      const { grid, latitude } = this;
      const amplitude = seasonalAmplitude(latitude);
      let doy = -1;
      let peak = EVENING_PEAK_HOUR;
      for (let h = 0; h < out.length; h++) {
        if (grid.dayOfYear[h] !== doy) {
          doy = grid.dayOfYear[h];
          peak = EVENING_PEAK_HOUR - winterness(doy, latitude) * amplitude;
        }
        out[h] = daily(grid.localHour[h] + 0.5, peak);
      }
    });
  }

  week(kind: "weekly" | "weekend_peak"): Float64Array {
    const table = kind === "weekly" ? WEEKLY_BY_DAY : WEEKEND_PEAK_BY_DAY;
    return this.memo(kind, (out) => {
      for (let h = 0; h < out.length; h++) out[h] = table[this.grid.dayOfWeek[h]];
    });
  }

  seasonal(kind: SeasonalKind): Float64Array {
    return this.memo(`seasonal:${kind}`, (out) => {
      const { grid, latitude } = this;
      let doy = -1;
      let value = 1;
      for (let h = 0; h < out.length; h++) {
        if (grid.dayOfYear[h] !== doy) {
          doy = grid.dayOfYear[h];
          value = seasonal(doy, latitude, kind);
        }
        out[h] = value;
      }
    });
  }

  /** Heating and cooling demand × their seasonal patterns. */
  demand(kind: "heating" | "cooling"): Float64Array {
    return this.memo(`demand:${kind}`, (out) => {
      const season = this.seasonal(kind);
      const f = kind === "heating" ? heatingDemand : coolingDemand;
      for (let h = 0; h < out.length; h++) out[h] = f(this.weather[h]) * season[h];
    });
  }
}

/** The pattern multiplier of a rate on every grid hour (no base rate, no device scale). */
export interface RateProfile {
  multiplier: Float64Array;
  /** Share of the weather demand that is heating, per hour (for weather-chosen climate states). */
  heatShare: Float32Array | null;
}

/**
 * Multiplier of a rate's patterns at grid hour h: daily × hour weights × week × seasonal ×
 * occupancy × darkness / sunlight × weather demand. Patterns are evaluated at the middle of
 * the local hour.
 */
export function rateProfile(rate: RatePatterns, world: HomeWorld): RateProfile {
  const { grid, occupancy, sun, factors } = world;
  const n = grid.hours;
  const m = new Float64Array(n);
  // one fused pass; the per-pattern branches are loop-invariant
  const dailyF =
    rate.daily === "daily"
      ? factors.daily()
      : rate.daily === "seasonal_daily"
        ? factors.seasonalDaily()
        : null;
  const hourW = rate.hourWeights ?? null;
  const weekF = rate.week !== "flat" ? factors.week(rate.week) : null;
  const seasonF = rate.seasonal ? factors.seasonal(rate.seasonal) : null;
  const occ = rate.occupancy;
  const darkW = rate.darkness ?? 0;
  const sunW = rate.sunlight ?? 0;
  const weather = rate.weather ?? null;
  const heat = weather && weather.demand !== "cooling" ? factors.demand("heating") : null;
  const cool = weather && weather.demand !== "heating" ? factors.demand("cooling") : null;
  const heatShare = weather ? new Float32Array(n) : null;
  const defaultShare = weather?.demand === "cooling" ? 0 : 1;
  const { localHour } = grid;
  const { state, presentShare } = occupancy;
  const { darkness } = sun;
  for (let h = 0; h < n; h++) {
    let v = dailyF ? dailyF[h] : 1;
    if (hourW) v *= hourW[localHour[h]];
    if (weekF) v *= weekF[h];
    if (seasonF) v *= seasonF[h];
    const s = state[h];
    v *= s === AWAY ? occ.away : s === ASLEEP ? occ.asleep : occ.home * (0.5 + 0.5 * presentShare[h]);
    if (darkW > 0) v *= 1 - darkW + darkW * darkness[h];
    if (sunW > 0) v *= 1 - sunW + sunW * (1 - darkness[h]);
    if (weather) {
      const hd = heat ? heat[h] : 0;
      const cd = cool ? cool[h] : 0;
      v *= 1 - weather.weight + weather.weight * (hd + cd);
      heatShare![h] = hd + cd > 0 ? hd / (hd + cd) : defaultShare;
    }
    m[h] = v;
  }
  return { multiplier: m, heatShare };
}

/** A device's own rate multiplier (devices of one kind differ), log-normal around 1. */
export function deviceRateScale(seed: number, homeIndex: number, entityId: string): number {
  return Rng.derive(seed, homeIndex, entityId, "rate").logNormal(1, 0.25);
}

/** Base rate of a behaviour in events per hour at pattern multiplier 1 (0 for follow_occupancy). */
export function baseRatePerHour(behaviour: EventBehaviour): number {
  if (behaviour.kind === "pulse") return behaviour.perDay / 24;
  if (behaviour.kind === "numeric") return behaviour.perHour;
  return 0;
}

/** Caches rate profiles per behaviour rate (devices of one template share one). */
export class ProfileCache {
  private readonly profiles = new Map<RatePatterns, RateProfile>();
  constructor(readonly world: HomeWorld) {}
  get(rate: RatePatterns): RateProfile {
    let p = this.profiles.get(rate);
    if (!p) {
      p = rateProfile(rate, this.world);
      this.profiles.set(rate, p);
    }
    return p;
  }
}

/**
 * Expected own activations (pulse) or reports (numeric) of a device per grid hour: base
 * rate × device scale × pattern multiplier. Synergy-induced actions come on top.
 * Null for devices whose events follow occupancy changes instead of a Poisson process.
 */
export function deviceHourlyIntensity(
  world: HomeWorld,
  device: Device,
  seed: number,
  cache: ProfileCache = new ProfileCache(world),
): Float64Array | null {
  const behaviour = behaviourFor(device);
  if (behaviour.kind === "follow_occupancy") return null;
  const scale = baseRatePerHour(behaviour) * deviceRateScale(seed, world.home.index, device.entityId);
  const profile = cache.get(behaviour.rate).multiplier;
  const out = new Float64Array(profile.length);
  for (let h = 0; h < profile.length; h++) out[h] = scale * profile[h];
  return out;
}

/** Per-device hourly intensities of a whole home (null entries: follow_occupancy devices). */
export function homeHourlyIntensities(
  generated: GeneratedHome,
  ctx: EventContext,
): { world: HomeWorld; intensities: (Float64Array | null)[] } {
  const world = buildHomeWorld(generated.home, ctx);
  const cache = new ProfileCache(world);
  return {
    world,
    intensities: generated.devices.map((d) => deviceHourlyIntensity(world, d, ctx.seed, cache)),
  };
}
