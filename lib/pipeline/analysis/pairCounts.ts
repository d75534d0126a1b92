/** Above this many (a, b) pairs, pair counts live in a Map instead of an array. */
const MAX_DENSE_PAIRS = 1 << 22;

/**
 * Counts of (a, b) pairs by key a·size + b: a dense array for small sizes (one increment per
 * count, no id indirection), a Map for huge ones. `keys` lists the counted keys in order of
 * their first count.
 */
export class PairCounts {
  /** Count per key when dense (hot loops may increment it directly, pushing a key on its first count). */
  readonly dense: Int32Array | null;
  private readonly sparse: Map<number, number> | null;
  /** Keys in order of their first count. */
  readonly keys: number[] = [];
  constructor(readonly size: number) {
    const dense = size * size <= MAX_DENSE_PAIRS;
    this.dense = dense ? new Int32Array(size * size) : null;
    this.sparse = dense ? null : new Map();
  }

  add(key: number): void {
    const dense = this.dense;
    if (dense) {
      if (dense[key]++ === 0) this.keys.push(key);
      return;
    }
    const n = this.sparse!.get(key) ?? 0;
    if (n === 0) this.keys.push(key);
    this.sparse!.set(key, n + 1);
  }

  get(key: number): number {
    return this.dense ? this.dense[key] : (this.sparse!.get(key) ?? 0);
  }

  /**
   * Per key its label (1 + index in `keys` for the listed keys, else 0), read as
   * `labels[key]`: an array for dense counts, a Map-backed view otherwise.
   */
  labels(listed: readonly number[]): { readonly [key: number]: number } | Map<number, number> {
    if (this.dense) {
      const out = new Int32Array(this.size * this.size);
      for (let r = 0; r < listed.length; r++) out[listed[r]] = r + 1;
      return out;
    }
    return new Map(listed.map((key, r) => [key, r + 1]));
  }
}
