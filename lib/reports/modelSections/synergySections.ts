/** The sections of a synergy GNN version: its losses and AP by amount of history against the baselines. */

import { verdictText } from "../../models/evaluation/bootstrap.js";
import type { VersionInfo } from "../../models/registry/types.js";
import type { CutEvaluation, SynergyScorerEvaluation } from "../../models/synergy/evaluateSynergyScorers.js";
import type { ReportSection } from "../htmlPage.js";
import { type IntervalRow, intervalChartSpec } from "../modelCharts/intervalChart.js";
import { lossSection } from "./curveSections.js";
import { cell, reportChart, withInterval } from "./reportChart.js";
import { lossHistoryOf, obj } from "./versionFiles.js";

const cutLabel = (c: CutEvaluation) => (c.historyDays === null ? "full history" : `${c.historyDays} d`);

export async function synergySections(info: VersionInfo): Promise<ReportSection[]> {
  const training = obj(info.meta.training) ?? {};
  const history = lossHistoryOf(`${info.name} ${info.version}`, training);
  return [
    await lossSection(
      history ? [history] : [],
      `Dashed: training loss, the mean over the epoch's candidate pairs (positive pairs weighted, dropout on); solid: binary log loss on the validation homes' pairs after each epoch. The grey rule marks the epoch whose weights were kept (chosen by ${String(training.selection ?? "validation")}).`,
    ),
    await historySection(info),
  ];
}

async function historySection(info: VersionInfo): Promise<ReportSection> {
  const heading = "Average precision by amount of history";
  const test = obj(info.metrics.test) as unknown as SynergyScorerEvaluation | null;
  const cuts = Array.isArray(test?.cuts) ? test.cuts : [];
  if (!test || cuts.length === 0)
    return { heading, empty: "metrics.json has no test evaluation by history cut" };
  const rows: IntervalRow[] = cuts.flatMap((c) =>
    c.scorers.flatMap((s) =>
      s.averagePrecision && s.averagePrecision.mean !== null
        ? [
            {
              group: cutLabel(c),
              series: s.scorer,
              estimate: s.averagePrecision.mean,
              lo: s.averagePrecision.lo,
              hi: s.averagePrecision.hi,
            },
          ]
        : [],
    ),
  );
  return {
    heading,
    intro: `Mean per-home average precision on ${cuts.at(-1)!.homes} test homes when the detector sees the first N days of each home, each scorer with its ${Math.round((test.level ?? 0.95) * 100)} % bootstrap interval over homes (${test.resamples} resamples).`,
    charts: [
      await reportChart(
        "synergy-ap-by-history",
        "AP by history cut, GNN vs baselines (test homes)",
        intervalChartSpec(
          rows,
          { group: "history seen", value: "average precision", series: "scorer" },
          cuts.map(cutLabel),
        ),
      ),
    ],
    tables: [
      {
        id: "synergy-ap-differences",
        title: `AP difference against ${test.reference} (paired over homes)`,
        columns: [
          "history",
          "scorer",
          "homes",
          "pairs",
          "positives",
          `${test.reference} − scorer`,
          "verdict",
        ],
        rows: cuts.flatMap((c) =>
          c.apDifferences.map((d) => [
            cutLabel(c),
            d.scorer,
            d.homes,
            c.pairs,
            c.positives,
            withInterval(d.estimate, d.lo, d.hi),
            verdictText(d.verdict, d.reference, d.scorer),
          ]),
        ),
      },
      {
        id: "synergy-ap",
        title: "Average precision per scorer and cut",
        columns: ["history", "scorer", "AP", "ROC-AUC", "threshold"],
        rows: cuts.flatMap((c) =>
          c.scorers.map((s) => [
            cutLabel(c),
            s.scorer,
            withInterval(s.averagePrecision?.mean, s.averagePrecision?.lo, s.averagePrecision?.hi),
            withInterval(s.rocAuc?.mean, s.rocAuc?.lo, s.rocAuc?.hi),
            cell(s.threshold, 4),
          ]),
        ),
      },
    ],
  };
}
