import type {
  ColumnData,
  ColumnTable,
  ColumnType,
  ProducedColumnData,
  ProducedTable,
} from "../../core/columnTable.js";
import { DictionaryColumn } from "../../core/dictionaryColumn.js";
import { generateHome } from "../../synth/homes.js";
import { TABLE_SCHEMAS, type TableName } from "../storage/tables.js";
import type { GenerationConfig } from "./config.js";
import { homeGenerationSpec } from "./homeSpec.js";
import type { HomeProducer, HomeTables } from "./producers.js";
import { type InvalidHome, type ValidationRules, validateHome } from "./validate.js";

/** A batch of consecutive homes, made on one worker and written as one unit, in batch order. */
export interface BatchResult {
  batch: number;
  /** Homes generated in the batch (kept + invalid). */
  homes: number;
  /**
   * Every table the producers made, one entry per valid home in home order (written as they
   * are, no copy: file bytes depend only on the row sequence). When no home is valid, one
   * entry of empty tables shaped like the produced ones, so every table still gets a file.
   */
  parts: HomeTables[];
  invalid: InvalidHome[];
}

/** Homes [batch·size, min((batch+1)·size, total)). */
export function batchRange(batch: number, size: number, total: number): [number, number] {
  return [batch * size, Math.min((batch + 1) * size, total)];
}

/** Generates, produces and validates homes [start, end). Invalid homes' rows are left out. */
export function produceBatch(
  producer: HomeProducer,
  config: GenerationConfig,
  rules: ValidationRules,
  batch: number,
  start: number,
  end: number,
): BatchResult {
  const spec = homeGenerationSpec(config);
  const parts: HomeTables[] = [];
  const invalid: InvalidHome[] = [];
  let shapes: HomeTables | null = null;
  for (let index = start; index < end; index++) {
    const generated = generateHome(spec, index);
    const tables = producer(generated, config);
    shapes ??= tables;
    const reasons = validateHome(generated, tables, rules);
    if (reasons.length > 0) invalid.push({ homeId: generated.home.homeId, index, reasons });
    else parts.push(tables);
  }
  if (parts.length === 0 && shapes) parts.push(emptyTables(shapes));
  return { batch, homes: end - start, parts, invalid };
}

/** A batch's homes as one table per name (each column copied once): for posting to another thread. */
export function batchTables(parts: readonly HomeTables[]): HomeTables {
  const tables: HomeTables = {};
  for (const name of Object.keys(TABLE_SCHEMAS) as TableName[]) {
    const list: ProducedTable[] = [];
    for (const part of parts) if (part[name]) list.push(part[name]);
    if (list.length > 0) tables[name] = list.length === 1 ? list[0] : concatParts(list);
  }
  return tables;
}

/**
 * The homes' tables of one schema as one table, each column allocated once at its final
 * length (concatTables' push-per-value was a quarter of the production CPU); dictionary
 * columns merge their dictionaries and remap codes.
 */
function concatParts(parts: readonly ProducedTable[]): ProducedTable {
  const { schema } = parts[0];
  let rows = 0;
  for (const p of parts) rows += p.rows;
  const columns: Record<string, ProducedColumnData> = {};
  for (const { name } of schema.columns) {
    const first = parts[0].columns[name];
    if (ArrayBuffer.isView(first)) {
      const out = new (first.constructor as new (n: number) => Float64Array)(rows);
      let offset = 0;
      for (const p of parts) {
        out.set(p.columns[name] as Float64Array, offset);
        offset += p.rows;
      }
      columns[name] = out;
      continue;
    }
    if (parts.every((p) => p.columns[name] instanceof DictionaryColumn)) {
      columns[name] = DictionaryColumn.concat(parts.map((p) => p.columns[name] as DictionaryColumn));
      continue;
    }
    const out = new Array<string | number | null>(rows);
    let offset = 0;
    for (const p of parts) {
      const values = p.columns[name];
      if (values instanceof DictionaryColumn) for (let i = 0; i < p.rows; i++) out[offset + i] = values.at(i);
      else {
        const plain = values as (string | number | null)[];
        for (let i = 0; i < p.rows; i++) out[offset + i] = plain[i];
      }
      offset += p.rows;
    }
    columns[name] = out as ColumnData;
  }
  return { schema, rows, columns };
}

function emptyTables(shapes: HomeTables): HomeTables {
  const tables: HomeTables = {};
  for (const [name, table] of Object.entries(shapes) as [TableName, ProducedTable][]) {
    const columns: Record<string, ProducedColumnData> = {};
    for (const [col, data] of Object.entries(table.columns)) columns[col] = data.slice(0, 0);
    tables[name] = { schema: table.schema, rows: 0, columns };
  }
  return tables;
}

/**
 * A column as it crosses threads: string columns dictionary-coded (a few distinct strings
 * plus Int32 codes, -1 = null) and nullable int columns as Float64 with NaN, so a batch
 * moves as transferred buffers instead of millions of cloned strings and numbers. A
 * DictionaryColumn crosses as it is and comes back as a DictionaryColumn.
 */
export type PackedColumn =
  | { packed: "dict"; values: readonly string[]; codes: Int32Array; firstUse?: boolean }
  | { packed: "nullable"; data: Float64Array };

export interface PackedTable {
  schema: ColumnTable["schema"];
  rows: number;
  columns: Record<string, ColumnData | PackedColumn>;
}

export interface PackedBatch extends Omit<BatchResult, "parts"> {
  tables: PackedTables;
}

function packColumn(data: ProducedColumnData, type: ColumnType): ColumnData | PackedColumn {
  if (data instanceof DictionaryColumn)
    return { packed: "dict", values: data.dictionary, codes: data.codes, firstUse: data.firstUse };
  if (ArrayBuffer.isView(data)) return data;
  if (type === "string") {
    const coded = DictionaryColumn.encode(data as (string | null)[]);
    return { packed: "dict", values: coded.dictionary, codes: coded.codes, firstUse: coded.firstUse };
  }
  const values = data as (number | null)[];
  return { packed: "nullable", data: Float64Array.from(values, (v) => (v === null ? Number.NaN : v)) };
}

function unpackColumn(column: ColumnData | PackedColumn): ProducedColumnData {
  if (ArrayBuffer.isView(column) || Array.isArray(column)) return column as ColumnData;
  const c = column as PackedColumn;
  if (c.packed === "nullable") return Array.from(c.data, (v) => (Number.isNaN(v) ? null : v));
  return new DictionaryColumn(c.values, c.codes, c.firstUse === true);
}

/** A batch's tables, packed. */
export type PackedTables = Partial<Record<TableName, PackedTable>>;

/** Tables ready to post to another thread, and the buffers to transfer with them. */
export function packTables(tables: HomeTables): { packed: PackedTables; transfer: ArrayBuffer[] } {
  const packed: PackedTables = {};
  for (const [name, table] of Object.entries(tables) as [TableName, ProducedTable][]) {
    const columns: Record<string, ColumnData | PackedColumn> = {};
    for (const spec of table.schema.columns)
      columns[spec.name] = packColumn(table.columns[spec.name], spec.type);
    packed[name] = { schema: table.schema, rows: table.rows, columns };
  }
  return { packed, transfer: transferList(packed) };
}

/** The buffers behind packed tables, to transfer (not copy) when posting them on. */
export function transferList(packed: PackedTables): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const table of Object.values(packed) as PackedTable[]) {
    for (const column of Object.values(table.columns)) {
      const view = ArrayBuffer.isView(column)
        ? column
        : Array.isArray(column)
          ? null
          : "codes" in column
            ? column.codes
            : column.data;
      if (view && view.buffer instanceof ArrayBuffer) buffers.add(view.buffer);
    }
  }
  return [...buffers];
}

export function unpackTables(packed: PackedTables): HomeTables {
  const tables: HomeTables = {};
  for (const [name, table] of Object.entries(packed) as [TableName, PackedTable][]) {
    const columns: Record<string, ProducedColumnData> = {};
    for (const [col, data] of Object.entries(table.columns)) columns[col] = unpackColumn(data);
    tables[name] = { schema: table.schema, rows: table.rows, columns };
  }
  return tables;
}

/** A batch ready to post to another thread, and the buffers to transfer with it. */
export function packBatch(result: BatchResult): { packed: PackedBatch; transfer: ArrayBuffer[] } {
  const { parts, ...rest } = result;
  const { packed, transfer } = packTables(batchTables(parts));
  return { packed: { ...rest, tables: packed }, transfer };
}

export function unpackBatch(packed: PackedBatch): BatchResult {
  const { tables, ...rest } = packed;
  return { ...rest, parts: [unpackTables(tables)] };
}
