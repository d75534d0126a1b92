import type { ZeroedScratch } from "./zeroedScratch.js";

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
  /**
   * `scratch`, when given, lends its memory to the dense counts (zeroed here; the caller must
   * not use it, nor pass it to another PairCounts, while this one is in use): the miner runs
   * once per home, and fresh arrays each time cost more than clearing one.
   */
  constructor(
    readonly size: number,
    scratch?: ZeroedScratch,
  ) {
    const dense = size * size <= MAX_DENSE_PAIRS;
    this.dense = dense ? (scratch ? scratch.take(size * size) : new Int32Array(size * size)) : null;
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
  labels(
    listed: readonly number[],
    scratch?: ZeroedScratch,
  ): { readonly [key: number]: number } | Map<number, number> {
    if (this.dense) {
      const n = this.size * this.size;
      const out = scratch ? scratch.take(n) : new Int32Array(n);
      for (let r = 0; r < listed.length; r++) out[listed[r]] = r + 1;
      return out;
    }
    return new Map(listed.map((key, r) => [key, r + 1]));
  }
}
