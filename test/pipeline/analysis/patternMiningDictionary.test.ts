import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ColumnTable, columnTable, type ProducedTable } from "../../../lib/core/columnTable.js";
import { DictionaryColumn } from "../../../lib/core/dictionaryColumn.js";
import { Rng } from "../../../lib/core/random.js";
import { extractPatterns } from "../../../lib/pipeline/analysis/patternMining.js";
import { EVENTS_SCHEMA } from "../../../lib/pipeline/storage/tables.js";

const MINUTE = 60_000;
const START = Date.UTC(2025, 2, 1);

/**
 * Two homes sharing entity ids, rows interleaved across homes and partly out of time order;
 * a numeric sensor (with a literal "high" and null states among its readings), a motion
 * sensor the light follows, and a null-state row.
 */
function events(): ColumnTable {
  const rng = Rng.derive(5, "dictionary-patterns");
  const home: string[] = [];
  const entity: string[] = [];
  const time: number[] = [];
  const state: (string | null)[] = [];
  const value: number[] = [];
  const add = (h: string, e: string, t: number, s: string | null, v = Number.NaN) => {
    home.push(h);
    entity.push(e);
    time.push(t);
    state.push(s);
    value.push(v);
  };
  for (const h of ["h2", "h1"]) {
    for (let k = 0; k < 400; k++) {
      const t = START + k * 7 * MINUTE + rng.int(0, 30_000);
      const x = 20 + 5 * Math.sin(k / 20) + rng.normal(0, 0.3) + (k % 97 === 0 ? 12 : 0);
      add(h, "sensor.temp", t, k % 53 === 0 ? "high" : k % 61 === 0 ? null : x.toFixed(1), x);
      if (k % 3 === 0) {
        add(h, "binary_sensor.motion", t + 1000, "on");
        add(h, "light.hall", t + 9000 + rng.int(0, 5000), "on");
        add(h, "binary_sensor.motion", t + 60_000, "off");
        add(h, "light.hall", t + 120_000, k % 9 === 0 ? null : "off");
      }
    }
  }
  // interleave the homes and swap some neighbours so rows are neither grouped nor sorted
  const order = Array.from(home, (_, i) => i).sort((a, b) => (a % 2) - (b % 2) || a - b);
  for (let i = 1; i < order.length; i += 5) [order[i - 1], order[i]] = [order[i], order[i - 1]];
  return columnTable(EVENTS_SCHEMA, {
    home_id: order.map((i) => home[i]),
    entity_id: order.map((i) => entity[i]),
    time: Float64Array.from(order, (i) => time[i]),
    state: order.map((i) => state[i]),
    value: Float64Array.from(order, (i) => value[i]),
  });
}

/** Dictionary-coded string columns; `messy` repeats every entry under a second code and adds unused ones. */
function coded(table: ColumnTable, messy: boolean): ProducedTable {
  const code = (name: string) => {
    const plain = DictionaryColumn.encode(table.columns[name] as (string | null)[]);
    if (!messy) return plain;
    const shift = plain.dictionary.length + 1;
    const dictionary = ["unused", ...plain.dictionary, "also unused", ...plain.dictionary];
    const codes = plain.codes.map((c, i) => (c < 0 ? c : i % 2 ? c + 1 : c + 1 + shift));
    return new DictionaryColumn(dictionary, codes);
  };
  return {
    ...table,
    columns: {
      ...table.columns,
      home_id: code("home_id"),
      entity_id: code("entity_id"),
      state: code("state"),
    },
  };
}

function assertSameTable(actual: ColumnTable, expected: ColumnTable, what: string): void {
  assert.is(actual.rows, expected.rows, `${what}: rows`);
  for (const name of Object.keys(expected.columns)) {
    const values = (t: ColumnTable) => Array.from(t.columns[name] as ArrayLike<unknown>);
    assert.equal(values(actual), values(expected), `${what}: ${name}`);
  }
}

const OPTIONS = [
  {},
  { minOccurrences: 1, minConfidence: 0 },
  { windowMs: 20_000, levelQuantiles: [0.2, 0.8] as const, levelNoiseZ: 0 },
];

test("dictionary columns give the same patterns as plain string columns, row for row", () => {
  const plain = events();
  for (const options of OPTIONS) {
    const opts = { ...options, timeZones: { h1: "Europe/Berlin" } };
    const expected = extractPatterns(plain, opts);
    assert.ok(expected.rows > 20, `${expected.rows} patterns`);
    assertSameTable(extractPatterns(coded(plain, false), opts), expected, "dictionary");
    assertSameTable(extractPatterns(coded(plain, true), opts), expected, "repeated entries");
  }
});

test("a home's rows in generator order (grouped, time-sorted) give the same patterns as shuffled rows", () => {
  const shuffled = events();
  const order = Array.from({ length: shuffled.rows }, (_, i) => i);
  const c = shuffled.columns;
  const time = c.time as Float64Array;
  const home = c.home_id as string[];
  order.sort((a, b) => (home[a] < home[b] ? -1 : home[a] > home[b] ? 1 : time[a] - time[b] || a - b));
  const pick = <T>(xs: ArrayLike<T>) => order.map((i) => xs[i]);
  const sorted = columnTable(EVENTS_SCHEMA, {
    home_id: pick(home),
    entity_id: pick(c.entity_id as string[]),
    time: Float64Array.from(pick(time)),
    state: pick(c.state as (string | null)[]),
    value: Float64Array.from(pick(c.value as Float64Array)),
  });
  const opts = { minOccurrences: 1, minConfidence: 0 };
  assertSameTable(
    extractPatterns(coded(sorted, true), opts),
    extractPatterns(shuffled, opts),
    "sorted vs shuffled",
  );
});

test("a null or empty home_id / entity_id in a dictionary column names its row", () => {
  const table = coded(events(), false);
  const entity = table.columns.entity_id as DictionaryColumn;
  const codes = entity.codes.slice();
  codes[3] = -1;
  assert.throws(
    () =>
      extractPatterns({
        ...table,
        columns: { ...table.columns, entity_id: new DictionaryColumn(entity.dictionary, codes) },
      }),
    /row 3 has no entity_id/,
  );
  const home = table.columns.home_id as DictionaryColumn;
  const homeCodes = home.codes.slice();
  homeCodes[5] = home.dictionary.length;
  assert.throws(
    () =>
      extractPatterns({
        ...table,
        columns: { ...table.columns, home_id: new DictionaryColumn([...home.dictionary, ""], homeCodes) },
      }),
    /row 5 has no home_id/,
  );
});

test.run();
