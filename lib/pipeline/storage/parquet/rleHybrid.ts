/**
 * Parquet's RLE / bit-packing hybrid for dictionary codes and definition levels: a run of 8
 * or more equal values becomes one RLE run, anything else goes out bit-packed in groups of 8.
 */
import { packInt32 } from "./bitPack.js";
import type { ByteSink } from "./byteSink.js";

/**
 * Writes values[0, n) (each in [0, 2^width), width ≤ 32) as hybrid runs; groups are packed
 * a word at a time.
 */
export function writeHybrid(out: ByteSink, values: Int32Array, n: number, width: number): void {
  const valueBytes = (width + 7) >> 3;
  let i = 0;
  while (i < n) {
    const v = values[i];
    let j = i + 1;
    while (j < n && values[j] === v) j++;
    if (j - i >= 8) {
      out.varint((j - i) * 2);
      out.ensure(4);
      for (let b = 0, x = v; b < valueBytes; b++, x >>>= 8) out.buf[out.pos++] = x & 0xff;
      i = j;
      continue;
    }
    // bit-packed groups of 8 until a run of 8 starts on a group boundary
    const start = i;
    for (;;) {
      i += 8;
      if (i >= n) break;
      if (i + 8 > n) continue;
      const g = values[i];
      if (
        values[i + 1] === g &&
        values[i + 2] === g &&
        values[i + 3] === g &&
        values[i + 4] === g &&
        values[i + 5] === g &&
        values[i + 6] === g &&
        values[i + 7] === g
      )
        break;
    }
    const end = Math.min(i, n);
    const groups = (end - start + 7) >> 3;
    out.varint(groups * 2 + 1);
    packInt32(out, values, start, end, groups * 8, width);
    i = end;
  }
}

/**
 * Definition levels of a v1 data page (bit width 1) with their 4-byte length prefix, from a
 * presence bitmap: bit i of `present` (bit i & 31 of word i >> 5) is 1 for a value, 0 for a
 * null. The same runs and bytes as writeHybrid over one 0/1 flag per row, found a word at a
 * time: a run's end is a count of trailing zeros, a group of 8 flags is a byte of the bitmap,
 * and bit-packed groups are the bitmap's own bits. Bits at n and past it are not read.
 */
export function writeDefinitionLevels(out: ByteSink, present: Int32Array, n: number, nulls: number): void {
  const at = out.pos;
  out.int32(0);
  if (nulls === 0) {
    if (n > 0) {
      out.varint(n * 2);
      out.byte(1);
    }
  } else writeBitHybrid(out, present, n);
  out.int32At(at, out.pos - at - 4);
}

/** Bits [i, i + 8) of the bitmap (bits past the last word read as 0). */
function byteAt(bits: Int32Array, i: number): number {
  const k = i >>> 5;
  const s = i & 31;
  const lo = bits[k] >>> s;
  if (s <= 24) return lo & 0xff;
  const hi = k + 1 < bits.length ? bits[k + 1] : 0;
  return (lo | ((hi << 1) << (31 - s))) & 0xff;
}

/** The first index in [i, n) whose bit differs from bit i, or n. */
function runEnd(bits: Int32Array, i: number, n: number): number {
  const flip = (bits[i >>> 5] >>> (i & 31)) & 1 ? -1 : 0;
  let k = i >>> 5;
  // differing bits of word k from bit i on
  let x = ((bits[k] ^ flip) >>> (i & 31)) << (i & 31);
  while (x === 0) {
    k++;
    if (k << 5 >= n) return n;
    x = bits[k] ^ flip;
  }
  const j = (k << 5) + (31 - Math.clz32(x & -x));
  return j < n ? j : n;
}

function writeBitHybrid(out: ByteSink, bits: Int32Array, n: number): void {
  let i = 0;
  while (i < n) {
    const j = runEnd(bits, i, n);
    if (j - i >= 8) {
      out.varint((j - i) * 2);
      out.byte((bits[i >>> 5] >>> (i & 31)) & 1);
      i = j;
      continue;
    }
    // bit-packed groups of 8 until a run of 8 starts on a group boundary
    const start = i;
    for (;;) {
      i += 8;
      if (i >= n) break;
      if (i + 8 > n) continue;
      const g = byteAt(bits, i);
      if (g === 0 || g === 0xff) break;
    }
    const end = Math.min(i, n);
    const groups = (end - start + 7) >> 3;
    out.varint(groups * 2 + 1);
    out.ensure(groups);
    const buf = out.buf;
    let p = out.pos;
    for (let g = 0; g < groups; g++) {
      const from = start + 8 * g;
      const left = end - from;
      const b = byteAt(bits, from);
      buf[p++] = left >= 8 ? b : b & ((1 << left) - 1);
    }
    out.pos = p;
  }
}
