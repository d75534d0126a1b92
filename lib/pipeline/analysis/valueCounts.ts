/**
 * Counts per distinct number (open addressing on the value's bits; -0 counts as 0, NaN must
 * not be added), and the value a full ascending sort would put at index k, from a sort of the
 * distinct values only. For order statistics of series that repeat few values, e.g. the
 * successive differences of readings that are state strings.
 */
export class ValueCounts {
  private bits = 8;
  private slots = new Int32Array(1 << this.bits).fill(-1);
  private keys = new Float64Array(1 << (this.bits - 1));
  private counts = new Uint32Array(1 << (this.bits - 1));
  /** Distinct values counted. */
  size = 0;
  /** Values counted. */
  total = 0;
  private readonly word = new Float64Array(1);
  private readonly halves = new Int32Array(this.word.buffer);

  clear(): void {
    if (this.size > 0) this.slots.fill(-1);
    this.size = 0;
    this.total = 0;
  }

  add(value: number): void {
    const v = value + 0; // -0 → 0
    this.word[0] = v;
    const mask = (1 << this.bits) - 1;
    let h =
      Math.imul(this.halves[0] ^ Math.imul(this.halves[1], 0x9e3779b1), 0x85ebca6b) >>> (32 - this.bits);
    this.total++;
    for (;;) {
      const k = this.slots[h];
      if (k < 0) break;
      if (this.keys[k] === v) {
        this.counts[k]++;
        return;
      }
      h = (h + 1) & mask;
    }
    const k = this.size++;
    this.keys[k] = v;
    this.counts[k] = 1;
    this.slots[h] = k;
    if (this.size * 2 >= 1 << this.bits) this.grow();
  }

  /** The k-th smallest value counted (0 ≤ k < total). */
  kth(k: number): number {
    if (!(k >= 0 && k < this.total))
      throw new RangeError(`ValueCounts.kth: k=${k} is outside [0, ${this.total})`);
    const order = new Uint32Array(this.size);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const keys = this.keys;
    order.sort((a, b) => keys[a] - keys[b]);
    let below = 0;
    for (let r = 0; r < order.length; r++) {
      below += this.counts[order[r]];
      if (k < below) return keys[order[r]];
    }
    return keys[order[order.length - 1]];
  }

  private grow(): void {
    this.bits++;
    const mask = (1 << this.bits) - 1;
    this.slots = new Int32Array(1 << this.bits).fill(-1);
    for (let k = 0; k < this.size; k++) {
      this.word[0] = this.keys[k];
      let h =
        Math.imul(this.halves[0] ^ Math.imul(this.halves[1], 0x9e3779b1), 0x85ebca6b) >>> (32 - this.bits);
      while (this.slots[h] >= 0) h = (h + 1) & mask;
      this.slots[h] = k;
    }
    const keys = new Float64Array(1 << (this.bits - 1));
    const counts = new Uint32Array(1 << (this.bits - 1));
    keys.set(this.keys.subarray(0, this.size));
    counts.set(this.counts.subarray(0, this.size));
    this.keys = keys;
    this.counts = counts;
  }
}
