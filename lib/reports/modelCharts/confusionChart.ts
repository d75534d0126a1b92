/** The confusion matrix at the served threshold as a labelled heat map. */
import type { ConfusionCounts } from "../../models/failure/evaluationCurves.js";
import type { ChartSpec } from "../vegaSvg.js";

export function confusionRows(c: ConfusionCounts) {
  return [
    { actual: "fails within 7 d", predicted: "alert", count: c.tp, cell: "true positive" },
    { actual: "fails within 7 d", predicted: "no alert", count: c.fn, cell: "false negative" },
    { actual: "healthy", predicted: "alert", count: c.fp, cell: "false positive" },
    { actual: "healthy", predicted: "no alert", count: c.tn, cell: "true negative" },
  ];
}

export function confusionChartSpec(c: ConfusionCounts): ChartSpec {
  const order = { x: ["alert", "no alert"], y: ["fails within 7 d", "healthy"] };
  const encoding = {
    x: { field: "predicted", type: "nominal", title: "prediction", sort: order.x, axis: { labelAngle: 0 } },
    y: { field: "actual", type: "nominal", title: "truth", sort: order.y },
  } as const;
  return {
    width: 300,
    height: 200,
    data: { values: confusionRows(c) },
    layer: [
      {
        mark: { type: "rect" },
        encoding: {
          ...encoding,
          color: {
            field: "count",
            type: "quantitative",
            scale: { type: "symlog", scheme: "blues" },
            legend: null,
          },
          tooltip: [{ field: "cell" }, { field: "count" }],
        },
      },
      {
        mark: { type: "text", fontSize: 14 },
        encoding: { ...encoding, text: { field: "count", type: "quantitative" } },
      },
    ],
  };
}
