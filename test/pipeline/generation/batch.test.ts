import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ProducedTable, plainTable, type TableSchema } from "../../../lib/core/columnTable.js";
import { DictionaryColumn } from "../../../lib/core/dictionaryColumn.js";
import { packTables, unpackTables } from "../../../lib/pipeline/generation/batch.js";

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

test.run();
