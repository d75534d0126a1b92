/** Point estimates with their intervals, per group and series (models by home type, scorers by history). */
import type { ChartSpec } from "../vegaSvg.js";
import { WIDE_LEGENDS } from "./chartConfig.js";

export interface IntervalRow {
  group: string;
  series: string;
  estimate: number;
  lo: number | null;
  hi: number | null;
}

export function intervalChartSpec(
  rows: readonly IntervalRow[],
  axes: { group: string; value: string; series: string },
  groupOrder?: readonly string[],
): ChartSpec {
  const x = {
    field: "group",
    type: "nominal",
    title: axes.group,
    sort: groupOrder ?? null,
    axis: { labelAngle: 0 },
  } as const;
  const color = {
    field: "series",
    type: "nominal",
    title: axes.series,
    sort: null,
    scale: { scheme: "tableau10" },
  } as const;
  const offset = { field: "series", type: "nominal", sort: null } as const;
  const withBars = rows.filter((r) => r.lo !== null && r.hi !== null);
  return {
    width: Math.max(320, Math.min(900, 28 * rows.length)),
    config: WIDE_LEGENDS,
    height: 300,
    layer: [
      {
        data: { values: withBars },
        mark: { type: "rule", strokeWidth: 1.6 },
        encoding: {
          x,
          xOffset: offset,
          y: { field: "lo", type: "quantitative", title: axes.value },
          y2: { field: "hi" },
          color,
        },
      },
      {
        data: { values: rows },
        mark: { type: "point", filled: true, size: 50 },
        encoding: {
          x,
          xOffset: offset,
          y: { field: "estimate", type: "quantitative", title: axes.value },
          color,
          tooltip: [
            { field: "group" },
            { field: "series" },
            { field: "estimate", format: ".3f" },
            { field: "lo", format: ".3f" },
            { field: "hi", format: ".3f" },
          ],
        },
      },
    ],
  };
}
