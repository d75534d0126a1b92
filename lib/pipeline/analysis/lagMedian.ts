import { selectKth } from "../../core/select.js";

/** Up to this many values, a median sorts by insertion: cheaper than any set-up. */
const INSERTION_SORT_MAX = 32;
/** Value buckets of the counting pass: the median's bucket is then selected alone. */
const BUCKETS = 256;

/** Buffers kept between calls (grow-only, synchronous use only). */
const scratch = { counts: new Int32Array(BUCKETS), bucket: new Float64Array(1 << 10) };

/**
 * The median of xs[lo, hi) a sort would give (the two middles' mean for an even count), for
 * values in [0, max] such as lags within a window; the range may be reordered. Large ranges
 * count values per bucket of [0, max] first and select only within the median's bucket, so
 * most values take no data-dependent branch (selection's comparisons mispredict often).
 */
export function boundedMedian(xs: Float64Array, lo: number, hi: number, max: number): number {
  if (hi - lo <= INSERTION_SORT_MAX) return sortedMedian(xs, lo, hi);
  if (!(max > 0 && Number.isFinite(max))) return selectedMedian(xs, lo, hi);
  return bucketedMedian(xs, lo, hi, BUCKETS / max);
}

/**
 * The value a sort of xs[lo, hi) would put at index lo + k (0 ≤ k < hi − lo), for values in
 * [0, max]; the range may be reordered. Counts per bucket like boundedMedian, then selects
 * within the k-th value's bucket: for order statistics of long series (e.g. the successive
 * differences of sensor readings, which repeat few values) without hashing or a full
 * selection's mispredicted comparisons.
 */
export function boundedKth(xs: Float64Array, lo: number, hi: number, k: number, max: number): number {
  const n = hi - lo;
  if (!(k >= 0 && k < n)) throw new RangeError(`boundedKth: k=${k} is outside [0, ${n})`);
  if (n <= INSERTION_SORT_MAX || !(max > 0 && Number.isFinite(max))) return selectKth(xs, lo + k, lo, hi);
  const scale = BUCKETS / max;
  const counts = scratch.counts;
  counts.fill(0);
  for (let i = lo; i < hi; i++) counts[bucketOf(xs[i], scale)]++;
  let below = 0;
  let b = 0;
  while (below + counts[b] <= k) below += counts[b++];
  const inBucket = gatherBucket(xs, lo, hi, scale, b);
  return selectKth(inBucket, k - below, 0, counts[b]);
}

/** The values of xs[lo, hi) in bucket b, at the start of a kept buffer. */
function gatherBucket(xs: Float64Array, lo: number, hi: number, scale: number, b: number): Float64Array {
  const n = hi - lo;
  if (scratch.bucket.length < n) scratch.bucket = new Float64Array(Math.max(n, scratch.bucket.length * 2));
  const inBucket = scratch.bucket;
  let size = 0;
  for (let k = lo; k < hi; k++) {
    const x = xs[k];
    inBucket[size] = x;
    size += ((bucketOf(x, scale) ^ b) - 1) >>> 31; // 1 when x is in bucket b
  }
  return inBucket;
}

function sortedMedian(xs: Float64Array, lo: number, hi: number): number {
  for (let i = lo + 1; i < hi; i++) {
    const x = xs[i];
    let j = i - 1;
    while (j >= lo && xs[j] > x) {
      xs[j + 1] = xs[j];
      j--;
    }
    xs[j + 1] = x;
  }
  const m = lo + ((hi - lo) >> 1);
  return (hi - lo) % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

function selectedMedian(xs: Float64Array, lo: number, hi: number): number {
  const m = lo + ((hi - lo) >> 1);
  const upper = selectKth(xs, m, lo, hi);
  if ((hi - lo) % 2) return upper;
  return (maxOf(xs, lo, m) + upper) / 2;
}

/** The largest of xs[lo, hi) (lo < hi). */
function maxOf(xs: Float64Array, lo: number, hi: number): number {
  let top = xs[lo];
  for (let k = lo + 1; k < hi; k++) if (xs[k] > top) top = xs[k];
  return top;
}

/** A value's bucket: monotone in the value, so buckets keep the values' order. */
function bucketOf(x: number, scale: number): number {
  return Math.min(BUCKETS - 1, (x * scale) | 0);
}

function bucketedMedian(xs: Float64Array, lo: number, hi: number, scale: number): number {
  const n = hi - lo;
  const counts = scratch.counts;
  counts.fill(0);
  for (let k = lo; k < hi; k++) counts[bucketOf(xs[k], scale)]++;
  // the upper middle has rank m; `below` values lie in buckets before its bucket b
  const m = n >> 1;
  let below = 0;
  let b = 0;
  while (below + counts[b] <= m) below += counts[b++];
  const inBucket = gatherBucket(xs, lo, hi, scale, b);
  const rank = m - below;
  const upper = selectKth(inBucket, rank, 0, counts[b]);
  if (n % 2) return upper;
  // the lower middle: in bucket b before the selected rank, else the largest value below b
  if (rank > 0) return (maxOf(inBucket, 0, rank) + upper) / 2;
  let lower = Number.NEGATIVE_INFINITY;
  for (let k = lo; k < hi; k++) if (bucketOf(xs[k], scale) < b && xs[k] > lower) lower = xs[k];
  return (lower + upper) / 2;
}
