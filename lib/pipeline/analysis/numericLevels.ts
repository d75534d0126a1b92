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
  }
  const { values, diffs: diffBuffer } = readingBuffers;
  const fill = offset.slice(0, entities);
  for (let k = 0; k < rows; k++) {
    const e = entity[k];
    const x = reading[k];
    if (isNumeric[e] && !Number.isNaN(x)) values[fill[e]++] = x;
  }
  for (let e = 0; e < entities; e++) {
    if (!isNumeric[e] || offset[e + 1] === offset[e]) continue;
    const series = values.subarray(offset[e], offset[e + 1]);
    const m = series.length;
    const diffs = diffBuffer.subarray(0, m - 1);
    for (let k = 1; k < m; k++) diffs[k - 1] = Math.abs(series[k] - series[k - 1]);
    // median |difference| of iid normal noise is 0.6745·√2·sd
    const noiseSd = diffs.length > 0 ? selectKth(diffs, quantileIndex(diffs.length, 0.5)) / 0.9539 : 0;
    // the three order statistics a sort would give, by selection (the series is consumed)
    const iMid = quantileIndex(m, 0.5);
    const mid = selectKth(series, iMid);
    const iLow = quantileIndex(m, options.qLow);
    const iHigh = quantileIndex(m, options.qHigh);
    const low = iLow < iMid ? selectKth(series, iLow, 0, iMid) : mid;
    const high = iHigh > iMid ? selectKth(series, iHigh, iMid + 1, m) : mid;
    const enterHigh = Math.max(high, mid + options.noiseZ * noiseSd);
    const enterLow = Math.min(low, mid - options.noiseZ * noiseSd);
    thresholds.enterHigh[e] = enterHigh;
    thresholds.enterLow[e] = enterLow;
    thresholds.exitHigh[e] = Math.max(mid, enterHigh - 2 * noiseSd);
    thresholds.exitLow[e] = Math.min(mid, enterLow + 2 * noiseSd);
  }
  return thresholds;
}

/** Reading buffers kept between calls (grow-only, synchronous use only): see homeChanges' buffers. */
const readingBuffers: { values: Float64Array; diffs: Float64Array } = {
  values: new Float64Array(0),
  diffs: new Float64Array(0),
};

/** Index of the q-quantile in a sorted array of n values (nearest rank). */
function quantileIndex(n: number, q: number): number {
  return Math.round(q * (n - 1));
}

/** Levels: 0 low, 1 normal, 2 high. */
export const LEVEL_NAMES = ["low", "normal", "high"] as const;
