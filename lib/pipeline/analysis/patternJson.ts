/**
 * Pieces of the patterns' `detail` JSON, written as JSON.stringify writes them (the miner
 * emits thousands of small objects per home; concatenating pre-quoted strings is several
 * times cheaper than stringifying an object each time).
 */

/** A number as JSON.stringify writes it: its shortest round-trip text, "null" when not finite. */
export function jsonNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : "null";
}

/** Each string JSON-quoted once, by index. */
export function quotedAll(strings: readonly string[]): string[] {
  const out = new Array<string>(strings.length);
  for (let i = 0; i < strings.length; i++) out[i] = JSON.stringify(strings[i]);
  return out;
}

/** An array of finite numbers as JSON. */
export function jsonNumbers(xs: ArrayLike<number>): string {
  let out = "[";
  for (let i = 0; i < xs.length; i++) out += (i > 0 ? "," : "") + jsonNumber(xs[i]);
  return `${out}]`;
}
