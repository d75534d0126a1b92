/**
 * Whole-array scans shared by the chunk encodings, one loop per function with nothing after
 * it that needs type feedback. A long loop runs as on-stack-replaced code; when code after
 * the loop had never run before that code was compiled, every call deoptimised on leaving the
 * loop and finished in the interpreter (V8 kept re-entering the same OSR code: seen 90 times
 * in one run for a three-loop gather). So: one loop, then `return` of a local.
 */

/** Set by minMax / scanTimestamps (module variables: storing them needs no type feedback). */
let smallest = Number.POSITIVE_INFINITY;
let largest = Number.NEGATIVE_INFINITY;

/** The smallest of values[0, n), NaN ignored (+Infinity if none); the largest: lastMax(). */
export function minMax(values: Float64Array, n: number): number {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  largest = max;
  return min;
}

/** The smallest value of the last scanTimestamps that found no bad value. */
export function lastMin(): number {
  return smallest;
}

/** The largest value of the last minMax, or of the last scanTimestamps that found no bad value. */
export function lastMax(): number {
  return largest;
}

/**
 * One pass over timestamps: the first index whose value is not a whole number within
 * ±(2^53 − 1) (NaN included), or -1 when there is none — then lastMin() / lastMax() are the
 * extremes.
 */
export function scanTimestamps(values: Float64Array, n: number): number {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!(Math.floor(v) === v && v <= 9007199254740991 && v >= -9007199254740991)) return i;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  smallest = min;
  largest = max;
  return -1;
}

export function hasNaN(values: Float64Array, n = values.length): boolean {
  for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) return true;
  return false;
}

/** The first index whose value is not a whole number within ±(2^53 − 1), or -1. */
export function firstBadTimestamp(values: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!(Math.floor(v) === v && v <= 9007199254740991 && v >= -9007199254740991)) return i;
  }
  return -1;
}
