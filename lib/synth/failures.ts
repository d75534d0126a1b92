import { AleaStream } from "../core/aleaStream.js";
import {
  CONDENSATION_HAZARD,
  FAILURE_SCENARIOS,
  type FailureScenario,
  HAZARD_NORMALISER,
  NETWORK_HAZARD_DB_SCALE,
  NETWORK_HAZARD_RANGE,
  NETWORK_HAZARD_REFERENCE_DBM,
  RADIO_EFFECTS,
  REPLACEMENT_GAP_DAYS,
  SCENARIO_SPECS,
  SURGE_SUDDEN_HAZARD,
} from "./catalog/health.js";
import type { RadioEnvironment } from "./catalog/homeTypes.js";
import { ageHazard } from "./deviceAge.js";
import { type DeviceContext, type HomeContext, homeContext } from "./homeContext.js";
import type { Device, GeneratedHome } from "./homes.js";
import type { HomePower } from "./power.js";

/**
 * A device's scheduled failure. Days count from the dataset start (day 0 = the start date).
 *
 * - `failureDay`: the first day the device no longer reports. It reports on days
 *   0 … failureDay − 1, and `fails_within_7d` is 1 on exactly failureDay − 7 … failureDay − 1.
 *   Always within the horizon: 1 ≤ failureDay ≤ days − 1.
 * - `onsetDay`: the day the signature starts developing (≤ failureDay − 1). It may be
 *   negative: the degradation began before the horizon, so day 0 already shows part of it.
 * - `replacementDay`: the first day the replacement device reports (failureDay + a gap of
 *   at least 7 days); may lie beyond the horizon. Replacements never fail.
 */
export interface DeviceFailurePlan {
  scenario: FailureScenario;
  onsetDay: number;
  failureDay: number;
  replacementDay: number;
}

export interface FailurePlanContext {
  seed: number;
  homeIndex: number;
  /** Horizon length in days. */
  days: number;
  /** Share of devices that fail within the horizon (config.failures.share), on average. */
  share: number;
  radio: RadioEnvironment;
  power: HomePower;
}

/**
 * Each scenario's hazard for a device, in FAILURE_SCENARIOS order: the catalog weight ×
 * what the device's place, age, link and supply do to it (catalog/health.ts explains each
 * factor). battery_depletion only on battery power; surges only reach mains devices.
 */
export function scenarioHazards(
  device: Pick<Device, "powerSource">,
  world: DeviceContext,
  radio: RadioEnvironment,
  power: HomePower,
  days: number,
): number[] {
  const age = ageHazard(world.ageYears);
  const { ageing, condensation, batteryDrain } = world.exposure;
  const mains = device.powerSource === "mains";
  const disturbancesPer30d = days > 0 ? (power.disturbanceDays.length * 30) / days : 0;
  const [lo, hi] = NETWORK_HAZARD_RANGE;
  const margin = Math.exp((NETWORK_HAZARD_REFERENCE_DBM - world.link.signalDbm) / NETWORK_HAZARD_DB_SCALE);
  return FAILURE_SCENARIOS.map((scenario) => {
    const w = SCENARIO_SPECS[scenario].weight;
    switch (scenario) {
      case "progressive":
        return w * age * ageing;
      case "intermittent":
        return w * age * ageing * (1 + CONDENSATION_HAZARD * condensation);
      case "sudden":
        return w * age * (mains ? 1 + SURGE_SUDDEN_HAZARD * disturbancesPer30d : 1);
      case "battery_depletion":
        return mains ? 0 : w * batteryDrain;
      default: // network_issues
        return w * Math.min(hi, Math.max(lo, margin)) * RADIO_EFFECTS[radio].interference;
    }
  });
}

/**
 * Whether and how one device fails within the horizon; null when it does not. A pure
 * function of (seed, home index, entity_id) and the device's world: the first draw alone
 * decides whether it fails, with probability 1 − (1 − share)^(hazard / HAZARD_NORMALISER)
 * (so a device of average hazard fails with probability `share`, and share 0 and 1 stay
 * exact); the scenario is drawn in proportion to the scenario hazards.
 */
export function planDeviceFailure(
  ctx: FailurePlanContext,
  device: Pick<Device, "entityId" | "powerSource">,
  world: DeviceContext,
): DeviceFailurePlan | null {
  const rng = AleaStream.derive(ctx.seed, ctx.homeIndex, device.entityId, "failure");
  const hazards = scenarioHazards(device, world, ctx.radio, ctx.power, ctx.days);
  let total = 0;
  for (const h of hazards) total += h;
  const probability = total > 0 ? 1 - (1 - ctx.share) ** (total / HAZARD_NORMALISER) : 0;
  const fails = rng.next() < probability;
  // a failure needs a day to report on before it and a day inside the horizon to happen on
  if (!fails || ctx.days < 2) return null;
  const scenario = FAILURE_SCENARIOS[rng.weightedIndex(hazards)];
  const surgeDay = scenario === "sudden" ? surgeDeath(rng, device, ctx) : -1;
  const failureDay = surgeDay >= 0 ? surgeDay + 1 : rng.int(1, ctx.days - 1);
  const [dLo, dHi] = SCENARIO_SPECS[scenario].durationDays;
  let duration = rng.int(dLo, dHi);
  // a cold (or very hot) cell reaches its cut-off voltage sooner
  if (scenario === "battery_depletion")
    duration = Math.max(1, Math.round(duration / world.exposure.batteryDrain));
  const onsetDay = failureDay - duration;
  const replacementDay = failureDay + rng.int(REPLACEMENT_GAP_DAYS[0], REPLACEMENT_GAP_DAYS[1]);
  return { scenario, onsetDay, failureDay, replacementDay };
}

/**
 * For a sudden failure of a mains device: the disturbance day that killed it, or −1 when
 * the death is not surge-related. The surge share of its sudden hazard is (m − 1) / m for
 * the surge multiplier m; the day is one of the disturbances with a day after it in the horizon.
 */
function surgeDeath(rng: AleaStream, device: Pick<Device, "powerSource">, ctx: FailurePlanContext): number {
  if (device.powerSource !== "mains") return -1;
  const days = ctx.power.disturbanceDays.filter((d) => d <= ctx.days - 2);
  if (days.length === 0) return -1;
  const disturbancesPer30d = (ctx.power.disturbanceDays.length * 30) / ctx.days;
  const multiplier = 1 + SURGE_SUDDEN_HAZARD * disturbancesPer30d;
  if (rng.next() >= (multiplier - 1) / multiplier) return -1;
  return days[rng.int(0, days.length - 1)];
}

/**
 * Failure plans of every device of a home, in device order (null = no failure in the
 * horizon). `world` is the home's context (homeContext); computed here when not given.
 */
export function planHomeFailures(
  generated: GeneratedHome,
  ctx: { seed: number; start: string; days: number; share: number },
  world: HomeContext = homeContext(generated, ctx),
): (DeviceFailurePlan | null)[] {
  const planCtx: FailurePlanContext = {
    seed: ctx.seed,
    days: ctx.days,
    share: ctx.share,
    homeIndex: generated.home.index,
    radio: generated.home.radio,
    power: world.power,
  };
  return generated.devices.map((d, i) => planDeviceFailure(planCtx, d, world.devices[i]));
}
