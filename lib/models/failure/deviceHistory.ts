import type { ColumnTable } from "../../core/columnTable.js";

/**
 * Per-device history features for the failure classifier: statistics of each row's own
 * device over its past days only (the row's day included, never a later one).
 *
 * A device's history is cut into units: a reporting gap of UNIT_GAP_DAYS or more starts a new
 * unit, because that is what a replacement looks like (the generator's replacement reports
 * under the same entity_id after a gap of at least 7 days, with a fresh baseline). A window
 * of up to 7 days never reaches across such a gap anyway, so the 7-day statistics are the
 * same with or without units; longer windows and baselines need them.
 */
export const UNIT_GAP_DAYS = 7;

/** Rows grouped by unit, in day order: `unit[row]` and the row order to walk. */
export interface UnitOrder {
  unit: Int32Array;
  /** Row indices ordered by unit, then day (stable, so input order never matters). */
  order: Int32Array;
  day: Int32Array;
}

export function unitOrder(table: ColumnTable): UnitOrder {
  const device = deviceKeys(table);
  const day = table.columns.day as Int32Array;
  const order = Int32Array.from({ length: device.length }, (_, i) => i);
  order.sort((a, b) => device[a] - device[b] || day[a] - day[b] || a - b);
  const unit = new Int32Array(device.length);
  let id = -1;
  for (let k = 0; k < order.length; k++) {
    const row = order[k];
    const prev = k > 0 ? order[k - 1] : -1;
    if (prev < 0 || device[prev] !== device[row] || day[row] - day[prev] >= UNIT_GAP_DAYS) id++;
    unit[row] = id;
  }
  return { unit, order, day };
}

/** One integer per (home_id, entity_id). */
function deviceKeys(table: ColumnTable): Int32Array {
  const home = table.columns.home_id as (string | null)[];
  const entity = table.columns.entity_id as (string | null)[];
  const ids = new Map<string, number>();
  const out = new Int32Array(table.rows);
  for (let i = 0; i < table.rows; i++) {
    const key = `${home[i]}\u0000${entity[i]}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    out[i] = id;
  }
  return out;
}

/**
 * Trailing-window mean, sample sd and slope (units per day, least squares against the day)
 * over the observed values of one source, per unit, over days (d − window, d]. With
 * `wanted`, only rows where it is 1 are computed (the others are left as they are).
 */
export function rollingStats(
  values: ArrayLike<number>,
  units: UnitOrder,
  window: number,
  mean: Float32Array,
  sd: Float32Array,
  slope: Float32Array,
  wanted: Uint8Array | null = null,
): void {
  const { unit, order, day } = units;
  let start = 0;
  for (let k = 0; k < order.length; k++) {
    const row = order[k];
    const d = day[row];
    while (unit[order[start]] !== unit[row] || day[order[start]] <= d - window) start++;
    if (wanted && !wanted[row]) continue;
    let count = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (let j = start; j <= k; j++) {
      const r = order[j];
      const y = values[r];
      if (Number.isNaN(y)) continue;
      const x = day[r] - d;
      count++;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      syy += y * y;
    }
    if (count === 0) {
      mean[row] = Number.NaN;
      sd[row] = Number.NaN;
      slope[row] = Number.NaN;
      continue;
    }
    const m = sy / count;
    mean[row] = m;
    sd[row] = count > 1 ? Math.sqrt(Math.max(0, (syy - count * m * m) / (count - 1))) : Number.NaN;
    const varX = sxx - (sx * sx) / count;
    slope[row] = count > 1 && varX > 0 ? (sxy - (sx * sy) / count) / varX : Number.NaN;
  }
}

/**
 * The unit's own baseline of one source: the median of its observed values over its first
 * `days` calendar days. A row inside that period sees the median of the days so far (never a
 * later day); NaN until a value is observed.
 */
export function unitBaseline(
  values: ArrayLike<number>,
  units: UnitOrder,
  days: number,
  out: Float32Array,
  wanted: Uint8Array | null = null,
): void {
  const { unit, order, day } = units;
  let first = 0;
  let seen: number[] = [];
  let fixed = Number.NaN;
  // the median is taken only when a row reads it (every row without `wanted`)
  let stale = false;
  for (let k = 0; k < order.length; k++) {
    const row = order[k];
    if (k === 0 || unit[order[k - 1]] !== unit[row]) {
      first = day[row];
      seen = [];
      fixed = Number.NaN;
      stale = false;
    }
    if (day[row] < first + days) {
      if (!Number.isNaN(values[row])) seen.push(values[row]);
      stale = true;
    }
    if (wanted && !wanted[row]) continue;
    if (stale) {
      fixed = median(seen);
      stale = false;
    }
    out[row] = fixed;
  }
}

/**
 * Days since the unit's last day (≤ today) where `values` > 0, e.g. a restart or a dropped
 * connection; a unit that never had one gets the days since its first report + 1 (a lower
 * bound: "not within its record").
 */
export function daysSincePositive(values: ArrayLike<number>, units: UnitOrder, out: Float32Array): void {
  const { unit, order, day } = units;
  let first = 0;
  let last = Number.NaN;
  for (let k = 0; k < order.length; k++) {
    const row = order[k];
    if (k === 0 || unit[order[k - 1]] !== unit[row]) {
      first = day[row];
      last = Number.NaN;
    }
    if (values[row] > 0) last = day[row];
    out[row] = Number.isNaN(last) ? day[row] - first + 1 : day[row] - last;
  }
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
