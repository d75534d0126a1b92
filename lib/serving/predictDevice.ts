import type { ColumnData, ColumnTable } from "../core/columnTable.js";
import { HomeforgeError } from "../core/errors.js";
import { TELEMETRY_FEATURES, TELEMETRY_SCHEMA } from "../pipeline/storage/tables.js";
import { scoreRows } from "./fastScorer.js";
import type { ServedClassifier } from "./servedModels.js";

/** One telemetry row as the service receives it (schemas.ts: telemetryRowSchema). */
export type TelemetryRow = Record<string, string | number | boolean | null | undefined>;

export type RiskLevel = "high" | "medium" | "low";

/**
 * The risk level of a probability at the served model's threshold (best F1 on validation
 * homes): high at or above it, medium at or above half of it, low below.
 */
export function riskLevel(probability: number, threshold: number): RiskLevel {
  if (probability >= threshold) return "high";
  return probability >= threshold / 2 ? "medium" : "low";
}

const INVALID_DAY = -2147483648;

/** Days since 1970-01-01 of a YYYY-MM-DD string; INVALID_DAY when the date does not exist (2025-02-30). */
export function dayNumber(text: string): number {
  const y = +text.slice(0, 4);
  const m = +text.slice(5, 7);
  const d = +text.slice(8, 10);
  if (!(y >= 1900 && m >= 1 && m <= 12 && d >= 1)) return INVALID_DAY;
  const ms = Date.UTC(y, m - 1, d);
  // Date.UTC rolls 02-30 over into March: the day must survive the round trip
  if (new Date(ms).getUTCDate() !== d) return INVALID_DAY;
  return ms / 86_400_000;
}

/** A device's history as columns (schemas.ts: historySchema). */
export interface DeviceHistory {
  device: TelemetryRow;
  days: string[];
  features: Record<string, (number | null)[]>;
}

/** One device's table for scoring, the row to score and who it is. */
export interface DeviceInput {
  table: ColumnTable;
  /** The row of the latest day (the one scored). */
  last: number;
  homeId: string;
  entityId: string;
  homeType: string | null;
  day: string;
}

/** One device's rows as a telemetry ColumnTable, checked to be one device with distinct days. */
export function deviceInput(rows: readonly TelemetryRow[], field: string): DeviceInput {
  const { table, last } = deviceTable(rows, field);
  const row = rows[last];
  return {
    table,
    last,
    homeId: row.home_id as string,
    entityId: row.entity_id as string,
    homeType: (row.home_type ?? null) as string | null,
    day: row.day as string,
  };
}

/** A device's columnar history as a telemetry ColumnTable: every feature as long as `days`, days distinct. */
export function historyInput(history: DeviceHistory, field: string): DeviceInput {
  const n = history.days.length;
  const day = new Int32Array(n);
  const seen = new Set<number>();
  let last = 0;
  for (let i = 0; i < n; i++) {
    const d = cachedDayNumber(history.days[i]);
    if (d === INVALID_DAY)
      throw new HomeforgeError(
        `${field}.days[${i}]`,
        `${history.days[i]} is not a calendar date`,
        "send YYYY-MM-DD",
      );
    if (seen.has(d))
      throw new HomeforgeError(
        `${field}.days[${i}]`,
        `${history.days[i]} appears twice`,
        "send each day once",
      );
    seen.add(d);
    day[i] = d;
    if (d > day[last]) last = i;
  }
  const columns: Record<string, ColumnData> = {
    day,
    floors: new Array(n).fill(history.device.floors ?? null),
    fails_within_7d: new Int32Array(n),
    censored: new Uint8Array(n),
    days_to_failure: new Array(n).fill(null),
    failure_scenario: new Array(n).fill(null),
  };
  for (const name of STRING_COLUMNS) columns[name] = new Array(n).fill(history.device[name] ?? null);
  // one buffer, a view per feature (a typed array's own buffer costs ~2 µs to allocate)
  const storage = new Float64Array(n * TELEMETRY_FEATURES.length);
  for (let f = 0; f < TELEMETRY_FEATURES.length; f++) {
    const name = TELEMETRY_FEATURES[f];
    const values = history.features[name];
    if (values.length !== n)
      throw new HomeforgeError(
        `${field}.features.${name}`,
        `has ${values.length} values for ${n} days`,
        "send one value (or null) per day",
      );
    const column = storage.subarray(f * n, (f + 1) * n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      column[i] = typeof v === "number" ? v : Number.NaN;
    }
    columns[name] = column;
  }
  return {
    table: { schema: TELEMETRY_SCHEMA, rows: n, columns },
    last,
    homeId: history.device.home_id as string,
    entityId: history.device.entity_id as string,
    homeType: (history.device.home_type ?? null) as string | null,
    day: history.days[last],
  };
}

/** One device's rows as a telemetry ColumnTable, checked to be one device with distinct days. */
export function deviceTable(
  rows: readonly TelemetryRow[],
  field: string,
): { table: ColumnTable; last: number } {
  const n = rows.length;
  const first = rows[0];
  const day = new Int32Array(n);
  const seen = new Set<number>();
  const strings = STRING_COLUMNS.map(() => new Array<string | null>(n));
  const floors = new Array<number | null>(n);
  const storage = new Float64Array(n * TELEMETRY_FEATURES.length);
  const features = TELEMETRY_FEATURES.map((_, f) => storage.subarray(f * n, (f + 1) * n));
  let last = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    for (const key of DEVICE_KEYS)
      if (r[key] !== first[key])
        throw new HomeforgeError(
          `${field}[${i}].${key}`,
          `is ${JSON.stringify(r[key])}, the first row's is ${JSON.stringify(first[key])}`,
          "send one device's rows per telemetry list (a batch: one entry of devices per device)",
        );
    const d = cachedDayNumber(r.day as string);
    if (d === INVALID_DAY)
      throw new HomeforgeError(`${field}[${i}].day`, `${r.day} is not a calendar date`, "send YYYY-MM-DD");
    if (seen.has(d))
      throw new HomeforgeError(`${field}[${i}].day`, `${r.day} appears twice`, "send one row per day");
    seen.add(d);
    day[i] = d;
    if (d > day[last]) last = i;
    for (let c = 0; c < STRING_COLUMNS.length; c++)
      strings[c][i] = (r[STRING_COLUMNS[c]] ?? null) as string | null;
    floors[i] = (r.floors ?? null) as number | null;
    for (let f = 0; f < TELEMETRY_FEATURES.length; f++) {
      const v = r[TELEMETRY_FEATURES[f]];
      features[f][i] = typeof v === "number" ? v : Number.NaN;
    }
  }
  const columns: Record<string, ColumnData> = {
    day,
    floors,
    fails_within_7d: new Int32Array(n),
    censored: new Uint8Array(n),
    days_to_failure: new Array(n).fill(null),
    failure_scenario: new Array(n).fill(null),
  };
  STRING_COLUMNS.forEach((name, c) => {
    columns[name] = strings[c];
  });
  TELEMETRY_FEATURES.forEach((name, f) => {
    columns[name] = features[f];
  });
  return { table: { schema: TELEMETRY_SCHEMA, rows: n, columns }, last };
}

const DEVICE_KEYS = ["home_id", "entity_id"] as const;
const STRING_COLUMNS = [
  "home_id",
  "entity_id",
  "home_type",
  "size_category",
  "climate_zone",
  "health_type",
  "power_source",
] as const;

/** Requests repeat the same few hundred dates: parse each once (bounded, cleared when full). */
const dayCache = new Map<string, number>();
function cachedDayNumber(text: string): number {
  let d = dayCache.get(text);
  if (d === undefined) {
    d = dayNumber(text);
    if (dayCache.size >= 10_000) dayCache.clear();
    dayCache.set(text, d);
  }
  return d;
}

/** The served classifier's calibrated probability for row `last` of a device's table. */
export function deviceProbability(served: ServedClassifier, table: ColumnTable, last: number): number {
  if (served.scorer) return scoreRows(served.classifier, served.scorer, table, [last])[0];
  return served.classifier.predictProba(table)[last];
}
