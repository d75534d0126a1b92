import { AleaStream } from "../core/aleaStream.js";
import { mapPacked } from "../core/packedArrays.js";
import {
  AREA_HUMIDITY,
  BATTERY_DATA_RATE_FACTOR,
  BATTERY_SWAP_DAILY,
  BATTERY_SWAP_THRESHOLD,
  DROPS_DB_SCALE,
  DROPS_REFERENCE_DBM,
  type ExposureClass,
  type FailureScenario,
  FLAKY_FACTOR,
  FLAKY_SHARE,
  GLITCH_ERROR_RATE,
  GLITCH_LATENCY_RATE,
  HEALTH_BASELINES,
  HEALTH_FEATURES,
  type HealthBaseline,
  type HealthFeature,
  MISSING_VALUE_RATE,
  RADIO_EFFECTS,
  type RadioEffect,
  RESTART_ON_DISTURBANCE,
  RETRY_LATENCY,
  RETRY_SHARE_AT_REFERENCE,
  RETRY_SHARE_MAX,
} from "./catalog/health.js";
import {
  ambientHumidity,
  ambientTemperature,
  drainFactor,
  type HomeWeather,
  isoDayNumber,
} from "./exposure.js";
import { type DeviceFailurePlan, planHomeFailures } from "./failures.js";
import { type DeviceContext, type HomeContext, homeContext } from "./homeContext.js";
import type { Device, GeneratedHome, Home } from "./homes.js";
import { DAY_MS, zoneOffsetMs } from "./localTime.js";
import { type SeasonalKind, seasonal, weekendPeak, weekly } from "./rhythms.js";

export { isoDayNumber } from "./exposure.js";

/*
 * Daily device-health telemetry. Per day and device: usage follows the health type's
 * calendar rhythm (weekly, weekend_peak), season (lighting in winter, climate with heating)
 * and occupancy (vacations); outdoor devices follow a seeded daily weather series (climate
 * zone, hemisphere-aware season, AR(1) anomalies), indoor ones their room, and garages,
 * attics and basements something in between (exposure.ts); signal comes from the home's
 * radio environment and the device's link to the hub (distance, walls, floors:
 * linkBudget.ts), with weekend crowding where neighbours' networks interfere; drops and
 * retries grow as the signal weakens; mains devices reboot on the home's power disturbance
 * days (power.ts); batteries drain faster in the cold and users swap them at a drawn low
 * level; DST days are 23 or 25 hours long (usage, uptime). Hour-of-day patterns average out
 * at a daily grain and are not used. Failure scenarios (failures.ts, with hazards from the
 * home's context: homeContext.ts) add their signature from onset to failure day.
 */

/** `daysToFailure` of a row whose device has no failure ahead in the horizon. */
export const NO_FAILURE_SCHEDULED = -1;

/** Rows before the failure day on which `fails_within_7d` is 1. */
export const FAILURE_LABEL_WINDOW_DAYS = 7;

/** What telemetry generation needs from the config (a GenerationConfig fits). */
export interface TelemetryContext {
  seed: number;
  /** First local date of the horizon, YYYY-MM-DD. */
  start: string;
  days: number;
  failures: { share: number };
  /** Drift scenarios (see HomeContextInput): absent in ordinary runs. */
  signalLossDb?: number;
  fleetAgeScale?: number;
}

/**
 * One home's device-health telemetry, as columns: one row per device per reporting day,
 * ordered by device (the home's device order) and then by day.
 *
 * A device with a failure reports on days 0 … failureDay − 1, is silent from its failure
 * day until its replacement day (a gap of at least 7 days), and from then on the
 * replacement reports under the same entity_id, with a fresh baseline and no failure.
 */
export interface HomeTelemetry {
  homeId: string;
  rows: number;
  /** Index of the row's device in `generated.devices`. */
  entityIndex: Int32Array;
  /** Local calendar date, as days since 1970-01-01. */
  day: Int32Array;
  /** One column per health feature; NaN = not reported. */
  features: Record<HealthFeature, Float64Array>;
  /** 1 on the 7 days before the failure day, else 0. */
  failsWithin7d: Int32Array;
  /**
   * 1 where the label is right-censored: the row's 7-day window reaches past the horizon's
   * last day (day index + 7 > days − 1) and no failure is observed in the days that remain.
   * Such a row is labelled 0 only because its future was not generated. A row with a
   * failure ahead is never censored (failure days always lie within the horizon).
   */
  censored: Uint8Array;
  /** failureDay − day while a failure lies ahead, else NO_FAILURE_SCHEDULED (−1). Truth. */
  daysToFailure: Int32Array;
  /** The scenario of the failure ahead, else null. Truth, never a feature. */
  failureScenario: (FailureScenario | null)[];
  /** Failure plan per device (same order as `generated.devices`), null = no failure. */
  failures: (DeviceFailurePlan | null)[];
  /** The home's context the failures and telemetry came from (weather, power, links, ages). Truth. */
  context: HomeContext;
}

/** The home's calendar and weather: one entry per day of the horizon. */
interface HomeDays {
  dayNumber: Int32Array;
  dayOfWeek: Uint8Array;
  dayOfYear: Uint16Array;
  /** Local day length in hours: 23 or 25 on DST change days. */
  hours: Float64Array;
  /** 0 while the home is away on vacation. */
  occupied: Uint8Array;
  weather: HomeWeather;
  /** 1 on the home's power disturbance days. */
  disturbed: Uint8Array;
}

/** A device's drawn constants: one per installed unit (the original, or its replacement). */
interface DeviceProfile {
  baseline: HealthBaseline;
  battery: boolean;
  exposure: ExposureClass;
  responseMs: number;
  errorRate: number;
  signalDbm: number;
  /** Expected drops per day at the reference signal, with interference. */
  dropsPerDay: number;
  usagePerDay: number;
  dataKbps: number;
  restartsPerDay: number;
  /** This unit's offset from its room's temperature, °C. */
  temperatureOffsetC: number;
  humidityOffset: number;
  batteryLevel: number;
  batteryDrain: number;
  swapThreshold: number;
  uptimeHours: number;
}

/** One installed unit: the original device over days [from, to), or its replacement. */
interface Unit {
  entityIndex: number;
  from: number;
  to: number;
  profile: DeviceProfile;
  plan: DeviceFailurePlan | null;
  rng: AleaStream;
}

/** What every unit of a home shares: the output columns, the calendar, the home and its radio. */
interface Scene {
  out: Output;
  cal: HomeDays;
  home: Home;
  radio: RadioEffect;
  /** Per-day values that depend only on the home and a device's kind of place or usage season. */
  days: DayTables;
}

interface Output {
  entityIndex: Int32Array;
  day: Int32Array;
  f: Float64Array[];
  failsWithin7d: Int32Array;
  censored: Uint8Array;
  daysToFailure: Int32Array;
  failureScenario: (FailureScenario | null)[];
}

const F = Object.fromEntries(HEALTH_FEATURES.map((name, i) => [name, i])) as Record<HealthFeature, number>;
const FEATURE_COUNT = HEALTH_FEATURES.length;

/**
 * Generates one home's daily device-health telemetry with its failures. A pure function
 * of (ctx, generated home): every draw comes from a stream derived from (seed, home index,
 * entity_id, purpose), so a home is identical alone or in a batch.
 */
export function generateHomeTelemetry(generated: GeneratedHome, ctx: TelemetryContext): HomeTelemetry {
  const { home, devices } = generated;
  const days = ctx.days;
  const world = homeContext(generated, ctx);
  const failures = planHomeFailures(generated, { ...ctx, share: ctx.failures.share }, world);
  let rows = 0;
  for (const plan of failures)
    rows += plan ? plan.failureDay + Math.max(0, days - plan.replacementDay) : days;

  const out: Output = {
    entityIndex: new Int32Array(rows),
    day: new Int32Array(rows),
    // packed, whatever the JIT did with map: see core/packedArrays.ts (simulate and blankMissing
    // were recompiled whenever the other elements kind turned up)
    f: mapPacked(HEALTH_FEATURES, () => new Float64Array(rows)),
    failsWithin7d: new Int32Array(rows),
    censored: new Uint8Array(rows),
    daysToFailure: new Int32Array(rows),
    failureScenario: new Array<FailureScenario | null>(rows).fill(null),
  };
  const radio = RADIO_EFFECTS[home.radio];

  const cal = homeDays(home, ctx, world);
  const scene: Scene = { out, cal, home, radio, days: new DayTables(cal, home, radio) };
  let row = 0;
  // a loop, not forEach: a callback made per home was recompiled by the JIT again and again
  for (let index = 0; index < devices.length; index++) {
    const device = devices[index];
    const place = world.devices[index];
    const plan = failures[index];
    const first = row;
    const rng = AleaStream.derive(ctx.seed, home.index, device.entityId, "telemetry");
    const profile = drawProfile(rng, device, place, radio, false);
    const to = plan ? plan.failureDay : days;
    row = simulate(scene, { entityIndex: index, from: 0, to, profile, plan, rng }, row);
    if (plan && plan.replacementDay < days) {
      const fresh = AleaStream.derive(ctx.seed, home.index, device.entityId, "replacement");
      const replacement = drawProfile(fresh, device, place, radio, true);
      const unit: Unit = {
        entityIndex: index,
        from: plan.replacementDay,
        to: days,
        profile: replacement,
        plan: null,
        rng: fresh,
      };
      row = simulate(scene, unit, row);
    }
    blankMissing(out.f, first, row, AleaStream.derive(ctx.seed, home.index, device.entityId, "missing"));
  }

  const features = {} as Record<HealthFeature, Float64Array>;
  for (let i = 0; i < HEALTH_FEATURES.length; i++) features[HEALTH_FEATURES[i]] = out.f[i];
  return {
    homeId: home.homeId,
    rows,
    entityIndex: out.entityIndex,
    day: out.day,
    features,
    failsWithin7d: out.failsWithin7d,
    censored: out.censored,
    daysToFailure: out.daysToFailure,
    failureScenario: out.failureScenario,
    failures,
    context: world,
  };
}

/**
 * Whether a row on horizon day `dayIndex` (0-based) of a `days`-day horizon, with no failure
 * observed after it, is right-censored: its label window (the next 7 days) reaches past the
 * last generated day, so `fails_within_7d` = 0 is not known to be true.
 */
export function isCensored(dayIndex: number, days: number): boolean {
  return dayIndex + FAILURE_LABEL_WINDOW_DAYS > days - 1;
}

function homeDays(home: Home, ctx: TelemetryContext, world: HomeContext): HomeDays {
  const n = ctx.days;
  const weather = world.weather;
  const cal: HomeDays = {
    dayNumber: weather.dayNumber,
    dayOfWeek: new Uint8Array(n),
    dayOfYear: weather.dayOfYear,
    hours: new Float64Array(n),
    occupied: new Uint8Array(n).fill(1),
    weather,
    disturbed: world.power.disturbed,
  };
  const first = isoDayNumber(ctx.start);
  const offsets = noonOffsets(first - 1, n + 1, home.timezone);
  for (let d = 0; d < n; d++) {
    cal.dayOfWeek[d] = new Date((first + d) * DAY_MS).getUTCDay();
    // a DST change in the night before day d makes it 23 or 25 hours long
    cal.hours[d] = 24 - (offsets[d + 1] - offsets[d]) / 3_600_000;
  }
  for (const v of home.vacations) cal.occupied.fill(0, v.startDay, Math.min(n, v.startDay + v.days));
  return cal;
}

function drawProfile(
  rng: AleaStream,
  device: Device,
  place: DeviceContext,
  radio: RadioEffect,
  fresh: boolean,
): DeviceProfile {
  const b = HEALTH_BASELINES[device.healthType];
  const battery = device.powerSource === "battery";
  const area = place.area;
  const flaky = rng.next() < FLAKY_SHARE ? FLAKY_FACTOR : 1;
  return {
    baseline: b,
    battery,
    exposure: place.exposure.exposure,
    responseMs: b.responseTimeMs * radio.latency * rng.logNormal(1, 0.2),
    errorRate: b.errorRate * flaky * rng.logNormal(1, 0.4),
    // a replacement sits at the same spot; its own antenna differs a little
    signalDbm: place.link.signalDbm + rng.normal(0, 1.5),
    dropsPerDay: b.dropsPerDay * radio.interference * flaky * rng.logNormal(1, 0.3),
    usagePerDay: b.usagePerDay * rng.logNormal(1, 0.3),
    dataKbps: b.dataRateKbps * (battery ? BATTERY_DATA_RATE_FACTOR : 1) * rng.logNormal(1, 0.3),
    restartsPerDay: b.restartsPerDay * (flaky > 1 ? 2 : 1) * rng.logNormal(1, 0.4),
    temperatureOffsetC: rng.normal(0, 1),
    humidityOffset: (AREA_HUMIDITY[area.kind] ?? 0) + rng.normal(0, 3),
    batteryLevel: !battery ? 100 : fresh ? 100 : rng.uniform(10, 100),
    batteryDrain: b.batteryDrainPerDay * rng.logNormal(1, 0.3),
    swapThreshold: rng.uniform(BATTERY_SWAP_THRESHOLD[0], BATTERY_SWAP_THRESHOLD[1]),
    uptimeHours: fresh ? 0 : rng.uniform(0, 2000),
  };
}

/**
 * Simulates one installed unit over its days, writing one row per day from `row`; returns
 * the next free row. The unit's failure plan shapes the days before its failure day.
 */
function simulate(scene: Scene, unit: Unit, row: number): number {
  const { out, cal } = scene;
  const { entityIndex, from, to, profile: p, plan, rng } = unit;
  const b = p.baseline;
  const f = out.f;
  const responseTime = f[F.response_time];
  const errorRateCol = f[F.error_rate];
  const batteryLevel = f[F.battery_level];
  const signalStrength = f[F.signal_strength];
  const usageFrequency = f[F.usage_frequency];
  const temperatureCol = f[F.temperature];
  const humidityCol = f[F.humidity];
  const uptimeHours = f[F.uptime_hours];
  const restartCount = f[F.restart_count];
  const connectionDrops = f[F.connection_drops];
  const dataTransferRate = f[F.data_transfer_rate];
  const scenario = plan?.scenario ?? null;
  // how strongly this failure shows, device to device
  const strength = plan ? rng.uniform(0.5, 1.5) : 0;
  const depletionCurve = rng.uniform(1.6, 3);
  let level = p.batteryLevel;
  let levelAtOnset = Number.NaN;
  let uptime = p.uptimeHours;
  const seasonOf = b.usageSeason ? scene.days.season(b.usageSeason) : null;
  const airOf = scene.days.airTemperature(p.exposure);
  const roomHumidityOf = scene.days.humidity(p.exposure);
  const crowdingOf = scene.days.crowdingDb;

  for (let d = from; d < to; d++, row++) {
    const dow = cal.dayOfWeek[d];
    const hours = cal.hours[d];
    const dayShare = hours / 24;
    const progress = plan && d > plan.onsetDay ? (d - plan.onsetDay) / (plan.failureDay - plan.onsetDay) : 0;

    const rhythm =
      b.usageRhythm === "weekly" ? weekly(dow) : b.usageRhythm === "weekend_peak" ? weekendPeak(dow) : 1;
    const season = seasonOf ? seasonOf[d] : 1;
    const presence = b.needsOccupants && cal.occupied[d] === 0 ? 0.1 : 1;
    const usage = count(rng, p.usagePerDay * rhythm * season * presence * dayShare);

    const outdoor = p.exposure === "outdoor";
    const weather = cal.weather;
    const air = airOf[d];
    let temperature = outdoor
      ? air + 0.5 * b.selfHeatingC + rng.normal(0, 1.2)
      : air + b.selfHeatingC + p.temperatureOffsetC + rng.normal(0, p.exposure === "indoor" ? 0.6 : 1);
    const humidity = outdoor
      ? clamp(weather.outdoorHumidity[d] + rng.normal(0, 5), 5, 100)
      : clamp(roomHumidityOf[d] + p.humidityOffset + rng.normal(0, 3), 5, 100);
    let signal = p.signalDbm - crowdingOf[d] + rng.normal(0, 1.5);
    let errorRate = p.errorRate * Math.exp(rng.normal(0, 0.45));
    let latency = Math.exp(rng.normal(0, 0.18));
    let dataFactor = Math.exp(rng.normal(0, 0.2));
    let restartsMean = p.restartsPerDay;
    let dropsFactor = 1;
    let extraDrops = 0;
    let extraRestarts = 0;

    if (progress > 0) {
      switch (scenario) {
        case "progressive": {
          const s = progress * progress * strength;
          errorRate += 0.12 * s;
          latency *= 1 + 2.5 * s;
          restartsMean += 0.5 * s;
          temperature += 4 * s;
          dataFactor *= Math.max(0.2, 1 - 0.3 * s);
          break;
        }
        case "sudden":
          // at most a faint hint the day before: little warning, by design
          if (d === plan!.failureDay - 1 && rng.next() < 0.35) {
            errorRate += rng.uniform(0.01, 0.08);
            extraRestarts += 1;
          }
          break;
        case "intermittent":
          if (rng.next() < Math.min(0.9, 0.06 + 0.55 * progress ** 1.5 * strength)) {
            errorRate += rng.uniform(0.04, 0.3);
            extraDrops += 1 + count(rng, 3);
            extraRestarts += 1;
            latency *= rng.uniform(1.5, 4);
            dataFactor *= 0.6;
          }
          break;
        case "network_issues": {
          const s = progress ** 1.5 * strength;
          signal -= 14 * s + rng.normal(0, 3 * s);
          dropsFactor *= 1 + 6 * s;
          extraDrops += count(rng, 3 * s);
          latency *= 1 + 1.5 * s;
          errorRate += 0.03 * s;
          dataFactor *= Math.max(0.1, 1 - 0.5 * s);
          break;
        }
        case "battery_depletion":
          break; // below, with the battery
      }
    }

    if (p.battery) {
      if (scenario === "battery_depletion" && progress > 0) {
        // the cell fails: an ever faster drain that reaches empty on the last reporting day,
        // and no one swaps it in time
        if (Number.isNaN(levelAtOnset)) levelAtOnset = level;
        const drained = (d + 1 - plan!.onsetDay) / (plan!.failureDay - plan!.onsetDay);
        level = Math.max(0.5, levelAtOnset * (1 - drained ** depletionCurve) + rng.normal(0, 0.4));
        const sag = Math.max(0, (15 - level) / 15);
        latency *= 1 + 1.5 * sag;
        errorRate += 0.05 * sag;
        extraDrops += count(rng, 1.5 * sag);
      } else {
        level -= p.batteryDrain * drainFactor(temperature) * dayShare * Math.exp(rng.normal(0, 0.1));
        if (level < p.swapThreshold && (level < 2 || rng.next() < BATTERY_SWAP_DAILY)) {
          level = rng.uniform(97, 100);
          extraRestarts += 1;
        }
        if (level < 0) level = 0;
      }
    }

    // the home's mains supply was disturbed: most mains devices reboot
    if (!p.battery && cal.disturbed[d] === 1 && rng.next() < RESTART_ON_DISTURBANCE) extraRestarts += 1;

    // a weak link needs retries: slower answers, and a command fails when every try fails
    const weakness = Math.exp((DROPS_REFERENCE_DBM - signal) / DROPS_DB_SCALE);
    const retries = Math.min(RETRY_SHARE_MAX, RETRY_SHARE_AT_REFERENCE * weakness);
    latency *= 1 + RETRY_LATENCY * retries;
    // retries⁴ by two products: `**` calls the general pow, a third of this loop's time
    const retries2 = retries * retries;
    errorRate += retries2 * retries2;

    // transient glitches on any day: they fool threshold rules
    if (rng.next() < GLITCH_ERROR_RATE) errorRate += rng.uniform(0.05, 0.25);
    if (rng.next() < GLITCH_LATENCY_RATE) latency *= rng.uniform(3, 12);

    const drops = count(rng, p.dropsPerDay * dropsFactor * weakness * dayShare) + extraDrops;
    const restarts = count(rng, restartsMean * dayShare) + extraRestarts;
    uptime = restarts > 0 ? rng.uniform(0, hours) : uptime + hours;

    out.entityIndex[row] = entityIndex;
    out.day[row] = cal.dayNumber[d];
    responseTime[row] = p.responseMs * latency * (1 + 0.04 * drops);
    errorRateCol[row] = Math.min(1, errorRate);
    batteryLevel[row] = p.battery ? Math.round(level) : 100;
    signalStrength[row] = Math.round(signal * 10) / 10;
    usageFrequency[row] = usage;
    temperatureCol[row] = Math.round(temperature * 10) / 10;
    humidityCol[row] = Math.round(humidity * 10) / 10;
    uptimeHours[row] = Math.round(uptime * 10) / 10;
    restartCount[row] = restarts;
    connectionDrops[row] = drops;
    dataTransferRate[row] = p.dataKbps * Math.sqrt(rhythm * presence) * dataFactor;
    if (plan) {
      const ahead = plan.failureDay - d;
      out.daysToFailure[row] = ahead;
      out.failsWithin7d[row] = ahead <= FAILURE_LABEL_WINDOW_DAYS ? 1 : 0;
      out.failureScenario[row] = scenario;
    } else {
      out.daysToFailure[row] = NO_FAILURE_SCHEDULED;
      out.censored[row] = isCensored(d, cal.dayNumber.length) ? 1 : 0;
    }
  }
  return row;
}

/**
 * A home's per-day values that depend only on a device's kind of place (ambient air,
 * room humidity) or usage season, and the weekend crowding of its radio: computed once per
 * home and kind rather than per device-day, by the same expressions.
 */
class DayTables {
  /** Weekend crowding of the home's radio, dB: neighbours' networks, worse where interference is high. */
  readonly crowdingDb: Float64Array;
  private readonly air = new Map<ExposureClass, Float64Array>();
  private readonly roomHumidity = new Map<ExposureClass, Float64Array>();
  private readonly seasons = new Map<SeasonalKind, Float64Array>();

  constructor(
    private readonly cal: HomeDays,
    private readonly home: Home,
    radio: RadioEffect,
  ) {
    const n = cal.dayOfWeek.length;
    this.crowdingDb = new Float64Array(n);
    for (let d = 0; d < n; d++)
      this.crowdingDb[d] = 2 * (radio.interference - 1) * (weekendPeak(cal.dayOfWeek[d]) - 1);
  }

  /** Expected air temperature of the place per day (ambientTemperature). */
  airTemperature(exposure: ExposureClass): Float64Array {
    let t = this.air.get(exposure);
    if (!t) {
      t = new Float64Array(this.cal.dayOfWeek.length);
      for (let d = 0; d < t.length; d++) t[d] = ambientTemperature(exposure, this.cal.weather, d);
      this.air.set(exposure, t);
    }
    return t;
  }

  /** Expected relative humidity of the place per day, before the device's offset (ambientHumidity). */
  humidity(exposure: ExposureClass): Float64Array {
    let h = this.roomHumidity.get(exposure);
    if (!h) {
      h = new Float64Array(this.cal.dayOfWeek.length);
      for (let d = 0; d < h.length; d++) h[d] = ambientHumidity(exposure, this.cal.weather, d);
      this.roomHumidity.set(exposure, h);
    }
    return h;
  }

  /** The usage season's multiplier per day (seasonal). */
  season(kind: SeasonalKind): Float64Array {
    let s = this.seasons.get(kind);
    if (!s) {
      s = new Float64Array(this.cal.dayOfWeek.length);
      for (let d = 0; d < s.length; d++) s[d] = seasonal(this.cal.dayOfYear[d], this.home.latitude, kind);
      this.seasons.set(kind, s);
    }
    return s;
  }
}

/**
 * Zone offsets (ms) at local noon of `count` consecutive days from day number `firstDay`.
 * Offsets change at most twice a year (DST), so they are read a week apart and only the
 * weeks whose ends differ are read day by day: about 1/7 of the Intl look-ups.
 */
function noonOffsets(firstDay: number, count: number, timeZone: string): Float64Array {
  const out = new Float64Array(count);
  const guess = zoneOffsetMs(firstDay * DAY_MS + DAY_MS / 2, timeZone);
  // within an hour of local noon, far from the small-hours DST switches
  const at = (i: number) => zoneOffsetMs((firstDay + i) * DAY_MS + DAY_MS / 2 - guess, timeZone);
  out[0] = at(0);
  for (let i = 0; i < count - 1; ) {
    const j = Math.min(i + 7, count - 1);
    const end = at(j);
    if (end === out[i]) out.fill(end, i + 1, j + 1);
    else {
      for (let k = i + 1; k < j; k++) out[k] = at(k);
      out[j] = end;
    }
    i = j;
  }
  return out;
}

/**
 * Blanks a small seeded share of feature values (rows [from, to)): geometric gaps between
 * missing values, so the cost is one draw per missing value rather than one per value.
 */
function blankMissing(f: Float64Array[], from: number, to: number, rng: AleaStream): void {
  const cells = (to - from) * FEATURE_COUNT;
  const logKeep = Math.log(1 - MISSING_VALUE_RATE);
  for (
    let k = Math.floor(Math.log(1 - rng.next()) / logKeep);
    k < cells;
    k += 1 + Math.floor(Math.log(1 - rng.next()) / logKeep)
  ) {
    f[k % FEATURE_COUNT][from + Math.floor(k / FEATURE_COUNT)] = Number.NaN;
  }
}

/** A count with the given mean: Poisson for small means, a rounded normal above 15 (cheaper, close). */
function count(rng: AleaStream, mean: number): number {
  if (mean <= 0) return 0;
  if (mean < 15) return rng.poisson(mean);
  return Math.max(0, Math.round(rng.normal(mean, Math.sqrt(mean))));
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
