/**
 * Work arrays shared by every chunk encoding (encoding is synchronous, one chunk at a time,
 * and nothing handed out here outlives the chunk). Reusing them matters: a fresh ~1 MB typed
 * array per column and group counts as external memory and drives V8 into full collections,
 * which cost more than the encoding once the heap holds a batch of string columns.
 */
let f64 = new Float64Array(0);
let i32a = new Int32Array(0);
let i32b = new Int32Array(0);
let bitmap = new Int32Array(0);

const grow = (n: number) => Math.ceil(Math.max(n, 1024) * 1.25);

export function scratchFloat64(n: number): Float64Array {
  if (f64.length < n) f64 = new Float64Array(grow(n));
  return f64.subarray(0, n);
}

/** The first of two independent Int32 work arrays. */
export function scratchInt32(n: number): Int32Array {
  if (i32a.length < n) i32a = new Int32Array(grow(n));
  return i32a.subarray(0, n);
}

/** The second Int32 work array (never the same memory as scratchInt32). */
export function scratchInt32B(n: number): Int32Array {
  if (i32b.length < n) i32b = new Int32Array(grow(n));
  return i32b.subarray(0, n);
}

/**
 * A zeroed presence bitmap for n rows (bit i & 31 of word i >> 5 is 1 when row i holds a
 * value), one word longer than needed so readers may look one word ahead.
 */
export function scratchBits(n: number): Int32Array {
  const words = (n >>> 5) + 2;
  if (bitmap.length < words) bitmap = new Int32Array(grow(words));
  const out = bitmap.subarray(0, words);
  out.fill(0);
  return out;
}
