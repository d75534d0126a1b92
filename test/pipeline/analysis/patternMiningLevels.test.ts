import { test } from "uvu";
import * as assert from "uvu/assert";
import { columnTable } from "../../../lib/core/columnTable.js";
import { Rng } from "../../../lib/core/random.js";
import { extractPatterns } from "../../../lib/pipeline/analysis/patternMining.js";
import { EVENTS_SCHEMA } from "../../../lib/pipeline/storage/tables.js";

const MINUTE = 60_000;
const START = Date.UTC(2025, 5, 1);

/**
 * A temperature sensor on a daily cycle with noise, readings rounded to 0.1 (so they repeat),
 * and a fan that follows warm afternoons. `stateOf` writes the sensor's state string.
 */
function events(stateOf: (reading: number) => string) {
  const rng = Rng.derive(11, "level-patterns");
  const rows: [string, number, string, number][] = [];
  for (let k = 0; k < 1500; k++) {
    const t = START + k * 10 * MINUTE;
    const reading = Math.round((21 + 4 * Math.sin((2 * Math.PI * k) / 144) + rng.normal(0, 0.2)) * 10) / 10;
    rows.push(["sensor.temp", t, k % 89 === 0 ? "unavailable" : stateOf(reading), reading]);
    if (reading > 24.5 && rng.bernoulli(0.3)) rows.push(["fan.attic", t + 30_000, "on", Number.NaN]);
    if (reading < 22 && rng.bernoulli(0.3)) rows.push(["fan.attic", t + 30_000, "off", Number.NaN]);
  }
  return columnTable(EVENTS_SCHEMA, {
    home_id: rows.map(() => "h"),
    entity_id: rows.map((r) => r[0]),
    time: Float64Array.from(rows, (r) => r[1]),
    state: rows.map((r) => r[2]),
    value: Float64Array.from(rows, (r) => r[3]),
  });
}

test("level thresholds counted per state code equal those selected from the readings", () => {
  // states that spell the readings take the counting path; a state that is a number other than
  // the reading ("0", the value column wins) forces selection on the readings themselves
  const counted = events((x) => String(x));
  const selected = events(() => "0");
  for (const options of [{}, { levelQuantiles: [0.3, 0.6] as const, levelNoiseZ: 0 }, { levelNoiseZ: 8 }]) {
    const a = extractPatterns(counted, options);
    const b = extractPatterns(selected, options);
    const levels = (a.columns.detail as string[]).filter((d) => d.includes('"high"') || d.includes('"low"'));
    assert.ok(levels.length > 0, `levels found with ${JSON.stringify(options)}`);
    for (const name of Object.keys(a.columns)) {
      assert.equal(
        Array.from(a.columns[name] as ArrayLike<unknown>),
        Array.from(b.columns[name] as ArrayLike<unknown>),
        name,
      );
    }
  }
});

test.run();
