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

/** One device's rows as a telemetry ColumnTable, checked to be one device with distinct days. */
export function deviceTable(
  rows: readonly TelemetryRow[],
  field: string,
): { table: ColumnTable; last: number } {
  const n = rows.length;
  const first = rows[0];
  const day = new Int32Array(n);
  const seen = new Set<number>();
  let last = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    for (const key of ["home_id", "entity_id"] as const)
      if (r[key] !== first[key])
        throw new HomeforgeError(
          `${field}[${i}].${key}`,
          `is ${JSON.stringify(r[key])}, the first row's is ${JSON.stringify(first[key])}`,
          "send one device's rows per telemetry list (a batch: one entry of devices per device)",
        );
    day[i] = dayNumber(r.day as string);
    if (day[i] === INVALID_DAY)
      throw new HomeforgeError(`${field}[${i}].day`, `${r.day} is not a calendar date`, "send YYYY-MM-DD");
    if (seen.has(day[i]))
      throw new HomeforgeError(`${field}[${i}].day`, `${r.day} appears twice`, "send one row per day");
    seen.add(day[i]);
    if (day[i] > day[last]) last = i;
  }
  const strings = (name: string) => rows.map((r) => (r[name] ?? null) as string | null);
  const columns: Record<string, ColumnData> = {
    home_id: strings("home_id"),
    entity_id: strings("entity_id"),
    day,
    home_type: strings("home_type"),
    size_category: strings("size_category"),
    floors: rows.map((r) => (r.floors ?? null) as number | null),
    climate_zone: strings("climate_zone"),
    health_type: strings("health_type"),
    power_source: strings("power_source"),
    fails_within_7d: new Int32Array(n),
    censored: new Uint8Array(n),
    days_to_failure: new Array(n).fill(null),
    failure_scenario: new Array(n).fill(null),
  };
  for (const name of TELEMETRY_FEATURES)
    columns[name] = Float64Array.from(rows, (r) =>
      typeof r[name] === "number" ? (r[name] as number) : Number.NaN,
    );
  return { table: { schema: TELEMETRY_SCHEMA, rows: n, columns }, last };
}

/** The served classifier's calibrated probability for row `last` of a device's table. */
export function deviceProbability(served: ServedClassifier, table: ColumnTable, last: number): number {
  if (served.scorer) return scoreRows(served.classifier, served.scorer, table, [last])[0];
  return served.classifier.predictProba(table)[last];
}
