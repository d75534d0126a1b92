/** Summary statistics of every telemetry feature, as a report table. */
import type { ColumnTable } from "../../core/columnTable.js";
import type { ReportTable } from "../htmlPage.js";
import { type Summary, summarize } from "./stats.js";

/**
 * Collects each feature's values over telemetry chunks into one array per feature, sized
 * for `expectedRows` (the manifest's count) and grown if a table holds more.
 */
export function featureCollector(features: readonly string[], expectedRows: number) {
  let values = features.map(() => new Float64Array(expectedRows));
  let filled = 0;
  return {
    add(chunk: ColumnTable): void {
      if (filled + chunk.rows > values[0].length) {
        const capacity = Math.max(2 * values[0].length, filled + chunk.rows);
        values = values.map((old) => {
          const grown = new Float64Array(capacity);
          grown.set(old.subarray(0, filled));
          return grown;
        });
      }
      features.forEach((f, k) => {
        values[k].set(chunk.columns[f] as Float64Array, filled);
      });
      filled += chunk.rows;
    },
    summaries(): { feature: string; summary: Summary }[] {
      return features.map((feature, k) => ({ feature, summary: summarize(values[k].subarray(0, filled)) }));
    },
  };
}

/** Numbers shown with 4 significant digits; missing statistics as an empty cell. */
function shown(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : null;
}

export function telemetrySummaryTable(rows: { feature: string; summary: Summary }[]): ReportTable {
  return {
    id: "telemetry-features",
    title: "Telemetry features: summary statistics",
    columns: ["feature", "count", "missing", "mean", "sd", "min", "p50", "max"],
    rows: rows.map(({ feature, summary: s }) => [
      feature,
      s.count,
      s.missing,
      shown(s.mean),
      shown(s.sd),
      shown(s.min),
      shown(s.p50),
      shown(s.max),
    ]),
    caption:
      "Over all device-days. missing counts readings left empty (NaN); mains devices report a constant battery level of 100; sd is the sample standard deviation.",
  };
}
