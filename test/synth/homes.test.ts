import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../../lib/pipeline/generation/generate.js";
import { TEMPLATE_BY_KEY } from "../../lib/synth/catalog/devices.js";
import {
  DEFAULT_HOME_TYPE_MIX,
  HOME_TYPE_SPECS,
  HOME_TYPES,
  type HomeType,
} from "../../lib/synth/catalog/homeTypes.js";
import { type GeneratedHome, generateHome } from "../../lib/synth/homes.js";

// 1 000 homes: the home-type mix is a low-discrepancy sequence (homeTypeAt), within a few
// tenths of a point at this size, and every type and size category still occurs.
const config = parseGenerationConfig({ seed: 7, homes: 1000, days: 30 });
const spec = homeGenerationSpec(config);
const batch: GeneratedHome[] = Array.from({ length: config.homes }, (_, i) => generateHome(spec, i));

test("home 432 generated alone equals home 432 inside a batch of 1 000", () => {
  assert.equal(generateHome(spec, 432), batch[432]);
  // and in any order: generate a few homes backwards first
  for (const i of [999, 17, 432]) assert.equal(generateHome(spec, i), batch[i]);
});

test("no area holds more of a device template than its maxPerArea (smart plugs may overflow)", () => {
  let overfull = 0;
  let devices = 0;
  for (const g of batch) {
    const perSlot = new Map<string, number>();
    for (const d of g.devices) {
      devices++;
      const slot = `${d.areaId}/${d.template}`;
      const n = (perSlot.get(slot) ?? 0) + 1;
      perSlot.set(slot, n);
      if (n > TEMPLATE_BY_KEY.get(d.template)!.maxPerArea && d.template !== "smart_plug") overfull++;
    }
    assert.is(new Set(g.devices.map((d) => d.entityId)).size, g.devices.length, g.home.homeId);
  }
  assert.ok(devices > 10_000, `${devices} devices`);
  assert.is(overfull, 0);
});

test("a different seed gives different homes", () => {
  const other = homeGenerationSpec(parseGenerationConfig({ seed: 8, homes: 10, days: 30 }));
  const differing = [0, 1, 2, 3, 4].filter(
    (i) => JSON.stringify(generateHome(other, i)) !== JSON.stringify(batch[i]),
  );
  assert.is(differing.length, 5);
});

test("at 1 000 homes the home-type mix is within ±1.5 points of the configured mix", () => {
  const counts = new Map<HomeType, number>();
  for (const g of batch) counts.set(g.home.homeType, (counts.get(g.home.homeType) ?? 0) + 1);
  for (const type of HOME_TYPES) {
    const share = (counts.get(type) ?? 0) / batch.length;
    assert.ok(
      Math.abs(share - DEFAULT_HOME_TYPE_MIX[type]) <= 0.015,
      `${type}: ${share} vs ${DEFAULT_HOME_TYPE_MIX[type]}`,
    );
  }
});

test("a custom mix is honoured, and a zero share means no homes of that type", () => {
  const custom = homeGenerationSpec(parseGenerationConfig({ homeTypeMix: { apartment: 0.7, studio: 0.3 } }));
  const types = Array.from({ length: 2000 }, (_, i) => generateHome(custom, i).home.homeType);
  const apartments = types.filter((t) => t === "apartment").length / types.length;
  assert.ok(Math.abs(apartments - 0.7) < 0.015, String(apartments));
  assert.ok(types.every((t) => t === "apartment" || t === "studio"));
});

test("each type's device counts stay in its range and size categories scale them", () => {
  for (const type of HOME_TYPES) {
    const homes = batch.filter((g) => g.home.homeType === type);
    assert.ok(homes.length > 0, type);
    const [lo, hi] = HOME_TYPE_SPECS[type].deviceCount;
    for (const g of homes)
      assert.ok(g.devices.length >= lo && g.devices.length <= hi, `${type} has ${g.devices.length}`);
    const mean = (size: string) => {
      const sized = homes.filter((g) => g.home.sizeCategory === size);
      return sized.reduce((s, g) => s + g.devices.length, 0) / sized.length;
    };
    assert.ok(mean("small") < mean("large"), `${type}: small homes should have fewer devices`);
  }
});

test("no outdoor area in apartments or studios; floors follow the type", () => {
  for (const g of batch) {
    if (g.home.homeType === "apartment" || g.home.homeType === "studio") {
      assert.ok(
        g.areas.every((a) => a.indoor),
        `${g.home.homeId} has an outdoor area`,
      );
    }
    const [fLo, fHi] = HOME_TYPE_SPECS[g.home.homeType].floors;
    assert.ok(g.home.floors >= fLo && g.home.floors <= fHi);
    for (const a of g.areas) assert.ok(a.floor >= -1 && a.floor < g.home.floors);
  }
  assert.ok(batch.some((g) => g.home.homeType === "ranch_house" && g.areas.some((a) => !a.indoor)));
});

test("entity_ids are valid Home Assistant ids, unique per home, in a known area", () => {
  const pattern = /^[a-z_]+\.[a-z0-9_]+$/;
  for (const g of batch) {
    const ids = g.devices.map((d) => d.entityId);
    assert.is(new Set(ids).size, ids.length, g.home.homeId);
    const areaIds = new Set(g.areas.map((a) => a.areaId));
    for (const d of g.devices) {
      assert.ok(pattern.test(d.entityId), d.entityId);
      assert.ok(d.entityId.startsWith(`${d.domain}.`));
      assert.ok(areaIds.has(d.areaId));
    }
  }
});

test("homes span both hemispheres, several zones and every schedule archetype", () => {
  assert.ok(batch.some((g) => g.home.latitude < 0) && batch.some((g) => g.home.latitude > 0));
  assert.ok(new Set(batch.map((g) => g.home.timezone)).size >= 20);
  assert.is(new Set(batch.map((g) => g.home.schedule)).size, 4);
  assert.ok(batch.every((g) => g.home.occupants >= 1));
});

test.run();
