/**
 * Staging buffers handed back by finished row-group stagers, for the next ones in this
 * thread (module state: each worker thread has its own). A stager's buffers grow to its
 * group size once per file; without the pool every file, and so every dataset written in a
 * process (a notebook, a batch job, the benchmarks), allocates them again, and that
 * allocation counts towards V8's external-memory budget, which starts full garbage
 * collections: pooling cut mark-compacts from 4–7 to 0–1 per ten 16-home × 90-day datasets.
 */

export type StagingBuffer = Int32Array | Float64Array | Uint8Array;

/** What the pool keeps at most; buffers handed back beyond it are left to the GC. */
export const MAX_POOLED_BYTES = 64 * 2 ** 20;
/** A pooled buffer is not handed out for a request this many times smaller. */
const MAX_OVERSIZE = 4;

const pooled: StagingBuffer[] = [];
let pooledBytes = 0;

/** A buffer of `kind` with at least `length` elements (old contents): a pooled one when one fits. */
export function takeStagingBuffer<T extends StagingBuffer>(
  kind: new (length: number) => T,
  length: number,
): T {
  let best = -1;
  for (let i = 0; i < pooled.length; i++) {
    const b = pooled[i];
    if (b.constructor !== kind || b.length < length || b.length > MAX_OVERSIZE * Math.max(length, 4096))
      continue;
    if (best < 0 || b.length < pooled[best].length) best = i;
  }
  if (best < 0) return new kind(length);
  const buf = pooled[best];
  pooled[best] = pooled[pooled.length - 1];
  pooled.pop();
  pooledBytes -= buf.byteLength;
  return buf as T;
}

/** Hands a buffer back: nothing may view it any more. */
export function returnStagingBuffer(buf: StagingBuffer): void {
  if (pooledBytes + buf.byteLength > MAX_POOLED_BYTES) return;
  pooled.push(buf);
  pooledBytes += buf.byteLength;
}

/** Drops every pooled buffer (their memory goes back at the next collections). */
export function clearStagingPool(): void {
  pooled.length = 0;
  pooledBytes = 0;
}

/** Bytes the pool holds (for tests and memory reports). */
export function pooledStagingBytes(): number {
  return pooledBytes;
}
