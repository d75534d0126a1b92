/**
 * A grow-only Int32 buffer lent out zeroed, one user at a time (synchronous use only): the
 * miner runs once per home, and clearing one kept array costs less than a fresh one each time.
 */
export class ZeroedScratch {
  private buffer = new Int32Array(0);

  /** The first `n` values, zeroed. */
  take(n: number): Int32Array {
    if (this.buffer.length < n)
      this.buffer = new Int32Array(Math.max(n, Math.ceil(this.buffer.length * 1.5)));
    const out = this.buffer.subarray(0, n);
    out.fill(0);
    return out;
  }
}
