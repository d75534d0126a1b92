/**
 * Two-pointer counts over two ascending time arrays (UTC ms): O(|from| + |to|) each, the
 * building blocks of pair evidence. "Followed" looks strictly after a time, "preceded"
 * strictly before it, "near" both ways (ties count).
 */

/** How many `from` times have a `to` time in (t, t + windowMs]. */
export function countFollowed(from: ArrayLike<number>, to: ArrayLike<number>, windowMs: number): number {
  return followDelays(from, to, windowMs).length;
}

/** How many `from` times have a `to` time in [t − windowMs, t). */
export function countPreceded(from: ArrayLike<number>, to: ArrayLike<number>, windowMs: number): number {
  let n = 0;
  let k = -1;
  for (let i = 0; i < from.length; i++) {
    const t = from[i];
    while (k + 1 < to.length && to[k + 1] < t) k++;
    if (k >= 0 && t - to[k] <= windowMs) n++;
  }
  return n;
}

/** How many `from` times have a `to` time in [t − windowMs, t + windowMs]. */
export function countNear(from: ArrayLike<number>, to: ArrayLike<number>, windowMs: number): number {
  let n = 0;
  let k = 0;
  for (let i = 0; i < from.length; i++) {
    const t = from[i];
    while (k < to.length && to[k] < t - windowMs) k++;
    if (k < to.length && to[k] <= t + windowMs) n++;
  }
  return n;
}

/** For each `from` time followed within windowMs (as countFollowed), the delay to the next `to` time. */
export function followDelays(from: ArrayLike<number>, to: ArrayLike<number>, windowMs: number): number[] {
  const delays: number[] = [];
  let k = 0;
  for (let i = 0; i < from.length; i++) {
    const t = from[i];
    while (k < to.length && to[k] <= t) k++;
    if (k < to.length && to[k] - t <= windowMs) delays.push(to[k] - t);
  }
  return delays;
}
