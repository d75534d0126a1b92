import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ProducedTable, plainTable, type TableSchema } from "../../../lib/core/columnTable.js";
import { DictionaryColumn } from "../../../lib/core/dictionaryColumn.js";
import {
  batchTables,
  packBatch,
  packTables,
  produceBatch,
  unpackBatch,
  unpackTables,
} from "../../../lib/pipeline/generation/batch.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import type { HomeProducer } from "../../../lib/pipeline/generation/producers.js";
import { validationRules } from "../../../lib/pipeline/generation/validate.js";

const SCHEMA: TableSchema = {
  name: "events",
  columns: [
    { name: "entity_id", type: "string", role: "key" },
    { name: "scenario", type: "string", role: "truth", nullable: true },
    { name: "ahead", type: "int32", role: "truth", nullable: true },
    { name: "none_ahead", type: "int32", role: "truth", nullable: true },
    { name: "time", type: "timestamp_ms", role: "key" },
  ],
};

function table(): ProducedTable {
  const entityIndex = Int32Array.from([2, 0, 1, 2, 2, 0, 9]);
  return {
    schema: SCHEMA,
    rows: 6,
    columns: {
      // a view of a longer index array, as eventsTable makes it
      entity_id: new DictionaryColumn(["light.a", "light.b", "sensor.c"], entityIndex.subarray(0, 6)),
      scenario: [null, "battery", null, null, "battery", "radio"],
      ahead: [null, 3, null, null, 1, 0],
      none_ahead: [null, null, null, null, null, null],
      time: Float64Array.from([1, 2, 3, 4, 5, 6]),
    },
  };
}

test("pack → transfer → unpack keeps dictionary columns as codes and moves only buffers", () => {
  const original = table();
  const expected = plainTable(table());
  const codes = (original.columns.entity_id as DictionaryColumn).codes;
  const { packed, transfer } = packTables({ events: original });
  const entity = packed.events?.columns.entity_id as { packed: string; codes: Int32Array };
  assert.is(entity.packed, "dict");
  assert.is(entity.codes, codes, "a DictionaryColumn is passed through, not re-coded");
  assert.ok(transfer.includes(codes.buffer as ArrayBuffer));
  assert.ok(transfer.every((b) => b instanceof ArrayBuffer));
  // what postMessage does: clone the rest, move the transferred buffers
  const moved = structuredClone(packed, { transfer });
  assert.is(codes.byteLength, 0, "the codes were transferred, not copied");
  const back = unpackTables(moved).events as ProducedTable;
  assert.instance(back.columns.entity_id, DictionaryColumn);
  assert.instance(back.columns.scenario, DictionaryColumn, "plain string columns arrive coded");
  assert.equal(
    back.columns.none_ahead,
    [null, null, null, null, null, null],
    "an all-null int column stays ints",
  );
  assert.equal(plainTable(back).columns, expected.columns);
});

const HOME_SCHEMA: TableSchema = {
  name: "homes",
  columns: [
    { name: "home_id", type: "string", role: "key" },
    { name: "rooms", type: "int32", role: "feature" },
  ],
};

/** One row per home; its rooms are its index, so rows say which home made them. */
const indexProducer: HomeProducer = (generated) => ({
  homes: {
    schema: HOME_SCHEMA,
    rows: 1,
    columns: {
      home_id: new DictionaryColumn([generated.home.homeId], Int32Array.of(0)),
      rooms: Int32Array.of(generated.home.index),
    },
  },
});

test("produceBatch keeps each valid home's tables as they were made, in home order; packing concatenates them once", () => {
  const config = parseGenerationConfig({
    seed: 3,
    homes: 4,
    days: 1,
    validation: { minDevices: 1, minEvents: 0 },
  });
  const made: ProducedTable[] = [];
  const producer: HomeProducer = (g, c) => {
    const tables = indexProducer(g, c);
    made.push(tables.homes!);
    return tables;
  };
  const result = produceBatch(producer, config, validationRules(config), 0, 0, 4);
  assert.is(result.homes, 4);
  assert.is(result.parts.length, 4);
  for (const [i, part] of result.parts.entries()) {
    assert.is(part.homes, made[i], "no copy between producer and writer");
  }
  const joined = batchTables(result.parts).homes!;
  assert.equal(Array.from(joined.columns.rooms as Int32Array), [0, 1, 2, 3]);
  const back = unpackBatch(structuredClone(packBatch(result).packed));
  assert.is(back.parts.length, 1);
  assert.equal(plainTable(back.parts[0].homes!).columns, plainTable(joined).columns);
});

test("a batch with no valid home still carries every table, empty and with its schema", () => {
  const config = parseGenerationConfig({ seed: 3, homes: 2, days: 1, validation: { minDevices: 10_000 } });
  const result = produceBatch(indexProducer, config, validationRules(config), 0, 0, 2);
  assert.is(result.invalid.length, 2);
  assert.is(result.parts.length, 1);
  assert.is(result.parts[0].homes?.rows, 0);
  assert.is(result.parts[0].homes?.schema, HOME_SCHEMA);
});

test.run();
