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

/** Work words of packInt32 (copied to the output in one `set`; little-endian like the host). */
let packWords = new Int32Array(1024);
let packBytes = new Uint8Array(packWords.buffer);
/** Where a packBy* loop stopped: full words, pending bits and their count. */
let pieceWords = 0;
let pieceAcc = 0;
let pieceBits = 0;

/**
 * packBits for Int32Array values of at most 32 bits (dictionary codes, shifted deltas; a
 * negative Int32 is taken as its unsigned bits): the same bytes. Values go into 32-bit words
 * without a branch — every step stores the word being filled and moves on by 0 or 1 words —
 * and narrow values are first put side by side, m to a piece of m·width ≤ 32 bits, so each
 * step places m values. (A "word full?" branch per value was mispredicted about every
 * 32/width values and cost 2–3× this.) One function per m, so each compiles on its own.
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
  out.ensure(total);
  if (packWords.length < (total >> 2) + 2) {
    packWords = new Int32Array((total >> 2) * 2 + 2);
    packBytes = new Uint8Array(packWords.buffer);
  }
  const stop = Math.min(end, start + count);
  pieceWords = 0;
  pieceAcc = 0;
  pieceBits = 0;
  const rest =
    width <= 4
      ? packBy8(values, start, stop, width)
      : width <= 8
        ? packBy4(values, start, stop, width)
        : width <= 10
          ? packBy3(values, start, stop, width)
          : width <= 16
            ? packBy2(values, start, stop, width)
            : start;
  const bytes = packRest(values, rest, stop, width, pieceWords, pieceAcc, pieceBits);
  const at = out.pos;
  const buf = out.buf;
  // a miniblock's few bytes by hand: a view per call would cost more than the copy
  if (bytes > 256) buf.set(packBytes.subarray(0, bytes), at);
  else for (let b = 0; b < bytes; b++) buf[at + b] = packBytes[b];
  buf.fill(0, at + bytes, at + total);
  out.pos = at + total;
}

function packBy8(values: Int32Array, from: number, stop: number, w: number): number {
  const words = packWords;
  const q = 8 * w;
  let k = 0;
  let acc = 0;
  let bits = 0;
  let i = from;
  for (; i + 8 <= stop; i += 8) {
    const x =
      values[i] |
      (values[i + 1] << w) |
      (values[i + 2] << (2 * w)) |
      (values[i + 3] << (3 * w)) |
      ((values[i + 4] | (values[i + 5] << w) | (values[i + 6] << (2 * w)) | (values[i + 7] << (3 * w))) <<
        (4 * w));
    const lo = acc | (x << bits);
    const next = bits + q;
    words[k] = lo;
    const full = next >>> 5;
    k += full;
    acc = full === 0 ? lo : ((x >>> 1) >>> (31 - bits)) | 0;
    bits = next & 31;
  }
  // handed on through module variables: nothing after the loop may need type feedback
  pieceWords = k;
  pieceAcc = acc;
  pieceBits = bits;
  return i;
}

function packBy4(values: Int32Array, from: number, stop: number, w: number): number {
  const words = packWords;
  const q = 4 * w;
  let k = 0;
  let acc = 0;
  let bits = 0;
  let i = from;
  for (; i + 4 <= stop; i += 4) {
    const x = values[i] | (values[i + 1] << w) | (values[i + 2] << (2 * w)) | (values[i + 3] << (3 * w));
    const lo = acc | (x << bits);
    const next = bits + q;
    words[k] = lo;
    const full = next >>> 5;
    k += full;
    acc = full === 0 ? lo : ((x >>> 1) >>> (31 - bits)) | 0;
    bits = next & 31;
  }
  // handed on through module variables: nothing after the loop may need type feedback
  pieceWords = k;
  pieceAcc = acc;
  pieceBits = bits;
  return i;
}

function packBy3(values: Int32Array, from: number, stop: number, w: number): number {
  const words = packWords;
  const q = 3 * w;
  let k = 0;
  let acc = 0;
  let bits = 0;
  let i = from;
  for (; i + 3 <= stop; i += 3) {
    const x = values[i] | (values[i + 1] << w) | (values[i + 2] << (2 * w));
    const lo = acc | (x << bits);
    const next = bits + q;
    words[k] = lo;
    const full = next >>> 5;
    k += full;
    acc = full === 0 ? lo : ((x >>> 1) >>> (31 - bits)) | 0;
    bits = next & 31;
  }
  // handed on through module variables: nothing after the loop may need type feedback
  pieceWords = k;
  pieceAcc = acc;
  pieceBits = bits;
  return i;
}

function packBy2(values: Int32Array, from: number, stop: number, w: number): number {
  const words = packWords;
  const q = 2 * w;
  let k = 0;
  let acc = 0;
  let bits = 0;
  let i = from;
  for (; i + 2 <= stop; i += 2) {
    const x = values[i] | (values[i + 1] << w);
    const lo = acc | (x << bits);
    const next = bits + q;
    words[k] = lo;
    const full = next >>> 5;
    k += full;
    acc = full === 0 ? lo : ((x >>> 1) >>> (31 - bits)) | 0;
    bits = next & 31;
  }
  // handed on through module variables: nothing after the loop may need type feedback
  pieceWords = k;
  pieceAcc = acc;
  pieceBits = bits;
  return i;
}

/**
 * Values one at a time from `from` into packWords, after `k` full words and `bits` pending
 * bits in `acc`; the bytes written.
 */
function packRest(
  values: Int32Array,
  from: number,
  stop: number,
  w: number,
  fullWords: number,
  pending: number,
  pendingBits: number,
): number {
  const words = packWords;
  // locals carry the loop (`| 0`: mutated parameters and uint32 shifts compiled to slower code)
  let k = fullWords | 0;
  let acc = pending | 0;
  let bits = pendingBits | 0;
  for (let i = from; i < stop; i++) {
    const v = values[i];
    const lo = acc | (v << bits);
    const next = bits + w;
    words[k] = lo;
    const full = next >>> 5;
    k += full;
    acc = full === 0 ? lo : ((v >>> 1) >>> (31 - bits)) | 0;
    bits = next & 31;
  }
  words[k] = acc;
  return k * 4 + ((bits + 7) >> 3);
}
