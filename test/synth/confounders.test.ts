import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../../lib/pipeline/generation/homeSpec.js";
import { synergiesTable } from "../../lib/pipeline/generation/synergiesTable.js";
import { areaAdjacency, areasAdjacent } from "../../lib/synth/areaAdjacency.js";
import { planConfounders } from "../../lib/synth/confounders.js";
import { emptyActions } from "../../lib/synth/confounderTypes.js";
import { buildHomeWorld } from "../../lib/synth/eventRates.js";
import { type EventGenerationContext, generateHomeEvents } from "../../lib/synth/events.js";
import { type GeneratedHome, generateHome } from "../../lib/synth/homes.js";
import { HOME } from "../../lib/synth/occupancy.js";
import { planRoutines, scheduleRoutines } from "../../lib/synth/routines.js";
import { plantSynergies } from "../../lib/synth/synergies.js";
import { planWalkRoutes, scheduleWalks, type WalkRoute } from "../../lib/synth/walkThrough.js";
import { lagShares, rocAuc } from "./lagShare.js";

const NO_FAULTS = { drop: 0, duplicate: 0, outOfOrder: 0 };
const ctxFor = (seed: number, days: number): EventGenerationContext => ({
  seed,
  start: "2025-01-01",
  days,
  faults: NO_FAULTS,
});

function homesIn(seed: number, count: number): GeneratedHome[] {
  const spec = homeGenerationSpec(parseGenerationConfig({ seed, homes: count, days: 30 }));
  return Array.from({ length: count }, (_, i) => generateHome(spec, i));
}

const MINUTE = 60_000;

test("routines happen only in their local hour while the household is home and awake, steps within minutes", () => {
  const seed = 5;
  let occurrences = 0;
  for (const g of homesIn(seed, 30)) {
    const routines = planRoutines(g, seed);
    const world = buildHomeWorld(g.home, ctxFor(seed, 28));
    for (const r of routines) {
      assert.ok(r.steps.length >= 2, `${r.name} has ${r.steps.length} steps`);
      const out = emptyActions();
      scheduleRoutines(world, [r], seed, out);
      for (let k = 0; k < out.length; k++) {
        const h = Math.floor((out.time[k] - world.startUtcMs) / 3_600_000);
        // a routine starts in its hour; later steps may spill into the next one
        const startHour = Math.floor((out.time[k] - world.startUtcMs - 15 * MINUTE) / 3_600_000);
        assert.ok(
          world.occupancy.state[h] === HOME || world.occupancy.state[Math.max(0, startHour)] === HOME,
          `${r.name} step while nobody is home and awake`,
        );
        assert.ok(
          [h, startHour].some((x) => world.grid.localHour[Math.max(0, x)] === r.localHour) ||
            world.grid.localHour[h] === (r.localHour + 1) % 24,
          `${r.name} at local hour ${world.grid.localHour[h]}, planned ${r.localHour}`,
        );
      }
      // consecutive actions of one occurrence are minutes apart at most; occurrences days apart
      for (let k = 1; k < out.length; k++) {
        const gap = out.time[k] - out.time[k - 1];
        assert.ok(gap > 0 && (gap < 15 * MINUTE || gap > 12 * 60 * MINUTE), `gap ${gap} ms`);
        if (gap > 12 * 60 * MINUTE) occurrences++;
      }
    }
  }
  assert.ok(occurrences > 200, `${occurrences} routine occurrences`);
});

test("a routine's devices co-activate within minutes in the events; without confounders they do not", () => {
  const seed = 8;
  const g = homesIn(seed, 40).find((h) =>
    planRoutines(h, seed).some((r) => r.name === "evening" && r.steps[0].state === "on"),
  )!;
  const evening = planRoutines(g, seed).find((r) => r.name === "evening")!;
  const [first, second] = evening.steps;
  const share = (confounders: boolean) => {
    const ev = generateHomeEvents(g, { ...ctxFor(seed, 150), confounders }, []);
    const times = (device: number, state: string) => {
      const code = ev.stateNames.indexOf(state);
      const out: number[] = [];
      for (let i = 0; i < ev.length; i++)
        if (ev.entityIndex[i] === device && ev.state[i] === code) out.push(ev.time[i]);
      return out;
    };
    const a = times(first.device, first.state);
    const b = times(second.device, second.state);
    const followed = a.filter((t) => b.some((u) => u > t && u - t <= 5 * MINUTE)).length;
    return { followed, of: a.length };
  };
  const on = share(true);
  const off = share(false);
  assert.ok(on.followed >= 25, `${on.followed} of ${on.of} followed within 5 min with routines`);
  // counts over the same 150 days (per-onset shares would be diluted: walks switch the lights too)
  assert.ok(on.followed > 3 * off.followed, `${JSON.stringify({ on, off })}`);
});

test("walk routes follow area adjacency without repeating an area; door routes start at their door", () => {
  const seed = 11;
  let routes = 0;
  for (const g of homesIn(seed, 200)) {
    const adjacency = areaAdjacency(g);
    adjacency.forEach((ns, i) => {
      for (const j of ns) assert.ok(adjacency[j].includes(i), "adjacency is symmetric");
      assert.not.ok(ns.includes(i));
    });
    for (const r of planWalkRoutes(g, seed)) {
      routes++;
      assert.is(new Set(r.areas).size, r.areas.length, "no area twice");
      for (let k = 1; k < r.areas.length; k++)
        assert.ok(areasAdjacent(g.areas[r.areas[k - 1]], g.areas[r.areas[k]]), "consecutive areas adjacent");
      if (r.door >= 0)
        assert.is(g.devices[r.door].areaId, g.areas[r.areas[0]].areaId, "door in the first area");
      else
        assert.ok(
          r.areas.every((k) => g.areas[k].indoor),
          "inside routes stay indoors",
        );
    }
  }
  assert.ok(routes > 1000, `${routes} routes`);
  // a plausible plan: the kitchen opens onto the living room, the bedroom onto its hallway, not onto the garden
  const area = (kind: string, floor = 0) =>
    ({
      homeId: "h",
      areaId: `${kind}${floor}`,
      name: kind,
      kind,
      floor,
      indoor: !["garden", "patio"].includes(kind),
    }) as GeneratedHome["areas"][number];
  assert.ok(areasAdjacent(area("kitchen"), area("living_room")));
  assert.ok(areasAdjacent(area("bedroom", 1), area("hallway", 1)));
  assert.not.ok(areasAdjacent(area("bedroom", 1), area("hallway", 0)));
  assert.not.ok(areasAdjacent(area("bedroom", 1), area("garden")));
  assert.ok(areasAdjacent(area("patio"), area("kitchen")));
});

test("a walk sets off sensors area by area in walking order, seconds apart", () => {
  const seed = 13;
  const g = homesIn(seed, 20).find((h) => h.areas.length >= 4)!;
  const world = buildHomeWorld(g.home, ctxFor(seed, 21));
  // three stand-in sensors, one per area of a made-up one-way route
  const route: WalkRoute = {
    areas: [0, 1, 2],
    sensors: [[0], [1], [2]],
    lights: [[], [], []],
    outlet: [-1, -1, -1],
    door: -1,
    reversible: false,
    weight: 1,
  };
  const out = emptyActions();
  scheduleWalks(world, g, [route], seed, out);
  assert.ok(out.length > 300 && out.length % 3 === 0, `${out.length} actions`);
  for (let k = 0; k < out.length; k += 3) {
    assert.equal(Array.from(out.device.subarray(k, k + 3)), [0, 1, 2], "walking order");
    for (const j of [1, 2]) {
      const gap = out.time[k + j] - out.time[k + j - 1];
      assert.ok(gap > 0 && gap < 2 * MINUTE, `${gap} ms between areas`);
    }
    const h = Math.floor((out.time[k] - world.startUtcMs) / 3_600_000);
    assert.ok(world.occupancy.state[h] !== 0, "no walks when nobody is home");
  }
  const both = emptyActions();
  scheduleWalks(world, g, [{ ...route, reversible: true }], seed, both);
  let backwards = 0;
  for (let k = 0; k < both.length; k += 3) if (both.device[k] === 2) backwards++;
  const walks = both.length / 3;
  assert.ok(Math.abs(backwards / walks - 0.5) < 0.1, `${backwards} of ${walks} walked backwards`);
});

// a small seeded population: 24 homes × 14 days (measured: version 3's world gives AUC 0.913 here)
const POPULATION = { seed: 42, homes: 24, days: 14 };

function population() {
  const { seed, homes, days } = POPULATION;
  const rows: { share: number; linked: boolean; confounder: string | null }[] = [];
  for (const g of homesIn(seed, homes)) {
    const pairs = plantSynergies(g, seed);
    const shares = lagShares(g, generateHomeEvents(g, ctxFor(seed, days), pairs), pairs);
    pairs.forEach((p, i) => {
      rows.push({ share: shares[i], linked: p.linked, confounder: p.confounder ?? null });
    });
  }
  return rows;
}
const rows = population();

test("confounded pairs are unlinked, marked in the synergies table, and do co-activate", () => {
  const seed = 3;
  const counts = { routine: 0, walk_through: 0 };
  for (const g of homesIn(seed, 60)) {
    const pairs = plantSynergies(g, seed);
    const table = synergiesTable(pairs);
    const column = table.columns.confounder as (string | null)[];
    pairs.forEach((p, i) => {
      assert.is(column[i], p.confounder ?? null);
      if (p.confounder) {
        assert.not.ok(p.linked, "a confounded pair is never a link");
        counts[p.confounder]++;
      }
    });
    // the marks name pairs the plan really co-activates
    const plan = planConfounders(g, seed);
    const index = new Map(g.devices.map((d, i) => [d.entityId, i]));
    for (const p of pairs.filter((q) => q.confounder === "walk_through")) {
      const t = index.get(p.trigger)!;
      const a = index.get(p.action)!;
      assert.ok(
        plan.routes.some(
          (r) =>
            (r.door === t || r.sensors.some((s) => s.includes(t))) &&
            (r.lights.some((l) => l.includes(a)) || r.outlet.includes(a)),
        ),
      );
    }
  }
  assert.ok(counts.routine >= 5 && counts.walk_through >= 50, JSON.stringify(counts));
  // in the events, confounded unlinked pairs look far more linked than the other unlinked pairs
  const median = (xs: number[]) => xs.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y)[xs.length >> 1];
  const confounded = median(rows.filter((r) => r.confounder).map((r) => r.share));
  const plain = median(rows.filter((r) => !r.linked && !r.confounder).map((r) => r.share));
  assert.ok(confounded > 5 * plain && confounded > 0.02, `median lag share ${confounded} vs ${plain}`);
});

test("a lag count alone no longer separates linked from unlinked pairs well, but linked pairs stay findable", () => {
  const auc = rocAuc(
    rows.map((r) => r.share),
    rows.map((r) => r.linked),
  );
  // version 3's world: 0.913 on this population (fails the first bound)
  assert.ok(auc < 0.86, `lag-share AUC ${auc}`);
  assert.ok(auc > 0.65, `lag-share AUC ${auc}: linked pairs must stay detectable`);
  // the hard negatives are what a lag count confuses with links
  const hard = rows.filter((r) => r.linked || r.confounder);
  const hardAuc = rocAuc(
    hard.map((r) => r.share),
    hard.map((r) => r.linked),
  );
  assert.ok(hardAuc < 0.8, `AUC against confounded negatives only ${hardAuc}`);
});

test("confounders are deterministic: a home alone equals the same home after others; another seed differs", () => {
  const seed = 17;
  const homes = homesIn(seed, 6);
  const ctx = ctxFor(seed, 10);
  const batch = homes.map((g) => generateHomeEvents(g, ctx, plantSynergies(g, seed)));
  const alone = generateHomeEvents(homes[4], ctx, plantSynergies(homes[4], seed));
  assert.equal(Array.from(alone.time), Array.from(batch[4].time));
  assert.equal(Array.from(alone.entityIndex), Array.from(batch[4].entityIndex));
  assert.equal(Array.from(alone.state), Array.from(batch[4].state));
  assert.equal(planConfounders(homes[4], seed), planConfounders(homes[4], seed));
  assert.equal(
    plantSynergies(homes[4], seed).map((p) => p.confounder),
    plantSynergies(homes[4], seed).map((p) => p.confounder),
  );
  const other = generateHomeEvents(homes[4], { ...ctx, seed: seed + 1 }, plantSynergies(homes[4], seed));
  assert.not.equal(Array.from(other.time.slice(0, 200)), Array.from(alone.time.slice(0, 200)));
});

test.run();
