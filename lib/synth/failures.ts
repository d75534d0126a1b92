import { Rng } from "../core/random.js";
import {
  FAILURE_SCENARIOS,
  type FailureScenario,
  NETWORK_ISSUE_RADIO_FACTOR,
  OUTDOOR_BATTERY_FACTOR,
  OUTDOOR_NETWORK_FACTOR,
  REPLACEMENT_GAP_DAYS,
  SCENARIO_SPECS,
} from "./catalog/health.js";
import type { RadioEnvironment } from "./catalog/homeTypes.js";
import type { Area, Device, GeneratedHome } from "./homes.js";

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
  /** Share of devices that fail within the horizon (config.failures.share). */
  share: number;
  radio: RadioEnvironment;
}

/** Relative weight of each scenario for a device; battery_depletion only on battery power. */
export function scenarioWeights(
  device: Pick<Device, "powerSource">,
  radio: RadioEnvironment,
  outdoor: boolean,
): number[] {
  return FAILURE_SCENARIOS.map((scenario) => {
    const w = SCENARIO_SPECS[scenario].weight;
    if (scenario === "battery_depletion") {
      if (device.powerSource !== "battery") return 0;
      return w * (outdoor ? OUTDOOR_BATTERY_FACTOR : 1);
    }
    if (scenario === "network_issues") {
      return w * NETWORK_ISSUE_RADIO_FACTOR[radio] * (outdoor ? OUTDOOR_NETWORK_FACTOR : 1);
    }
    return w;
  });
}

/**
 * Whether and how one device fails within the horizon; null when it does not. A pure
 * function of (seed, home index, entity_id): the first draw alone decides whether it fails
 * (probability = share), so the realised share matches the config in expectation exactly.
 */
export function planDeviceFailure(
  ctx: FailurePlanContext,
  device: Pick<Device, "entityId" | "powerSource">,
  outdoor: boolean,
): DeviceFailurePlan | null {
  const rng = Rng.derive(ctx.seed, ctx.homeIndex, device.entityId, "failure");
  const fails = rng.next() < ctx.share;
  // a failure needs a day to report on before it and a day inside the horizon to happen on
  if (!fails || ctx.days < 2) return null;
  const scenario = FAILURE_SCENARIOS[rng.weightedIndex(scenarioWeights(device, ctx.radio, outdoor))];
  const failureDay = rng.int(1, ctx.days - 1);
  const [dLo, dHi] = SCENARIO_SPECS[scenario].durationDays;
  const onsetDay = failureDay - rng.int(dLo, dHi);
  const replacementDay = failureDay + rng.int(REPLACEMENT_GAP_DAYS[0], REPLACEMENT_GAP_DAYS[1]);
  return { scenario, onsetDay, failureDay, replacementDay };
}

/** Failure plans of every device of a home, in device order (null = no failure in the horizon). */
export function planHomeFailures(
  generated: GeneratedHome,
  ctx: { seed: number; days: number; share: number },
): (DeviceFailurePlan | null)[] {
  const indoor = new Map<string, boolean>(generated.areas.map((a: Area) => [a.areaId, a.indoor]));
  const planCtx: FailurePlanContext = {
    ...ctx,
    homeIndex: generated.home.index,
    radio: generated.home.radio,
  };
  return generated.devices.map((d) => planDeviceFailure(planCtx, d, indoor.get(d.areaId) === false));
}
