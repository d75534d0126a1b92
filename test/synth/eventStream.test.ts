import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../lib/core/errors.js";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../../lib/pipeline/generation/homeSpec.js";
import { buildHomeWorld } from "../../lib/synth/eventRates.js";
import { eventsWithinDays } from "../../lib/synth/eventStream.js";
import { generateHomeEvents } from "../../lib/synth/events.js";
import { generateHome } from "../../lib/synth/homes.js";
import { plantSynergies } from "../../lib/synth/synergies.js";

const seed = 9;
const ctx = { seed, start: "2025-03-01", days: 21, faults: { drop: 0, duplicate: 0.01, outOfOrder: 0.02 } };
const g = generateHome(homeGenerationSpec(parseGenerationConfig({ seed, homes: 3, days: 21 })), 1);
const events = generateHomeEvents(g, ctx, plantSynergies(g, seed));
const start = buildHomeWorld(g.home, ctx).startUtcMs;
const DAY = 86_400_000;

test("eventsWithinDays keeps exactly the events of the first N days, in their order", () => {
  for (const days of [1, 3, 7, 14]) {
    const cut = eventsWithinDays(events, start, days);
    const expected: number[] = [];
    for (let i = 0; i < events.length; i++) if (events.time[i] < start + days * DAY) expected.push(i);
    assert.ok(expected.length > 0 && expected.length < events.length, `${days} days`);
    assert.is(cut.length, expected.length);
    assert.equal(
      Array.from(cut.time),
      expected.map((i) => events.time[i]),
    );
    assert.equal(
      Array.from(cut.entityIndex),
      expected.map((i) => events.entityIndex[i]),
    );
    assert.equal(
      Array.from(cut.state),
      expected.map((i) => events.state[i]),
    );
    assert.equal(
      Array.from(cut.value),
      expected.map((i) => events.value[i]),
    );
    assert.is(cut.stateNames, events.stateNames);
  }
  // more history: each cut contains the shorter one as its prefix (out-of-order rows included)
  const three = eventsWithinDays(events, start, 3);
  const seven = eventsWithinDays(events, start, 7);
  assert.ok(seven.length > 2 * three.length);
  // the full horizon (or more) keeps everything and leaves the input alone
  const all = eventsWithinDays(events, start, 21);
  assert.is(all.length, events.length);
  assert.equal(Array.from(all.time), Array.from(events.time));
  assert.is(eventsWithinDays(events, start, 400).length, events.length);
  assert.is.not(all.time, events.time);
});

test("eventsWithinDays rejects a bad day count or start in one line naming the field", () => {
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(
      () => eventsWithinDays(events, start, bad),
      (e: unknown) => e instanceof HomeforgeError && /^days:/.test((e as Error).message),
    );
  }
  assert.throws(
    () => eventsWithinDays(events, Number.NaN, 3),
    (e: unknown) => e instanceof HomeforgeError && /^startUtcMs:/.test((e as Error).message),
  );
});

test.run();
