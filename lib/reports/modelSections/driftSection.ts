/**
 * Drift per feature from the last retraining check that measured this model
 * (<models>/retraining_history.jsonl): PSI and JS divergence of the check's data against the
 * version's training snapshot, with the thresholds that flag a feature.
 */
import { type RetrainingEntry, readRetrainingHistory } from "../../models/lifecycle/retrainingHistory.js";
import type { VersionInfo } from "../../models/registry/types.js";
import type { ReportChart, ReportSection } from "../htmlPage.js";
import { driftChartSpec } from "../modelCharts/driftChart.js";
import { reportChart } from "./reportChart.js";

type DriftItem = RetrainingEntry["drift"][number];

/**
 * The drift reports to draw: a served thing (router, synergy model) shows every version its
 * last check measured; a classifier shows its own line of the last check that measured it.
 */
function lastMeasured(
  modelsDir: string,
  info: VersionInfo,
): { entry: RetrainingEntry; items: DriftItem[] } | null {
  const { entries } = readRetrainingHistory(modelsDir);
  for (const entry of [...entries].reverse()) {
    const items = entry.model === info.name ? entry.drift : entry.drift.filter((d) => d.model === info.name);
    if (items.length > 0) return { entry, items };
  }
  return null;
}

export async function driftSection(modelsDir: string, info: VersionInfo): Promise<ReportSection> {
  const heading = "Drift at the last retraining check";
  const found = lastMeasured(modelsDir, info);
  if (!found)
    return { heading, empty: "no retraining check has measured this model yet (homeforge retrain)" };
  const { entry, items } = found;
  const charts: ReportChart[] = [];
  const without: string[] = [];
  for (const item of items) {
    if (!item.report) {
      without.push(`${item.model} ${item.version}`);
      continue;
    }
    const r = item.report;
    charts.push(
      await reportChart(
        `drift:${item.model}@${item.version}`,
        `${item.model} ${item.version}: drift per feature`,
        driftChartSpec(r),
        `${r.rows} ${r.unit}s of dataset ${entry.dataset.id} against the version's training snapshot. Dashed: the thresholds (PSI ${r.thresholds.psi}, JS ${r.thresholds.jsDivergence} bits); red: drifted (${r.drifted.length} of ${r.features.length} features).`,
      ),
    );
  }
  const intro = [
    `Check of ${entry.at} on dataset ${entry.dataset.id}: ${entry.decision}${entry.dry_run ? " (dry run)" : ""}, ${entry.reason}.`,
    ...(items.every((i) => i.version !== info.version) && entry.model !== info.name
      ? [`It measured ${items.map((i) => i.version).join(", ")}, not ${info.version}.`]
      : []),
    ...(without.length > 0
      ? [`No training snapshot stored with ${without.join(", ")}: no drift to draw.`]
      : []),
  ].join(" ");
  return {
    heading,
    intro,
    ...(charts.length > 0 ? { charts } : { empty: "no drift measured (no snapshots)" }),
  };
}
