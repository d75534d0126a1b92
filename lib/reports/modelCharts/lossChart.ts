/** Training and validation loss per epoch, with the epoch whose weights were kept. */
import type { ChartSpec } from "../vegaSvg.js";
import { WIDE_LEGENDS } from "./chartConfig.js";

export interface LossHistory {
  /** What the losses belong to (one line pair per model; a router draws each served model). */
  model: string;
  train: readonly number[] | null;
  validation: readonly number[];
  /** 1-based epoch whose weights were kept. */
  bestEpoch: number | null;
}

export interface LossRow {
  model: string;
  split: "training" | "validation";
  epoch: number;
  loss: number;
}

export function lossRows(histories: readonly LossHistory[]): LossRow[] {
  const rows: LossRow[] = [];
  for (const h of histories) {
    const add = (split: LossRow["split"], losses: readonly number[]) =>
      losses.forEach((loss, i) => {
        if (Number.isFinite(loss)) rows.push({ model: h.model, split, epoch: i + 1, loss });
      });
    if (h.train) add("training", h.train);
    add("validation", h.validation);
  }
  return rows;
}

export function lossChartSpec(histories: readonly LossHistory[]): ChartSpec {
  const best = histories.flatMap((h) => (h.bestEpoch ? [{ model: h.model, epoch: h.bestEpoch }] : []));
  const several = histories.length > 1;
  return {
    config: WIDE_LEGENDS,
    width: 520,
    height: 280,
    layer: [
      {
        data: { values: lossRows(histories) },
        mark: { type: "line", point: { size: 20 }, strokeWidth: 1.6 },
        encoding: {
          x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1 } },
          y: { field: "loss", type: "quantitative", title: "loss", scale: { zero: false } },
          color: several
            ? { field: "model", type: "nominal", title: "model" }
            : { field: "split", type: "nominal", title: "split" },
          strokeDash: {
            field: "split",
            type: "nominal",
            title: "split",
            scale: {
              domain: ["training", "validation"],
              range: [
                [5, 3],
                [1, 0],
              ],
            },
          },
          detail: { field: "model" },
          tooltip: [
            { field: "model" },
            { field: "split" },
            { field: "epoch" },
            { field: "loss", format: ".4f" },
          ],
        },
      },
      {
        data: { values: best },
        mark: { type: "rule", color: "#888", strokeDash: [2, 3] },
        encoding: {
          x: { field: "epoch", type: "quantitative" },
          tooltip: [{ field: "model" }, { field: "epoch", title: "kept epoch" }],
        },
      },
    ],
  };
}
