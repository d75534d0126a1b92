/*
 * map / filter that always return packed arrays (built by push). Array.prototype.map and
 * filter return holey arrays when they run as builtins and packed ones when the JIT inlines
 * them into an optimised caller, so code that reads their results sees one array map or the
 * other depending on the caller's tier: it is deoptimised each time the other turns up and
 * compiled again (walk-throughs and telemetry recompiled this way every few runs, tens of
 * ms of compiling each time). Use these for arrays that hot loops read; results are equal
 * to map / filter's.
 */

export function mapPacked<T, U>(xs: readonly T[], f: (x: T, i: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < xs.length; i++) out.push(f(xs[i], i));
  return out;
}

export function filterPacked<T>(xs: readonly T[], keep: (x: T, i: number) => boolean): T[] {
  const out: T[] = [];
  for (let i = 0; i < xs.length; i++) if (keep(xs[i], i)) out.push(xs[i]);
  return out;
}

/** Indices i in [0, n) where `keep(i)` holds, in order. */
export function indicesWhere(n: number, keep: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i)) out.push(i);
  return out;
}
