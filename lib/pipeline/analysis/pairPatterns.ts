import type { HomeChanges } from "./homeChanges.js";
import { boundedMedian } from "./lagMedian.js";
import { PairCounts } from "./pairCounts.js";
import { jsonNumber, quotedAll } from "./patternJson.js";
import type { PatternRows } from "./patternRows.js";
import { ZeroedScratch } from "./zeroedScratch.js";

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
  const { count, time, token, entity, tokenEntity, tokenState, entityIds } = changes;
  const T = tokenState.length;
  const E = entityIds.length;
  const tokenChanges = new Uint32Array(T);
  const tokenStamp = new Int32Array(T).fill(-1);
  const entityStamp = new Int32Array(E).fill(-1);
  const seqCount = new PairCounts(T, scratch.seq);
  const followCount = new PairCounts(E, scratch.follow);
  // each sequence hit's pair key and lag, gathered per reported pair only for the median
  let hitPair = hitBuffers.pair;
  let hitLag = hitBuffers.lag;
  let hits = 0;
  // the dense counters incremented in place (add() as a call cost a tenth of the scan)
  const seqDense = seqCount.dense;
  const seqKeys = seqCount.keys;
  const followDense = followCount.dense;
  const followKeys = followCount.keys;
  for (let i = 0; i < count; i++) {
    const tokA = token[i];
    tokenChanges[tokA]++;
    const entA = entity[i];
    const rowA = tokA * T;
    const entRowA = entA * E;
    const tA = time[i];
    // one change hits each token at most once: room for T hits covers its window
    if (hits + T > hitPair.length) {
      hitPair = hitBuffers.pair = grown(hitPair, hits + T);
      hitLag = hitBuffers.lag = grown(hitLag, hits + T);
    }
    for (let j = i + 1; j < count && time[j] - tA <= windowMs; j++) {
      const entB = entity[j];
      if (entB === entA) continue;
      const tokB = token[j];
      if (tokenStamp[tokB] !== i) {
        tokenStamp[tokB] = i;
        const key = rowA + tokB;
        if (seqDense === null) seqCount.add(key);
        else if (seqDense[key]++ === 0) seqKeys.push(key);
        hitPair[hits] = key;
        hitLag[hits++] = time[j] - tA;
      }
      if (entityStamp[entB] !== i) {
        entityStamp[entB] = i;
        const key = entRowA + entB;
        if (followDense === null) followCount.add(key);
        else if (followDense[key]++ === 0) followKeys.push(key);
      }
    }
  }

  const entityChanges = new Uint32Array(E);
  for (let t = 0; t < T; t++) entityChanges[tokenEntity[t]] += tokenChanges[t];
  const span = count > 0 ? Math.max(time[count - 1] - time[0], windowMs) : windowMs;
  // chance that an entity changes in a random window, from its rate over its home's span
  const hitChance = new Float64Array(E);
  for (let e = 0; e < E; e++) hitChance[e] = 1 - Math.exp(-(entityChanges[e] * windowMs) / span);

  // pair keys in first-count order
  const reported: number[] = [];
  for (const key of seqCount.keys) {
    const n = seqCount.get(key);
    const tokA = Math.floor(key / T);
    if (n < opts.minOccurrences || n / tokenChanges[tokA] < opts.minConfidence) continue;
    reported.push(key);
  }
  const quotedState = quotedAll(tokenState);
  const quotedEntity = quotedAll(entityIds);
  const lags = reportedLags(reported, seqCount, hitPair, hitLag, hits);
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
        `"median_lag_ms":${jsonNumber(boundedMedian(lags.values, lags.start[r], lags.start[r + 1], windowMs))},` +
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

/** Counter memory kept between calls (one home at a time; synchronous use only). */
const scratch = { seq: new ZeroedScratch(), follow: new ZeroedScratch(), labels: new ZeroedScratch() };

/**
 * Hit and lag buffers kept between calls (grow-only; the miner runs once per home during
 * generation). Synchronous use only.
 */
const hitBuffers: { pair: Int32Array; lag: Float64Array; values: Float64Array } = {
  pair: new Int32Array(1 << 14),
  lag: new Float64Array(1 << 14),
  values: new Float64Array(0),
};

/** A copy of xs in an array of the same type with room for at least `size` values. */
function grown<A extends Int32Array | Float64Array>(xs: A, size: number): A {
  const bigger = new (xs.constructor as new (n: number) => A)(Math.max(size, xs.length * 2));
  bigger.set(xs);
  return bigger;
}

/**
 * The lags of each reported pair (keys in `reported`) as segments [start[r], start[r + 1]) of
 * one array, from the scan's hits; segment sizes are the pairs' counts. `values` is a buffer
 * the next call reuses.
 */
function reportedLags(
  reported: readonly number[],
  seqCount: PairCounts,
  hitPair: Int32Array,
  hitLag: Float64Array,
  hits: number,
): { values: Float64Array; start: Uint32Array } {
  const start = new Uint32Array(reported.length + 1);
  for (let r = 0; r < reported.length; r++) start[r + 1] = start[r] + seqCount.get(reported[r]);
  const total = start[reported.length];
  // one spare value at the end: where hits of unreported pairs land, so the scatter has no branch
  if (hitBuffers.values.length < total + 1)
    hitBuffers.values = new Float64Array(Math.max(total + 1, hitBuffers.values.length * 1.5));
  const values = hitBuffers.values;
  // fill[slot] is the next place of reported pair slot − 1 (slot 0: unreported, the spare value)
  const fill = new Uint32Array(reported.length + 1);
  fill[0] = total;
  for (let r = 0; r < reported.length; r++) fill[r + 1] = start[r];
  const labels = seqCount.labels(reported, scratch.labels);
  if (labels instanceof Map) {
    for (let k = 0; k < hits; k++) scatter(labels.get(hitPair[k]) ?? 0, hitLag[k], values, fill);
  } else {
    const slotOf = labels as Int32Array;
    for (let k = 0; k < hits; k++) {
      const slot = slotOf[hitPair[k]];
      values[fill[slot]] = hitLag[k];
      fill[slot] += -slot >>> 31; // 1 when reported
    }
  }
  return { values, start };
}

function scatter(slot: number, lag: number, values: Float64Array, fill: Uint32Array): void {
  values[fill[slot]] = lag;
  fill[slot] += -slot >>> 31;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
