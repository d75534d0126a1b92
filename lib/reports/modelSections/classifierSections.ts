/** The sections of a failure classifier version (failure-global, failure-<home type>). */
import type { ReliabilityPoint } from "../../models/evaluation/calibration.js";
import type { ConfusionCounts } from "../../models/failure/evaluationCurves.js";
import type { VersionInfo } from "../../models/registry/types.js";
import type { ReportSection, ReportTable } from "../htmlPage.js";
import {
  CLASSIFIER_LOSSES,
  calibrationSection,
  confusionSection,
  lossSection,
  rankingSection,
} from "./curveSections.js";
import { cell } from "./reportChart.js";
import { lossHistoryOf, obj, readEvaluationCurves } from "./versionFiles.js";

const BASELINE_LABELS: Record<string, string> = {
  fixed_rule: "fixed rule",
  logistic_regression: "logistic (11 raw)",
  logistic_regression_matched: "logistic (matched)",
  boosted_trees_matched: "boosted trees (matched)",
  global_model: "global model",
};

export async function classifierSections(info: VersionInfo): Promise<ReportSection[]> {
  const training = obj(info.meta.training) ?? {};
  const history = lossHistoryOf(`${info.name} ${info.version}`, training);
  const warm = obj(training.warm_start);
  const notes = warm ? [`Fine-tuned from ${String(warm.from)} (epoch 0 is the copied network).`] : [];
  const curves = readEvaluationCurves(info);
  const test = obj(info.metrics.test);
  const calibration = obj(test?.calibration);
  // versions saved before evaluation_curves.json still have reliability bins and counts in metrics.json
  const bins = curves
    ? { equalWidth: curves.reliability, equalMass: curves.reliability_equal_mass }
    : calibration && Array.isArray(calibration.reliability)
      ? {
          equalWidth: calibration.reliability as ReliabilityPoint[],
          equalMass: (calibration.reliability_equal_mass ?? []) as ReliabilityPoint[],
        }
      : null;
  const summary = calibration
    ? [
        ["method", String(calibration.method ?? "none")],
        ["Brier score", cell(calibration.brier, 4)],
        ["ECE (10 equal-width bins)", cell(calibration.ece, 4)],
        ["ECE (10 equal-mass bins)", cell(calibration.ece_equal_mass, 4)],
      ]
    : [];
  const confusion: ConfusionCounts | null =
    curves?.confusion ??
    (test && typeof test.tp === "number"
      ? {
          threshold: typeof test.threshold === "number" ? test.threshold : null,
          tp: test.tp,
          fp: Number(test.fp),
          tn: Number(test.tn),
          fn: Number(test.fn),
        }
      : null);
  return [
    await lossSection(history ? [history] : [], CLASSIFIER_LOSSES, notes),
    await rankingSection(curves),
    await calibrationSection(bins, summary),
    await confusionSection(
      confusion,
      `Alert when the calibrated probability ≥ ${cell(confusion?.threshold, 4)}, the threshold chosen for best F1 on validation homes.`,
    ),
    baselinesSection(info),
  ];
}

/** The model and the baselines on the same test homes (metrics.json), and the routing decision. */
function baselinesSection(info: VersionInfo): ReportSection {
  const heading = "Against the baselines";
  const test = obj(info.metrics.test);
  if (!test) return { heading, empty: "metrics.json has no test metrics" };
  const row = (label: string, m: Record<string, unknown>) => [
    label,
    cell(m.pr_auc),
    cell(m.roc_auc),
    cell(m.f1),
    cell(m.precision),
    cell(m.recall),
    cell(m.threshold, 4),
  ];
  const baselines = obj(info.metrics.baselines) ?? {};
  const tables: ReportTable[] = [
    {
      id: "baselines",
      title: `Test homes of ${String(info.metrics.home_type ?? "every home type")} (point estimates)`,
      columns: ["model", "PR-AUC", "ROC-AUC", "F1", "precision", "recall", "threshold"],
      rows: [
        row(`${info.name} ${info.version}`, test),
        ...Object.entries(baselines).flatMap(([k, m]) =>
          obj(m) ? [row(BASELINE_LABELS[k] ?? k, obj(m)!)] : [],
        ),
      ],
      caption:
        "Intervals per home type are in the router's report (the run's comparison, bootstrap over test homes).",
    },
  ];
  const routing = obj(info.metrics.routing);
  if (routing) {
    const validation = obj(routing.validation) ?? {};
    tables.push({
      id: "routing",
      title: "Routing decision (validation homes)",
      columns: ["home type", "served", "validation homes", "per-type PR-AUC", "global PR-AUC", "reason"],
      rows: [
        [
          String(routing.home_type),
          String(routing.served),
          Number(validation.homes ?? 0),
          cell(obj(validation.per_type)?.pr_auc),
          cell(obj(validation.global)?.pr_auc),
          String(routing.reason ?? ""),
        ],
      ],
    });
  }
  return { heading, tables };
}
