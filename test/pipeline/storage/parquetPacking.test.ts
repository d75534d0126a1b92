import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../lib/core/random.js";
import { bitWidth, packBits, packInt32 } from "../../../lib/pipeline/storage/parquet/bitPack.js";
import { ByteSink } from "../../../lib/pipeline/storage/parquet/byteSink.js";
import { writeDefinitionLevels, writeHybrid } from "../../../lib/pipeline/storage/parquet/rleHybrid.js";

/** The hybrid writer as first written (generic run scan, byte-at-a-time packing): the reference bytes. */
function referenceHybrid(out: ByteSink, values: ArrayLike<number>, n: number, width: number): void {
  const runAt = (i: number, cap: number) => {
    const stop = Math.min(n, i + cap);
    let j = i + 1;
    while (j < stop && values[j] === values[i]) j++;
    return j - i;
  };
  let i = 0;
  while (i < n) {
    const run = runAt(i, n);
    if (run >= 8) {
      out.varint(run * 2);
      let v = values[i];
      for (let b = 0; b < (width + 7) >> 3; b++, v >>>= 8) out.byte(v & 0xff);
      i += run;
      continue;
    }
    const start = i;
    do i += 8;
    while (i < n && runAt(i, 8) < 8);
    const end = Math.min(i, n);
    const groups = (end - start + 7) >> 3;
    out.varint(groups * 2 + 1);
    packBits(out, values, start, end, groups * 8, width);
    i = end;
  }
}

/** Codes of every width with runs of every length around 8, ragged ends included. */
function codes(rng: Rng, n: number, width: number): Int32Array {
  const top = width === 32 ? 2 ** 31 - 1 : 2 ** width - 1;
  const out = new Int32Array(n);
  for (let i = 0; i < n; ) {
    const v = rng.int(0, top);
    const run = rng.next() < 0.3 ? rng.int(1, 20) : 1;
    for (let k = 0; k < run && i < n; k++) out[i++] = v;
  }
  return out;
}

test("writeHybrid and packInt32 give the reference bytes for widths 1–32 and runs around 8", () => {
  const rng = new Rng(11);
  for (let width = 1; width <= 32; width++) {
    for (const n of [1, 7, 8, 9, 15, 16, 17, 100, 1003]) {
      const values = codes(rng, n, width);
      const want = new ByteSink(16);
      const got = new ByteSink(16);
      referenceHybrid(want, values, n, width);
      writeHybrid(got, values, n, width);
      assert.equal(Array.from(got.bytes()), Array.from(want.bytes()), `hybrid width ${width} n ${n}`);
      const count = (n + 7) & ~7;
      const a = new ByteSink(16);
      const b = new ByteSink(16);
      packBits(a, values, 0, n, count, width);
      packInt32(b, values, 0, n, count, width);
      assert.equal(Array.from(b.bytes()), Array.from(a.bytes()), `pack width ${width} n ${n}`);
    }
  }
  assert.is(bitWidth(2 ** 31 - 1), 31);
});

test("packInt32 writes zero padding past the values over a dirty buffer", () => {
  const sink = new ByteSink(64);
  sink.buf.fill(0xff);
  packInt32(sink, Int32Array.of(1, 2, 3), 0, 3, 8, 3);
  // 1 | 2 << 3 | (3 & 0b11) << 6 = 0xd1, then 3 >> 2 = 0 and a byte of padding
  assert.equal(Array.from(sink.bytes()), [0xd1, 0x00, 0x00]);
});

test("packInt32 from an offset, padding past `end`, and width 0", () => {
  const rng = new Rng(5);
  for (const width of [0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 16, 17, 31, 32]) {
    const values = codes(rng, 300, Math.max(1, width));
    if (width === 0) values.fill(0);
    for (const [start, end, count] of [
      [0, 0, 8],
      [1, 2, 8],
      [3, 40, 40],
      [5, 300, 296],
      [7, 100, 128],
      [0, 300, 304],
    ]) {
      const a = new ByteSink(4);
      const b = new ByteSink(4);
      b.buf.fill(0xa5);
      packBits(a, values, start, end, count, width);
      packInt32(b, values, start, end, count, width);
      assert.equal(
        Array.from(b.bytes()),
        Array.from(a.bytes()),
        `width ${width} [${start}, ${end}) × ${count}`,
      );
    }
  }
});

/** 0/1 flags with runs of every length around 8 and 32 (word boundaries), as a bitmap too. */
function presence(
  rng: Rng,
  n: number,
  share: number,
): { flags: Int32Array; bits: Int32Array; nulls: number } {
  const flags = new Int32Array(n);
  for (let i = 0; i < n; ) {
    const v = rng.next() < share ? 1 : 0;
    const run = rng.next() < 0.5 ? rng.int(1, 3) : rng.int(5, 70);
    for (let k = 0; k < run && i < n; k++) flags[i++] = v;
  }
  // bits past n set on purpose: they must not be read
  const bits = new Int32Array((n >>> 5) + 2).fill(-1);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (flags[i] === 0) {
      bits[i >>> 5] &= ~(1 << (i & 31));
      nulls++;
    }
  }
  return { flags, bits, nulls };
}

test("definition levels from a presence bitmap: the reference hybrid's bytes, runs across words included", () => {
  const rng = new Rng(23);
  for (const n of [0, 1, 2, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 257, 1003, 5000]) {
    for (const share of [0, 0.1, 0.5, 0.9, 1]) {
      for (let round = 0; round < 4; round++) {
        const { flags, bits, nulls } = presence(rng, n, share);
        const want = new ByteSink(16);
        want.int32(0);
        if (nulls === 0) {
          if (n > 0) {
            want.varint(n * 2);
            want.byte(1);
          }
        } else referenceHybrid(want, flags, n, 1);
        want.int32At(0, want.pos - 4);
        const got = new ByteSink(16);
        writeDefinitionLevels(got, bits, n, nulls);
        assert.equal(Array.from(got.bytes()), Array.from(want.bytes()), `n ${n} share ${share}`);
      }
    }
  }
});

test.run();
