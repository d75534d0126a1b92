/** Above this many (a, b) pairs, pair counts live in a Map instead of an array. */
const MAX_DENSE_PAIRS = 1 << 22;

/**
 * Counts of (a, b) pairs by key a·size + b: a dense array for small sizes, a Map for huge ones.
 * Each counted pair also has an id, its index in `keys`.
 */
export class PairCounts {
  /** id + 1 per key, 0 = not counted yet */
  private readonly denseId: Int32Array | null;
  private readonly sparseId: Map<number, number> | null;
  private readonly counts: number[] = [];
  /** Keys in order of their first count. */
  readonly keys: number[] = [];
  constructor(readonly size: number) {
    const dense = size * size <= MAX_DENSE_PAIRS;
    this.denseId = dense ? new Int32Array(size * size) : null;
    this.sparseId = dense ? null : new Map();
  }
  /** Counts the pair and returns its id. */
  add(key: number): number {
    let id = this.denseId ? this.denseId[key] - 1 : (this.sparseId!.get(key) ?? -1);
    if (id < 0) {
      id = this.keys.length;
      if (this.denseId) this.denseId[key] = id + 1;
      else this.sparseId!.set(key, id);
      this.keys.push(key);
      this.counts.push(0);
    }
    this.counts[id]++;
    return id;
  }
  get(key: number): number {
    const id = this.denseId ? this.denseId[key] - 1 : (this.sparseId!.get(key) ?? -1);
    return id < 0 ? 0 : this.counts[id];
  }
  /** The count of the pair with this id. */
  countOf(id: number): number {
    return this.counts[id];
  }
}
