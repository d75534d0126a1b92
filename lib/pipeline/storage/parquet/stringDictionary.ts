/**
 * A row group's string column as dictionary codes: entries numbered in order of first use in
 * row order and keyed by the string, so the codes depend on the rows only — not on how they
 * were segmented nor on the dictionaries of incoming DictionaryColumns. A DictionaryColumn
 * segment is remapped through a table built on first use of each of its entries (one hash
 * lookup per distinct entry, none per row); a plain string array is hashed per row.
 */
import type { ProducedColumnData } from "../../../core/columnTable.js";
import { DictionaryColumn } from "../../../core/dictionaryColumn.js";
import { stringIdCount } from "../../../core/stringIds.js";
import { ByteSink } from "./byteSink.js";
import { scratchBits, scratchInt32B } from "./scratch.js";

const utf8 = new TextEncoder();
/** Equal to no row value: the "previous value" before the first row. */
const NO_STRING = {};
/** The entries of the chunk being coded, as a PLAIN dictionary page body (shared work memory). */
const plain = new ByteSink(1 << 16);
let starts = new Int32Array(1024);

export interface StringCodes {
  /** Per row: the entry's code, or -1 for null (shared work memory: valid until the next chunk). */
  codes: Int32Array;
  /** Bit per row, 1 when present (see scratchBits); only filled when there are nulls. */
  present: Int32Array;
  nulls: number;
  /** Number of entries. */
  count: number;
  /**
   * The entries in code order, each as a 4-byte length and its UTF-8 bytes: a PLAIN
   * dictionary page body (shared work memory, like `codes`).
   */
  plain: Uint8Array;
  /** Where entry c's bytes begin in `plain` (its length prefix is the 4 bytes before). */
  starts: Int32Array;
  /** Sum of the entries' byte lengths. */
  entryBytes: number;
}

/** Appends a length-prefixed UTF-8 entry to `plain`; ASCII is copied by hand (no allocation). */
function appendEntry(value: string): void {
  const len = value.length;
  plain.ensure(4 + 3 * len);
  const buf = plain.buf;
  const at = plain.pos + 4;
  let i = 0;
  for (; i < len; i++) {
    const ch = value.charCodeAt(i);
    if (ch >= 0x80) break;
    buf[at + i] = ch;
  }
  const bytes = i === len ? len : utf8.encodeInto(value, buf.subarray(at)).written;
  plain.int32(bytes);
  plain.pos = at + bytes;
}

/** Per stringId: its code in the chunk being coded, valid where idStamp[id] is the chunk's serial. */
let idCode = new Int32Array(1024);
let idStamp = new Int32Array(1024);
let chunkSerial = 0;

/** Per segment: its entry → the chunk's code, -1 until first used (shared work memory). */
let remap = new Int32Array(1024);

/**
 * Writes one DictionaryColumn segment's codes at `codes[at…]` renumbered through `entryCode`
 * (called once per entry the segment uses, in order of first use, through a per-segment
 * table); the segment's nulls. The per-row loop is alone in its function (see scans.ts).
 */
function remapSegment(data: DictionaryColumn, codes: Int32Array, at: number): number {
  const entries = data.dictionary.length;
  const src = data.codes;
  // one entry and no nulls (a home's id on each of its rows): a fill, no per-row stores
  if (entries === 1 && src.length > 0 && (data.firstUse || firstNonZero(src) < 0)) {
    codes.fill(entryCode(data, 0), at, at + src.length);
    return 0;
  }
  if (remap.length < entries) remap = new Int32Array(Math.max(entries, 2 * remap.length));
  const table = remap;
  if (data.firstUse) {
    // entries in order of first use: calling codeOf in entry order is calling it in row order
    for (let c = 0; c < entries; c++) table[c] = entryCode(data, c);
    renumber(src, table, codes, at);
    return 0;
  }
  table.fill(-1, 0, entries);
  let nulls = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c < 0) {
      codes[at + i] = -1;
      nulls++;
      continue;
    }
    let r = table[c];
    if (r < 0) {
      r = entryCode(data, c);
      table[c] = r;
    }
    codes[at + i] = r;
  }
  return nulls;
}

/** codes[at + i] = table[src[i]] for every row. */
function renumber(src: Int32Array, table: Int32Array, codes: Int32Array, at: number): void {
  for (let i = 0; i < src.length; i++) codes[at + i] = table[src[i]];
}

/** The first index whose code is not 0, or -1. */
function firstNonZero(src: Int32Array): number {
  for (let i = 0; i < src.length; i++) if (src[i] !== 0) return i;
  return -1;
}

/** A plain string segment's codes at codes[at…], hashed per row (runs of one value once); its nulls. */
function codePlain(column: string, src: readonly (string | null)[], codes: Int32Array, at: number): number {
  let nulls = 0;
  let last: unknown = NO_STRING;
  let lastCode = -1;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (v === last) {
      codes[at + i] = lastCode;
      continue;
    }
    if (v === null || v === undefined) {
      codes[at + i] = -1;
      nulls++;
      continue;
    }
    if (typeof v !== "string") throw new Error(`column ${column}: row value ${String(v)} is not a string`);
    lastCode = codeOf(v);
    last = v;
    codes[at + i] = lastCode;
  }
  return nulls;
}

/** Presence bits of rows [0, rows) from their codes (≥ 0 present). */
function presenceOfCodes(codes: Int32Array, rows: number, present: Int32Array): Int32Array {
  for (let i = 0; i < rows; i++) present[i >>> 5] |= (codes[i] >= 0 ? 1 : 0) << (i & 31);
  return present;
}

/**
 * The chunk being coded: its entries by text, their number, and (when every segment carries
 * string ids) its serial in idStamp. Module state with plain functions rather than closures
 * per call: stringCodes is synchronous, and closures made per call were recompiled by the JIT
 * over and over in long runs.
 */
let chunkIndex = new Map<string, number>();
let chunkCount = 0;
let chunkById = false;

/** Appends `value` as the chunk's next entry; its code. */
function newEntry(value: string): number {
  const code = chunkCount++;
  if (code >= starts.length) {
    const next = new Int32Array(starts.length * 2);
    next.set(starts);
    starts = next;
  }
  starts[code] = plain.pos + 4;
  appendEntry(value);
  return code;
}

/** The chunk's code of a string (a new entry on first use). */
function codeOf(value: string): number {
  let code = chunkIndex.get(value);
  if (code === undefined) {
    code = newEntry(value);
    chunkIndex.set(value, code);
  }
  return code;
}

/** The chunk's code of entry c of a dictionary segment: by its string id when the chunk merges by id. */
function entryCode(data: DictionaryColumn, c: number): number {
  if (!chunkById) return codeOf(data.dictionary[c]);
  const id = data.ids![c];
  if (idStamp[id] === chunkSerial) return idCode[id];
  idStamp[id] = chunkSerial;
  const code = newEntry(data.dictionary[c]);
  idCode[id] = code;
  return code;
}

function allWithIds(segments: readonly ProducedColumnData[]): boolean {
  for (const data of segments) if (!(data instanceof DictionaryColumn) || data.ids === null) return false;
  return true;
}

export function stringCodes(
  column: string,
  segments: readonly ProducedColumnData[],
  rows: number,
  nullable: boolean,
): StringCodes {
  chunkIndex = new Map();
  chunkCount = 0;
  plain.pos = 0;
  const codes = scratchInt32B(rows);
  let nulls = 0;
  // every entry has a string id: entries are merged by id, no text is hashed
  chunkById = allWithIds(segments);
  if (chunkById) {
    chunkSerial++;
    const ids = stringIdCount();
    if (idStamp.length < ids) {
      const size = Math.max(ids, 2 * idStamp.length);
      idStamp = new Int32Array(size);
      idCode = new Int32Array(size);
    }
  }
  let at = 0;
  for (const data of segments) {
    if (data instanceof DictionaryColumn) nulls += remapSegment(data, codes, at);
    else nulls += codePlain(column, data as readonly (string | null)[], codes, at);
    at += data.length;
  }
  if (nulls > 0 && !nullable) {
    throw new Error(`column ${column}: ${nulls} null strings in a non-nullable column (mark it nullable)`);
  }
  // presence bits are only read when there are nulls (definition levels)
  const present = nulls > 0 ? presenceOfCodes(codes, rows, scratchBits(rows)) : scratchBits(0);
  const count = chunkCount;
  chunkIndex = new Map(); // the strings are not kept past the chunk
  return { codes, present, nulls, count, plain: plain.bytes(), starts, entryBytes: plain.pos - 4 * count };
}

/**
 * Unsigned bytewise order (Parquet's order for BYTE_ARRAY statistics) of the `al` bytes at
 * `a` and the `bl` bytes at `b` in `buf`.
 */
/** Byte length of entry `c` of a StringCodes. */
export function entryLength(s: StringCodes, c: number): number {
  return (c + 1 < s.count ? s.starts[c + 1] - 4 : s.plain.length) - s.starts[c];
}

export function compareBytesAt(buf: Uint8Array, a: number, al: number, b: number, bl: number): number {
  const n = Math.min(al, bl);
  for (let i = 0; i < n; i++) if (buf[a + i] !== buf[b + i]) return buf[a + i] - buf[b + i];
  return al - bl;
}
