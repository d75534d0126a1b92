import { selectKth } from "../../core/select.js";
import type { HomeChanges } from "./homeChanges.js";
import { PairCounts } from "./pairCounts.js";
import { jsonNumber, quotedAll } from "./patternJson.js";
import type { PatternRows } from "./patternRows.js";

export interface PairOptions {
  windowMs: number;
  minOccurrences: number;
  minConfidence: number;
}

/**
 * `sequence` and `co_occurrence` rows of one home, from one scan over each change's window:
 * - sequence (A in state a → B changes to b within the window): occurrences = changes of A to a
 *   followed by such a change of B; confidence = that over all changes of A to a.
 * - co_occurrence per unordered entity pair: the share of both entities' changes followed by a
 *   change of the other within the window (either order).
 * Both report `lift`: confidence over what independent entities with the same rates would give.
 * Each sequence hit's lag goes to one flat list, gathered per reported key only for the median.
 */
export function sequencesAndCoOccurrences(
  home: string,
  changes: HomeChanges,
  opts: PairOptions,
  out: PatternRows,
): void {
  const { windowMs } = opts;
  const { count, time, token, tokenEntity, tokenState, entityIds } = changes;
  const T = tokenState.length;
  const E = entityIds.length;
  const tokenChanges = new Uint32Array(T);
  const tokenStamp = new Int32Array(T).fill(-1);
  const entityStamp = new Int32Array(E).fill(-1);
  const seqCount = new PairCounts(T);
  const followCount = new PairCounts(E);
  // each sequence hit's key and lag, gathered per reported key only for the median
  let hitKey = hitBuffers.key;
  let hitLag = hitBuffers.lag;
  let hits = 0;
  for (let i = 0; i < count; i++) {
    const tokA = token[i];
    tokenChanges[tokA]++;
    const entA = tokenEntity[tokA];
    const rowA = tokA * T;
    const entRowA = entA * E;
    const tA = time[i];
    for (let j = i + 1; j < count && time[j] - tA <= windowMs; j++) {
      const tokB = token[j];
      const entB = tokenEntity[tokB];
      if (entB === entA) continue;
      if (tokenStamp[tokB] !== i) {
        tokenStamp[tokB] = i;
        const key = rowA + tokB;
        seqCount.add(key);
        if (hits === hitKey.length) {
          hitKey = hitBuffers.key = grow(hitKey);
          hitLag = hitBuffers.lag = grow(hitLag);
        }
        hitKey[hits] = key;
        hitLag[hits++] = time[j] - tA;
      }
      if (entityStamp[entB] !== i) {
        entityStamp[entB] = i;
        followCount.add(entRowA + entB);
      }
    }
  }

  const entityChanges = new Uint32Array(E);
  for (let t = 0; t < T; t++) entityChanges[tokenEntity[t]] += tokenChanges[t];
  const span = count > 0 ? Math.max(time[count - 1] - time[0], windowMs) : windowMs;
  // chance that an entity changes in a random window, from its rate over its home's span
  const hitChance = new Float64Array(E);
  for (let e = 0; e < E; e++) hitChance[e] = 1 - Math.exp(-(entityChanges[e] * windowMs) / span);

  const reported: number[] = [];
  for (const key of seqCount.keys) {
    const n = seqCount.get(key);
    if (n < opts.minOccurrences || n / tokenChanges[Math.floor(key / T)] < opts.minConfidence) continue;
    reported.push(key);
  }
  const quotedState = quotedAll(tokenState);
  const quotedEntity = quotedAll(entityIds);
  const lags = reportedLags(reported, seqCount, T * T, hitKey, hitLag, hits);
  for (let r = 0; r < reported.length; r++) {
    const key = reported[r];
    const n = seqCount.get(key);
    const tokA = Math.floor(key / T);
    const tokB = key - tokA * T;
    const confidence = n / tokenChanges[tokA];
    const entB = tokenEntity[tokB];
    out.push(
      home,
      entityIds[tokenEntity[tokA]],
      "sequence",
      `{"state":${quotedState[tokA]},"target":${quotedEntity[entB]},"target_state":${quotedState[tokB]},` +
        `"window_ms":${jsonNumber(windowMs)},` +
        `"median_lag_ms":${jsonNumber(medianOf(lags.values.subarray(lags.start[r], lags.start[r + 1])))},` +
        `"lift":${jsonNumber(round4(confidence / hitChance[entB]))}}`,
      confidence,
      n,
    );
  }

  for (const key of followCount.keys) {
    const nAB = followCount.get(key);
    const entA = Math.floor(key / E);
    const entB = key - entA * E;
    const nameA = entityIds[entA];
    const nameB = entityIds[entB];
    const reverse = followCount.get(entB * E + entA);
    // each unordered pair once: from the lexically smaller entity (or the only direction seen)
    if (nameA > nameB && reverse > 0) continue;
    const occurrences = nAB + reverse;
    const nA = entityChanges[entA];
    const nB = entityChanges[entB];
    const confidence = occurrences / (nA + nB);
    if (occurrences < opts.minOccurrences || confidence < opts.minConfidence) continue;
    const expected = (nA * hitChance[entB] + nB * hitChance[entA]) / (nA + nB);
    out.push(
      home,
      nameA < nameB ? nameA : nameB,
      "co_occurrence",
      `{"other":${quotedEntity[nameA < nameB ? entB : entA]},"window_ms":${jsonNumber(windowMs)},` +
        `"lift":${jsonNumber(round4(confidence / expected))}}`,
      confidence,
      occurrences,
    );
  }
}

/**
 * Hit buffers kept between calls (grow-only; the miner runs once per home during generation).
 * Synchronous use only.
 */
const hitBuffers: { key: Float64Array; lag: Float64Array } = {
  key: new Float64Array(1 << 14),
  lag: new Float64Array(1 << 14),
};

function grow(xs: Float64Array): Float64Array {
  const bigger = new Float64Array(xs.length * 2);
  bigger.set(xs);
  return bigger;
}

/** Above this many keys, reportedLags finds a key's slot in a Map instead of an array. */
const MAX_DENSE_SLOTS = 1 << 22;

/**
 * The lags of each reported key (keys < `keySpace`) as segments [start[r], start[r + 1]) of
 * one array, from the scan's hits; segment sizes are the keys' counts.
 */
function reportedLags(
  reported: readonly number[],
  seqCount: PairCounts,
  keySpace: number,
  hitKey: Float64Array,
  hitLag: Float64Array,
  hits: number,
): { values: Float64Array; start: Uint32Array } {
  const start = new Uint32Array(reported.length + 1);
  for (let r = 0; r < reported.length; r++) start[r + 1] = start[r] + seqCount.get(reported[r]);
  const values = new Float64Array(start[reported.length]);
  if (reported.length === 0) return { values, start };
  // slot + 1 per key, 0 = not reported
  const dense = keySpace <= MAX_DENSE_SLOTS ? new Int32Array(keySpace) : null;
  const sparse = dense ? null : new Map<number, number>();
  for (let r = 0; r < reported.length; r++) {
    if (dense) dense[reported[r]] = r + 1;
    else sparse!.set(reported[r], r + 1);
  }
  const fill = start.slice(0, reported.length);
  if (dense) {
    for (let k = 0; k < hits; k++) {
      const slot = dense[hitKey[k]];
      if (slot > 0) values[fill[slot - 1]++] = hitLag[k];
    }
  } else {
    for (let k = 0; k < hits; k++) {
      const slot = sparse!.get(hitKey[k]) ?? 0;
      if (slot > 0) values[fill[slot - 1]++] = hitLag[k];
    }
  }
  return { values, start };
}

/** The median a sort would give, by selection (`xs` is reordered). */
function medianOf(xs: Float64Array): number {
  const m = xs.length >> 1;
  const upper = selectKth(xs, m);
  if (xs.length % 2) return upper;
  // after selection every value before m is ≤ xs[m]: the largest of them is the lower middle
  let lower = xs[0];
  for (let k = 1; k < m; k++) if (xs[k] > lower) lower = xs[k];
  return (lower + upper) / 2;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
