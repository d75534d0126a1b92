import { test } from "uvu";
import * as assert from "uvu/assert";
import { plainTable } from "../../lib/core/columnTable.js";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../../lib/pipeline/generation/homeSpec.js";
import { telemetryTable } from "../../lib/pipeline/generation/telemetryTable.js";
import { TELEMETRY_FEATURES, TELEMETRY_SCHEMA } from "../../lib/pipeline/storage/tables.js";
import { type FailureScenario, HEALTH_FEATURES, type HealthFeature } from "../../lib/synth/catalog/health.js";
import { type GeneratedHome, generateHome } from "../../lib/synth/homes.js";
import {
  generateHomeTelemetry,
  type HomeTelemetry,
  isoDayNumber,
  NO_FAILURE_SCHEDULED,
  type TelemetryContext,
} from "../../lib/synth/telemetry.js";

const DAYS = 90;
const START = "2025-01-01";

function dataset(seed: number, homes: number, share: number, extra: Record<string, unknown> = {}) {
  const config = parseGenerationConfig({
    seed,
    homes,
    days: DAYS,
    start: START,
    failures: { share },
    ...extra,
  });
  const spec = homeGenerationSpec(config);
  const generated = Array.from({ length: homes }, (_, i) => generateHome(spec, i));
  return { config, spec, generated, telemetry: generated.map((g) => generateHomeTelemetry(g, config)) };
}

/** Realistic rarity (the default share). */
const base = dataset(5, 160, 0.08);
/** Many failures, for signature statistics. */
const failing = dataset(6, 160, 0.5);

type Row = { t: HomeTelemetry; g: GeneratedHome; i: number };
function* rows(data: { generated: GeneratedHome[]; telemetry: HomeTelemetry[] }): Generator<Row> {
  for (let h = 0; h < data.telemetry.length; h++) {
    const t = data.telemetry[h];
    for (let i = 0; i < t.rows; i++) yield { t, g: data.generated[h], i };
  }
}

/** Mean of a feature over rows passing a filter, skipping missing values. */
function mean(data: typeof base, feature: HealthFeature, keep: (r: Row) => boolean): number {
  let sum = 0;
  let n = 0;
  for (const r of rows(data)) {
    const v = r.t.features[feature][r.i];
    if (!Number.isNaN(v) && keep(r)) {
      sum += v;
      n++;
    }
  }
  assert.ok(n > 50, `only ${n} rows for ${feature}`);
  return sum / n;
}

const healthy = (r: Row) => r.t.failures[r.t.entityIndex[r.i]] === null;
const lastWeekOf = (scenario: FailureScenario) => (r: Row) =>
  r.t.failsWithin7d[r.i] === 1 && r.t.failureScenario[r.i] === scenario;
const radioOf = (radio: string) => (r: Row) => r.g.home.radio === radio;

test("censored is 1 exactly on rows whose 7-day window passes the last day with no failure observed", () => {
  const first = isoDayNumber(START);
  const last = DAYS - 1;
  let censored = 0;
  let lateWithFailure = 0;
  for (const data of [base, failing]) {
    for (const { t, g, i } of rows(data)) {
      const d = t.day[i] - first;
      const plan = t.failures[t.entityIndex[i]];
      // the failure plan is the ground truth: is a failure observed in (d, last]?
      const failureAhead = plan !== null && plan.failureDay > d && plan.failureDay <= last;
      const expected = d + 7 > last && !failureAhead ? 1 : 0;
      assert.is(t.censored[i], expected, `${g.home.homeId} row ${i} (day ${d})`);
      if (d <= last - 7) assert.is(t.censored[i], 0, `censored before the last week: day ${d}`);
      censored += t.censored[i];
      if (d > last - 7 && failureAhead) lateWithFailure++;
      // a censored row is never a known positive
      if (t.censored[i] === 1) assert.is(t.failsWithin7d[i], 0);
    }
  }
  assert.ok(censored > 1000, `only ${censored} censored rows`);
  assert.ok(lateWithFailure > 0, "no late row with an observed failure: the exception is untested");
});

test("the telemetry table carries censored as a label-role bool column", () => {
  const spec = TELEMETRY_SCHEMA.columns.find((c) => c.name === "censored");
  assert.ok(spec, "no censored column in the contract");
  assert.is(spec!.role, "label");
  assert.is(spec!.type, "bool");
  const table = telemetryTable(base.telemetry[0], base.generated[0]);
  assert.equal(Array.from(table.columns.censored as Uint8Array), Array.from(base.telemetry[0].censored));
});

test("fails_within_7d is 1 exactly on the 7 days before the failure day, for every failing device", () => {
  let failingDevices = 0;
  for (const data of [base, failing]) {
    data.telemetry.forEach((t, h) => {
      const first = isoDayNumber(START);
      const byDevice = new Map<number, number[]>();
      for (let i = 0; i < t.rows; i++) {
        const list = byDevice.get(t.entityIndex[i]) ?? [];
        list.push(i);
        byDevice.set(t.entityIndex[i], list);
      }
      t.failures.forEach((plan, device) => {
        const where = `${data.generated[h].home.homeId} device ${device}`;
        const indices = byDevice.get(device) ?? [];
        const days = indices.map((i) => t.day[i] - first);
        if (!plan) {
          assert.equal(
            days,
            Array.from({ length: DAYS }, (_, d) => d),
            where,
          );
          for (const i of indices) {
            assert.is(t.failsWithin7d[i], 0, where);
            assert.is(t.daysToFailure[i], NO_FAILURE_SCHEDULED, where);
            assert.is(t.failureScenario[i], null, where);
          }
          return;
        }
        failingDevices++;
        // reports every day before the failure day, nothing until the replacement, then the replacement
        const expected = [
          ...Array.from({ length: plan.failureDay }, (_, d) => d),
          ...Array.from(
            { length: Math.max(0, DAYS - plan.replacementDay) },
            (_, k) => plan.replacementDay + k,
          ),
        ];
        assert.equal(days, expected, where);
        let positives = 0;
        indices.forEach((i, k) => {
          const d = days[k];
          if (d < plan.failureDay) {
            const label = d >= plan.failureDay - 7 ? 1 : 0;
            positives += label;
            assert.is(t.failsWithin7d[i], label, `${where} day ${d}, failure day ${plan.failureDay}`);
            assert.is(t.daysToFailure[i], plan.failureDay - d, where);
            assert.is(t.failureScenario[i], plan.scenario, where);
          } else {
            assert.is(t.failsWithin7d[i], 0, `${where}: the replacement never fails`);
            assert.is(t.daysToFailure[i], NO_FAILURE_SCHEDULED, where);
            assert.is(t.failureScenario[i], null, where);
          }
        });
        assert.is(positives, Math.min(7, plan.failureDay), where);
      });
    });
  }
  assert.ok(failingDevices > 1000, `${failingDevices} failing devices checked`);
});

test("no battery_depletion on mains devices, and mains devices report a full battery", () => {
  let depletionRows = 0;
  for (const r of rows(failing)) {
    const device = r.g.devices[r.t.entityIndex[r.i]];
    if (device.powerSource !== "mains") continue;
    assert.is.not(r.t.failureScenario[r.i], "battery_depletion", device.entityId);
    const level = r.t.features.battery_level[r.i];
    assert.ok(Number.isNaN(level) || level === 100, `${device.entityId} battery ${level}`);
  }
  for (const r of rows(failing)) if (r.t.failureScenario[r.i] === "battery_depletion") depletionRows++;
  assert.ok(depletionRows > 500, "battery devices do deplete");
});

test("the realised share of failing devices is close to the configured share", () => {
  let devices = 0;
  let failures = 0;
  for (const t of base.telemetry) {
    devices += t.failures.length;
    failures += t.failures.filter((p) => p !== null).length;
  }
  // ~5000 devices: standard error of the share about 0.004
  assert.ok(Math.abs(failures / devices - 0.08) < 0.016, `share ${failures / devices}`);
});

test("scenario signatures show in the last week before failure, compared with healthy devices", () => {
  const h = (f: HealthFeature) => mean(failing, f, healthy);
  const last = (s: FailureScenario, f: HealthFeature) => mean(failing, f, lastWeekOf(s));
  const batteryHealthy = mean(
    failing,
    "battery_level",
    (r) => healthy(r) && r.g.devices[r.t.entityIndex[r.i]].powerSource === "battery",
  );
  assert.ok(last("battery_depletion", "battery_level") < 0.5 * batteryHealthy, "battery runs down");
  assert.ok(last("network_issues", "connection_drops") > 4 * h("connection_drops"), "drops rise");
  assert.ok(last("network_issues", "signal_strength") < h("signal_strength") - 4, "signal weakens");
  assert.ok(last("progressive", "error_rate") > 3 * h("error_rate"), "errors rise");
  assert.ok(last("progressive", "response_time") > 1.5 * h("response_time"), "responses slow");
  assert.ok(last("intermittent", "restart_count") > 5 * h("restart_count"), "restarts rise");
  // sudden failures give little warning: their last week looks healthy on average
  assert.ok(last("sudden", "error_rate") < 1.5 * h("error_rate"), "sudden is quiet");
  assert.ok(last("sudden", "connection_drops") < 1.5 * h("connection_drops"), "sudden is quiet");
});

test("battery_depletion: from the onset the level falls towards the failure day on every depleting device", () => {
  let devices = 0;
  for (const t of failing.telemetry) {
    t.failures.forEach((plan, device) => {
      if (plan?.scenario !== "battery_depletion" || plan.failureDay < 10) return;
      const levels: number[] = [];
      const onset = isoDayNumber(START) + plan.onsetDay;
      for (let i = 0; i < t.rows; i++) {
        if (t.entityIndex[i] === device && t.daysToFailure[i] > 0 && t.day[i] > onset)
          levels.push(t.features.battery_level[i]);
      }
      const valid = levels.filter((v) => !Number.isNaN(v));
      const early = valid.slice(0, 3);
      const late = valid.slice(-2);
      assert.ok(Math.max(...late) < Math.min(...early), `early ${early} late ${late}`);
      const lastDay = levels[levels.length - 1]; // the day before the failure day
      assert.ok(Number.isNaN(lastDay) || lastDay <= 3, `last day ${lastDay}`);
      devices++;
    });
  }
  assert.ok(devices > 50, `${devices} depleting devices`);
});

test("radio environment and home type show: congested apartments drop more and answer slower than clean ranch houses", () => {
  // (signal strength follows the link: distance and construction, test/synth/failureContext.test.ts)
  const apartment = (r: Row) => r.g.home.homeType === "apartment" && healthy(r);
  const ranch = (r: Row) => r.g.home.homeType === "ranch_house" && healthy(r);
  assert.ok(
    mean(base, "connection_drops", apartment) > 1.5 * mean(base, "connection_drops", ranch),
    "congested homes drop more",
  );
  assert.ok(
    mean(base, "response_time", (r) => radioOf("congested")(r) && healthy(r)) >
      mean(base, "response_time", (r) => radioOf("clean")(r) && healthy(r)),
    "congested homes answer slower",
  );
});

test("floors and outdoor placement: upper floors of thick-walled homes are weaker; outdoor devices see the weather", () => {
  const areaOf = (r: Row) => {
    const device = r.g.devices[r.t.entityIndex[r.i]];
    return r.g.areas.find((a) => a.areaId === device.areaId)!;
  };
  const thick = (r: Row) => r.g.home.radio === "thick_walls" && healthy(r) && areaOf(r).indoor;
  const ground = mean(base, "signal_strength", (r) => thick(r) && areaOf(r).floor === 0);
  const upper = mean(base, "signal_strength", (r) => thick(r) && areaOf(r).floor >= 1);
  assert.ok(upper < ground - 5, `upper ${upper} vs ground ${ground}`);
  const spread = (keep: (r: Row) => boolean) => {
    const values: number[] = [];
    for (const r of rows(base))
      if (keep(r) && !Number.isNaN(r.t.features.temperature[r.i])) values.push(r.t.features.temperature[r.i]);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
  };
  const outdoor = spread((r) => !areaOf(r).indoor);
  const indoor = spread((r) => areaOf(r).indoor);
  assert.ok(outdoor > 2.5 * indoor, `temperature sd outdoor ${outdoor} indoor ${indoor}`);
});

test("calendar effects: media is used more at weekends; lights more in the local winter (north vs south in January)", () => {
  const healthType = (r: Row) => r.g.devices[r.t.entityIndex[r.i]].healthType;
  const weekend = (r: Row) => {
    const dow = (r.t.day[r.i] + 4) % 7; // 1970-01-01 was a Thursday
    return dow === 0 || dow === 6;
  };
  const media = (r: Row) => healthType(r) === "media" && healthy(r);
  assert.ok(
    mean(base, "usage_frequency", (r) => media(r) && weekend(r)) >
      1.3 * mean(base, "usage_frequency", (r) => media(r) && !weekend(r)),
    "media weekend peak",
  );
  const january = (r: Row) => r.t.day[r.i] < isoDayNumber("2025-02-01");
  const light = (north: boolean) => (r: Row) =>
    healthType(r) === "light" &&
    healthy(r) &&
    january(r) &&
    r.g.home.latitude > 30 === north &&
    Math.abs(r.g.home.latitude) > 30;
  const north = mean(base, "usage_frequency", light(true));
  const south = mean(base, "usage_frequency", light(false));
  assert.ok(north > 1.2 * south, `January light use: north ${north}, south ${south}`);
});

test("uptime follows the local day length: 23 h on the spring-forward day, 25 h on the fall-back day", () => {
  const ny = dataset(9, 8, 0, { timezones: ["America/New_York"], days: 330 });
  const gains = (isoDate: string) => {
    const day = isoDayNumber(isoDate);
    const out = new Set<number>();
    ny.telemetry.forEach((t) => {
      for (let i = 1; i < t.rows; i++) {
        if (
          t.day[i] !== day ||
          t.entityIndex[i] !== t.entityIndex[i - 1] ||
          t.features.restart_count[i] !== 0
        )
          continue;
        const gain = t.features.uptime_hours[i] - t.features.uptime_hours[i - 1];
        if (!Number.isNaN(gain)) out.add(Math.round(gain));
      }
    });
    return [...out];
  };
  assert.equal(gains("2025-03-09"), [23]);
  assert.equal(gains("2025-11-02"), [25]);
  assert.equal(gains("2025-06-10"), [24]);
});

test("missing values are rare, spread over every feature, and seeded", () => {
  let cells = 0;
  let missing = 0;
  const perFeature = new Map<string, number>();
  for (const t of base.telemetry) {
    for (const name of HEALTH_FEATURES) {
      const col = t.features[name];
      cells += col.length;
      for (const v of col) {
        if (Number.isNaN(v)) {
          missing++;
          perFeature.set(name, (perFeature.get(name) ?? 0) + 1);
        }
      }
    }
  }
  const rate = missing / cells;
  assert.ok(rate > 0.005 && rate < 0.015, `missing rate ${rate}`);
  assert.is(perFeature.size, HEALTH_FEATURES.length);
  const again = generateHomeTelemetry(base.generated[3], base.config);
  const other = generateHomeTelemetry(base.generated[3], { ...base.config, seed: 99 });
  const nanAt = (t: HomeTelemetry) => t.features.error_rate.map((v) => (Number.isNaN(v) ? 1 : 0)).join("");
  assert.is(nanAt(again), nanAt(base.telemetry[3]));
  assert.is.not(nanAt(other), nanAt(base.telemetry[3]));
});

function sameTelemetry(a: HomeTelemetry, b: HomeTelemetry): boolean {
  const bytes = (x: ArrayBufferView) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  if (a.rows !== b.rows) return false;
  const arrays: [ArrayBufferView, ArrayBufferView][] = [
    [a.entityIndex, b.entityIndex],
    [a.day, b.day],
    [a.failsWithin7d, b.failsWithin7d],
    [a.daysToFailure, b.daysToFailure],
    ...HEALTH_FEATURES.map((f): [ArrayBufferView, ArrayBufferView] => [a.features[f], b.features[f]]),
  ];
  return (
    arrays.every(([x, y]) => bytes(x).equals(bytes(y))) &&
    JSON.stringify(a.failureScenario) === JSON.stringify(b.failureScenario)
  );
}

test("determinism: same seed gives identical arrays; a home alone equals the same home in a batch", () => {
  const ctx: TelemetryContext = failing.config;
  const alone = generateHomeTelemetry(generateHome(failing.spec, 137), ctx);
  assert.ok(sameTelemetry(alone, failing.telemetry[137]));
  assert.ok(sameTelemetry(generateHomeTelemetry(failing.generated[5], ctx), failing.telemetry[5]));
  const reseeded = generateHomeTelemetry(failing.generated[5], { ...ctx, seed: 7 });
  assert.not.ok(sameTelemetry(reseeded, failing.telemetry[5]));
});

test("a rolling-window score separates the rows before a failure from the rest better than chance", () => {
  // score: 7-day means of error rate, drops and restarts (z-scored on healthy rows) minus the battery slope
  const scores: number[] = [];
  const labels: number[] = [];
  const rolled = (t: HomeTelemetry, f: HealthFeature, i: number, start: number) => {
    let s = 0;
    let n = 0;
    for (let j = Math.max(start, i - 6); j <= i; j++) {
      const v = t.features[f][j];
      if (!Number.isNaN(v)) {
        s += v;
        n++;
      }
    }
    return n ? s / n : 0;
  };
  for (const t of base.telemetry) {
    let start = 0;
    for (let i = 0; i < t.rows; i++) {
      if (i > 0 && (t.entityIndex[i] !== t.entityIndex[i - 1] || t.day[i] !== t.day[i - 1] + 1)) start = i;
      const battery =
        (t.features.battery_level[Math.max(start, i - 6)] || 100) - (t.features.battery_level[i] || 100);
      scores.push(
        rolled(t, "error_rate", i, start) / 0.015 +
          rolled(t, "connection_drops", i, start) / 1.5 +
          rolled(t, "restart_count", i, start) / 0.1 +
          Math.max(0, battery) / 2,
      );
      labels.push(t.failsWithin7d[i]);
    }
  }
  const auc = rocAuc(scores, labels);
  assert.ok(auc > 0.7, `ROC-AUC ${auc}`);
  // and it is not perfect: sudden failures and noise keep some positives hidden
  assert.ok(auc < 0.98, `ROC-AUC ${auc}`);
});

function rocAuc(scores: number[], labels: number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let positives = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1; // ties share their mean rank
    for (let k = i; k <= j; k++) {
      if (labels[order[k]]) {
        rankSum += rank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = labels.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

test("the telemetry table follows TELEMETRY_SCHEMA, with attributes and null days_to_failure", () => {
  assert.equal([...HEALTH_FEATURES], [...TELEMETRY_FEATURES]);
  const g = failing.generated[0];
  const t = failing.telemetry[0];
  const table = plainTable(telemetryTable(t, g));
  assert.is(table.rows, t.rows);
  assert.equal(Object.keys(table.columns).sort(), TELEMETRY_SCHEMA.columns.map((c) => c.name).sort());
  const dtf = table.columns.days_to_failure as (number | null)[];
  for (let i = 0; i < t.rows; i++) {
    const device = g.devices[t.entityIndex[i]];
    assert.is((table.columns.entity_id as string[])[i], device.entityId);
    assert.is((table.columns.home_type as string[])[i], g.home.homeType);
    assert.is((table.columns.health_type as string[])[i], device.healthType);
    assert.is((table.columns.power_source as string[])[i], device.powerSource);
    assert.is(dtf[i], t.daysToFailure[i] === NO_FAILURE_SCHEDULED ? null : t.daysToFailure[i]);
  }
  assert.ok(dtf.some((v) => v === null) && dtf.some((v) => v !== null));
});

test.run();
