/** Drift per feature (PSI and Jensen–Shannon divergence) against the thresholds that flag it. */
import type { DriftReport } from "../../models/lifecycle/trainingSnapshot.js";
import type { ChartSpec } from "../vegaSvg.js";

export function driftRows(report: DriftReport) {
  return report.features.flatMap((f) => [
    {
      feature: f.feature,
      statistic: "PSI",
      value: f.psi,
      threshold: report.thresholds.psi,
      drifted: f.drifted,
    },
    {
      feature: f.feature,
      statistic: "JS divergence (bits)",
      value: f.jsDivergence,
      threshold: report.thresholds.jsDivergence,
      drifted: f.drifted,
    },
  ]);
}

/** One bar chart per statistic (features in the report's order, largest PSI first), a rule at each threshold. */
export function driftChartSpec(report: DriftReport): ChartSpec {
  const order = report.features.map((f) => f.feature);
  return {
    data: { values: driftRows(report) },
    facet: {
      column: { field: "statistic", type: "nominal", title: null, sort: ["PSI", "JS divergence (bits)"] },
    },
    resolve: { scale: { x: "independent" } },
    spec: {
      width: 300,
      height: { step: 14 } as never,
      layer: [
        {
          mark: { type: "bar" },
          encoding: {
            y: { field: "feature", type: "nominal", sort: order, title: null },
            x: { field: "value", type: "quantitative", title: "value" },
            color: {
              field: "drifted",
              type: "nominal",
              title: "drifted",
              scale: { domain: [false, true], range: ["#4c78a8", "#e45756"] },
            },
            tooltip: [{ field: "feature" }, { field: "statistic" }, { field: "value", format: ".4f" }],
          },
        },
        {
          mark: { type: "rule", color: "#333", strokeDash: [4, 3] },
          encoding: { x: { aggregate: "max", field: "threshold", type: "quantitative" } },
        },
      ],
    },
  } as ChartSpec;
}
