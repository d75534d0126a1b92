import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../../lib/pipeline/generation/generate.js";
import {
  crossAreaAllowed,
  endpointMatches,
  RELATIONSHIP_BY_KEY,
  RELATIONSHIPS,
} from "../../lib/synth/catalog/relationships.js";
import { type GeneratedHome, generateHome } from "../../lib/synth/homes.js";
import { MAX_LINKS_PER_ACTION, plantSynergies } from "../../lib/synth/synergies.js";
import type { PlantedSynergy } from "../../lib/synth/synergyTypes.js";

const SEED = 11;
const HOMES = 400;
const spec = homeGenerationSpec(parseGenerationConfig({ seed: SEED, homes: HOMES, days: 30 }));
const homes: GeneratedHome[] = Array.from({ length: HOMES }, (_, i) => generateHome(spec, i));
const planted: PlantedSynergy[][] = homes.map((g) => plantSynergies(g, SEED));
const all = planted.flat();
const linked = all.filter((s) => s.linked);

test("the catalog holds the required relationship types, each with sane parameters", () => {
  const required: [string, string, string][] = [
    ["motion", "binary_sensor", "light"],
    ["occupancy", "binary_sensor", "light"],
    ["presence", "binary_sensor", "light"],
    ["door", "binary_sensor", "light"],
    ["door", "binary_sensor", "lock"],
    ["temperature", "sensor", "climate"],
    ["window", "binary_sensor", "climate"],
    ["humidity", "sensor", "fan"],
    ["temperature", "sensor", "fan"],
    ["", "media_player", "light"],
    ["motion", "binary_sensor", "switch"],
  ];
  for (const [cls, domain, actionDomain] of required) {
    const found = RELATIONSHIPS.some(
      (r) =>
        r.trigger.domain === domain &&
        (cls === "" || r.trigger.deviceClasses?.includes(cls)) &&
        r.action.domain === actionDomain,
    );
    assert.ok(found, `${cls || domain} → ${actionDomain} missing`);
  }
  assert.is(RELATIONSHIP_BY_KEY.size, RELATIONSHIPS.length, "relationship keys are unique");
  for (const r of RELATIONSHIPS) {
    assert.ok(r.benefit >= 0 && r.benefit <= 1, r.key);
    assert.ok(r.probability[0] > 0 && r.probability[0] <= r.probability[1] && r.probability[1] <= 1, r.key);
    assert.ok(r.delay.medianMs > 0 && r.delay.sigma > 0, r.key);
    assert.ok(r.conditionShare >= 0 && r.conditionShare <= 1, r.key);
    assert.ok(r.condition !== null || r.conditionShare === 0, r.key);
  }
});

test("a device pair can match at most one relationship (so a pair has one type)", () => {
  for (const g of homes.slice(0, 100)) {
    for (const t of g.devices) {
      for (const a of g.devices) {
        const n = RELATIONSHIPS.filter(
          (r) => endpointMatches(r.trigger, t) && endpointMatches(r.action, a),
        ).length;
        assert.ok(n <= 1, `${t.entityId} → ${a.entityId} matches ${n} relationships`);
      }
    }
  }
});

test("every planted pair is type-compatible, between two distinct devices of its home, in allowed areas", () => {
  homes.forEach((g, h) => {
    const devices = new Map(g.devices.map((d) => [d.entityId, d]));
    const areas = new Map(g.areas.map((a) => [a.areaId, a]));
    const seen = new Set<string>();
    for (const s of planted[h]) {
      assert.is(s.homeId, g.home.homeId);
      assert.is.not(s.trigger, s.action);
      const t = devices.get(s.trigger);
      const a = devices.get(s.action);
      assert.ok(t && a, `${s.trigger} → ${s.action} not in ${g.home.homeId}`);
      const r = RELATIONSHIP_BY_KEY.get(s.relationship);
      assert.ok(r, `unknown relationship ${s.relationship}`);
      assert.ok(endpointMatches(r.trigger, t), `${s.trigger} cannot trigger ${r.key}`);
      assert.ok(endpointMatches(r.action, a), `${s.action} cannot act in ${r.key}`);
      assert.is(s.sameArea, t.areaId === a.areaId);
      if (!s.sameArea) assert.ok(crossAreaAllowed(r, areas.get(t.areaId)!, areas.get(a.areaId)!));
      assert.is(s.triggerState, r.triggerState);
      assert.is(s.actionState, r.actionState);
      assert.is(s.benefit, r.benefit);
      const key = `${s.trigger}>${s.action}`;
      assert.not.ok(seen.has(key), `duplicate pair ${key}`);
      seen.add(key);
    }
  });
});

test("links carry drawn parameters inside the catalog ranges; negatives carry none", () => {
  for (const s of all) {
    const r = RELATIONSHIP_BY_KEY.get(s.relationship)!;
    if (s.linked) {
      assert.ok(s.delayMs !== null && s.delayMs > 0);
      assert.is(s.delaySigma, r.delay.sigma);
      assert.ok(s.probability !== null && s.probability >= r.probability[0] - 1e-9);
      assert.ok(s.probability! <= r.probability[1] + 1e-9);
      assert.ok(s.condition === null || s.condition === r.condition);
    } else {
      assert.equal([s.delayMs, s.delaySigma, s.probability, s.condition], [null, null, null, null]);
    }
  }
  // per-link median delays scatter around the catalog's typical delay (log-mean ≈ 0)
  const logRatios = linked.map((s) =>
    Math.log(s.delayMs! / RELATIONSHIP_BY_KEY.get(s.relationship)!.delay.medianMs),
  );
  const meanLog = logRatios.reduce((a, b) => a + b, 0) / logRatios.length;
  assert.ok(Math.abs(meanLog) < 0.05, `mean log delay ratio ${meanLog}`);
  // the condition is drawn with the catalog's share
  const motion = linked.filter((s) => s.relationship === "motion_light");
  const dark = motion.filter((s) => s.condition === "dark").length / motion.length;
  assert.ok(
    motion.length > 200 && Math.abs(dark - RELATIONSHIP_BY_KEY.get("motion_light")!.conditionShare) < 0.07,
    String(dark),
  );
});

test("both linked pairs and hard negatives exist; links are mostly same-area, some cross areas", () => {
  const unlinked = all.length - linked.length;
  assert.ok(linked.length > 0 && unlinked > 0);
  const share = linked.length / all.length;
  assert.ok(share > 0.15 && share < 0.7, `linked share ${share}`);
  const cross = linked.filter((s) => !s.sameArea);
  assert.ok(cross.length > 0, "no cross-area links");
  assert.ok(cross.length / linked.length < 0.5, `cross share ${cross.length / linked.length}`);
  assert.ok(cross.length / linked.length > 0.05, `cross share ${cross.length / linked.length}`);
  // the example: an entrance door lighting the hallway
  const entranceToHallway = cross.some(
    (s) => s.relationship === "door_light" && /^light\.(hallway|corridor)/.test(s.action),
  );
  assert.ok(entranceToHallway, "no door → hallway light link");
  const types = new Set(linked.map((s) => s.relationship));
  for (const key of [
    "motion_light",
    "door_light",
    "door_lock",
    "temperature_climate",
    "window_climate",
    "humidity_fan",
    "media_light",
    "motion_switch",
    "occupancy_light",
    "presence_light",
    "temperature_fan",
  ]) {
    assert.ok(types.has(key), `${key} never linked`);
  }
});

test("every home with candidates has a link, and no action has more than the cap of links", () => {
  planted.forEach((pairs, h) => {
    if (pairs.length > 0)
      assert.ok(
        pairs.some((s) => s.linked),
        homes[h].home.homeId,
      );
    const incoming = new Map<string, number>();
    for (const s of pairs) if (s.linked) incoming.set(s.action, (incoming.get(s.action) ?? 0) + 1);
    for (const [action, n] of incoming) assert.ok(n <= MAX_LINKS_PER_ACTION, `${action}: ${n}`);
  });
});

test("every same-area type-compatible pair is listed (unlinked ones are kept as negatives)", () => {
  homes.forEach((g, h) => {
    const listed = new Set(planted[h].map((s) => `${s.trigger}>${s.action}`));
    for (const t of g.devices) {
      for (const a of g.devices) {
        if (t === a || t.areaId !== a.areaId) continue;
        if (RELATIONSHIPS.some((r) => endpointMatches(r.trigger, t) && endpointMatches(r.action, a))) {
          assert.ok(listed.has(`${t.entityId}>${a.entityId}`), `${t.entityId} → ${a.entityId} missing`);
        }
      }
    }
  });
});

test("determinism: same seed same output; a home alone equals the home in a batch; the seed matters", () => {
  assert.equal(plantSynergies(homes[37], SEED), planted[37]);
  const alone = generateHome(spec, 321);
  assert.equal(plantSynergies(alone, SEED), planted[321]);
  const reseeded = homes.slice(0, 20).map((g) => plantSynergies(g, SEED + 1));
  const differing = reseeded.filter((p, i) => JSON.stringify(p) !== JSON.stringify(planted[i])).length;
  assert.ok(differing >= 15, `only ${differing} of 20 homes differ under another seed`);
});

test.run();
