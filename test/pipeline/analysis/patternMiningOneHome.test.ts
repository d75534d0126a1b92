import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  type ColumnTable,
  columnTable,
  type ProducedTable,
  plainTable,
} from "../../../lib/core/columnTable.js";
import { DictionaryColumn } from "../../../lib/core/dictionaryColumn.js";
import { Rng } from "../../../lib/core/random.js";
import { extractPatterns } from "../../../lib/pipeline/analysis/patternMining.js";
import { EVENTS_SCHEMA } from "../../../lib/pipeline/storage/tables.js";

const MINUTE = 60_000;
const START = Date.UTC(2025, 2, 1);

/**
 * One home as the generator hands it over (dictionary columns, one home code, rows in time
 * order): a rounded numeric sensor, a motion sensor the light follows, null states.
 */
function oneHome(): ProducedTable {
  const rng = Rng.derive(9, "one-home-patterns");
  const rows: [string, number, string | null, number][] = [];
  for (let k = 0; k < 600; k++) {
    const t = START + k * 5 * MINUTE;
    const x = Math.round((20 + 4 * Math.sin(k / 30) + rng.normal(0, 0.3)) * 10) / 10;
    rows.push(["sensor.temp", t, k % 71 === 0 ? null : String(x), x]);
    if (k % 2 === 0) {
      rows.push(["binary_sensor.motion", t + 1000, "on", Number.NaN]);
      rows.push(["light.hall", t + 5000 + rng.int(0, 5000), k % 7 === 0 ? null : "on", Number.NaN]);
      rows.push(["binary_sensor.motion", t + 90_000, "off", Number.NaN]);
      rows.push(["light.hall", t + 150_000, "off", Number.NaN]);
    }
  }
  rows.sort((a, b) => a[1] - b[1]);
  return columnTable(EVENTS_SCHEMA, {
    home_id: DictionaryColumn.constant("h1", rows.length),
    entity_id: DictionaryColumn.encode(rows.map((r) => r[0])),
    time: Float64Array.from(rows, (r) => r[1]),
    state: DictionaryColumn.encode(rows.map((r) => r[2])),
    value: Float64Array.from(rows, (r) => r[3]),
  });
}

function assertSameTable(a: ColumnTable, b: ColumnTable): void {
  assert.is(a.rows, b.rows);
  for (const name of Object.keys(a.columns)) {
    assert.equal(
      Array.from(a.columns[name] as ArrayLike<unknown>),
      Array.from(b.columns[name] as ArrayLike<unknown>),
      name,
    );
  }
}

test("one dictionary-coded home (null states included) gives the table its plain rows give", () => {
  const table = oneHome();
  const mined = extractPatterns(table);
  assert.ok(mined.rows > 10);
  assert.ok((mined.columns.kind as string[]).includes("sequence"));
  assertSameTable(mined, extractPatterns(plainTable(table)));
});

test("one home with rows out of time order is sorted first (same table as sorted rows)", () => {
  const table = oneHome();
  const n = table.rows;
  // swap pairs of rows far apart in time
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i + 500 < n; i += 97) [order[i], order[i + 500]] = [order[i + 500], order[i]];
  const pick = (data: unknown) =>
    data instanceof DictionaryColumn
      ? new DictionaryColumn(
          data.dictionary,
          Int32Array.from(order, (i) => data.codes[i]),
        )
      : Float64Array.from(order, (i) => (data as Float64Array)[i]);
  const shuffled = {
    ...table,
    columns: Object.fromEntries(Object.entries(table.columns).map(([k, v]) => [k, pick(v)])),
  };
  assertSameTable(extractPatterns(shuffled as ProducedTable), extractPatterns(table));
});

test("one home: the first row without an entity or a finite time is named", () => {
  const table = oneHome();
  const entity = table.columns.entity_id as DictionaryColumn;
  const entityCodes = entity.codes.slice();
  entityCodes[7] = -1;
  const time = (table.columns.time as Float64Array).slice();
  time[4] = Number.NaN;
  const with_ = (columns: Record<string, unknown>) =>
    extractPatterns({ ...table, columns: { ...table.columns, ...columns } } as ProducedTable);
  assert.throws(() => with_({ time }), /row 4 has no valid time/);
  assert.throws(
    () => with_({ entity_id: new DictionaryColumn(entity.dictionary, entityCodes) }),
    /row 7 has no entity_id/,
  );
  time[4] = Number.POSITIVE_INFINITY;
  assert.throws(
    () => with_({ time, entity_id: new DictionaryColumn(entity.dictionary, entityCodes) }),
    /row 4 has no valid time/,
  );
  const homeCodes = new Int32Array(table.rows);
  homeCodes[9] = -1;
  assert.throws(() => with_({ home_id: new DictionaryColumn(["h1"], homeCodes) }), /row 9 has no home_id/);
});

test.run();
