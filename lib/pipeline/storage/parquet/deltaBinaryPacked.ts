/**
 * DELTA_BINARY_PACKED for INT64 values held as JS doubles (epoch ms): blocks of 128 deltas in
 * 4 miniblocks of 32, each miniblock bit-packed at its own width after subtracting the
 * block's smallest delta. Doubles are exact up to 2^53, so a page whose values all lie within
 * ±2^51 (deltas and shifted deltas then stay below 2^53) takes the double path; any other
 * page is coded through BigInt (correct, slower, never met by real timestamps).
 */
import { bitWidth, packBits } from "./bitPack.js";
import type { ByteSink } from "./byteSink.js";

const BLOCK = 128;
const MINIBLOCKS = 4;
const MINIBLOCK = BLOCK / MINIBLOCKS;
const SAFE = 2 ** 51;

const scratch = new Float64Array(BLOCK);
/** A packed miniblock: 32 values of w bits are exactly w words (one spare for the last step). */
const miniblockWords = new Int32Array(MINIBLOCK + 1);
const miniblockMaxima = new Float64Array(MINIBLOCKS);

/**
 * Writes values[0, n) (integers with |v| ≤ 2^53). `min` / `max` of the values, when the
 * caller has them, spare a scan.
 */
export function writeDeltaBinaryPacked(
  out: ByteSink,
  values: Float64Array,
  n: number,
  min = Number.NaN,
  max = Number.NaN,
): void {
  out.varint(BLOCK);
  out.varint(MINIBLOCKS);
  out.varint(n);
  if (n === 0) {
    out.zigzag(0);
    return;
  }
  if (Number.isNaN(min) || Number.isNaN(max)) {
    min = Number.POSITIVE_INFINITY;
    max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!(max < SAFE && min > -SAFE)) {
    writeBlocksBig(out, values, n);
    return;
  }
  out.zigzag(values[0]);
  const deltas = scratch;
  const maxima = miniblockMaxima;
  for (let b = 1; b < n; b += BLOCK) {
    const m = Math.min(BLOCK, n - b);
    // one pass: the deltas, the block's smallest and each miniblock's largest
    let low = Number.POSITIVE_INFINITY;
    for (let j = 0; j < MINIBLOCKS; j++) {
      const start = j * MINIBLOCK;
      const stop = Math.min(m, start + MINIBLOCK);
      let high = Number.NEGATIVE_INFINITY;
      for (let k = start; k < stop; k++) {
        const d = values[b + k] - values[b + k - 1];
        deltas[k] = d;
        if (d < low) low = d;
        if (d > high) high = d;
      }
      maxima[j] = high;
    }
    out.zigzag(low);
    out.ensure(MINIBLOCKS);
    const widthsAt = out.pos;
    out.pos += MINIBLOCKS;
    for (let j = 0; j < MINIBLOCKS; j++) {
      const start = j * MINIBLOCK;
      if (start >= m) {
        out.buf[widthsAt + j] = 0;
        continue;
      }
      const stop = Math.min(m, start + MINIBLOCK);
      const width = bitWidth(maxima[j] - low);
      out.buf[widthsAt + j] = width;
      if (width > 31) {
        for (let k = start; k < stop; k++) deltas[k] -= low;
        packBits(out, deltas, start, stop, MINIBLOCK, width);
        continue;
      }
      out.ensure(4 * width);
      out.pos = packMiniblock(out.buf, out.pos, width, deltas, start, stop, low);
    }
  }
}

/**
 * Deltas [start, stop) of the block, less `low` (each then fits `width` ≤ 31 bits), as one
 * miniblock of 32 at buf[at…] (4·width bytes, zero padding); the end. Branch-free word
 * filling as in packInt32, straight from the deltas (no Int32 copy, no per-call dispatch).
 */
function packMiniblock(
  buf: Uint8Array,
  at: number,
  width: number,
  deltas: Float64Array,
  start: number,
  stop: number,
  low: number,
): number {
  const words = miniblockWords;
  const count = stop - start;
  let k = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < MINIBLOCK; i++) {
    const v = i < count ? (deltas[start + i] - low) | 0 : 0;
    const lo = acc | (v << bits);
    const next = bits + width;
    words[k] = lo;
    const full = next >>> 5;
    k += full;
    acc = full === 0 ? lo : ((v >>> 1) >>> (31 - bits)) | 0;
    bits = next & 31;
  }
  let p = at;
  for (let j = 0; j < width; j++) {
    const x = words[j];
    buf[p] = x;
    buf[p + 1] = x >>> 8;
    buf[p + 2] = x >>> 16;
    buf[p + 3] = x >>> 24;
    p += 4;
  }
  return p;
}

function writeBlocksBig(out: ByteSink, values: Float64Array, n: number): void {
  out.zigzagBig(BigInt(values[0]));
  const deltas: bigint[] = new Array(BLOCK);
  for (let b = 1; b < n; b += BLOCK) {
    const m = Math.min(BLOCK, n - b);
    let min = 0n;
    for (let k = 0; k < m; k++) {
      const d = BigInt(values[b + k]) - BigInt(values[b + k - 1]);
      deltas[k] = d;
      if (k === 0 || d < min) min = d;
    }
    out.zigzagBig(min);
    const widths: number[] = [];
    for (let j = 0; j < MINIBLOCKS; j++) {
      let max = 0n;
      for (let k = j * MINIBLOCK; k < Math.min(m, (j + 1) * MINIBLOCK); k++) {
        deltas[k] -= min;
        if (deltas[k] > max) max = deltas[k];
      }
      widths.push(j * MINIBLOCK < m ? max.toString(2).length - (max === 0n ? 1 : 0) : 0);
    }
    for (const w of widths) out.byte(w);
    for (let j = 0; j < MINIBLOCKS && j * MINIBLOCK < m; j++) {
      const width = BigInt(widths[j]);
      let acc = 0n;
      let bits = 0n;
      for (let k = j * MINIBLOCK; k < (j + 1) * MINIBLOCK; k++) {
        acc |= (k < m ? deltas[k] : 0n) << bits;
        bits += width;
        while (bits >= 8n) {
          out.byte(Number(acc & 0xffn));
          acc >>= 8n;
          bits -= 8n;
        }
      }
    }
  }
}
