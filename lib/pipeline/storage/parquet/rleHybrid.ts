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
 * Definition levels of a v1 data page (bit width 1) with their 4-byte length prefix;
 * `present[i]` is 1 for a value, 0 for a null.
 */
export function writeDefinitionLevels(out: ByteSink, present: Int32Array, n: number, nulls: number): void {
  const at = out.pos;
  out.int32(0);
  if (nulls === 0) {
    if (n > 0) {
      out.varint(n * 2);
      out.byte(1);
    }
  } else writeHybrid(out, present, n, 1);
  out.int32At(at, out.pos - at - 4);
}
