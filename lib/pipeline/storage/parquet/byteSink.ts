/**
 * A growable little-endian byte buffer: the one output type of every encoder here. Writers
 * append and `bytes()` hands back a view of what was written (no copy).
 */
export class ByteSink {
  buf: Uint8Array;
  pos = 0;
  private view: DataView;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytesOf(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  int32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v, true);
    this.pos += 4;
  }

  /** Overwrites 4 bytes at `at` (a length prefix written after its body). */
  int32At(at: number, v: number): void {
    this.view.setInt32(at, v, true);
  }

  float64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^64 held exactly as a double. */
  varint(v: number): void {
    this.ensure(10);
    const buf = this.buf;
    while (v >= 0x80000000) {
      buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    while (v > 0x7f) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** Zigzag varint of a signed integer with |v| ≤ 2^53. */
  zigzag(v: number): void {
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** Zigzag varint of any signed 64-bit integer. */
  zigzagBig(v: bigint): void {
    let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (z > 0x7fn) {
      this.buf[this.pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.pos++] = Number(z);
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
