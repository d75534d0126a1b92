import { stringIds } from "./stringIds.js";

/**
 * A string column held as dictionary codes: row i is `dictionary[codes[i]]`, or null when
 * `codes[i] < 0`. The generator makes strings from a few hundred distinct values (entity ids,
 * states, one home id), so carrying codes from the generator to the file spares building,
 * hashing and encoding a string per row; writers turn the codes into Parquet dictionary
 * pages, Arrow IPC dictionary codes, or (in-memory batches) Arrow UTF-8 buffers without
 * looking at a row's text.
 *
 * The dictionary may hold entries no row uses and its order carries no meaning: writers
 * number the entries a row group uses in order of first use, so files depend on the rows only.
 */
export class DictionaryColumn {
  /**
   * `firstUse` promises that no row is null, every entry is used, and entries are numbered in
   * order of first use in the rows: then a writer renumbers the column through one lookup per
   * entry, in entry order, and a plain table read per row.
   *
   * `ids`, when given, holds each entry's stringId (core/stringIds.ts, this thread's): writers
   * then merge dictionaries by id rather than by hashing the entries' text.
   */
  constructor(
    readonly dictionary: readonly string[],
    readonly codes: Int32Array,
    readonly firstUse = false,
    readonly ids: Int32Array | null = null,
  ) {}

  get length(): number {
    return this.codes.length;
  }

  /** Row i's string, or null. */
  at(i: number): string | null {
    const code = this.codes[i];
    return code < 0 ? null : this.dictionary[code];
  }

  /** Rows [start, end): the codes are a view, the dictionary is shared. */
  slice(start: number, end: number): DictionaryColumn {
    const codes = this.codes.subarray(start, end);
    // a slice of the whole stays first-use, and so does any non-empty slice of one entry (a home's id)
    const firstUse =
      this.firstUse &&
      (codes.length === this.codes.length || (this.dictionary.length === 1 && codes.length > 0));
    return new DictionaryColumn(this.dictionary, codes, firstUse, this.ids);
  }

  /** Every row's string (or null), as a plain array. */
  toArray(): (string | null)[] {
    const out = new Array<string | null>(this.codes.length);
    for (let i = 0; i < out.length; i++) out[i] = this.at(i);
    return out;
  }

  /** Codes a plain string column (entries in order of first appearance). */
  static encode(values: readonly (string | null)[]): DictionaryColumn {
    const interner = new StringInterner();
    const codes = new Int32Array(values.length);
    let nulls = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        codes[i] = -1;
        nulls++;
      } else codes[i] = interner.code(v);
    }
    return new DictionaryColumn(interner.dictionary, codes, nulls === 0);
  }

  /** One value on every row (e.g. a home's id on each of its events). */
  static constant(value: string, rows: number): DictionaryColumn {
    return new DictionaryColumn([value], new Int32Array(rows), rows > 0, stringIds([value]));
  }

  /**
   * The columns one after another, with one merged dictionary: each part's entries are
   * looked up once, then its codes are remapped row by row.
   */
  static concat(parts: readonly DictionaryColumn[]): DictionaryColumn {
    let rows = 0;
    for (const p of parts) rows += p.length;
    const interner = new StringInterner();
    const codes = new Int32Array(rows);
    let offset = 0;
    for (const part of parts) {
      const remap = Int32Array.from(part.dictionary, (v) => interner.code(v));
      const src = part.codes;
      for (let i = 0; i < src.length; i++) codes[offset + i] = src[i] < 0 ? -1 : remap[src[i]];
      offset += src.length;
    }
    return new DictionaryColumn(interner.dictionary, codes);
  }
}

/** Distinct strings numbered in order of first appearance. */
class StringInterner {
  readonly dictionary: string[] = [];
  private readonly index = new Map<string, number>();

  code(value: string): number {
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.dictionary.length;
      this.index.set(value, code);
      this.dictionary.push(value);
    }
    return code;
  }
}

export function isDictionaryColumn(data: unknown): data is DictionaryColumn {
  return data instanceof DictionaryColumn;
}
