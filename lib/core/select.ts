/**
 * Reorders `xs` so that xs[k] holds the value a full ascending sort would put there, every
 * value in [lo, k) is ≤ it and every value in (k, hi) is ≥ it (quickselect, expected O(n);
 * a range that shrinks too slowly is sorted instead, so the worst case stays O(n log n)).
 * For quantiles of large arrays without sorting them; NaN-free input.
 */
export function selectKth(xs: Float64Array, k: number, lo = 0, hi = xs.length): number {
  if (!(k >= lo && k < hi)) throw new RangeError(`selectKth: k=${k} is outside [${lo}, ${hi})`);
  let budget = 2 * Math.ceil(Math.log2(hi - lo + 1)) + 8;
  let left = lo;
  let right = hi - 1;
  while (right > left) {
    if (budget-- === 0 || right - left < 16) {
      xs.subarray(left, right + 1).sort();
      return xs[k];
    }
    const mid = (left + right) >>> 1;
    // median of three as the pivot: sorted and reversed runs stay linear
    const a = xs[left];
    const b = xs[mid];
    const c = xs[right];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while (xs[i] < pivot) i++;
      while (xs[j] > pivot) j--;
      if (i <= j) {
        const t = xs[i];
        xs[i] = xs[j];
        xs[j] = t;
        i++;
        j--;
      }
    }
    // [left, j] ≤ pivot ≤ [i, right]; values strictly between j and i equal the pivot
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return xs[k];
  }
  return xs[k];
}
