/**
 * Record batch bodies for an Arrow IPC file whose string columns are dictionary-encoded
 * (`Dictionary<Int32, Utf8>`, one dictionary per string column per file). Each string
 * column has a FileDictionary: entries numbered in order of first use in row order across
 * the whole file, so the codes written — and the dictionary batch written last — depend
 * on the rows only, never on how they were batched or how the incoming codes were
 * numbered. A DictionaryColumn segment is remapped through a table per incoming dictionary
 * (one Map lookup per entry it uses, none per row); a plain string segment is looked up
 * row by row.
 */

import * as arrow from "apache-arrow";
import type { ProducedColumnData, ProducedTable, TableSchema } from "../../core/columnTable.js";
import { DictionaryColumn } from "../../core/dictionaryColumn.js";
import { type Allocate, arrowType, fixedColumnBuffers, int32s } from "./arrowBatch.js";
import type { BatchBody } from "./arrowIpcFile.js";
import { scratchArena } from "./arrowScratch.js";

/**
 * The file's Arrow schema: string columns as `Dictionary<Int32, Utf8>` with the column's
 * index as the dictionary id, everything else as in-memory batches have it.
 */
export function arrowFileSchema(schema: TableSchema): arrow.Schema {
  return new arrow.Schema(
    schema.columns.map((spec, i) => {
      const type =
        spec.type === "string"
          ? new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32(), i, false)
          : arrowType(spec);
      return new arrow.Field(spec.name, type, spec.nullable ?? false);
    }),
  );
}

/** One string column's entries over a whole file, numbered in order of first use. */
export class FileDictionary {
  readonly entries: string[] = [];
  private readonly index = new Map<string, number>();
  /** Per incoming dictionary: its code → our code, -1 until a row uses it. */
  private readonly remaps = new WeakMap<readonly string[], Int32Array>();

  codeOf(value: string): number {
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.entries.length;
      this.index.set(value, code);
      this.entries.push(value);
    }
    return code;
  }

  private remapFor(dictionary: readonly string[]): Int32Array {
    let remap = this.remaps.get(dictionary);
    // an interner's dictionary may have grown since (entries are only ever appended)
    if (!remap || remap.length < dictionary.length) {
      const grown = new Int32Array(dictionary.length).fill(-1);
      if (remap) grown.set(remap);
      remap = grown;
      this.remaps.set(dictionary, remap);
    }
    return remap;
  }

  /**
   * Writes the column's rows as our codes into `out` from `offset` (0 for a null row) and
   * clears the validity bits of null rows; the number of nulls.
   */
  encodeInto(data: ProducedColumnData, out: Int32Array, offset: number, nulls: NullBitmap): number {
    if (data instanceof DictionaryColumn) {
      return remapCodes(
        data.codes,
        data.dictionary,
        this.remapFor(data.dictionary),
        this,
        out,
        offset,
        nulls,
      );
    }
    return codeStrings(data as readonly (string | null)[], this, out, offset, nulls);
  }

  /** The dictionary batch's body: one Utf8 field of the entries. */
  body(): BatchBody {
    const encoded = this.entries.map((e) => encoder.encode(e));
    const offsets = new Int32Array(encoded.length + 1);
    let total = 0;
    for (let i = 0; i < encoded.length; i++) {
      total += encoded[i].length;
      offsets[i + 1] = total;
    }
    const data = new Uint8Array(total);
    for (let i = 0; i < encoded.length; i++) data.set(encoded[i], offsets[i]);
    return {
      length: encoded.length,
      nodes: [{ length: encoded.length, nullCount: 0 }],
      buffers: [EMPTY, offsets, data],
    };
  }
}

// the two row loops are separate functions so that each stays monomorphic in what it reads

function remapCodes(
  codes: Int32Array,
  dictionary: readonly string[],
  remap: Int32Array,
  file: FileDictionary,
  out: Int32Array,
  offset: number,
  nulls: NullBitmap,
): number {
  let count = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) {
      nulls.clear(offset + i);
      count++;
      continue;
    }
    let code = remap[c];
    if (code < 0) {
      code = file.codeOf(dictionary[c]);
      remap[c] = code;
    }
    out[offset + i] = code;
  }
  return count;
}

function codeStrings(
  values: readonly (string | null)[],
  file: FileDictionary,
  out: Int32Array,
  offset: number,
  nulls: NullBitmap,
): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls.clear(offset + i);
      count++;
    } else out[offset + i] = file.codeOf(v);
  }
  return count;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** A validity bitmap made only once a row is null (all rows valid until then). */
class NullBitmap {
  bitmap: Uint8Array = EMPTY;
  constructor(
    private readonly rows: number,
    private readonly allocate: Allocate,
  ) {}

  clear(row: number): void {
    if (this.bitmap === EMPTY) this.bitmap = this.allocate((this.rows + 7) >> 3).fill(0xff);
    this.bitmap[row >> 3] &= ~(1 << (row & 7));
  }
}

/**
 * Turns groups of rows into record batch bodies for one file, keeping one FileDictionary
 * per string column; `dictionaries()` are the dictionary batches to write once the last
 * record batch is out. A body's buffers are the thread's scratch memory or views of the
 * segments: write it before any encoder's next `recordBatch` call.
 */
export class ArrowFileEncoder {
  private readonly dictionaryOf = new Map<string, FileDictionary>();

  constructor(readonly schema: TableSchema) {
    for (const spec of schema.columns)
      if (spec.type === "string") this.dictionaryOf.set(spec.name, new FileDictionary());
  }

  /** One record batch holding the segments' rows in order. */
  recordBatch(segments: readonly ProducedTable[]): BatchBody {
    const rows = segments.reduce((n, s) => n + s.rows, 0);
    scratchArena.reset();
    const { allocate } = scratchArena;
    const nodes: { length: number; nullCount: number }[] = [];
    const buffers: ArrayBufferView[] = [];
    for (const spec of this.schema.columns) {
      const dictionary = this.dictionaryOf.get(spec.name);
      if (dictionary) {
        const codes = int32s(allocate, rows);
        const nulls = new NullBitmap(rows, allocate);
        let nullCount = 0;
        let offset = 0;
        for (const s of segments) {
          nullCount += dictionary.encodeInto(s.columns[spec.name], codes, offset, nulls);
          offset += s.rows;
        }
        nodes.push({ length: rows, nullCount });
        buffers.push(nulls.bitmap, codes);
      } else {
        const { nullCount, nullBitmap, values } = fixedColumnBuffers(spec, segments, rows, allocate);
        nodes.push({ length: rows, nullCount });
        buffers.push(nullBitmap ?? EMPTY, values);
      }
    }
    return { length: rows, nodes, buffers };
  }

  /** Each string column's dictionary batch: its id (the column's index) and body. */
  dictionaries(): { id: number; body: BatchBody }[] {
    return this.schema.columns.flatMap((spec, id) => {
      const dictionary = this.dictionaryOf.get(spec.name);
      return dictionary ? [{ id, body: dictionary.body() }] : [];
    });
  }
}
