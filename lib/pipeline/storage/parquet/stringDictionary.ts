/**
 * A row group's string column as dictionary codes: entries numbered in order of first use in
 * row order and keyed by the string, so the codes depend on the rows only — not on how they
 * were segmented nor on the dictionaries of incoming DictionaryColumns. A DictionaryColumn
 * segment is remapped through a table built on first use of each of its entries (one hash
 * lookup per distinct entry, none per row); a plain string array is hashed per row.
 */
import type { ProducedColumnData } from "../../../core/columnTable.js";
import { DictionaryColumn } from "../../../core/dictionaryColumn.js";
import { scratchFlags, scratchInt32B } from "./scratch.js";

const utf8 = new TextEncoder();
/** Equal to no row value: the "previous value" before the first row. */
const NO_STRING = {};

export interface StringCodes {
  /** Per row: the entry's code, or -1 for null (shared work memory: valid until the next chunk). */
  codes: Int32Array;
  /** Per row: 1 when present, 0 for null. */
  present: Int32Array;
  nulls: number;
  /** UTF-8 bytes of each entry, in code order. */
  entries: Uint8Array[];
  /** Sum of the entries' byte lengths. */
  entryBytes: number;
}

export function stringCodes(
  column: string,
  segments: readonly ProducedColumnData[],
  rows: number,
  nullable: boolean,
): StringCodes {
  const index = new Map<string, number>();
  const entries: Uint8Array[] = [];
  let entryBytes = 0;
  const codes = scratchInt32B(rows);
  let nulls = 0;
  const codeOf = (value: string): number => {
    let code = index.get(value);
    if (code === undefined) {
      code = entries.length;
      index.set(value, code);
      const bytes = utf8.encode(value);
      entries.push(bytes);
      entryBytes += bytes.length;
    }
    return code;
  };
  let at = 0;
  for (const data of segments) {
    if (data instanceof DictionaryColumn) {
      const remap = new Int32Array(data.dictionary.length).fill(-1);
      const src = data.codes;
      for (let i = 0; i < src.length; i++, at++) {
        const c = src[i];
        if (c < 0) {
          codes[at] = -1;
          nulls++;
          continue;
        }
        let r = remap[c];
        if (r < 0) {
          r = codeOf(data.dictionary[c]);
          remap[c] = r;
        }
        codes[at] = r;
      }
    } else {
      const src = data as readonly (string | null)[];
      // runs of one value (a home's id on each of its rows) skip the hash lookup
      let last: unknown = NO_STRING;
      let lastCode = -1;
      for (let i = 0; i < src.length; i++, at++) {
        const v = src[i];
        if (v === last) {
          codes[at] = lastCode;
          continue;
        }
        if (v === null || v === undefined) {
          codes[at] = -1;
          nulls++;
          continue;
        }
        if (typeof v !== "string")
          throw new Error(`column ${column}: row value ${String(v)} is not a string`);
        lastCode = codeOf(v);
        last = v;
        codes[at] = lastCode;
      }
    }
  }
  if (nulls > 0 && !nullable) {
    throw new Error(`column ${column}: ${nulls} null strings in a non-nullable column (mark it nullable)`);
  }
  // presence flags are only read when there are nulls (definition levels)
  const present = scratchFlags(nulls > 0 ? rows : 0);
  if (nulls > 0) for (let i = 0; i < rows; i++) present[i] = codes[i] >= 0 ? 1 : 0;
  return { codes, present, nulls, entries, entryBytes };
}

/** Unsigned bytewise order of UTF-8 strings (Parquet's order for BYTE_ARRAY statistics). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
