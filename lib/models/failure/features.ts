import type { ColumnTable } from "../../core/columnTable.js";
import { TELEMETRY_FEATURES } from "../../pipeline/storage/tables.js";

/**
 * Failure-classifier features from the telemetry table, as columns (one Float32Array per
 * feature, row i = telemetry row i):
 * - today's 11 telemetry features (NaN where missing) and the share of them missing;
 * - per device, trailing-window statistics over the last `window` days (today included,
 *   by calendar day, so gaps in reporting shrink the window): mean, standard deviation and
 *   least-squares slope per day of the rolling sources, ignoring missing values;
 * - one-hot health type and a battery flag.
 * Windows only look back, never forward. The label's truth columns (`days_to_failure`,
 * `failure_scenario`) are never read. Values left undefined (a window with < 2 values) stay
 * NaN; the Standardizer imputes them with the training mean.
 */
export const ROLLING_SOURCES = [
  "error_rate",
  "response_time",
  "battery_level",
  "connection_drops",
  "signal_strength",
  "restart_count",
] as const;

export const ROLLING_STATS = ["mean", "std", "slope"] as const;

/** What the feature builder needs to know; saved with every model (preprocess.json). */
export interface FeatureSpec {
  window: number;
  /** Health-type categories for the one-hot columns, fixed when the model is fitted. */
  healthTypes: string[];
}

export interface FeatureSet {
  spec: FeatureSpec;
  names: string[];
  rows: number;
  columns: Float32Array[];
  /** fails_within_7d per row (0/1). */
  labels: Uint8Array;
  homeIds: (string | null)[];
  homeTypes: (string | null)[];
}

export const DEFAULT_WINDOW = 7;

/** Today's features only: the logistic-regression baseline's inputs. */
export const TODAY_FEATURES: readonly string[] = TELEMETRY_FEATURES;

/** Fixes the categories (sorted distinct health types) and window for a table. */
export function featureSpecFor(table: ColumnTable, window = DEFAULT_WINDOW): FeatureSpec {
  const health = new Set<string>();
  for (const v of table.columns.health_type as (string | null)[]) if (v !== null) health.add(v);
  return { window, healthTypes: [...health].sort() };
}

export function featureNames(spec: FeatureSpec): string[] {
  const names: string[] = [...TELEMETRY_FEATURES, "missing_fraction"];
  for (const source of ROLLING_SOURCES) {
    for (const stat of ROLLING_STATS) names.push(`${source}_${stat}_${spec.window}d`);
  }
  for (const h of spec.healthTypes) names.push(`health_type=${h}`);
  names.push("power_source=battery");
  return names;
}

export function buildFeatures(table: ColumnTable, spec: FeatureSpec = featureSpecFor(table)): FeatureSet {
  const n = table.rows;
  const names = featureNames(spec);
  const out = names.map(() => new Float32Array(n));
  let col = 0;

  const todays = TELEMETRY_FEATURES.map((name) => table.columns[name] as Float64Array);
  const missing = out[TELEMETRY_FEATURES.length];
  for (const values of todays) {
    const target = out[col++];
    for (let i = 0; i < n; i++) {
      target[i] = values[i];
      if (Number.isNaN(values[i])) missing[i] += 1 / TELEMETRY_FEATURES.length;
    }
  }
  col++; // missing_fraction, filled above

  const day = table.columns.day as Int32Array;
  const device = deviceKeys(table);
  const order = deviceDayOrder(device, day);
  for (const source of ROLLING_SOURCES) {
    rollingStats(
      table.columns[source] as Float64Array,
      order,
      device,
      day,
      spec.window,
      out[col],
      out[col + 1],
      out[col + 2],
    );
    col += ROLLING_STATS.length;
  }

  const health = table.columns.health_type as (string | null)[];
  spec.healthTypes.forEach((h, k) => {
    const target = out[col + k];
    for (let i = 0; i < n; i++) if (health[i] === h) target[i] = 1;
  });
  col += spec.healthTypes.length;
  const power = table.columns.power_source as (string | null)[];
  for (let i = 0; i < n; i++) if (power[i] === "battery") out[col][i] = 1;

  const label = table.columns.fails_within_7d as ArrayLike<number | null>;
  return {
    spec,
    names,
    rows: n,
    columns: out,
    labels: Uint8Array.from({ length: n }, (_, i) => (label[i] === 1 ? 1 : 0)),
    homeIds: table.columns.home_id as (string | null)[],
    homeTypes: table.columns.home_type as (string | null)[],
  };
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

/** Row indices ordered by device, then day (stable, so input order never matters). */
function deviceDayOrder(device: Int32Array, day: Int32Array): Int32Array {
  const order = Int32Array.from({ length: device.length }, (_, i) => i);
  return order.sort((a, b) => device[a] - device[b] || day[a] - day[b] || a - b);
}

/**
 * Trailing-window mean, sample sd and slope (units per day, least squares against the day)
 * over the observed values of one source, per device.
 */
function rollingStats(
  values: Float64Array,
  order: Int32Array,
  device: Int32Array,
  day: Int32Array,
  window: number,
  mean: Float32Array,
  sd: Float32Array,
  slope: Float32Array,
): void {
  let start = 0;
  for (let k = 0; k < order.length; k++) {
    const row = order[k];
    const d = day[row];
    while (device[order[start]] !== device[row] || day[order[start]] <= d - window) start++;
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

/** Indices of `wanted` names in a feature set; throws naming the first one missing. */
export function featureIndices(set: Pick<FeatureSet, "names">, wanted: readonly string[]): number[] {
  const index = new Map(set.names.map((name, i) => [name, i]));
  return wanted.map((name) => {
    const i = index.get(name);
    if (i === undefined) throw new Error(`feature ${name} is not in the feature set`);
    return i;
  });
}
