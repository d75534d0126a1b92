import * as arrow from "apache-arrow";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { columnTable, concatTables, sliceTable, type TableSchema } from "../../../lib/core/columnTable.js";
import { DictionaryColumn } from "../../../lib/core/dictionaryColumn.js";
import { RowRegrouper, recordBatchOf } from "../../../lib/pipeline/storage/arrowBatch.js";
import { mixedSchema, mixedTable } from "../../helpers/mixedTable.js";

const SCHEMA = mixedSchema(["s", "i", "f", "b", "time", "d"]);
const mixed = (n: number, from = 0) => mixedTable(SCHEMA, n, from);

/** Every cell as Arrow reads it back. */
function cells(batch: ReturnType<typeof recordBatchOf>): unknown[][] {
  return SCHEMA.columns.map((c) => {
    const v = batch.getChild(c.name);
    return Array.from({ length: batch.numRows }, (_, i) => {
      const x = v?.get(i);
      return x instanceof Date ? x.getTime() : typeof x === "bigint" ? Number(x) : x;
    });
  });
}

test("regrouping across batch boundaries gives the same rows as concatenation", () => {
  const parts = [mixed(3), mixed(10, 3), mixed(1, 13), mixed(0, 14), mixed(12, 14)];
  const whole = concatTables(SCHEMA, parts);
  const regroup = new RowRegrouper(8);
  const groups = parts.flatMap((p) => regroup.push(p));
  const last = regroup.drain();
  if (last) groups.push(last);
  assert.equal(
    groups.map((g) => g.reduce((n, s) => n + s.rows, 0)),
    [8, 8, 8, 2],
  );
  groups.forEach((group, g) => {
    const expected = recordBatchOf(SCHEMA, [sliceTable(whole, g * 8, Math.min(26, g * 8 + 8))]);
    assert.equal(cells(recordBatchOf(SCHEMA, group)), cells(expected), `group ${g}`);
  });
});

test("typed-array batches: nulls, NaN as null, strings, bools, timestamps and dates", () => {
  const batch = recordBatchOf(SCHEMA, [mixed(6)]);
  const [s, i, f, b, time, d] = cells(batch);
  assert.equal(s, [null, "dev_1_é", "dev_2_é", "dev_3_é", "dev_4_é", null]);
  assert.equal(i, [null, 3, 6, 9, null, 15]);
  assert.equal(f, [null, 0.125, 0.25, null, 0.5, 0.625]);
  assert.equal(b, [false, true, false, true, false, true]);
  assert.equal(time[1], Date.UTC(2025, 0, 1) + 1000);
  assert.equal(d[0], 20_000 * 86_400_000);
  assert.is(batch.getChild("s")?.nullCount, 2);
  assert.is(batch.schema.fields[0].nullable, true);
  assert.is(batch.schema.fields[3].nullable, false);
});

/** The IPC file bytes of one record batch. */
function ipc(batch: arrow.RecordBatch): Uint8Array {
  return arrow.tableToIPC(new arrow.Table([batch]), "file");
}

test("dictionary-coded segments write the same plain UTF-8 bytes as the strings they decode to", () => {
  const plain = [mixed(9), mixed(7, 9), mixed(10, 16)];
  // coded differently per segment: reordered entries, a repeated string, unused entries
  const coded = plain.map((t, k) => {
    const strings = t.columns.s as (string | null)[];
    const distinct = ["unused", ...new Set(strings.filter((v) => v !== null))].reverse();
    // segment 1 holds every entry twice, its even rows use the second copy
    const dictionary = k === 1 ? [...distinct, ...distinct] : distinct;
    const codes = Int32Array.from(strings, (v, i) => {
      if (v === null) return -1;
      const code = distinct.indexOf(v);
      return k === 1 && i % 2 === 0 ? code + distinct.length : code;
    });
    return { ...t, columns: { ...t.columns, s: new DictionaryColumn(dictionary, codes) } };
  });
  assert.equal(ipc(recordBatchOf(SCHEMA, coded)), ipc(recordBatchOf(SCHEMA, plain)));
  // the mix a group may hold: a coded slice beside a plain segment
  const mixedGroup = [sliceTable(coded[2], 3, 8), plain[0]];
  assert.equal(
    ipc(recordBatchOf(SCHEMA, mixedGroup)),
    ipc(recordBatchOf(SCHEMA, [sliceTable(plain[2], 3, 8), plain[0]])),
  );
  const s = sliceTable(coded[0], 2, 5).columns.s as DictionaryColumn;
  assert.is(s.codes.buffer, (coded[0].columns.s as DictionaryColumn).codes.buffer, "slices are views");
  assert.is(recordBatchOf(SCHEMA, coded).schema.fields[0].type.toString(), "Utf8");
  // long runs of one code (copied by doubling), beside a short run and a null
  const long = mixed(301);
  const runs = Int32Array.from({ length: 301 }, (_, i) => (i === 150 ? -1 : i < 299 ? 0 : 1));
  const runColumn = new DictionaryColumn(["home_000001_é", "x"], runs);
  const runBatch = recordBatchOf(SCHEMA, [{ ...long, columns: { ...long.columns, s: runColumn } }]);
  assert.equal(cells(runBatch)[0], runColumn.toArray());
  // and the strings of the coded segments, as Arrow reads them back
  assert.equal(
    cells(recordBatchOf(SCHEMA, coded))[0],
    plain.flatMap((t) => t.columns.s as (string | null)[]),
  );
});

test("timestamps become int64 exactly: negative, around 2^32, near ±2^53, missing", () => {
  const schema: TableSchema = {
    name: "times",
    columns: [{ name: "time", type: "timestamp_ms", role: "key", nullable: true }],
  };
  const ms = [
    0,
    1,
    -1,
    2 ** 32 - 1,
    2 ** 32,
    -(2 ** 32),
    -(2 ** 32) - 1,
    2 ** 53 - 1,
    1 - 2 ** 53,
    1.7e12,
    -1.7e12,
  ];
  const batch = recordBatchOf(schema, [
    columnTable(schema, { time: Float64Array.from([...ms, Number.NaN]) }),
  ]);
  const data = batch.getChild("time")?.data[0];
  const int64 = data?.values as BigInt64Array;
  assert.equal([...int64.subarray(0, ms.length)], ms.map(BigInt));
  assert.is(data?.nullCount, 1);
  assert.is(batch.getChild("time")?.get(ms.length), null);
});

test.run();
