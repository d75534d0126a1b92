import type { ColumnTable } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { TELEMETRY_FEATURES } from "../../pipeline/storage/tables.js";
import { daysSincePositive, rollingStats, unitBaseline, unitOrder } from "./deviceHistory.js";

/**
 * Failure-classifier features from the telemetry table, as columns (one Float32Array per
 * feature, row i = telemetry row i):
 * - today's 11 telemetry features (NaN where missing) and the share of them missing;
 * - per device, trailing-window statistics over the last `window` days (today included,
 *   by calendar day, so gaps in reporting shrink the window): mean, standard deviation and
 *   least-squares slope per day of the rolling sources, ignoring missing values; the same
 *   over each of `longWindows`;
 * - one-hot health type and a battery flag;
 * - optional history features (deviceHistory.ts): change of the window mean since the
 *   device's own baseline (`baselineDays`), days since the last restart and drop (`recency`);
 * - the home's context (`context`): one-hot home_type, size_category, climate_zone and the
 *   numeric floors. Categories are fixed in the spec when a model is fitted; a category
 *   unseen then (or a null) is all zeros in its one-hot group at predict time.
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

/** The telemetry columns that carry the home's context (copied from the homes table). */
export const CONTEXT_COLUMNS = ["home_type", "size_category", "climate_zone", "floors"] as const;

/** Context categories of the one-hot columns, fixed when the model is fitted. */
export interface ContextSpec {
  homeTypes: string[];
  sizeCategories: string[];
  climateZones: string[];
}

/**
 * What the feature builder needs to know; saved with every model (preprocess.json). Every
 * field after `healthTypes` is optional so that specs saved before it existed keep loading
 * and build exactly the features those models were trained on.
 */
export interface FeatureSpec {
  window: number;
  /** Health-type categories for the one-hot columns, fixed when the model is fitted. */
  healthTypes: string[];
  /** More trailing windows (days) with the same statistics as `window`. */
  longWindows?: number[];
  /** > 0: the window mean minus the median of the device's first `baselineDays` days, per rolling source. */
  baselineDays?: number;
  /** Days since the last restart and since the last connection drop. */
  recency?: boolean;
  /** The home's context; absent: no context features. */
  context?: ContextSpec;
}

/** The choices featureSpecFor turns into a spec (categories come from the table). */
export interface FeatureOptions {
  window: number;
  longWindows: number[];
  baselineDays: number;
  recency: boolean;
  context: boolean;
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

/**
 * The feature choices of new models (chosen on validation homes: docs/notes/context.md).
 * The set carries the context columns; whether a model reads them is its own `context` param.
 */
export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  window: DEFAULT_WINDOW,
  longWindows: [28],
  baselineDays: 7,
  recency: false,
  context: true,
};

/** Today's features only: the logistic-regression baseline's inputs. */
export const TODAY_FEATURES: readonly string[] = TELEMETRY_FEATURES;

/**
 * Fixes the categories (sorted distinct health types and context values) and the feature
 * choices for a table; a number is the window, other choices at their defaults.
 */
export function featureSpecFor(
  table: ColumnTable,
  options: number | Partial<FeatureOptions> = {},
): FeatureSpec {
  const o: FeatureOptions = {
    ...DEFAULT_FEATURE_OPTIONS,
    ...(typeof options === "number" ? { window: options } : options),
  };
  const spec: FeatureSpec = { window: o.window, healthTypes: categories(table, "health_type") };
  if (o.longWindows.length > 0) spec.longWindows = [...o.longWindows];
  if (o.baselineDays > 0) spec.baselineDays = o.baselineDays;
  if (o.recency) spec.recency = true;
  if (o.context) {
    requireContext(table);
    spec.context = {
      homeTypes: categories(table, "home_type"),
      sizeCategories: categories(table, "size_category"),
      climateZones: categories(table, "climate_zone"),
    };
  }
  return spec;
}

/** The spec without its context features (what a model fitted with `context: false` keeps). */
export function withoutContext(spec: FeatureSpec): FeatureSpec {
  const { context: _context, ...rest } = spec;
  return rest;
}

/** Is this a context feature (one of the home's context one-hots or floors)? */
export function isContextFeature(name: string): boolean {
  return name === "floors" || /^(home_type|size_category|climate_zone)=/.test(name);
}

const HISTORY_SOURCES = ["restart_count", "connection_drops"] as const;
const RECENCY_NAMES = ["days_since_restart", "days_since_drop"] as const;

export function featureNames(spec: FeatureSpec): string[] {
  const names: string[] = [...TELEMETRY_FEATURES, "missing_fraction"];
  const windowNames = (window: number) => {
    for (const source of ROLLING_SOURCES) {
      for (const stat of ROLLING_STATS) names.push(`${source}_${stat}_${window}d`);
    }
  };
  windowNames(spec.window);
  for (const h of spec.healthTypes) names.push(`health_type=${h}`);
  names.push("power_source=battery");
  for (const w of spec.longWindows ?? []) windowNames(w);
  if (spec.baselineDays) {
    for (const source of ROLLING_SOURCES) names.push(baselineName(source, spec));
  }
  if (spec.recency) names.push(...RECENCY_NAMES);
  const context = spec.context;
  if (context) {
    for (const v of context.homeTypes) names.push(`home_type=${v}`);
    for (const v of context.sizeCategories) names.push(`size_category=${v}`);
    for (const v of context.climateZones) names.push(`climate_zone=${v}`);
    names.push("floors");
  }
  return names;
}

function baselineName(source: string, spec: FeatureSpec): string {
  return `${source}_change_${spec.window}d_vs_first_${spec.baselineDays}d`;
}

/**
 * The features of every row, or with `rows` of those rows only: the window statistics of the
 * other rows are then not computed and must not be read (a service scoring a device's last
 * day needs its history, not the history's own features).
 */
export function buildFeatures(
  table: ColumnTable,
  spec: FeatureSpec = featureSpecFor(table),
  rows: ArrayLike<number> | null = null,
): FeatureSet {
  const n = table.rows;
  let wanted: Uint8Array | null = null;
  if (rows) {
    wanted = new Uint8Array(n);
    for (let k = 0; k < rows.length; k++) wanted[rows[k]] = 1;
  }
  if (spec.context) requireContext(table);
  const names = featureNames(spec);
  // one buffer, a view per feature: a typed array's own buffer costs ~2 µs to allocate, which
  // dominated scoring one device (62 features × 28 days) in the service
  const storage = new Float32Array(n * names.length);
  const byName = new Map<string, Float32Array>();
  names.forEach((name, k) => {
    byName.set(name, storage.subarray(k * n, (k + 1) * n));
  });
  const column = (name: string) => {
    let c = byName.get(name);
    if (!c) {
      c = new Float32Array(n);
      byName.set(name, c);
    }
    return c;
  };

  const missing = column("missing_fraction");
  for (const name of TELEMETRY_FEATURES) {
    const values = table.columns[name] as Float64Array;
    const target = column(name);
    for (let i = 0; i < n; i++) {
      target[i] = values[i];
      if (Number.isNaN(values[i])) missing[i] += 1 / TELEMETRY_FEATURES.length;
    }
  }

  const units = unitOrder(table);
  for (const window of [spec.window, ...(spec.longWindows ?? [])]) {
    for (const source of ROLLING_SOURCES) {
      const [mean, sd, slope] = ROLLING_STATS.map((stat) => column(`${source}_${stat}_${window}d`));
      rollingStats(table.columns[source] as Float64Array, units, window, mean, sd, slope, wanted);
    }
  }
  if (spec.baselineDays) {
    const baseline = new Float32Array(n);
    for (const source of ROLLING_SOURCES) {
      unitBaseline(table.columns[source] as Float64Array, units, spec.baselineDays, baseline, wanted);
      const mean = column(`${source}_mean_${spec.window}d`);
      const target = column(baselineName(source, spec));
      for (let i = 0; i < n; i++) target[i] = mean[i] - baseline[i];
    }
  }
  if (spec.recency) {
    HISTORY_SOURCES.forEach((source, k) => {
      daysSincePositive(table.columns[source] as Float64Array, units, column(RECENCY_NAMES[k]));
    });
  }

  oneHot(table.columns.health_type as (string | null)[], "health_type", spec.healthTypes, column);
  const power = table.columns.power_source as (string | null)[];
  const battery = column("power_source=battery");
  for (let i = 0; i < n; i++) if (power[i] === "battery") battery[i] = 1;
  if (spec.context) {
    const c = spec.context;
    oneHot(table.columns.home_type as (string | null)[], "home_type", c.homeTypes, column);
    oneHot(table.columns.size_category as (string | null)[], "size_category", c.sizeCategories, column);
    oneHot(table.columns.climate_zone as (string | null)[], "climate_zone", c.climateZones, column);
    const floors = table.columns.floors as ArrayLike<number | null>;
    const target = column("floors");
    for (let i = 0; i < n; i++) target[i] = floors[i] ?? Number.NaN;
  }

  const label = table.columns.fails_within_7d as ArrayLike<number | null>;
  return {
    spec,
    names,
    rows: n,
    columns: names.map(column),
    labels: Uint8Array.from({ length: n }, (_, i) => (label[i] === 1 ? 1 : 0)),
    homeIds: table.columns.home_id as (string | null)[],
    homeTypes: table.columns.home_type as (string | null)[],
  };
}

/** 1 in `prefix=value` where the row's value is one of `values`; unseen values and nulls stay all 0. */
function oneHot(
  data: ArrayLike<string | null>,
  prefix: string,
  values: readonly string[],
  column: (name: string) => Float32Array,
): void {
  const targets = new Map(values.map((v) => [v, column(`${prefix}=${v}`)]));
  for (let i = 0; i < data.length; i++) {
    const target = targets.get(data[i] ?? "");
    if (target) target[i] = 1;
  }
}

function categories(table: ColumnTable, name: string): string[] {
  const seen = new Set<string>();
  const values = table.columns[name] as ArrayLike<string | null>;
  for (let i = 0; i < values.length; i++) if (values[i] !== null) seen.add(values[i] as string);
  return [...seen].sort();
}

/** The context columns must be there when the spec uses them. */
function requireContext(table: ColumnTable): void {
  const missing = CONTEXT_COLUMNS.filter((c) => table.columns[c] === undefined);
  if (missing.length > 0)
    throw new HomeforgeError(
      "telemetry",
      `the table lacks context column(s) ${missing.join(", ")} that the model's features need`,
      "read the telemetry of a dataset written by generator version 3 or later (homeforge generate), or fit with context: false",
    );
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
