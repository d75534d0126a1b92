/** The reliability diagram: observed failure rate against mean predicted probability per bin. */
import type { ReliabilityPoint } from "../../models/evaluation/calibration.js";
import type { ChartSpec } from "../vegaSvg.js";
import { WIDE_LEGENDS } from "./chartConfig.js";

export function reliabilityRows(bins: Record<string, readonly ReliabilityPoint[]>) {
  return Object.entries(bins).flatMap(([binning, points]) =>
    points.map((p) => ({
      binning,
      predicted: p.mean_predicted,
      observed: p.observed_rate,
      rows: p.count,
    })),
  );
}

/** Points sized by rows; the diagonal is perfect calibration. Both axes span what the bins reach. */
export function reliabilityChartSpec(bins: Record<string, readonly ReliabilityPoint[]>): ChartSpec {
  const rows = reliabilityRows(bins);
  const top = Math.min(1, Math.max(0.05, ...rows.map((r) => Math.max(r.predicted, r.observed))) * 1.1);
  return {
    config: WIDE_LEGENDS,
    width: 380,
    height: 340,
    layer: [
      {
        data: {
          values: [
            { x: 0, y: 0 },
            { x: top, y: top },
          ],
        },
        mark: { type: "line", color: "#999", strokeDash: [4, 4], strokeWidth: 1 },
        encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
      },
      {
        data: { values: rows },
        mark: { type: "line", strokeWidth: 1.4 },
        encoding: {
          x: {
            field: "predicted",
            type: "quantitative",
            title: "mean predicted probability",
            scale: { domain: [0, top] },
          },
          y: {
            field: "observed",
            type: "quantitative",
            title: "observed failure rate",
            scale: { domain: [0, top] },
          },
          color: { field: "binning", type: "nominal", title: "bins" },
        },
      },
      {
        data: { values: rows },
        mark: { type: "point", filled: true, opacity: 0.8 },
        encoding: {
          x: { field: "predicted", type: "quantitative" },
          y: { field: "observed", type: "quantitative" },
          color: { field: "binning", type: "nominal" },
          size: {
            field: "rows",
            type: "quantitative",
            title: "rows in bin",
            scale: { type: "sqrt", range: [15, 300] },
          },
          tooltip: [
            { field: "binning" },
            { field: "predicted", format: ".4f" },
            { field: "observed", format: ".4f" },
            { field: "rows" },
          ],
        },
      },
    ],
  };
}
