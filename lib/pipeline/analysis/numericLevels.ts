import { selectKth } from "../../core/select.js";

export interface LevelOptions {
  qLow: number;
  qHigh: number;
  noiseZ: number;
}

/** Per entity of one home: whether it is numeric, and its level thresholds. */
export interface LevelThresholds {
  isNumeric: Uint8Array;
  enterHigh: Float64Array;
  exitHigh: Float64Array;
  enterLow: Float64Array;
  exitLow: Float64Array;
}

/**
 * Level thresholds of one home's entities from their readings (`reading[k]` of row k, NaN when
 * the state is not a number; `entity[k]` its home-local entity, rows in time order) and the
 * per-entity counts of rows and of numeric readings.
 *
 * An entity is numeric when most of its states are numbers (a thermostat's "heat" with a
 * setpoint value is not). A reading is high when it is above both the entity's upper quantile
 * and its median plus `noiseZ` noise sds (low mirrors this), so a daily cycle yields one "high"
 * onset per warm afternoon while a flat, noisy sensor yields none. Noise sd comes from
 * successive differences (robust to the cycle itself). A level is left only once the reading
 * is two noise sds back inside the threshold (hysteresis), so noise at a threshold does not
 * flicker (homeChanges applies the thresholds).
 */
export function levelThresholds(
  reading: Float64Array,
  entity: Int32Array,
  rows: number,
  readingStates: ReadingStates,
  rowCount: Uint32Array,
  numericCount: Uint32Array,
  entities: number,
  options: LevelOptions,
): LevelThresholds {
  const isNumeric = new Uint8Array(entities);
  const offset = new Uint32Array(entities + 1);
  for (let e = 0; e < entities; e++) {
    isNumeric[e] = numericCount[e] * 2 > rowCount[e] ? 1 : 0;
    offset[e + 1] = offset[e] + (isNumeric[e] ? numericCount[e] : 0);
  }
  const thresholds: LevelThresholds = {
    isNumeric,
    enterHigh: new Float64Array(entities),
    exitHigh: new Float64Array(entities),
    enterLow: new Float64Array(entities),
    exitLow: new Float64Array(entities),
  };
  const total = offset[entities];
  if (total === 0) return thresholds;
  // readings per numeric entity in time order
  if (readingBuffers.values.length < total) {
    const size = Math.max(total, Math.ceil(readingBuffers.values.length * 1.5));
    readingBuffers.values = new Float64Array(size);
    readingBuffers.diffs = new Float64Array(size);
    readingBuffers.codes = new Int32Array(size);
  }
  const { values, diffs: diffBuffer, codes } = readingBuffers;
  const { state, first, numbers } = readingStates;
  // per entity: 1 when some reading is not its state's number (then selection, not counting)
  const irregular = new Uint8Array(entities);
  const fill = offset.slice(0, entities);
  for (let k = 0; k < rows; k++) {
    const e = entity[k];
    const x = reading[k];
    if (isNumeric[e] && !Number.isNaN(x)) {
      const s = state[first + k];
      const f = fill[e]++;
      values[f] = x;
      codes[f] = s;
      if (numbers[s] !== x) irregular[e] = 1;
    }
  }
  const counter = stateCounter(numbers.length);
  for (let e = 0; e < entities; e++) {
    if (!isNumeric[e] || offset[e + 1] === offset[e]) continue;
    const series = values.subarray(offset[e], offset[e + 1]);
    const m = series.length;
    const diffs = diffBuffer.subarray(0, m - 1);
    for (let k = 1; k < m; k++) diffs[k - 1] = Math.abs(series[k] - series[k - 1]);
    // median |difference| of iid normal noise is 0.6745·√2·sd
    const noiseSd = diffs.length > 0 ? selectKth(diffs, quantileIndex(diffs.length, 0.5)) / 0.9539 : 0;
    const iMid = quantileIndex(m, 0.5);
    const iLow = quantileIndex(m, options.qLow);
    const iHigh = quantileIndex(m, options.qHigh);
    let low: number;
    let mid: number;
    let high: number;
    if (!irregular[e]) {
      // readings repeat (a few hundred distinct states per home): count them per state
      const ranks = countedOrderStatistics(
        codes.subarray(offset[e], offset[e + 1]),
        numbers,
        counter,
        iLow,
        iMid,
        iHigh,
      );
      low = ranks[0];
      mid = ranks[1];
      high = ranks[2];
    } else {
      // the three order statistics a sort would give, by selection (the series is consumed)
      mid = selectKth(series, iMid);
      low = iLow < iMid ? selectKth(series, iLow, 0, iMid) : mid;
      high = iHigh > iMid ? selectKth(series, iHigh, iMid + 1, m) : mid;
    }
    const enterHigh = Math.max(high, mid + options.noiseZ * noiseSd);
    const enterLow = Math.min(low, mid - options.noiseZ * noiseSd);
    thresholds.enterHigh[e] = enterHigh;
    thresholds.enterLow[e] = enterLow;
    thresholds.exitHigh[e] = Math.max(mid, enterHigh - 2 * noiseSd);
    thresholds.exitLow[e] = Math.min(mid, enterLow + 2 * noiseSd);
  }
  return thresholds;
}

/** Where readings come from: row k's state code is state[first + k], its number numbers[code]. */
export interface ReadingStates {
  state: Int32Array;
  first: number;
  numbers: Float64Array;
}

/** Reading buffers kept between calls (grow-only, synchronous use only): see homeChanges' buffers. */
const readingBuffers: { values: Float64Array; diffs: Float64Array; codes: Int32Array } = {
  values: new Float64Array(0),
  diffs: new Float64Array(0),
  codes: new Int32Array(0),
};

/** Per state code a count (zero between uses) and the codes seen, for countedOrderStatistics. */
interface StateCounter {
  count: Uint32Array;
  seen: Int32Array;
}

function stateCounter(states: number): StateCounter {
  return { count: new Uint32Array(states), seen: new Int32Array(states) };
}

/**
 * The values at sorted indices i0 ≤ i1 ≤ i2 of the readings numbers[codes[k]], by counting
 * per code and sorting only the distinct numbers: what selection on the readings would give.
 */
function countedOrderStatistics(
  codes: Int32Array,
  numbers: Float64Array,
  counter: StateCounter,
  i0: number,
  i1: number,
  i2: number,
): [number, number, number] {
  const { count, seen } = counter;
  let distinct = 0;
  for (let k = 0; k < codes.length; k++) {
    const s = codes[k];
    if (count[s]++ === 0) seen[distinct++] = s;
  }
  const sorted = new Float64Array(distinct);
  for (let d = 0; d < distinct; d++) sorted[d] = numbers[seen[d]];
  sorted.sort();
  // codes with equal numbers share a rank: sum their counts per rank
  const rankCount = new Float64Array(distinct);
  for (let d = 0; d < distinct; d++) {
    const s = seen[d];
    rankCount[lowerBound(sorted, numbers[s])] += count[s];
    count[s] = 0;
  }
  const out: [number, number, number] = [0, 0, 0];
  const wanted = [i0, i1, i2];
  let w = 0;
  let below = 0;
  for (let r = 0; r < distinct && w < 3; r++) {
    below += rankCount[r];
    while (w < 3 && wanted[w] < below) out[w++] = sorted[r];
  }
  return out;
}

/** First index whose value is ≥ x in an ascending array. */
function lowerBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the q-quantile in a sorted array of n values (nearest rank). */
function quantileIndex(n: number, q: number): number {
  return Math.round(q * (n - 1));
}

/** Levels: 0 low, 1 normal, 2 high. */
export const LEVEL_NAMES = ["low", "normal", "high"] as const;
