/**
 * Little-endian bit packing (Parquet's order: the first value in the lowest bits of the first
 * byte), shared by the RLE/bit-packing hybrid and DELTA_BINARY_PACKED miniblocks.
 */
import type { ByteSink } from "./byteSink.js";

/**
 * Packs `count` values of `width` bits starting at `values[start]`; positions at or past
 * `end` are written as zero (padding). `count × width` must be a multiple of 8. Values are
 * non-negative integers below 2^width (width ≤ 53, so they are exact as doubles).
 */
export function packBits(
  out: ByteSink,
  values: ArrayLike<number>,
  start: number,
  end: number,
  count: number,
  width: number,
): void {
  const total = (count * width) >> 3;
  if (width === 0) return;
  out.ensure(total);
  const buf = out.buf;
  let p = out.pos;
  let acc = 0;
  let bits = 0;
  const stop = Math.min(end, start + count);
  if (width <= 24) {
    for (let i = start; i < stop; i++) {
      acc |= values[i] << bits;
      bits += width;
      while (bits >= 8) {
        buf[p++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
  } else {
    for (let i = start; i < stop; i++) {
      let v = values[i];
      let rest = width;
      while (rest > 0) {
        const take = rest < 24 ? rest : 24;
        const scale = 2 ** take;
        const low = v % scale;
        v = (v - low) / scale;
        acc |= low << bits;
        bits += take;
        rest -= take;
        while (bits >= 8) {
          buf[p++] = acc & 0xff;
          acc >>>= 8;
          bits -= 8;
        }
      }
    }
  }
  // padding values are zero: flush the partial byte, then zero-fill to the full length
  if (bits > 0) buf[p++] = acc & 0xff;
  const last = out.pos + total;
  buf.fill(0, p, last);
  out.pos = last;
}

/** Bits needed for the non-negative integer `max` (0 for 0). */
export function bitWidth(max: number): number {
  if (max < 2 ** 31) return 32 - Math.clz32(max);
  let width = 31;
  while (2 ** width <= max) width++;
  return width;
}

/**
 * packBits for Int32Array values of at most 32 bits (dictionary codes, shifted deltas; a
 * negative Int32 is taken as its unsigned bits): the same bytes, accumulated a 32-bit word
 * at a time, which is what the hot columns need.
 */
export function packInt32(
  out: ByteSink,
  values: Int32Array,
  start: number,
  end: number,
  count: number,
  width: number,
): void {
  if (width === 0) return;
  const total = (count * width) >> 3;
  out.ensure(total + 4);
  const buf = out.buf;
  let p = out.pos;
  let acc = 0;
  let bits = 0;
  const stop = Math.min(end, start + count);
  for (let i = start; i < stop; i++) {
    const v = values[i];
    acc |= v << bits;
    bits += width;
    if (bits >= 32) {
      buf[p] = acc;
      buf[p + 1] = acc >>> 8;
      buf[p + 2] = acc >>> 16;
      buf[p + 3] = acc >>> 24;
      p += 4;
      bits -= 32;
      acc = bits === 0 ? 0 : v >>> (width - bits);
    }
  }
  while (bits > 0) {
    buf[p++] = acc;
    acc >>>= 8;
    bits -= 8;
  }
  const last = out.pos + total;
  buf.fill(0, p, last);
  out.pos = last;
}
