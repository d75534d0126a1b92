import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  type ColumnSpec,
  type ColumnTable,
  columnTable,
  type ProducedTable,
  sliceTable,
  type TableSchema,
} from "../../../lib/core/columnTable.js";
import { DictionaryColumn } from "../../../lib/core/dictionaryColumn.js";
import { Rng } from "../../../lib/core/random.js";
import { stringIds } from "../../../lib/core/stringIds.js";
import { readTableFile } from "../../../lib/pipeline/storage/tableIO.js";
import { openTableWriter, PartitionedTableWriter } from "../../../lib/pipeline/storage/tableWriter.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const col = (name: string, type: ColumnSpec["type"], nullable = false): ColumnSpec => ({
  name,
  type,
  role: "attribute",
  nullable,
});
const SCHEMA: TableSchema = {
  name: "all_types",
  columns: [
    col("s", "string"),
    col("sn", "string", true),
    col("i", "int32"),
    col("in_", "int32", true),
    col("f", "float64"),
    col("fn", "float64", true),
    col("fd", "float64", true),
    col("b", "bool"),
    col("t", "timestamp_ms"),
    col("tn", "timestamp_ms", true),
    col("d", "date"),
    col("dn", "date", true),
  ],
};
// non-ASCII, empty, and a pair whose UTF-16 and UTF-8 orders differ (U+E000 vs an astral emoji)
const WORDS = ["", "on", "off", "Küche", "日本語", "\uE000", "😀", "a\u0000b", "zz"];
const T0 = Date.UTC(2025, 0, 1);
const D0 = Math.round(T0 / 86_400_000);

function allTypes(n: number, seed = 7): ColumnTable {
  const rng = new Rng(seed);
  const pick = () => WORDS[rng.int(0, WORDS.length - 1)];
  return columnTable(SCHEMA, {
    s: Array.from({ length: n }, (_, i) => (i < 600 ? `home_${i >> 8}` : pick())),
    sn: Array.from({ length: n }, () => (rng.next() < 0.3 ? null : pick())),
    i: Int32Array.from({ length: n }, () => rng.int(-2_000_000_000, 2_000_000_000)),
    in_: Array.from({ length: n }, (_, i) => (i % 4 === 1 ? null : rng.int(-50, 50))),
    // a required float keeps NaN, and -0 must come back as -0
    f: Float64Array.from({ length: n }, (_, i) =>
      i === 5 ? Number.NaN : i === 6 ? -0 : rng.uniform(-1e6, 1e6),
    ),
    fn: Float64Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? Number.NaN : i === 7 ? -0 : rng.uniform(0, 1),
    ),
    // few distinct values: dictionary-coded
    fd: Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? Number.NaN : rng.int(0, 40) / 2)),
    b: Uint8Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0)),
    // jumps back and forth across "homes": negative and large deltas
    t: Float64Array.from({ length: n }, (_, i) => T0 + (i % 700) * 60_000 - (i % 3) * 1e11 + rng.int(0, 999)),
    tn: Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? Number.NaN : -T0 + i * 1000)),
    d: Int32Array.from({ length: n }, (_, i) => D0 + (i % 90) - 30_000 * (i % 2)),
    dn: Array.from({ length: n }, (_, i) => (i % 6 === 2 ? null : D0 + i)),
  });
}

/** Each row's value per column, in one comparable form for every reader. */
type Canon = (string | number | boolean | null)[];
function canon(spec: ColumnSpec, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (spec.type === "bool") return Boolean(value);
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return spec.type === "date" ? value.getTime() / 86_400_000 : value.getTime();
  if (typeof value === "number") {
    if (Number.isNaN(value)) return spec.nullable ? null : "NaN";
    if (Object.is(value, -0)) return "-0";
  }
  return value as string | number;
}
function canonTable(table: ColumnTable): Record<string, Canon> {
  const out: Record<string, Canon> = {};
  for (const spec of table.schema.columns) {
    const data = table.columns[spec.name] as ArrayLike<unknown>;
    out[spec.name] = Array.from({ length: table.rows }, (_, i) => canon(spec, data[i]));
  }
  return out;
}

async function writeFile(path: string, table: ProducedTable, splits: number[], groupRows: number) {
  const writer = openTableWriter(path, table.schema, "parquet", { groupRows, metadata: { what: "test" } });
  let start = 0;
  for (const end of [...splits, table.rows]) {
    await writer.append(sliceTable(table, start, end));
    start = end;
  }
  return writer.finish();
}

let connection: DuckDBConnection | undefined;
async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  connection ??= await (await DuckDBInstance.create(":memory:")).connect();
  return (await connection.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
}
test.after(() => connection?.closeSync());

async function viaDuckdb(path: string): Promise<Record<string, Canon>> {
  const select = SCHEMA.columns
    .map((c) =>
      c.type === "timestamp_ms"
        ? `epoch_ms(${c.name}) AS ${c.name}`
        : c.type === "date"
          ? `(${c.name} - DATE '1970-01-01') AS ${c.name}`
          : c.name,
    )
    .join(", ");
  const rows = await duckRows(`SELECT ${select} FROM read_parquet('${path}')`);
  return Object.fromEntries(SCHEMA.columns.map((c) => [c.name, rows.map((r) => canon(c, r[c.name]))]));
}

function viaParquetWasm(path: string): Record<string, Canon> {
  const table = arrow.tableFromIPC(pw.readParquet(readFileSync(path)).intoIPCStream());
  return Object.fromEntries(
    SCHEMA.columns.map((c) => {
      const child = table.getChild(c.name);
      return [c.name, Array.from({ length: table.numRows }, (_, i) => canon(c, child?.get(i)))];
    }),
  );
}

async function assertReadsBack(path: string, table: ColumnTable) {
  const expected = canonTable(table);
  const readers: [string, Record<string, Canon>][] = [
    ["hyparquet", canonTable(await readTableFile(path, SCHEMA))],
    ["duckdb", await viaDuckdb(path)],
    ["parquet-wasm", viaParquetWasm(path)],
  ];
  for (const [reader, got] of readers) {
    for (const c of SCHEMA.columns) {
      const want = expected[c.name];
      const have = got[c.name];
      // dates read back through parquet-wasm as ms; compare in days
      const norm =
        c.type === "date" && reader === "parquet-wasm"
          ? have.map((v) => (v === null ? v : Number(v) / 86_400_000))
          : have;
      assert.equal(norm, want, `${reader}: column ${c.name}`);
    }
  }
}

test("every column type × nullable reads back equal through hyparquet, DuckDB and parquet-wasm", async () => {
  const table = allTypes(2_500);
  const path = join(root, "all.parquet");
  await writeFile(path, table, [1, 999, 1700], 1000);
  await assertReadsBack(path, table);
  const types = await duckRows(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
  const typeOf = Object.fromEntries(types.map((r) => [r.column_name, r.column_type]));
  assert.equal(
    [typeOf.s, typeOf.i, typeOf.f, typeOf.b, typeOf.t, typeOf.d],
    ["VARCHAR", "INTEGER", "DOUBLE", "BOOLEAN", "TIMESTAMP WITH TIME ZONE", "DATE"],
  );
  const kv = await duckRows(
    `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${path}')`,
  );
  assert.equal(kv, [{ k: "what", v: "test" }]);
  const meta = await duckRows(`SELECT created_by, num_row_groups FROM parquet_file_metadata('${path}')`);
  assert.equal(meta[0], { created_by: "homeforge", num_row_groups: 3n });
});

test("chunks whose every value is null, and a single-row group", async () => {
  const table = allTypes(21);
  for (const spec of SCHEMA.columns) {
    if (!spec.nullable) continue;
    table.columns[spec.name] =
      spec.type === "float64" || spec.type === "timestamp_ms"
        ? new Float64Array(21).fill(Number.NaN)
        : Array(21).fill(null);
  }
  const path = join(root, "nulls.parquet");
  await writeFile(path, table, [], 20);
  await assertReadsBack(path, table);
});

test("nullable floats: every NaN bit pattern is a null, infinities and -0 are values, segments cut mid-word", async () => {
  const n = 333;
  const table = allTypes(n, 3);
  const fn = new Float64Array(n);
  const words = new Int32Array(fn.buffer);
  for (let i = 0; i < n; i++) {
    const kind = i % 7;
    if (kind === 0) fn[i] = Number.NaN;
    else if (kind === 1) {
      // -NaN, and a NaN whose only mantissa bit is in the low word
      words[2 * i] = 0;
      words[2 * i + 1] = 0xfff80000 | 0;
    } else if (kind === 2) {
      words[2 * i] = 1;
      words[2 * i + 1] = 0x7ff00000;
    } else if (kind === 3) fn[i] = i % 2 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    else if (kind === 4) fn[i] = i % 3 ? -0 : Number.MAX_VALUE;
    else fn[i] = i / 7;
  }
  // a run of values and a run of nulls longer than a bitmap word
  for (let i = 100; i < 140; i++) fn[i] = i;
  for (let i = 200; i < 270; i++) fn[i] = Number.NaN;
  table.columns.fn = fn;
  const path = join(root, "nan-bits.parquet");
  await writeFile(path, table, [1, 33, 95, 250], 1000);
  await assertReadsBack(path, table);
  const nulls = Array.from(fn).filter((v) => Number.isNaN(v)).length;
  const [{ c }] = await duckRows(`SELECT count(*) - count(fn) AS c FROM read_parquet('${path}')`);
  assert.is(Number(c), nulls);
});

test("0 rows: a schema-only file every reader opens", async () => {
  const table = allTypes(0);
  const path = join(root, "empty.parquet");
  const file = await writeFile(path, table, [], 1000);
  assert.is(file.rows, 0);
  await assertReadsBack(path, table);
  const types = await duckRows(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
  assert.equal(
    types.map((r) => r.column_name),
    SCHEMA.columns.map((c) => c.name),
  );
});

function withDictionaries(table: ColumnTable): ProducedTable {
  const columns: ProducedTable["columns"] = { ...table.columns };
  columns.s = DictionaryColumn.encode(table.columns.s as string[]);
  // entries no row uses, a string under two codes, and an order unlike first use
  const sn = table.columns.sn as (string | null)[];
  const dictionary = ["unused", ...[...WORDS].reverse(), "on"];
  const codes = Int32Array.from(sn, (v, i) =>
    v === null ? -1 : v === "on" && i % 2 ? dictionary.length - 1 : dictionary.indexOf(v),
  );
  columns.sn = new DictionaryColumn(dictionary, codes);
  return { schema: table.schema, rows: table.rows, columns };
}

/** withDictionaries' columns with each entry's string id (writers then merge entries by id). */
function withStringIds(table: ColumnTable): ProducedTable {
  const coded = withDictionaries(table);
  const columns: ProducedTable["columns"] = { ...coded.columns };
  for (const name of ["s", "sn"]) {
    const d = columns[name] as DictionaryColumn;
    columns[name] = new DictionaryColumn(d.dictionary, d.codes, d.firstUse, stringIds(d.dictionary));
  }
  assert.ok((columns.s as DictionaryColumn).firstUse, "encode numbers entries in order of first use");
  return { ...coded, columns };
}

test("bytes depend on the rows only: other segmentations and DictionaryColumn inputs give the same file", async () => {
  const table = allTypes(2_500);
  const a = await writeFile(join(root, "seg-a.parquet"), table, [1000, 2000], 1000);
  const b = await writeFile(join(root, "seg-b.parquet"), table, [3, 4, 1500, 2499], 1000);
  const c = await writeFile(join(root, "seg-c.parquet"), withDictionaries(table), [700, 1001], 1000);
  const d = await writeFile(join(root, "seg-d.parquet"), withStringIds(table), [700, 1001], 1000);
  const e = await writeFile(join(root, "seg-e.parquet"), withStringIds(table), [], 1000);
  assert.is(b.sha256, a.sha256);
  assert.is(c.sha256, a.sha256);
  assert.is(d.sha256, a.sha256, "entries merged by string id, segments sliced");
  assert.is(e.sha256, a.sha256, "first-use segments whole");
  // dictionary segments regrouped and cut across files
  const dir = join(root, "parts");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(dir, { recursive: true });
  const parts = new PartitionedTableWriter(dir, "t", SCHEMA, "parquet", { groupRows: 500, fileRows: 1000 });
  const coded = withDictionaries(table);
  for (const [s, e] of [
    [0, 333],
    [333, 1800],
    [1800, 2500],
  ])
    await parts.append(sliceTable(coded, s, e));
  const files = await parts.finish();
  assert.equal(
    files.map((f) => [f.path, f.rows]),
    [
      ["t-00000.parquet", 1000],
      ["t-00001.parquet", 1000],
      ["t-00002.parquet", 500],
    ],
  );
  const back = await viaDuckdb(join(dir, "t-*.parquet"));
  assert.equal(back.sn, canonTable(table).sn);
  assert.equal(back.s, canonTable(table).s);
});

test("one-entry DictionaryColumn segments (a home's id), with and without nulls, give the plain file's bytes", async () => {
  const table = allTypes(1_200, 5);
  const cuts = [0, 1, 64, 300, 301, 777, 1_200];
  const s = table.columns.s as (string | null)[];
  const sn = table.columns.sn as (string | null)[];
  for (let k = 0; k + 1 < cuts.length; k++) {
    for (let i = cuts[k]; i < cuts[k + 1]; i++) {
      s[i] = `home_${k % 3}`;
      // every other piece has nulls in its one-entry column
      sn[i] = k % 2 === 1 && i % 5 === 0 ? null : `h${k}`;
    }
  }
  const plainPath = join(root, "const-plain.parquet");
  const plain = await writeFile(plainPath, table, cuts.slice(1, -1), 500);
  const coded = openTableWriter(join(root, "const-dict.parquet"), SCHEMA, "parquet", {
    groupRows: 500,
    metadata: { what: "test" },
  });
  for (let k = 0; k + 1 < cuts.length; k++) {
    const piece = sliceTable(table, cuts[k], cuts[k + 1]);
    const rows = piece.rows;
    const snCodes = Int32Array.from({ length: rows }, (_, i) =>
      (piece.columns.sn as unknown[])[i] === null ? -1 : 0,
    );
    const columns = {
      ...piece.columns,
      s: DictionaryColumn.constant(`home_${k % 3}`, rows),
      sn: new DictionaryColumn([`h${k}`], snCodes),
    };
    await coded.append({ schema: SCHEMA, rows, columns });
  }
  const file = await coded.finish();
  assert.is(file.sha256, plain.sha256);
  await assertReadsBack(plainPath, table);
});

test("chunk statistics are exact: DuckDB's parquet_metadata and filtered queries agree with the rows", async () => {
  const table = allTypes(2_500, 11);
  const path = join(root, "stats.parquet");
  await writeFile(path, table, [], 1000);
  const stats = await duckRows(
    `SELECT row_group_id AS g, path_in_schema AS c, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls FROM parquet_metadata('${path}')`,
  );
  const utf8 = new TextEncoder();
  const byteOrder = (x: string, y: string) => Buffer.compare(utf8.encode(x), utf8.encode(y));
  const expected = canonTable(table);
  for (const r of stats) {
    const spec = SCHEMA.columns.find((c) => c.name === r.c) as ColumnSpec;
    const values = expected[spec.name].slice(Number(r.g) * 1000, Number(r.g) * 1000 + 1000);
    const present = values.filter((v) => v !== null);
    assert.is(Number(r.nulls), values.length - present.length, `null_count ${spec.name}`);
    if (spec.name === "f" && present.includes("NaN")) {
      assert.is(r.lo, null, "no min for a float chunk holding NaN");
      assert.is(r.hi, null, "no max for a float chunk holding NaN");
    }
    if (spec.type === "string") {
      const sorted = (present as string[]).slice().sort(byteOrder);
      assert.equal([r.lo, r.hi], [sorted[0], sorted[sorted.length - 1]], `min/max ${spec.name}`);
    }
    if (spec.type === "int32") {
      const nums = present as number[];
      assert.equal(
        [Number(r.lo), Number(r.hi)],
        [Math.min(...nums), Math.max(...nums)],
        `min/max ${spec.name}`,
      );
    }
  }
  // a count at each group's min and max: a statistic one off would prune that group and lose rows
  const checks: { sql: string; want: number; what: string }[] = [];
  for (const name of ["s", "sn", "i", "in_", "fn", "fd", "t", "tn", "d", "dn"]) {
    const spec = SCHEMA.columns.find((c) => c.name === name) as ColumnSpec;
    const all = expected[name];
    for (let g = 0; g < all.length; g += 1000) {
      const present = all.slice(g, g + 1000).filter((v) => v !== null && v !== "-0") as (string | number)[];
      const sorted =
        spec.type === "string"
          ? (present as string[]).sort(byteOrder)
          : (present as number[]).sort((x, y) => x - y);
      for (const v of [sorted[0], sorted[sorted.length - 1]]) {
        const literal =
          spec.type === "string"
            ? `'${String(v).replaceAll("'", "''")}'`
            : spec.type === "timestamp_ms"
              ? `make_timestamptz(${Number(v) * 1000}::BIGINT)`
              : spec.type === "date"
                ? `(DATE '1970-01-01' + ${v}::INTEGER)`
                : `'${v}'::DOUBLE`;
        checks.push({
          sql: `(SELECT count(*) FROM read_parquet('${path}') WHERE ${name} = ${literal})`,
          want: all.filter((x) => x === v).length,
          what: `${name} = ${literal}`,
        });
      }
    }
  }
  const [counts] = await duckRows(`SELECT ${checks.map((c, i) => `${c.sql} AS c${i}`).join(", ")}`);
  for (const [i, c] of checks.entries()) assert.is(Number(counts[`c${i}`]), c.want, c.what);
});

test("timestamps near ±2^53 and huge deltas survive DELTA_BINARY_PACKED", async () => {
  const schema: TableSchema = { name: "big", columns: [col("t", "timestamp_ms", true)] };
  const big = 2 ** 53 - 3;
  const values = [0, big, -big, 1, Number.NaN, -1, big, 2 ** 51, -(2 ** 51) - 3, 42];
  const n = 300;
  const t = Float64Array.from({ length: n }, (_, i) => values[i % values.length] - (i % 3));
  t[4] = Number.NaN;
  const table = columnTable(schema, { t });
  const path = join(root, "big.parquet");
  await writeFile(path, table, [], 256);
  // hyparquet turns timestamps into Dates, which end at ±8.64e15 ms: compare the rows inside that range
  const back = (await readTableFile(path, schema)).columns.t as Float64Array;
  const inDateRange = (v: number) => (Number.isNaN(v) || Math.abs(v) > 8.64e15 ? null : v);
  assert.equal(Array.from(back, inDateRange), Array.from(t, inDateRange));
  const wasm = arrow.tableFromIPC(pw.readParquet(readFileSync(path)).intoIPCStream());
  const raw = wasm.getChild("t")?.data[0].values as BigInt64Array;
  const valid = (i: number) => wasm.getChild("t")?.isValid(i);
  for (let i = 0; i < n; i++) if (valid(i)) assert.is(Number(raw[i]), t[i], `parquet-wasm row ${i}`);
});

test("a string chunk whose dictionary passes 1 MiB goes PLAIN and reads back, statistics included", async () => {
  const schema: TableSchema = { name: "big", columns: [col("s", "string", true)] };
  // 2 600 distinct ~420-byte strings (some non-ASCII), each used twice, and nulls
  const word = (i: number) =>
    `${i % 7 === 0 ? "Küche-" : "k-"}${String(i).padStart(5, "0")}${"x".repeat(410)}`;
  const s = Array.from({ length: 5_400 }, (_, i) => (i % 27 === 4 ? null : word(i % 2_600)));
  const table = columnTable(schema, { s });
  const path = join(root, "big-dictionary.parquet");
  await writeFile(path, { ...table, columns: { s: DictionaryColumn.encode(s) } }, [1_000], 10_000);
  assert.equal((await readTableFile(path, schema)).columns.s, s);
  const [meta] = await duckRows(
    `SELECT encodings, stats_min_value, stats_max_value FROM parquet_metadata('${path}')`,
  );
  assert.not.match(String(meta.encodings), /DICTIONARY/);
  const present = s.filter((v): v is string => v !== null).sort();
  assert.is(meta.stats_min_value, present[0]);
  assert.is(meta.stats_max_value, present[present.length - 1]);
});

test("bad input: a null in a non-nullable column names the column", async () => {
  const schema: TableSchema = { name: "x", columns: [col("s", "string")] };
  const writer = openTableWriter(join(root, "bad.parquet"), schema, "parquet", { groupRows: 4 });
  let error = "";
  try {
    await writer.append(columnTable(schema, { s: ["a", null, "b", "c"] }));
  } catch (e) {
    error = String(e);
  }
  assert.match(error, /column s: 1 null strings in a non-nullable column/);
  writer.abort();
});

test.run();
