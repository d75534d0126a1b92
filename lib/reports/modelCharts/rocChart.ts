/** ROC curves of the model and the baselines on the same rows, with the chance diagonal. */
import type { ScorerCurves } from "../../models/failure/evaluationCurves.js";
import type { ChartSpec } from "../vegaSvg.js";
import { WIDE_LEGENDS } from "./chartConfig.js";

export interface CurveRow {
  scorer: string;
  order: number;
  x: number;
  y: number;
}

/** A scorer's legend name with its area, e.g. "global (0.871)". */
export function scorerName(s: ScorerCurves, area: number | null): string {
  return area === null ? s.label : `${s.label} (${area.toFixed(3)})`;
}

export function rocRows(scorers: readonly ScorerCurves[]): CurveRow[] {
  return scorers.flatMap((s) =>
    s.roc
      ? s.roc.fpr.map((x, order) => ({ scorer: scorerName(s, s.roc_auc), order, x, y: s.roc!.tpr[order] }))
      : [],
  );
}

export function curveChartSpec(
  rows: CurveRow[],
  axes: { x: string; y: string },
  reference: { x: number; y: number }[],
  referenceName: string,
): ChartSpec {
  return {
    config: WIDE_LEGENDS,
    width: 380,
    height: 340,
    layer: [
      {
        data: { values: reference.map((p) => ({ ...p, reference: referenceName })) },
        mark: { type: "line", color: "#999", strokeDash: [4, 4], strokeWidth: 1 },
        encoding: {
          x: { field: "x", type: "quantitative" },
          y: { field: "y", type: "quantitative" },
          tooltip: [{ field: "reference" }],
        },
      },
      {
        data: { values: rows },
        mark: { type: "line", strokeWidth: 1.8 },
        encoding: {
          x: { field: "x", type: "quantitative", title: axes.x, scale: { domain: [0, 1] } },
          y: { field: "y", type: "quantitative", title: axes.y, scale: { domain: [0, 1] } },
          order: { field: "order", type: "quantitative" },
          color: {
            field: "scorer",
            type: "nominal",
            title: "scorer (area)",
            sort: null,
            scale: { scheme: "tableau10" },
          },
        },
      },
    ],
  };
}

export function rocChartSpec(scorers: readonly ScorerCurves[]): ChartSpec {
  return curveChartSpec(
    rocRows(scorers),
    { x: "false-positive rate", y: "true-positive rate (recall)" },
    [
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ],
    "chance",
  );
}
