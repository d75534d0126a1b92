/**
 * Dictionary codes for a float column, keyed by the value's bits (so 0 and -0, or two NaN
 * payloads, stay distinct and every value reads back bit for bit). Gives up — returns null —
 * as soon as the values look too varied for a dictionary to pay, so high-cardinality columns
 * cost only a few thousand lookups before falling back to PLAIN.
 */

import { scratchInt32 } from "./scratch.js";

export interface Float64Codes {
  codes: Int32Array;
  /** Distinct values in order of first appearance. */
  dictionary: Float64Array;
}

let slots = new Int32Array(1 << 13);
let keyLo = new Int32Array(1 << 12);
let keyHi = new Int32Array(1 << 12);

/** Codes for values[0, n), or null when more than `4096 + processed / 4` values are distinct. */
export function float64Codes(values: Float64Array, n: number): Float64Codes | null {
  const words = new Int32Array(values.buffer, values.byteOffset, n * 2);
  const codes = scratchInt32(n);
  if (slots.length !== 1 << 13) slots = new Int32Array(1 << 13);
  slots.fill(-1);
  const distinct = codeAll(words, codes, n);
  if (distinct < 0) return null;
  const dictionary = new Float64Array(distinct);
  const dictWords = new Int32Array(dictionary.buffer);
  for (let c = 0; c < distinct; c++) {
    dictWords[2 * c] = keyLo[c];
    dictWords[2 * c + 1] = keyHi[c];
  }
  return { codes, dictionary };
}

/**
 * The hashing loop on its own (nothing after it needs type feedback, see scans.ts): codes[i]
 * for each value's bits; the number of distinct values, or -1 on giving up.
 */
function codeAll(words: Int32Array, codes: Int32Array, n: number): number {
  let bits = 13;
  let mask = (1 << bits) - 1;
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i];
    const hi = words[2 * i + 1];
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> (32 - bits);
    let code = -1;
    for (;;) {
      const s = slots[h];
      if (s < 0) break;
      if (keyLo[s] === lo && keyHi[s] === hi) {
        code = s;
        break;
      }
      h = (h + 1) & mask;
    }
    if (code < 0) {
      if (distinct >= 4096 + (i >> 2)) return -1;
      code = distinct++;
      if (code >= keyLo.length) growKeys();
      keyLo[code] = lo;
      keyHi[code] = hi;
      slots[h] = code;
      if (distinct * 2 > mask) {
        bits++;
        mask = (1 << bits) - 1;
        rehash(bits, distinct);
      }
    }
    codes[i] = code;
  }
  return distinct;
}

function growKeys(): void {
  const nextLo = new Int32Array(keyLo.length * 2);
  const nextHi = new Int32Array(keyLo.length * 2);
  nextLo.set(keyLo);
  nextHi.set(keyHi);
  keyLo = nextLo;
  keyHi = nextHi;
}

/** A table of 2^bits slots holding codes [0, distinct). */
function rehash(bits: number, distinct: number): void {
  const mask = (1 << bits) - 1;
  slots = new Int32Array(1 << bits).fill(-1);
  for (let c = 0; c < distinct; c++) {
    let g = Math.imul(keyLo[c] ^ Math.imul(keyHi[c], 0x9e3779b1), 0x85ebca6b) >>> (32 - bits);
    while (slots[g] >= 0) g = (g + 1) & mask;
    slots[g] = c;
  }
}
