/**
 * Chunk statistics as Parquet stores them: min_value / max_value in the column's plain
 * encoding, in Parquet's column order (signed for numbers, unsigned bytewise for UTF-8).
 * Readers prune row groups on them, so they must be exact: a float chunk holding NaN gets
 * none, and a zero minimum is written as -0 and a zero maximum as +0 (the spec's rule).
 */
import { hasNaN, lastMax, minMax } from "./scans.js";
import { compareBytesAt, entryLength, type StringCodes } from "./stringDictionary.js";

export interface ChunkStatistics {
  nullCount: number;
  min?: Uint8Array;
  max?: Uint8Array;
}

export function int32Statistics(values: Int32Array, n: number, nullCount: number): ChunkStatistics {
  if (n === 0) return { nullCount };
  let min = values[0];
  let max = min;
  for (let i = 1; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { nullCount, min: le32(min), max: le32(max) };
}

function le32(v: number): Uint8Array {
  return new Uint8Array(Int32Array.of(v).buffer);
}

/** From the chunk's smallest and largest value (the caller's scan already found them). */
export function int64Statistics(min: number, max: number, n: number, nullCount: number): ChunkStatistics {
  if (n === 0) return { nullCount };
  const le64 = (v: number) => new Uint8Array(BigInt64Array.of(BigInt(v)).buffer);
  return { nullCount, min: le64(min), max: le64(max) };
}

/** `mayHoldNaN`: false when NaN values were already taken out as nulls. */
export function float64Statistics(
  values: Float64Array,
  n: number,
  nullCount: number,
  mayHoldNaN: boolean,
): ChunkStatistics {
  if (n === 0) return { nullCount };
  let min = minMax(values, n);
  let max = lastMax();
  // minMax skips NaN, so only a NaN-free chunk's min/max are its extremes
  if (mayHoldNaN && hasNaN(values, n)) return { nullCount };
  if (min === 0) min = -0;
  if (max === 0) max = 0;
  const le = (v: number) => new Uint8Array(Float64Array.of(v).buffer);
  return { nullCount, min: le(min), max: le(max) };
}

export function boolStatistics(values: Uint8Array, n: number, nullCount: number): ChunkStatistics {
  if (n === 0) return { nullCount };
  let ones = 0;
  for (let i = 0; i < n; i++) ones += values[i];
  return { nullCount, min: Uint8Array.of(ones === n ? 1 : 0), max: Uint8Array.of(ones > 0 ? 1 : 0) };
}

/** Over a chunk's dictionary entries (each distinct string once), not its rows. */
export function stringStatistics(s: StringCodes): ChunkStatistics {
  const nullCount = s.nulls;
  if (s.count === 0) return { nullCount };
  const buf = s.plain;
  let min = 0;
  let max = 0;
  let minLength = entryLength(s, 0);
  let maxLength = minLength;
  for (let c = 1; c < s.count; c++) {
    const at = s.starts[c];
    const length = entryLength(s, c);
    if (compareBytesAt(buf, at, length, s.starts[min], minLength) < 0) {
      min = c;
      minLength = length;
    } else if (compareBytesAt(buf, at, length, s.starts[max], maxLength) > 0) {
      max = c;
      maxLength = length;
    }
  }
  // copies: the entries live in work memory that the next chunk overwrites
  return {
    nullCount,
    min: buf.slice(s.starts[min], s.starts[min] + minLength),
    max: buf.slice(s.starts[max], s.starts[max] + maxLength),
  };
}
