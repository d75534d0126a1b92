/** Precision–recall curves of the model and the baselines, with the positive rate (a constant scorer). */
import type { ScorerCurves } from "../../models/failure/evaluationCurves.js";
import type { ChartSpec } from "../vegaSvg.js";
import { type CurveRow, curveChartSpec, scorerName } from "./rocChart.js";

export function prRows(scorers: readonly ScorerCurves[]): CurveRow[] {
  return scorers.flatMap((s) =>
    s.pr
      ? s.pr.recall.map((x, order) => ({
          scorer: scorerName(s, s.average_precision),
          order,
          x,
          y: s.pr!.precision[order],
        }))
      : [],
  );
}

export function prChartSpec(scorers: readonly ScorerCurves[], positiveRate: number): ChartSpec {
  return curveChartSpec(
    prRows(scorers),
    { x: "recall", y: "precision" },
    [
      { x: 0, y: positiveRate },
      { x: 1, y: positiveRate },
    ],
    `positive rate ${positiveRate.toFixed(4)}`,
  );
}
