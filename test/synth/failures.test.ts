import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../../lib/pipeline/generation/homeSpec.js";
import { FAILURE_SCENARIOS, REPLACEMENT_GAP_DAYS, SCENARIO_SPECS } from "../../lib/synth/catalog/health.js";
import { type DeviceFailurePlan, planHomeFailures } from "../../lib/synth/failures.js";
import { type GeneratedHome, generateHome } from "../../lib/synth/homes.js";

const DAYS = 90;
// 2 000 homes (~65 000 devices): the share statistics below keep ≥ 4 standard errors of room
// inside their tolerances (3 000 took a third more time for no check that needed it)
const HOMES = 2000;
const spec = homeGenerationSpec(parseGenerationConfig({ seed: 11, homes: HOMES, days: DAYS }));
const homes: GeneratedHome[] = Array.from({ length: HOMES }, (_, i) => generateHome(spec, i));
const plan = (g: GeneratedHome, share: number, seed = 11) =>
  planHomeFailures(g, { seed, start: "2025-01-01", days: DAYS, share });

/** Every home's plans at share 1 (every device fails), planned once for the tests that read them. */
let allFail: (DeviceFailurePlan | null)[][] | null = null;
const planAllFail = () => {
  allFail ??= homes.map((g) => plan(g, 1));
  return allFail;
};

function realisedShare(share: number, some = homes): number {
  let devices = 0;
  let failing = 0;
  const plans = share === 1 ? planAllFail() : some.map((g) => plan(g, share));
  for (const home of plans) {
    for (const p of home) {
      devices++;
      if (p) failing++;
    }
  }
  return failing / devices;
}

test("over many homes the realised share of failing devices matches the configured share", () => {
  // ~65 000 devices: the standard error of a share of 0.08 is about 0.001. A device fails
  // with 1 − (1 − share)^(relative hazard), concave in the hazard: at large shares the
  // spread of hazards between devices pulls the realised share a little below the configured one.
  for (const [share, tolerance] of [
    [0.02, 0.005],
    [0.08, 0.005],
    [0.3, 0.015],
  ]) {
    const realised = realisedShare(share);
    assert.ok(Math.abs(realised - share) < tolerance, `share ${share}: realised ${realised}`);
  }
  assert.is(realisedShare(0, homes.slice(0, 500)), 0, "share 0: none of ~16 000 devices fails");
  assert.is(realisedShare(1), 1);
});

test("every plan lies in the horizon: onset before failure, replacement ≥ 7 days later, durations in range", () => {
  for (const g of homes.slice(0, 1000)) {
    for (const p of plan(g, 0.5)) {
      if (!p) continue;
      assert.ok(p.failureDay >= 1 && p.failureDay <= DAYS - 1, `failure day ${p.failureDay}`);
      const [lo, hi] = SCENARIO_SPECS[p.scenario].durationDays;
      const duration = p.failureDay - p.onsetDay;
      // a cold cell empties sooner: battery_depletion may be shorter than its catalog range
      const shortest = p.scenario === "battery_depletion" ? 1 : lo;
      assert.ok(duration >= shortest && duration <= hi, `${p.scenario} lasts ${duration} days`);
      const gap = p.replacementDay - p.failureDay;
      assert.ok(gap >= REPLACEMENT_GAP_DAYS[0] && gap <= REPLACEMENT_GAP_DAYS[1], `gap ${gap}`);
    }
  }
});

test("battery_depletion happens only to battery-powered devices, never to mains devices", () => {
  let batteryDepletions = 0;
  let mainsFailures = 0;
  const plans = planAllFail();
  homes.forEach((g, h) => {
    plans[h].forEach((p, i) => {
      const device = g.devices[i];
      if (device.powerSource === "mains") {
        mainsFailures++;
        assert.is.not(p!.scenario, "battery_depletion", `${g.home.homeId} ${device.entityId}`);
      } else if (p!.scenario === "battery_depletion") batteryDepletions++;
    });
  });
  assert.ok(mainsFailures > 10_000, "many mains devices were checked");
  assert.ok(batteryDepletions > 1000, "battery devices do deplete");
});

test("all five scenarios occur, and network_issues is likelier in congested and thick-walled homes", () => {
  const byRadio = new Map<string, { network: number; all: number }>();
  const seen = new Set<string>();
  const plans = planAllFail();
  homes.forEach((g, h) => {
    const counts = byRadio.get(g.home.radio) ?? { network: 0, all: 0 };
    for (const p of plans[h] as DeviceFailurePlan[]) {
      seen.add(p.scenario);
      counts.all++;
      if (p.scenario === "network_issues") counts.network++;
    }
    byRadio.set(g.home.radio, counts);
  });
  assert.equal([...seen].sort(), [...FAILURE_SCENARIOS].sort());
  const share = (radio: string) => byRadio.get(radio)!.network / byRadio.get(radio)!.all;
  assert.ok(
    share("congested") > 2 * share("clean"),
    `congested ${share("congested")} clean ${share("clean")}`,
  );
  assert.ok(
    share("thick_walls") > 1.5 * share("moderate"),
    `thick ${share("thick_walls")} vs ${share("moderate")}`,
  );
});

test("plans are seeded per device: same home alone or in a batch, different seed differs", () => {
  const alone = generateHome(spec, 1234);
  assert.equal(plan(alone, 0.3), plan(homes[1234], 0.3));
  let differ = 0;
  for (const g of homes.slice(0, 50)) {
    if (JSON.stringify(plan(g, 0.3)) !== JSON.stringify(plan(g, 0.3, 12))) differ++;
  }
  assert.ok(differ >= 45, `${differ} of 50 homes differ under another seed`);
});

test("a one-day horizon has no day to fail on", () => {
  const g = homes[0];
  assert.ok(
    planHomeFailures(g, { seed: 11, start: "2025-01-01", days: 1, share: 1 }).every((p) => p === null),
  );
});

test.run();
