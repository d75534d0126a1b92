/**
 * Table-writer benchmark (a script, not a test): rows per second (CPU time, best of ROUNDS)
 * and bytes for the ways of writing the same generated events and telemetry tables — the
 * pure-JS Parquet writer as used before and tuned, parquet-wasm with each compression, DuckDB's
 * COPY, and Arrow IPC through apache-arrow builders, flechette, or straight from typed arrays.
 *
 *   npx tsx bench/writers.ts [homes=12] [days=60] [only=regex of writer names]
 */
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import * as fl from "@uwdata/flechette";
import * as arrow from "apache-arrow";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { ColumnSpec, ColumnTable, ProducedTable } from "../lib/core/columnTable.js";
import { sliceTable } from "../lib/core/columnTable.js";
import { DictionaryColumn } from "../lib/core/dictionaryColumn.js";
import { parseGenerationConfig } from "../lib/pipeline/generation/config.js";
import { DataGenerationManager } from "../lib/pipeline/generation/manager.js";
import { arrowSchema, RowRegrouper, recordBatchOf } from "../lib/pipeline/storage/arrowBatch.js";
import { readTableFile } from "../lib/pipeline/storage/tableIO.js";
import { TABLE_SCHEMAS } from "../lib/pipeline/storage/tables.js";
import { groupRowsFor, openTableWriter, parquetSchema } from "../lib/pipeline/storage/tableWriter.js";
import { type ParquetCompression, ParquetStreamWriter } from "./parquetWasmWriter.js";

const ROUNDS = 3;
const DAY_MS = 86_400_000;

export interface WriterBenchRow {
  writer: string;
  rowsPerSecond: number;
  bytes: number;
  /** Per table (events, telemetry): rows per CPU-second and bytes, from the best round. */
  tables: { rowsPerSecond: number; bytes: number }[];
}

/** CPU ms and bytes of each table in the round being timed (filled by `each` in run). */
let perTable: { ms: number; bytes: number }[] = [];

async function cpuMs(
  work: () => Promise<number>,
): Promise<{ ms: number; bytes: number; tables: { ms: number; bytes: number }[] }> {
  let best = Number.POSITIVE_INFINITY;
  let bytes = 0;
  let tables: { ms: number; bytes: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    perTable = [];
    const cpu0 = process.cpuUsage();
    bytes = await work();
    const cpu = process.cpuUsage(cpu0);
    const ms = (cpu.user + cpu.system) / 1000;
    if (ms < best) {
      best = ms;
      tables = perTable;
    }
  }
  return { ms: best, bytes, tables };
}

function groups(table: ColumnTable): ColumnTable[] {
  const n = groupRowsFor(table.schema);
  const out: ColumnTable[] = [];
  for (let s = 0; s < table.rows; s += n) out.push(sliceTable(table, s, Math.min(table.rows, s + n)));
  return out;
}

/** Values as hyparquet-writer takes them (what tableWriter.ts did before parquet-wasm). */
function hyparquetValues(
  spec: ColumnSpec,
  data: ColumnTable["columns"][string],
): unknown[] | ArrayLike<unknown> {
  switch (spec.type) {
    case "string":
    case "int32":
      return data;
    case "float64":
      return spec.nullable ? Array.from(data as Float64Array, (v) => (Number.isNaN(v) ? null : v)) : data;
    case "bool":
      return Array.from(data as Uint8Array, (v) => v === 1);
    case "timestamp_ms":
      return Array.from(data as Float64Array, (v) => (Number.isNaN(v) ? null : BigInt(v)));
    case "date":
      return Array.from(data as ArrayLike<number | null>, (v) => (v === null ? null : new Date(v * DAY_MS)));
  }
}

function hyparquet(table: ColumnTable, tuned: boolean): number {
  let bytes = 0;
  const schema = parquetSchema(table.schema);
  for (const g of groups(table)) {
    const columnData = table.schema.columns.map((spec) => ({
      name: spec.name,
      data: hyparquetValues(spec, g.columns[spec.name]) as never,
      ...(tuned && spec.type !== "string" ? { encoding: "PLAIN" as const } : {}),
    }));
    const buf = parquetWriteBuffer({
      columnData,
      schema,
      rowGroupSize: g.rows,
      ...(tuned ? { statistics: false, pageSize: 8 * 2 ** 20 } : {}),
    });
    bytes += buf.byteLength;
  }
  return bytes;
}

async function wasm(table: ColumnTable, path: string, compression: ParquetCompression): Promise<number> {
  const groupRows = groupRowsFor(table.schema);
  const writer = new ParquetStreamWriter(path, table.schema, { groupRows, compression });
  const regroup = new RowRegrouper(groupRows);
  const schema = arrowSchema(table.schema);
  for (const g of regroup.push(table)) await writer.write(recordBatchOf(table.schema, g, schema));
  const last = regroup.drain();
  if (last) await writer.write(recordBatchOf(table.schema, last, schema));
  return writer.finish();
}

/** Our encoder through the dataset path (regrouping included), as `homeforge generate` writes. */
async function homeforge(table: ProducedTable, path: string): Promise<number> {
  const writer = openTableWriter(path, table.schema, "parquet");
  await writer.append(table);
  return (await writer.finish()).bytes;
}

/** The table with its string columns dictionary-coded, as the generator hands them over. */
function dictionaryCoded(table: ColumnTable): ProducedTable {
  const columns: ProducedTable["columns"] = { ...table.columns };
  for (const spec of table.schema.columns)
    if (spec.type === "string")
      columns[spec.name] = DictionaryColumn.encode(table.columns[spec.name] as string[]);
  return { ...table, columns };
}

function arrowBuilders(table: ColumnTable): number {
  const schema = arrowSchema(table.schema);
  const batches = groups(table).map((g) => {
    const children = table.schema.columns.map((spec, i) => {
      const data = g.columns[spec.name];
      const values =
        spec.type === "bool"
          ? Array.from(data as Uint8Array, (v) => v === 1)
          : spec.type === "float64" && spec.nullable
            ? Array.from(data as Float64Array, (v) => (Number.isNaN(v) ? null : v))
            : Array.from(data as ArrayLike<unknown>);
      return arrow.vectorFromArray(values, schema.fields[i].type).data[0];
    });
    const data = arrow.makeData({
      type: new arrow.Struct(schema.fields),
      length: g.rows,
      nullCount: 0,
      children,
    });
    return new arrow.RecordBatch(schema, data);
  });
  return arrow.tableToIPC(new arrow.Table(batches), "file").byteLength;
}

function arrowDirect(table: ColumnTable): number {
  const schema = arrowSchema(table.schema);
  const batches = groups(table).map((g) => recordBatchOf(table.schema, [g], schema));
  return arrow.tableToIPC(new arrow.Table(batches), "file").byteLength;
}

function flechetteType(spec: ColumnSpec) {
  switch (spec.type) {
    case "string":
      return fl.utf8();
    case "int32":
      return fl.int32();
    case "float64":
      return fl.float64();
    case "bool":
      return fl.bool();
    case "timestamp_ms":
      return fl.timestamp(fl.TimeUnit.MILLISECOND, "UTC");
    case "date":
      return fl.dateDay();
  }
}

function flechette(table: ColumnTable): number {
  const types = Object.fromEntries(table.schema.columns.map((s) => [s.name, flechetteType(s)]));
  const columns = Object.fromEntries(
    table.schema.columns.map((spec) => {
      const data = table.columns[spec.name];
      const values =
        spec.type === "bool"
          ? Array.from(data as Uint8Array, (v) => v === 1)
          : spec.type === "float64" && spec.nullable
            ? Array.from(data as Float64Array, (v) => (Number.isNaN(v) ? null : v))
            : spec.type === "date"
              ? Array.from(data as ArrayLike<number>, (v) => v * DAY_MS)
              : (data as ArrayLike<unknown>);
      return [spec.name, values];
    }),
  );
  const t = fl.tableFromArrays(
    columns as never,
    { types, maxBatchRows: groupRowsFor(table.schema) } as never,
  );
  return (fl.tableToIPC(t, { format: "file" }) as Uint8Array).byteLength;
}

export async function run(homes = 12, days = 60, only?: RegExp): Promise<WriterBenchRow[]> {
  const root = join(process.env.TMPDIR ?? "/tmp", `homeforge-bench-writers-${process.pid}`);
  mkdirSync(root, { recursive: true });
  const config = parseGenerationConfig({ homes, days, validation: { minDevices: 0, minEvents: 0 } });
  const { dir } = await new DataGenerationManager(config, {
    workers: 1,
    outDir: join(root, "ds"),
    lineage: false,
  }).run();
  const tables = [
    await readTableFile(join(dir, "events.parquet"), TABLE_SCHEMAS.events),
    await readTableFile(join(dir, "telemetry.parquet"), TABLE_SCHEMAS.telemetry),
  ];
  const rows = tables.reduce((n, t) => n + t.rows, 0);
  const coded = tables.map(dictionaryCoded);
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  for (const t of ["events", "telemetry"]) {
    await db.run(`CREATE TABLE ${t} AS SELECT * FROM read_parquet('${join(dir, `${t}.parquet`)}')`);
  }
  const each = async (f: (t: ColumnTable, i: number) => number | Promise<number>) => {
    let bytes = 0;
    for (let i = 0; i < tables.length; i++) {
      const cpu0 = process.cpuUsage();
      const b = await f(tables[i], i);
      const cpu = process.cpuUsage(cpu0);
      perTable.push({ ms: (cpu.user + cpu.system) / 1000, bytes: b });
      bytes += b;
    }
    return bytes;
  };
  const variants: [string, () => Promise<number>][] = [
    ["hyparquet-writer (before)", () => each((t) => hyparquet(t, false))],
    ["hyparquet-writer tuned (no stats, 8 MB pages, PLAIN numbers)", () => each((t) => hyparquet(t, true))],
    ...(["snappy", "lz4_raw", "zstd", "none"] as const).map((c): [string, () => Promise<number>] => [
      `parquet-wasm ${c}${c === "snappy" ? " (before)" : ""}`,
      () => each((t, i) => wasm(t, join(root, `w${i}-${c}.parquet`), c)),
    ]),
    [
      "homeforge encoder (plain string arrays in)",
      () => each((t, i) => homeforge(t, join(root, `hf${i}.parquet`))),
    ],
    [
      "homeforge encoder (DictionaryColumn strings in, chosen)",
      () => each((_t, i) => homeforge(coded[i], join(root, `hfd${i}.parquet`))),
    ],
    [
      "DuckDB COPY TO parquet (snappy, its threads)",
      () =>
        each(async (_t, i) => {
          const name = i === 0 ? "events" : "telemetry";
          const out = join(root, `duck-${name}.parquet`);
          await db.run(`COPY ${name} TO '${out}' (FORMAT parquet, COMPRESSION snappy)`);
          return statSync(out).size;
        }),
    ],
    ["Arrow IPC: apache-arrow builders (before)", () => each((t) => arrowBuilders(t))],
    ["Arrow IPC: flechette tableFromArrays", () => each((t) => flechette(t))],
    ["Arrow IPC: direct typed arrays (chosen)", () => each((t) => arrowDirect(t))],
  ];
  const results: WriterBenchRow[] = [];
  for (const [writer, work] of variants) {
    if (only && !only.test(writer)) continue;
    const { ms, bytes, tables: split } = await cpuMs(work);
    results.push({
      writer,
      rowsPerSecond: Math.round(rows / (ms / 1000)),
      bytes,
      tables: split.map((t, i) => ({
        rowsPerSecond: Math.round(tables[i].rows / (t.ms / 1000)),
        bytes: t.bytes,
      })),
    });
  }
  db.closeSync();
  instance.closeSync();
  rmSync(root, { recursive: true, force: true });
  console.log(
    `writers: ${homes} homes × ${days} days, ${rows} rows (events ${tables[0].rows}, telemetry ${tables[1].rows}), CPU best of ${ROUNDS}`,
  );
  const mb = (b: number) => (b / 2 ** 20).toFixed(2);
  console.log("| writer | rows/s (CPU) | MB | events rows/s | events MB | telemetry rows/s | telemetry MB |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of results)
    console.log(
      `| ${r.writer} | ${r.rowsPerSecond.toLocaleString("en")} | ${mb(r.bytes)} | ${r.tables
        .map((t) => `${t.rowsPerSecond.toLocaleString("en")} | ${mb(t.bytes)}`)
        .join(" | ")} |`,
    );
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [homes, days] = process.argv.slice(2, 4).map(Number);
  const only = process.argv[4];
  await run(homes || undefined, days || undefined, only ? new RegExp(only) : undefined);
}
