import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { plainTable } from "../../../lib/core/columnTable.js";
import { DictionaryColumn } from "../../../lib/core/dictionaryColumn.js";
import { stringId, stringOfId } from "../../../lib/core/stringIds.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { eventsTable } from "../../../lib/pipeline/generation/eventsTable.js";
import { homeGenerationSpec } from "../../../lib/pipeline/generation/homeSpec.js";
import { readTableFile, writeTableFile } from "../../../lib/pipeline/storage/tableIO.js";
import { EVENTS_SCHEMA } from "../../../lib/pipeline/storage/tables.js";
import {
  eventStateText,
  formatReading,
  generateHomeEvents,
  NUMERIC_STATE,
} from "../../../lib/synth/events.js";
import { generateHome } from "../../../lib/synth/homes.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const config = parseGenerationConfig({ seed: 3, homes: 2, days: 7 });
const home = generateHome(homeGenerationSpec(config), 1);
const events = generateHomeEvents(home, config, []);
const produced = eventsTable(events, home);
const table = plainTable(produced);

test("the events table has the contract's columns, one row per event, states as Home Assistant text", () => {
  assert.is(table.schema, EVENTS_SCHEMA);
  assert.is(table.rows, events.length);
  const entity = table.columns.entity_id as string[];
  const state = table.columns.state as string[];
  const value = table.columns.value as Float64Array;
  let numeric = 0;
  for (let i = 0; i < table.rows; i++) {
    assert.is(entity[i], home.devices[events.entityIndex[i]].entityId);
    assert.is(state[i], eventStateText(events, i));
    if (home.devices[events.entityIndex[i]].domain === "sensor") {
      numeric++;
      assert.is(Number(state[i]), value[i], "a reading's state is its value");
    }
  }
  assert.ok(numeric > 0 && numeric < table.rows);
  assert.ok((table.columns.home_id as string[]).every((h) => h === home.home.homeId));
});

test("the string columns are dictionary codes, decoding to the strings built row by row", () => {
  for (const name of ["home_id", "entity_id", "state"]) {
    assert.instance(produced.columns[name], DictionaryColumn, name);
  }
  const entity = produced.columns.entity_id as DictionaryColumn;
  assert.is(entity.codes.buffer, events.entityIndex.buffer, "entity codes are the events' entity indices");
  // the strings as eventsTable built them before dictionary columns
  const entityIds = home.devices.map((d) => d.entityId);
  const oldEntity: string[] = [];
  const oldState: string[] = [];
  for (let i = 0; i < events.length; i++) {
    oldEntity.push(entityIds[events.entityIndex[i]]);
    oldState.push(
      events.state[i] === NUMERIC_STATE ? formatReading(events.value[i]) : events.stateNames[events.state[i]],
    );
  }
  assert.equal(table.columns.entity_id, oldEntity);
  assert.equal(table.columns.state, oldState);
  assert.equal(table.columns.home_id, new Array(events.length).fill(home.home.homeId));
  const state = produced.columns.state as DictionaryColumn;
  assert.ok(state.dictionary.length < events.length / 4, "each distinct reading is one entry");
});

test("readings are memoised like a Map: -0 is 0, every NaN is one entry, thousands of values", () => {
  const values = [0, -0, Number.NaN, 1.5, -1.5, 0.1, 1e300, -1e-300, Number.NaN, 0, 5e-324];
  for (let i = 0; i < 3000; i++) values.push(i / 7, -i / 7);
  const n = values.length;
  const fake = {
    ...events,
    length: n,
    entityIndex: new Int32Array(n),
    time: new Float64Array(n),
    state: new Uint8Array(n).fill(NUMERIC_STATE),
    value: Float64Array.from(values),
  };
  const state = eventsTable(fake, home).columns.state as DictionaryColumn;
  const distinct = new Map<number, number>();
  for (const v of values) if (!distinct.has(v)) distinct.set(v, distinct.size);
  // entries in order of first use, so exactly one per distinct reading
  assert.is(state.dictionary.length, distinct.size);
  for (let i = 0; i < n; i++) {
    assert.is(state.at(i), formatReading(values[i]));
    assert.is(state.codes[i], distinct.get(values[i]) as number);
  }
});

test("the state column promises first use and carries each entry's string id", () => {
  const state = produced.columns.state as DictionaryColumn;
  assert.ok(state.firstUse);
  const seen = new Set<number>();
  let next = 0;
  for (const code of state.codes) {
    if (seen.has(code)) continue;
    assert.is(code, next++, "a new entry is the next one");
    seen.add(code);
  }
  assert.is(next, state.dictionary.length, "every entry is used");
  assert.ok(state.ids);
  for (let c = 0; c < state.dictionary.length; c++) assert.is(stringOfId(state.ids![c]), state.dictionary[c]);
  const entity = produced.columns.entity_id as DictionaryColumn;
  assert.ok(entity.ids);
  for (let c = 0; c < entity.dictionary.length; c++)
    assert.is(entity.ids![c], stringId(entity.dictionary[c]));
});

test("the events table survives a Parquet round trip, NaN values as nulls", async () => {
  const dir = tempDir();
  const path = join(dir, "events.parquet");
  writeTableFile(path, table, "parquet");
  const back = await readTableFile(path, EVENTS_SCHEMA);
  removeDir(dir);
  assert.is(back.rows, table.rows);
  assert.equal(Array.from(back.columns.time as Float64Array), Array.from(table.columns.time as Float64Array));
  assert.equal(back.columns.state, table.columns.state);
  const a = back.columns.value as Float64Array;
  const b = table.columns.value as Float64Array;
  for (let i = 0; i < b.length; i++) assert.ok(Number.isNaN(b[i]) ? Number.isNaN(a[i]) : a[i] === b[i]);
});

test.run();
