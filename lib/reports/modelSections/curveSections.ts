/**
 * The sections a failure model's test-home curves give (classifier and router alike): ROC and
 * precision–recall next to the baselines, the reliability diagram, the confusion matrix at
 * the served threshold. Without curves a section says why instead of drawing.
 */
import type { ReliabilityPoint } from "../../models/evaluation/calibration.js";
import type { ConfusionCounts, EvaluationCurves } from "../../models/failure/evaluationCurves.js";
import type { ReportSection } from "../htmlPage.js";
import { confusionChartSpec } from "../modelCharts/confusionChart.js";
import { type LossHistory, lossChartSpec } from "../modelCharts/lossChart.js";
import { prChartSpec } from "../modelCharts/prChart.js";
import { reliabilityChartSpec } from "../modelCharts/reliabilityChart.js";
import { rocChartSpec } from "../modelCharts/rocChart.js";
import { cell, reportChart } from "./reportChart.js";

export const NOT_RECORDED =
  "not recorded: this version was saved before training kept its test-home curves; retrain to draw them";

/** What the failure classifiers' loss lines are (FailureClassifier.fitFeatures). */
export const CLASSIFIER_LOSSES =
  "Dashed: training loss as fit reports it (mean over the epoch's batches, with the L2 penalty); solid: class-weighted log loss on validation homes after each epoch, which early stopping reads. The grey rule marks the epoch whose weights were kept.";

/** The loss curves; `caption` says what the two losses are for this kind. */
export async function lossSection(
  histories: readonly LossHistory[],
  caption: string,
  notes: string[] = [],
): Promise<ReportSection> {
  const heading = "Training";
  if (histories.length === 0) return { heading, empty: "no per-epoch losses recorded for this version" };
  const missingTrain = histories.filter((h) => !h.train).map((h) => h.model);
  const text = [
    caption,
    ...(missingTrain.length > 0
      ? [`Training loss not recorded for ${missingTrain.join(", ")} (saved before it was).`]
      : []),
    ...notes,
  ].join(" ");
  return {
    heading,
    charts: [await reportChart("loss", "Loss per epoch", lossChartSpec(histories), text)],
  };
}

export async function rankingSection(curves: EvaluationCurves | null): Promise<ReportSection> {
  const heading = "Ranking on test homes: ROC and precision–recall";
  if (!curves) return { heading, empty: NOT_RECORDED };
  const rate = curves.rows > 0 ? curves.positives / curves.rows : 0;
  const intro = `${curves.rows} rows of ${curves.homes} ${curves.rows_of} (${curves.positives} failing device-days); the model and the baselines training evaluates, on the same rows. Test homes are reported only: no decision read them.`;
  return {
    heading,
    intro,
    charts: [
      await reportChart("roc", "ROC curve", rocChartSpec(curves.scorers), "Legend: ROC-AUC. Dashed: chance."),
      await reportChart(
        "pr",
        "Precision–recall curve",
        prChartSpec(curves.scorers, rate),
        "Legend: average precision (PR-AUC). Dashed: the positive rate, what a constant scorer gets.",
      ),
    ],
    tables: [
      {
        id: "ranking",
        title: "Areas under the curves",
        columns: ["scorer", "ROC-AUC", "PR-AUC"],
        rows: curves.scorers.map((s) => [s.label, cell(s.roc_auc), cell(s.average_precision)]),
      },
    ],
  };
}

export async function calibrationSection(
  bins: { equalWidth: readonly ReliabilityPoint[]; equalMass: readonly ReliabilityPoint[] } | null,
  summary: (string | number)[][] = [],
): Promise<ReportSection> {
  const heading = "Calibration";
  if (!bins || bins.equalWidth.length === 0) return { heading, empty: NOT_RECORDED };
  return {
    heading,
    charts: [
      await reportChart(
        "calibration",
        "Reliability diagram (test homes)",
        reliabilityChartSpec({ "10 equal-width": bins.equalWidth, "10 equal-mass": bins.equalMass }),
        "Observed failure rate against the mean predicted probability per bin; on the dashed diagonal the probabilities are failure rates. Equal-mass bins spread where the rows are (most sit near 0).",
      ),
    ],
    ...(summary.length > 0
      ? {
          tables: [
            {
              id: "calibration",
              title: "Calibration on test homes",
              columns: ["measure", "value"],
              rows: summary,
            },
          ],
        }
      : {}),
  };
}

export async function confusionSection(
  confusion: ConfusionCounts | null,
  thresholdNote: string,
): Promise<ReportSection> {
  const heading = "Confusion matrix at the served threshold";
  if (!confusion) return { heading, empty: NOT_RECORDED };
  const { tp, fp, tn, fn } = confusion;
  const precision = tp + fp > 0 ? tp / (tp + fp) : Number.NaN;
  const recall = tp + fn > 0 ? tp / (tp + fn) : Number.NaN;
  return {
    heading,
    charts: [
      await reportChart(
        "confusion",
        "Confusion matrix (test homes)",
        confusionChartSpec(confusion),
        `${thresholdNote} Precision ${cell(precision)}, recall ${cell(recall)} on ${tp + fp + tn + fn} rows.`,
      ),
    ],
  };
}
