import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../lib/core/random.js";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../../lib/pipeline/generation/homeSpec.js";
import { generateHomeEvents, type HomeEvents } from "../../lib/synth/events.js";
import { applyFaults, faultsEnabled, MAX_DELIVERY_LAG } from "../../lib/synth/faults.js";
import { generateHome } from "../../lib/synth/homes.js";

const SEED = 13;
const config = parseGenerationConfig({ seed: SEED, homes: 10, days: 60 });
const spec = homeGenerationSpec(config);
// the home with the most devices among the first ten
const home = Array.from({ length: 10 }, (_, i) => generateHome(spec, i)).sort(
  (a, b) => b.devices.length - a.devices.length,
)[0];
const clean = generateHomeEvents(home, config, []);

function rows(e: HomeEvents): string[] {
  return Array.from(
    { length: e.length },
    (_, i) => `${e.entityIndex[i]}|${e.time[i]}|${e.state[i]}|${e.value[i]}`,
  );
}

/** Binomial tolerance: |count − n·p| within 4.5 sd. */
function near(count: number, n: number, p: number): boolean {
  return Math.abs(count - n * p) <= 4.5 * Math.sqrt(n * p * (1 - p)) + 1;
}

test("faults are off by default: the config's rates are zero and the stream is untouched", () => {
  assert.equal(config.faults, { drop: 0, duplicate: 0, outOfOrder: 0 });
  assert.not.ok(faultsEnabled(config.faults));
  assert.equal(clean.faults, { dropped: 0, duplicated: 0, outOfOrder: 0 });
  assert.ok(clean.length > 50_000, `${clean.length} events`);
  assert.is(applyFaults(clean, config.faults, Rng.derive(SEED, "any")), clean);
  for (let i = 1; i < clean.length; i++) assert.ok(clean.time[i] >= clean.time[i - 1]);
});

test("drop and duplicate counts match their rates, and the stream shows exactly what was reported", () => {
  const rates = { drop: 0.03, duplicate: 0.02, outOfOrder: 0 };
  const faulty = generateHomeEvents(home, { ...config, faults: rates }, []);
  const n = clean.length;
  const { dropped, duplicated, outOfOrder } = faulty.faults;
  assert.ok(near(dropped, n, rates.drop), `dropped ${dropped} of ${n}`);
  // an event is duplicated when selected for duplication and not dropped
  assert.ok(near(duplicated, n, rates.duplicate * (1 - rates.drop)), `duplicated ${duplicated}`);
  assert.is(outOfOrder, 0);
  assert.is(faulty.length, n - dropped + duplicated);
  // every faulty row is a clean row; duplicates sit next to their original
  const cleanRows = new Set(rows(clean));
  const faultyRows = rows(faulty);
  let adjacentTwins = 0;
  for (let i = 0; i < faultyRows.length; i++) {
    assert.ok(cleanRows.has(faultyRows[i]));
    if (i > 0 && faultyRows[i] === faultyRows[i - 1]) adjacentTwins++;
  }
  assert.is(adjacentTwins, duplicated);
  assert.is(new Set(faultyRows).size, n - dropped);
  // still sorted: drops and duplicates do not reorder
  for (let i = 1; i < faulty.length; i++) assert.ok(faulty.time[i] >= faulty.time[i - 1]);
});

test("out-of-order deliveries match their rate; each is an event arriving a few events late", () => {
  const rate = 0.02;
  const faulty = generateHomeEvents(
    home,
    { ...config, faults: { drop: 0, duplicate: 0, outOfOrder: rate } },
    [],
  );
  const n = clean.length;
  const late = faulty.faults.outOfOrder;
  assert.ok(near(late, n, rate), `out of order ${late} of ${n}`);
  assert.is(faulty.length, n);
  assert.equal(rows(faulty).sort(), rows(clean).sort(), "the same events, reordered");
  // time inversions: one per late event, fewer only where late events overlap or tie
  let inversions = 0;
  for (let i = 1; i < faulty.length; i++) if (faulty.time[i] < faulty.time[i - 1]) inversions++;
  assert.ok(
    inversions <= late && inversions >= 0.8 * late,
    `${inversions} inversions for ${late} late events`,
  );
  // no event is displaced by more than the maximum delivery lag
  const position = new Map(rows(clean).map((r, i) => [r, i]));
  rows(faulty).forEach((r, i) => {
    const shift = i - position.get(r)!;
    assert.ok(shift <= MAX_DELIVERY_LAG && shift >= -MAX_DELIVERY_LAG * 4, `shift ${shift}`);
  });
});

test("faults are seeded: same seed, same faults; another seed, other events hit", () => {
  const rates = { drop: 0.01, duplicate: 0.01, outOfOrder: 0.01 };
  const a = generateHomeEvents(home, { ...config, faults: rates }, []);
  const b = generateHomeEvents(home, { ...config, faults: rates }, []);
  assert.equal(rows(a), rows(b));
  assert.equal(a.faults, b.faults);
  const c = applyFaults(clean, rates, Rng.derive(SEED + 1, 2, "faults"));
  assert.not.equal(rows(a), rows(c));
});

test("a rate of 1 drops every event; duplicates at rate 1 double the stream", () => {
  assert.is(applyFaults(clean, { drop: 1, duplicate: 0, outOfOrder: 0 }, Rng.derive(1)).length, 0);
  const doubled = applyFaults(clean, { drop: 0, duplicate: 1, outOfOrder: 0 }, Rng.derive(1));
  assert.is(doubled.length, 2 * clean.length);
  assert.is(doubled.faults.duplicated, clean.length);
});

test.run();
