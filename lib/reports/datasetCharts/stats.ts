/** Small descriptive statistics over numbers, skipping missing values (NaN). */

/** Linear-interpolation quantile (R type 7) of ascending `sorted`; NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const at = (n - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export interface Summary {
  count: number;
  missing: number;
  mean: number;
  /** Sample standard deviation (n − 1); NaN below two values. */
  sd: number;
  min: number;
  q1: number;
  p50: number;
  q3: number;
  max: number;
}

/** Summary of `values`, NaN counted as missing; statistics are NaN when nothing is present. */
export function summarize(values: ArrayLike<number>): Summary {
  const present = new Float64Array(values.length);
  let count = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    present[count++] = v;
    sum += v;
  }
  const sorted = present.subarray(0, count).sort();
  const mean = count ? sum / count : Number.NaN;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += (sorted[i] - mean) ** 2;
  return {
    count,
    missing: values.length - count,
    mean,
    sd: count > 1 ? Math.sqrt(squares / (count - 1)) : Number.NaN,
    min: count ? sorted[0] : Number.NaN,
    q1: quantileSorted(sorted, 0.25),
    p50: quantileSorted(sorted, 0.5),
    q3: quantileSorted(sorted, 0.75),
    max: count ? sorted[count - 1] : Number.NaN,
  };
}
