/**
 * The Arrow IPC file writer: string columns as Dictionary<Int32, Utf8> with one non-delta
 * dictionary per column per file, written after the record batches; bytes that depend on
 * the rows only; every file read back through apache-arrow and the repo's readers.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as arrow from "apache-arrow";
import { Footer } from "apache-arrow/ipc/metadata/file";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  type ColumnTable,
  columnTable,
  type ProducedTable,
  sliceTable,
  type TableSchema,
} from "../../../lib/core/columnTable.js";
import { DictionaryColumn } from "../../../lib/core/dictionaryColumn.js";
import { readTableChunks, readTableFile } from "../../../lib/pipeline/storage/tableIO.js";
import {
  hashFile,
  openTableWriter,
  PartitionedTableWriter,
} from "../../../lib/pipeline/storage/tableWriter.js";
import { mixedSchema, mixedTable } from "../../helpers/mixedTable.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const SCHEMA = mixedSchema();
const mixed = (n: number, from = 0) => mixedTable(SCHEMA, n, from);

/**
 * The table with its string columns as DictionaryColumns coded in a scrambled way: the
 * entries reversed, an unused entry first, and every entry twice with alternate rows using
 * the second copy — none of which may reach the file's bytes.
 */
function scrambled(table: ColumnTable): ProducedTable {
  const columns: ProducedTable["columns"] = { ...table.columns };
  for (const spec of table.schema.columns) {
    if (spec.type !== "string") continue;
    const strings = table.columns[spec.name] as (string | null)[];
    const distinct = ["never used", ...new Set(strings.filter((v) => v !== null))].reverse();
    const index = new Map(distinct.map((v, i) => [v, i]));
    const codes = Int32Array.from(strings, (v, i) => {
      if (v === null) return -1;
      return (index.get(v) ?? 0) + (i % 2) * distinct.length;
    });
    columns[spec.name] = new DictionaryColumn([...distinct, ...distinct], codes);
  }
  return { schema: table.schema, rows: table.rows, columns };
}

async function write(path: string, parts: ProducedTable[], groupRows: number) {
  const writer = openTableWriter(path, parts[0].schema, "arrow", { groupRows });
  for (const part of parts) await writer.append(part);
  return writer.finish();
}

function split(table: ProducedTable, cuts: number[]): ProducedTable[] {
  const ends = [...cuts, table.rows];
  return ends.map((end, k) => sliceTable(table, k === 0 ? 0 : ends[k - 1], end));
}

/** Every cell as apache-arrow reads it back (dates and timestamps as ms, bigint as number). */
function cells(t: arrow.Table, name: string): unknown[] {
  const v = t.getChild(name);
  if (!v) throw new Error(`no column ${name}`);
  return Array.from({ length: t.numRows }, (_, i) => {
    const x = v.get(i) as unknown;
    return x instanceof Date ? x.getTime() : typeof x === "bigint" ? Number(x) : x;
  });
}

/** The file's footer, decoded: its dictionary and record batch blocks. */
function footerOf(bytes: Uint8Array) {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getInt32(bytes.byteLength - 10, true);
  const footer = Footer.decode(bytes.subarray(bytes.byteLength - 10 - length, bytes.byteLength - 10));
  return { records: [...footer.recordBatches()], dictionaries: [...footer.dictionaryBatches()] };
}

test("string columns are Dictionary<Int32, Utf8>, one dictionary per column after the record batches", async () => {
  const table = mixed(250);
  const path = join(root, "layout.arrow");
  const file = await write(path, [table], 100);
  assert.is(file.rows, 250);
  assert.is(file.sha256, await hashFile(path), "sha256 taken while writing equals the file's");
  const bytes = readFileSync(path);
  assert.is(file.bytes, bytes.byteLength);
  const { records, dictionaries } = footerOf(bytes);
  assert.is(records.length, 3);
  assert.is(dictionaries.length, 2, "one per string column");
  const lastRecord = Math.max(...records.map((r) => r.offset));
  assert.ok(
    dictionaries.every((d) => d.offset > lastRecord),
    "dictionaries follow the record batches",
  );
  const t = arrow.tableFromIPC(bytes);
  const s = t.schema.fields[0].type as arrow.Dictionary;
  assert.ok(arrow.DataType.isDictionary(s));
  assert.ok(arrow.DataType.isInt(s.indices) && s.indices.bitWidth === 32);
  assert.ok(arrow.DataType.isUtf8(s.dictionary));
  assert.is.not(s.id, (t.schema.fields[1].type as arrow.Dictionary).id, "a dictionary id per column");
  assert.ok(
    t.batches.every(
      (b) => b.getChild("s")?.data[0].dictionary === t.batches[0].getChild("s")?.data[0].dictionary,
    ),
  );
  // entries in order of first use in row order; row 0 is null
  const firstUse = [...new Set((table.columns.s as (string | null)[]).filter((v) => v !== null))];
  assert.equal(t.batches[0].getChild("s")?.data[0].dictionary?.toArray(), firstUse);
  for (const spec of SCHEMA.columns) {
    const expected = Array.from({ length: 250 }, (_, i) => {
      const v = (table.columns[spec.name] as ArrayLike<unknown>)[i];
      if (spec.type === "bool") return v === 1;
      if (spec.type === "date") return (v as number) * 86_400_000;
      if (spec.type === "float64" && spec.nullable && Number.isNaN(v)) return null;
      return v ?? null;
    });
    assert.equal(cells(t, spec.name), expected, spec.name);
    assert.is(t.schema.fields.find((f) => f.name === spec.name)?.nullable, spec.nullable ?? false, spec.name);
  }
});

test("bytes depend on the rows only: not on batching, coding, code numbering or unused entries", async () => {
  const table = mixed(1_000);
  const a = await write(join(root, "a.arrow"), [table], 300);
  const b = await write(join(root, "b.arrow"), split(table, [1, 299, 300, 301, 650]), 300);
  const c = await write(join(root, "c.arrow"), split(scrambled(table), [17, 600]), 300);
  // plain and coded segments mixed in one group, differently numbered per segment
  const d = await write(
    join(root, "d.arrow"),
    [sliceTable(table, 0, 10), sliceTable(scrambled(table), 10, 500), sliceTable(table, 500, 1_000)],
    300,
  );
  assert.is(b.sha256, a.sha256);
  assert.is(c.sha256, a.sha256);
  assert.is(d.sha256, a.sha256);
  // a different group size is a different (equally valid) layout of the same rows
  const e = await write(join(root, "e.arrow"), [table], 128);
  assert.is.not(e.sha256, a.sha256);
  const back = await readTableFile(join(root, "e.arrow"), SCHEMA);
  assert.equal(back.columns.s, table.columns.s);
  assert.equal(back.columns.k, table.columns.k);
});

test("an empty table: schema with dictionary types, readable by apache-arrow and our readers", async () => {
  const path = join(root, "empty.arrow");
  const file = await write(path, [mixed(0)], 100);
  assert.is(file.rows, 0);
  const t = arrow.tableFromIPC(readFileSync(path));
  assert.is(t.numRows, 0);
  assert.equal(
    t.schema.fields.map((f) => f.name),
    SCHEMA.columns.map((c) => c.name),
  );
  assert.ok(arrow.DataType.isDictionary(t.schema.fields[0].type));
  assert.is((await readTableFile(path, SCHEMA)).rows, 0);
  let chunkRows = 0;
  for await (const chunk of readTableChunks(path, SCHEMA)) chunkRows += chunk.rows;
  assert.is(chunkRows, 0);
});

test("an all-null string column has an empty dictionary and reads back as nulls", async () => {
  const base = mixed(90);
  const table = { ...base, columns: { ...base.columns, s: Array(90).fill(null) } };
  const coded = {
    ...base,
    columns: { ...base.columns, s: new DictionaryColumn(["x"], new Int32Array(90).fill(-1)) },
  };
  const a = await write(join(root, "nulls-a.arrow"), [table], 40);
  const b = await write(join(root, "nulls-b.arrow"), split(coded, [45]), 40);
  assert.is(b.sha256, a.sha256);
  const t = arrow.tableFromIPC(readFileSync(join(root, "nulls-a.arrow")));
  assert.equal(cells(t, "s"), Array(90).fill(null));
  assert.is(t.getChild("s")?.nullCount, 90);
  assert.is(t.batches[0].getChild("s")?.data[0].dictionary?.length, 0);
  assert.equal((await readTableFile(join(root, "nulls-a.arrow"), SCHEMA)).columns.s, Array(90).fill(null));
});

test("a string column with more than 2^16 distinct values, across batches", async () => {
  const n = 80_000;
  const schema: TableSchema = {
    name: "wide",
    columns: [
      { name: "id", type: "string", role: "key" },
      { name: "v", type: "int32", role: "feature" },
    ],
  };
  // every value distinct, plus repeats of earlier ones so codes are not just row numbers
  const ids = Array.from({ length: n }, (_, i) => (i % 10 === 9 ? `id_${i - 5}` : `id_${i}`));
  const table = columnTable(schema, { id: ids, v: Int32Array.from({ length: n }, (_, i) => i) });
  const path = join(root, "wide.arrow");
  const a = await write(path, split(scrambled(table), [30_000]), 16_384);
  const b = await write(join(root, "wide-b.arrow"), [table], 16_384);
  assert.is(a.sha256, b.sha256);
  const t = arrow.tableFromIPC(readFileSync(path));
  assert.is(t.batches.length, 5);
  assert.ok((t.batches[0].getChild("id")?.data[0].dictionary?.length ?? 0) > 2 ** 16);
  assert.equal(cells(t, "id"), ids);
  assert.equal((await readTableFile(path, schema)).columns.id, ids);
});

test("floats: NaN (any payload) is null where nullable, NaN otherwise; -0, ±Infinity and huge values exact", async () => {
  const schema: TableSchema = {
    name: "floats",
    columns: [
      { name: "n", type: "float64", role: "feature", nullable: true },
      { name: "p", type: "float64", role: "feature" },
    ],
  };
  const values = new Float64Array(20);
  const words = new DataView(values.buffer);
  const special = [
    0,
    -0,
    Infinity,
    -Infinity,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e308,
    2 ** 53,
  ];
  values.set(special);
  // NaNs: the usual one, negative, payload in the low word only, payload in the high word only
  words.setUint32(9 * 8 + 4, 0x7ff80000, true);
  words.setUint32(10 * 8 + 4, 0xfff80000, true);
  words.setUint32(11 * 8, 1, true);
  words.setUint32(11 * 8 + 4, 0x7ff00000, true);
  words.setUint32(12 * 8 + 4, 0x7ff00001, true);
  words.setUint32(13 * 8, 0xffffffff, true);
  words.setUint32(13 * 8 + 4, 0xffffffff, true);
  for (let i = 14; i < 20; i++) values[i] = i % 2 ? Number.NaN : i;
  const table = columnTable(schema, { n: values, p: values.slice() });
  const path = join(root, "floats.arrow");
  await write(path, split(table, [7]), 16);
  const t = arrow.tableFromIPC(readFileSync(path));
  const n = cells(t, "n");
  const p = cells(t, "p");
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) {
      assert.is(n[i], null, `row ${i} nullable`);
      assert.ok(Number.isNaN(p[i]), `row ${i} kept as NaN`);
    } else {
      assert.ok(Object.is(n[i], values[i]), `row ${i}: ${n[i]} vs ${values[i]}`);
      assert.ok(Object.is(p[i], values[i]), `row ${i}`);
    }
  }
  assert.is(t.getChild("n")?.nullCount, 8);
});

test("a table in several files at fileRows: each file has its own dictionaries; they read back as one table", async () => {
  const table = mixed(2_500);
  const writeParts = async (dir: string, parts: ProducedTable[]) => {
    mkdirSync(dir, { recursive: true });
    const writer = new PartitionedTableWriter(dir, "mixed", SCHEMA, "arrow", {
      groupRows: 300,
      fileRows: 1_000,
    });
    for (const part of parts) await writer.append(part);
    return writer.finish();
  };
  const a = await writeParts(join(root, "parts-a"), split(table, [999, 1000, 1001, 2400]));
  const b = await writeParts(join(root, "parts-b"), [scrambled(table)]);
  assert.equal(a, b, "same files whatever the batching and coding");
  assert.equal(
    a.map((f) => [f.path, f.rows]),
    [
      ["mixed-00000.arrow", 900],
      ["mixed-00001.arrow", 900],
      ["mixed-00002.arrow", 700],
    ],
  );
  const tables = a.map((f) => arrow.tableFromIPC(readFileSync(join(root, "parts-a", f.path))));
  // home_k changes every 40 rows: a file's "k" dictionary holds only its own homes, from code 0
  const k1 = tables[1].batches[0].getChild("k")?.data[0].dictionary?.toArray();
  assert.is(k1?.[0], "home_22");
  assert.is(k1?.length, 23);
  for (const [i, f] of a.entries())
    assert.is(footerOf(readFileSync(join(root, "parts-a", f.path))).dictionaries.length, 2, `${i}`);
  // concatenated as loadTable does
  const whole = tables[0].concat(...tables.slice(1));
  assert.is(whole.numRows, 2_500);
  assert.equal(cells(whole, "s"), table.columns.s);
  assert.equal(cells(whole, "k"), table.columns.k);
  const back = await Promise.all(a.map((f) => readTableFile(join(root, "parts-a", f.path), SCHEMA)));
  assert.equal(
    back.flatMap((t) => t.columns.k as string[]),
    table.columns.k,
  );
});

test.run();
