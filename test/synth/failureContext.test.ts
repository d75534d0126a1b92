import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../../lib/pipeline/generation/homeSpec.js";
import { FAILURE_SCENARIOS, HAZARD_NORMALISER } from "../../lib/synth/catalog/health.js";
import { ageHazard } from "../../lib/synth/deviceAge.js";
import { type DeviceFailurePlan, planHomeFailures, scenarioHazards } from "../../lib/synth/failures.js";
import { type HomeContext, homeContext } from "../../lib/synth/homeContext.js";
import { type GeneratedHome, generateHome } from "../../lib/synth/homes.js";
import { generateHomeTelemetry, type HomeTelemetry, isoDayNumber } from "../../lib/synth/telemetry.js";

/*
 * Each home-dependent failure mechanism, measured on a generated population. Every test
 * compares two groups that differ in one context (construction, distance, climate, power,
 * age) and would see no difference if the mechanism were removed.
 */

const START = "2025-01-01";
const DAYS = 60;

interface Population {
  config: ReturnType<typeof parseGenerationConfig>;
  homes: { g: GeneratedHome; world: HomeContext; plans: (DeviceFailurePlan | null)[] }[];
}

function population(options: {
  seed: number;
  homes: number;
  share: number;
  mix?: Record<string, number>;
  timezones?: string[];
  days?: number;
}): Population {
  const config = parseGenerationConfig({
    seed: options.seed,
    homes: options.homes,
    days: options.days ?? DAYS,
    start: START,
    failures: { share: options.share },
    ...(options.mix ? { homeTypeMix: options.mix } : {}),
    ...(options.timezones ? { timezones: options.timezones } : {}),
  });
  const spec = homeGenerationSpec(config);
  const homes = Array.from({ length: options.homes }, (_, i) => {
    const g = generateHome(spec, i);
    const world = homeContext(g, config);
    const plans = planHomeFailures(g, { ...config, share: config.failures.share }, world);
    return { g, world, plans };
  });
  return { config, homes };
}

/** Share of devices passing `keep` whose plan passes `hit` (e.g. a scenario), with the count. */
function shareOf(
  pop: Population,
  keep: (h: Population["homes"][number], i: number) => boolean,
  hit: (p: DeviceFailurePlan | null) => boolean,
): { share: number; n: number } {
  let n = 0;
  let hits = 0;
  for (const h of pop.homes) {
    h.g.devices.forEach((_, i) => {
      if (!keep(h, i)) return;
      n++;
      if (hit(h.plans[i])) hits++;
    });
  }
  return { share: hits / Math.max(1, n), n };
}

const fails = (p: DeviceFailurePlan | null) => p !== null;
const DEPLETION = FAILURE_SCENARIOS.indexOf("battery_depletion");
const is = (scenario: string) => (p: DeviceFailurePlan | null) => p?.scenario === scenario;

/** The default mix and climates (seed 42, the main job's seed). */
const defaults = population({ seed: 42, homes: 500, share: 0.08 });
const SUBARCTIC = ["America/Anchorage", "Europe/Helsinki"];
const TROPICAL = ["Asia/Kolkata", "Asia/Singapore"];
const ARID = ["Asia/Dubai", "America/Phoenix"];
/** Ranch houses (the most outdoor devices) in three climates, from a northern-winter start. */
const ranch = { ranch_house: 1 };
const cold = population({ seed: 6, homes: 200, share: 0.3, mix: ranch, timezones: SUBARCTIC });
const hot = population({ seed: 6, homes: 200, share: 0.3, mix: ranch, timezones: TROPICAL });
const dry = population({ seed: 6, homes: 200, share: 0.3, mix: ranch, timezones: ARID });

test("calibration: the mean hazard of the default population is HAZARD_NORMALISER, so the realised share is the configured one", () => {
  const pop = defaults;
  let sum = 0;
  let devices = 0;
  for (const h of pop.homes) {
    h.g.devices.forEach((d, i) => {
      sum += scenarioHazards(d, h.world.devices[i], h.g.home.radio, h.world.power, DAYS).reduce(
        (a, b) => a + b,
      );
      devices++;
    });
  }
  const mean = sum / devices;
  assert.ok(
    Math.abs(mean / HAZARD_NORMALISER - 1) < 0.04,
    `mean hazard ${mean}: set HAZARD_NORMALISER to it`,
  );
  const realised = shareOf(pop, () => true, fails);
  // ~16 000 devices: standard error of a share of 0.08 about 0.002
  assert.ok(Math.abs(realised.share - 0.08) < 0.01, `realised share ${realised.share}`);
});

test("construction: concrete apartments lose more signal per metre than timber houses, and their devices get more network_issues", () => {
  const pop = population({
    seed: 3,
    homes: 200,
    share: 1,
    mix: { apartment: 0.5, single_family_house: 0.5 },
  });
  // same distance band, same floor, indoors: what differs is the walls
  const signal = (type: string) => {
    let sum = 0;
    let n = 0;
    for (const h of pop.homes) {
      if (h.g.home.homeType !== type) continue;
      for (const d of h.world.devices) {
        if (d.area.indoor && d.area.floor === 0 && d.link.distanceM >= 3 && d.link.distanceM < 5) {
          sum += d.link.signalDbm;
          n++;
        }
      }
    }
    assert.ok(n > 200, `${n} ${type} devices at 3–5 m`);
    return sum / n;
  };
  const gap = signal("single_family_house") - signal("apartment");
  assert.ok(gap > 5, `timber − concrete signal at 3–5 m: ${gap} dB`);
  const network = (type: string) => shareOf(pop, (h) => h.g.home.homeType === type, is("network_issues"));
  const apartment = network("apartment");
  const house = network("single_family_house");
  assert.ok(
    apartment.share > 1.5 * house.share,
    `network_issues: apartment ${apartment.share}, house ${house.share}`,
  );
});

test("distance and storeys: far and upper-floor devices have weaker signal, more drops and more network_issues failures", () => {
  const pop = population({
    seed: 4,
    homes: 120,
    share: 1,
    mix: { multi_story: 0.5, single_family_house: 0.5 },
  });
  const near = (h: Population["homes"][number], i: number) =>
    h.world.devices[i].area.floor === 0 && h.world.devices[i].link.distanceM < 4;
  const far = (h: Population["homes"][number], i: number) => h.world.devices[i].area.floor >= 1;
  const nearNet = shareOf(pop, near, is("network_issues"));
  const farNet = shareOf(pop, far, is("network_issues"));
  assert.ok(nearNet.n > 300 && farNet.n > 300, `${nearNet.n} near, ${farNet.n} far devices`);
  assert.ok(
    farNet.share > 1.5 * nearNet.share,
    `network_issues near ${nearNet.share}, upper floors ${farNet.share}`,
  );
  // larger homes put devices farther from the hub
  const meanDistance = (size: string) => {
    const ds = pop.homes
      .filter((h) => h.g.home.sizeCategory === size)
      .flatMap((h) => h.world.devices.filter((d) => d.area.indoor).map((d) => d.link.distanceM));
    return ds.reduce((a, b) => a + b, 0) / ds.length;
  };
  assert.ok(meanDistance("large") > 1.1 * meanDistance("small"), "large homes are not larger");
  // telemetry of healthy devices: the far ones report weaker signal and drop more
  const healthy = population({
    seed: 5,
    homes: 20,
    share: 0,
    days: 20,
    mix: { multi_story: 0.5, single_family_house: 0.5 },
  });
  const stats = { near: { signal: 0, drops: 0, n: 0 }, far: { signal: 0, drops: 0, n: 0 } };
  for (const h of healthy.homes) {
    const t = generateHomeTelemetry(h.g, healthy.config);
    for (let r = 0; r < t.rows; r++) {
      const i = t.entityIndex[r];
      const group = near(h, i) ? stats.near : far(h, i) ? stats.far : null;
      const s = t.features.signal_strength[r];
      const drops = t.features.connection_drops[r];
      if (!group || Number.isNaN(s) || Number.isNaN(drops)) continue;
      group.signal += s;
      group.drops += drops;
      group.n++;
    }
  }
  const mean = (g: { signal: number; drops: number; n: number }) => ({
    signal: g.signal / g.n,
    drops: g.drops / g.n,
  });
  const n = mean(stats.near);
  const f = mean(stats.far);
  assert.ok(f.signal < n.signal - 8, `signal near ${n.signal}, far ${f.signal}`);
  assert.ok(f.drops > 2 * n.drops, `drops near ${n.drops}, far ${f.drops}`);
});

const outdoorBattery = (h: Population["homes"][number], i: number) =>
  !h.world.devices[i].area.indoor && h.g.devices[i].powerSource === "battery";
const outdoorMains = (h: Population["homes"][number], i: number) =>
  !h.world.devices[i].area.indoor && h.g.devices[i].powerSource === "mains";

test("climate: in a northern winter, outdoor battery devices in subarctic homes deplete more often than in tropical ones", () => {
  // the mechanism: the battery_depletion hazard of the same devices, exactly
  const depletionHazard = (p: Population) => {
    let sum = 0;
    let n = 0;
    for (const h of p.homes) {
      h.g.devices.forEach((d, i) => {
        if (!outdoorBattery(h, i)) return;
        sum += scenarioHazards(d, h.world.devices[i], h.g.home.radio, h.world.power, DAYS)[DEPLETION];
        n++;
      });
    }
    return sum / n;
  };
  assert.ok(
    depletionHazard(cold) > 1.7 * depletionHazard(hot),
    `hazard ${depletionHazard(cold)} vs ${depletionHazard(hot)}`,
  );
  // and what the plans realise (~250 devices each: the ratio's sd is about 0.2)
  const c = shareOf(cold, outdoorBattery, is("battery_depletion"));
  const w = shareOf(hot, outdoorBattery, is("battery_depletion"));
  assert.ok(c.n > 200 && w.n > 200, `${c.n} subarctic, ${w.n} tropical outdoor battery devices`);
  assert.ok(c.share > 1.3 * w.share, `battery_depletion: subarctic ${c.share}, tropical ${w.share}`);
  // indoors the climate barely matters: the thermostat keeps the cells warm
  const indoorBattery = (h: Population["homes"][number], i: number) =>
    h.world.devices[i].exposure.exposure === "indoor" && h.g.devices[i].powerSource === "battery";
  const ci = shareOf(cold, indoorBattery, is("battery_depletion"));
  const wi = shareOf(hot, indoorBattery, is("battery_depletion"));
  assert.ok(
    ci.share < 1.3 * wi.share,
    `indoor battery_depletion: subarctic ${ci.share}, tropical ${wi.share}`,
  );
});

test("climate: heat and humidity age outdoor electronics (progressive, intermittent) faster in the tropics than in dry or cold zones; condensation makes humid zones intermittent", () => {
  const ageing = (p: DeviceFailurePlan | null) =>
    p?.scenario === "progressive" || p?.scenario === "intermittent";
  const h = shareOf(hot, outdoorMains, ageing);
  const d = shareOf(dry, outdoorMains, ageing);
  const c = shareOf(cold, outdoorMains, ageing);
  assert.ok(h.n > 200 && d.n > 200 && c.n > 200, `${h.n} / ${d.n} / ${c.n} outdoor mains devices`);
  assert.ok(h.share > 1.3 * d.share, `ageing failures: tropical ${h.share}, arid ${d.share}`);
  assert.ok(h.share > 1.5 * c.share, `ageing failures: tropical ${h.share}, subarctic ${c.share}`);
  const hi = shareOf(hot, outdoorMains, is("intermittent"));
  const di = shareOf(dry, outdoorMains, is("intermittent"));
  assert.ok(hi.share > 2 * di.share, `intermittent: tropical ${hi.share}, arid ${di.share}`);
});

test("exposure: garage and attic devices report temperatures that follow the weather; heated rooms do not", () => {
  const pop = population({
    seed: 8,
    homes: 30,
    share: 0,
    days: 20,
    mix: { multi_story: 1 },
    timezones: SUBARCTIC,
  });
  const temps = { indoor: [] as number[], garage: [] as number[], attic: [] as number[] };
  for (const h of pop.homes) {
    const t = generateHomeTelemetry(h.g, pop.config);
    for (let r = 0; r < t.rows; r++) {
      const exposure = h.world.devices[t.entityIndex[r]].exposure.exposure;
      const v = t.features.temperature[r];
      if (Number.isNaN(v) || !(exposure in temps)) continue;
      temps[exposure as keyof typeof temps].push(v);
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(temps.garage.length > 100 && temps.attic.length > 100, "garage and attic devices exist");
  // a subarctic January: heated rooms stay near 20 °C, garages and attics are cold
  assert.ok(mean(temps.indoor) > 17, `indoor ${mean(temps.indoor)}`);
  assert.ok(mean(temps.garage) < mean(temps.indoor) - 8, `garage ${mean(temps.garage)}`);
  assert.ok(
    mean(temps.attic) < mean(temps.garage),
    `attic ${mean(temps.attic)} garage ${mean(temps.garage)}`,
  );
});

test("power quality: rural homes see more disturbances; mains devices reboot on those days and die suddenly more often, the day after one", () => {
  const rural = population({ seed: 9, homes: 250, share: 0.3, mix: { ranch_house: 0.5, cottage: 0.5 } });
  const urban = population({ seed: 9, homes: 250, share: 0.3, mix: { apartment: 0.5, condo: 0.5 } });
  const disturbances = (p: Population) =>
    p.homes.reduce((s, h) => s + h.world.power.disturbanceDays.length, 0) / p.homes.length;
  assert.ok(
    disturbances(rural) > 3 * disturbances(urban),
    `${disturbances(rural)} vs ${disturbances(urban)}`,
  );
  const mains = (h: Population["homes"][number], i: number) => h.g.devices[i].powerSource === "mains";
  const ruralSudden = shareOf(rural, mains, is("sudden"));
  const urbanSudden = shareOf(urban, mains, is("sudden"));
  assert.ok(
    ruralSudden.share > 1.3 * urbanSudden.share,
    `sudden: rural ${ruralSudden.share}, urban ${urbanSudden.share}`,
  );
  // surge deaths: sudden mains failures fall the day after a disturbance far more often than chance
  let sudden = 0;
  let afterDisturbance = 0;
  let chance = 0;
  for (const h of rural.homes) {
    h.plans.forEach((p, i) => {
      if (p?.scenario !== "sudden" || h.g.devices[i].powerSource !== "mains") return;
      sudden++;
      if (h.world.power.disturbed[p.failureDay - 1] === 1) afterDisturbance++;
      chance += h.world.power.disturbanceDays.length / DAYS;
    });
  }
  assert.ok(
    afterDisturbance / sudden > 2 * (chance / sudden),
    `${afterDisturbance} of ${sudden} vs chance ${chance}`,
  );
  // telemetry: restart bursts on disturbance days, on mains devices only
  const restarts = { mains: [0, 0, 0, 0], battery: [0, 0, 0, 0] }; // [sum on, n on, sum off, n off]
  const first = isoDayNumber(START);
  for (const h of rural.homes.slice(0, 20)) {
    const t: HomeTelemetry = generateHomeTelemetry(h.g, { ...rural.config, failures: { share: 0 } });
    for (let r = 0; r < t.rows; r++) {
      const v = t.features.restart_count[r];
      if (Number.isNaN(v)) continue;
      const acc = restarts[h.g.devices[t.entityIndex[r]].powerSource];
      const on = h.world.power.disturbed[t.day[r] - first] === 1 ? 0 : 2;
      acc[on] += v;
      acc[on + 1]++;
    }
  }
  const rate = (a: number[], on: boolean) => (on ? a[0] / a[1] : a[2] / a[3]);
  assert.ok(
    rate(restarts.mains, true) > 0.5,
    `mains restarts on disturbance days ${rate(restarts.mains, true)}`,
  );
  assert.ok(rate(restarts.mains, false) < 0.1, `mains restarts on quiet days ${rate(restarts.mains, false)}`);
  assert.ok(
    rate(restarts.battery, true) < 0.2,
    `battery restarts on disturbance days ${rate(restarts.battery, true)}`,
  );
});

test("device age: old fleets fail more than mid-aged ones; brand-new devices show early-life failures", () => {
  const pop = defaults;
  const byAge = (lo: number, hi: number) =>
    shareOf(
      pop,
      (h, i) => h.world.devices[i].ageYears >= lo && h.world.devices[i].ageYears < hi,
      (p) => p !== null && p.scenario !== "battery_depletion" && p.scenario !== "network_issues",
    );
  const mid = byAge(0.5, 2);
  const old = byAge(5, 100);
  assert.ok(mid.n > 2000 && old.n > 500, `${mid.n} mid-aged, ${old.n} old devices`);
  assert.ok(old.share > 1.5 * mid.share, `age-driven failures: old ${old.share}, mid ${mid.share}`);
  assert.ok(ageHazard(0) > ageHazard(0.5), "no early-life failures");
  // homes differ in fleet age: the spread between homes is wide
  const ages = pop.homes.map((h) => h.world.fleetAgeYears).sort((a, b) => a - b);
  assert.ok(
    ages[Math.floor(ages.length * 0.9)] > 3 * ages[Math.floor(ages.length * 0.1)],
    "fleet ages barely differ",
  );
});

test("determinism: a home's world is the same alone or after others, and changes with the seed", () => {
  const pop = population({ seed: 11, homes: 30, share: 0.3 });
  const spec = homeGenerationSpec(pop.config);
  const alone = generateHome(spec, 17);
  const world = homeContext(alone, pop.config);
  assert.equal(JSON.stringify(world), JSON.stringify(pop.homes[17].world));
  assert.equal(planHomeFailures(alone, { ...pop.config, share: 0.3 }), pop.homes[17].plans);
  const other = homeContext(alone, { ...pop.config, seed: 12 });
  assert.not.equal(
    JSON.stringify(other.devices.map((d) => d.link)),
    JSON.stringify(world.devices.map((d) => d.link)),
  );
});

test.run();
