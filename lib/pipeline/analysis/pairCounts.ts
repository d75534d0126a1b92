/** Above this many (a, b) pairs, pair counts live in a Map instead of an array. */
const MAX_DENSE_PAIRS = 1 << 22;

/** Counts of (a, b) pairs by key a·size + b: a dense array for small sizes, a Map for huge ones. */
export class PairCounts {
  private readonly dense: Uint32Array | null;
  private readonly sparse: Map<number, number> | null;
  /** Keys in order of their first count. */
  readonly keys: number[] = [];
  constructor(readonly size: number) {
    const dense = size * size <= MAX_DENSE_PAIRS;
    this.dense = dense ? new Uint32Array(size * size) : null;
    this.sparse = dense ? null : new Map();
  }
  add(key: number): void {
    let n: number;
    if (this.dense) n = ++this.dense[key];
    else {
      n = (this.sparse!.get(key) ?? 0) + 1;
      this.sparse!.set(key, n);
    }
    if (n === 1) this.keys.push(key);
  }
  get(key: number): number {
    return this.dense ? this.dense[key] : (this.sparse!.get(key) ?? 0);
  }
}
