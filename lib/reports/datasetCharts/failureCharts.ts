/**
 * Planted device failures, read from the telemetry truth columns: failures per scenario
 * (a failure is one device's failure day: day + days_to_failure) and how far ahead of
 * their failure the device-days lie (days_to_failure over the rows that have one).
 */
import type { ColumnTable } from "../../core/columnTable.js";
import type { ChartSpec } from "../vegaSvg.js";

export interface FailureCounts {
  /** Distinct failures per scenario. */
  failures: Map<string, number>;
  /** scenario → days_to_failure → device-days. */
  daysToFailure: Map<string, Map<number, number>>;
  /** Device-days that carry a scheduled failure. */
  rowsWithFailure: number;
}

/** Accumulates failure truth over telemetry chunks; `result()` when every chunk was added. */
export function failureCounter() {
  const seen = new Set<string>();
  const failures = new Map<string, number>();
  const daysToFailure = new Map<string, Map<number, number>>();
  let rowsWithFailure = 0;
  return {
    add(chunk: ColumnTable): void {
      const home = chunk.columns.home_id as string[];
      const entity = chunk.columns.entity_id as string[];
      const day = chunk.columns.day as Int32Array;
      const dtf = chunk.columns.days_to_failure as ArrayLike<number | null>;
      const scenario = chunk.columns.failure_scenario as (string | null)[];
      for (let i = 0; i < chunk.rows; i++) {
        const left = dtf[i];
        const s = scenario[i];
        if (left === null || left === undefined || Number.isNaN(left) || !s) continue;
        rowsWithFailure++;
        const byDays = daysToFailure.get(s) ?? new Map<number, number>();
        byDays.set(left, (byDays.get(left) ?? 0) + 1);
        daysToFailure.set(s, byDays);
        const key = `${home[i]}\u0000${entity[i]}\u0000${day[i] + left}`;
        if (!seen.has(key)) {
          seen.add(key);
          failures.set(s, (failures.get(s) ?? 0) + 1);
        }
      }
    },
    result(): FailureCounts {
      return { failures, daysToFailure, rowsWithFailure };
    },
  };
}

export function scenarioRows(c: FailureCounts): { scenario: string; failures: number }[] {
  return [...c.failures]
    .map(([scenario, failures]) => ({ scenario, failures }))
    .sort((a, b) => b.failures - a.failures || (a.scenario < b.scenario ? -1 : 1));
}

export function failureScenarioSpec(c: FailureCounts): ChartSpec {
  return {
    width: 420,
    height: { step: 24 },
    data: { values: scenarioRows(c) },
    mark: { type: "bar", color: "#e45756" },
    encoding: {
      y: { field: "scenario", type: "nominal", sort: null, title: "failure scenario" },
      x: {
        field: "failures",
        type: "quantitative",
        title: "failing devices",
        axis: { tickMinStep: 1, format: "d" },
      },
      tooltip: [{ field: "scenario" }, { field: "failures" }],
    },
  };
}

export function daysToFailureRows(
  c: FailureCounts,
): { scenario: string; days: number; deviceDays: number }[] {
  const rows: { scenario: string; days: number; deviceDays: number }[] = [];
  for (const scenario of [...c.daysToFailure.keys()].sort()) {
    const byDays = c.daysToFailure.get(scenario)!;
    for (const days of [...byDays.keys()].sort((a, b) => a - b))
      rows.push({ scenario, days, deviceDays: byDays.get(days)! });
  }
  return rows;
}

export function daysToFailureSpec(c: FailureCounts): ChartSpec {
  return {
    width: 560,
    height: 260,
    data: { values: daysToFailureRows(c) },
    mark: { type: "bar" },
    encoding: {
      x: {
        field: "days",
        type: "quantitative",
        bin: { step: 1 },
        title: "days to failure",
        axis: { tickMinStep: 1, format: "d" },
      },
      y: { field: "deviceDays", type: "quantitative", aggregate: "sum", title: "device-days" },
      color: { field: "scenario", type: "nominal", title: "scenario" },
      tooltip: [{ field: "scenario" }, { field: "days" }, { field: "deviceDays" }],
    },
  };
}
