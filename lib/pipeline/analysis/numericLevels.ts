import { selectKth } from "../../core/select.js";
import { boundedKth } from "./lagMedian.js";

export interface LevelOptions {
  qLow: number;
  qHigh: number;
  noiseZ: number;
}

/**
 * One home's rows as numericLevels reads them: row k has home-local entity entity[k] and state
 * code state[first + k]; its reading is value[first + k] when finite, else the state's number
 * numbers[code]. readingRow lists the rows whose state is a number, in time order.
 */
export interface HomeReadings {
  readingRow: Int32Array;
  entity: Int32Array;
  state: Int32Array;
  value: Float64Array;
  first: number;
  numbers: Float64Array;
  /** Per entity: its rows and its rows whose state is a number. */
  rowCount: Uint32Array;
  numericCount: Uint32Array;
}

/**
 * Replaces, in `rowState` (row k's state code, initially its own), each numeric entity's
 * readings by its level's code (`levelCodes[0 | 1 | 2]`: low / normal / high).
 *
 * An entity is numeric when most of its states are numbers (a thermostat's "heat" with a
 * setpoint value is not). A reading is high when it is above both the entity's upper quantile
 * and its median plus `noiseZ` noise sds (low mirrors this), so a daily cycle yields one "high"
 * onset per warm afternoon while a flat, noisy sensor yields none. Noise sd comes from
 * successive differences (robust to the cycle itself). A level is left only once the reading
 * is two noise sds back inside the threshold (hysteresis), so noise at a threshold does not
 * flicker.
 *
 * Readings are gathered per entity in time order; quantiles come from counts per state code,
 * since readings repeat (selection when a reading is not its state's number).
 */
export function applyLevels(
  home: HomeReadings,
  entities: number,
  options: LevelOptions,
  levelCodes: Int32Array,
  rowState: Int32Array,
): void {
  const { readingRow, entity, state, value, first, numbers, rowCount, numericCount } = home;
  const offset = new Uint32Array(entities + 1);
  let numericEntities = 0;
  for (let e = 0; e < entities; e++) {
    offset[e + 1] = offset[e] + numericCount[e];
    if (numericCount[e] * 2 > rowCount[e]) numericEntities++;
  }
  if (numericEntities === 0) return;
  const total = offset[entities];
  if (readingBuffers.values.length < total) {
    const size = Math.max(total, Math.ceil(readingBuffers.values.length * 1.5));
    readingBuffers.values = new Float64Array(size);
    readingBuffers.diffs = new Float64Array(size);
    readingBuffers.codes = new Int32Array(size);
    readingBuffers.row = new Int32Array(size);
  }
  const { values, diffs: diffBuffer, codes, row } = readingBuffers;
  // every reading to its entity's segment (numeric or not: no branch), in time order; per
  // entity the readings that are not their state's number (0 = "regular")
  const fill = offset.slice(0, entities);
  const irregular = new Uint32Array(entities);
  for (let j = 0; j < readingRow.length; j++) {
    const k = readingRow[j];
    const s = state[first + k];
    const v = value[first + k];
    const e = entity[k];
    const f = fill[e]++;
    const x = v - v === 0 ? v : numbers[s];
    values[f] = x;
    irregular[e] += x !== numbers[s] ? 1 : 0;
    codes[f] = s;
    row[f] = k;
  }
  const counter = stateCounter(numbers.length);
  for (let e = 0; e < entities; e++) {
    const m = numericCount[e];
    if (!(m * 2 > rowCount[e]) || m === 0) continue;
    const a = offset[e];
    const series = values.subarray(a, a + m);
    const seriesCodes = codes.subarray(a, a + m);
    const regular = irregular[e] === 0;
    // median |difference| of iid normal noise is 0.6745·√2·sd; by bucket counting over
    // [0, largest difference], then selection within one bucket (lagMedian.boundedKth)
    let medianDiff = 0;
    if (m > 1) {
      const diffs = diffBuffer.subarray(0, m - 1);
      let top = 0;
      for (let k = 1; k < m; k++) {
        const d = Math.abs(series[k] - series[k - 1]);
        diffs[k - 1] = d;
        top = Math.max(top, d);
      }
      medianDiff = boundedKth(diffs, 0, m - 1, quantileIndex(m - 1, 0.5), top);
    }
    const noiseSd = medianDiff / 0.9539;
    const iMid = quantileIndex(m, 0.5);
    const iLow = quantileIndex(m, options.qLow);
    const iHigh = quantileIndex(m, options.qHigh);
    let low: number;
    let mid: number;
    let high: number;
    if (regular) {
      // readings repeat (a few hundred distinct states per home): count them per state
      [low, mid, high] = countedOrderStatistics(seriesCodes, numbers, counter, iLow, iMid, iHigh);
    } else {
      // the three order statistics a sort would give, by selection on a copy (the series is reused)
      const copy = diffBuffer.subarray(0, m);
      copy.set(series);
      mid = selectKth(copy, iMid);
      low = iLow < iMid ? selectKth(copy, iLow, 0, iMid) : mid;
      high = iHigh > iMid ? selectKth(copy, iHigh, iMid + 1, m) : mid;
    }
    const enterHigh = Math.max(high, mid + options.noiseZ * noiseSd);
    const enterLow = Math.min(low, mid - options.noiseZ * noiseSd);
    const exitHigh = Math.max(mid, enterHigh - 2 * noiseSd);
    const exitLow = Math.min(mid, enterLow + 2 * noiseSd);
    let l = 1;
    for (let k = 0; k < m; k++) {
      const x = series[k];
      if (l === 2 && x <= exitHigh) l = 1;
      else if (l === 0 && x >= exitLow) l = 1;
      if (l === 1) l = x > enterHigh ? 2 : x < enterLow ? 0 : 1;
      rowState[row[a + k]] = levelCodes[l];
    }
  }
}

/** Reading buffers kept between calls (grow-only, synchronous use only): see homeChanges' buffers. */
const readingBuffers: { values: Float64Array; diffs: Float64Array; codes: Int32Array; row: Int32Array } = {
  values: new Float64Array(0),
  diffs: new Float64Array(0),
  codes: new Int32Array(0),
  row: new Int32Array(0),
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
