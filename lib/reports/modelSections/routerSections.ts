/** The sections of a failure router version: what it serves, how that scores on test homes, per home type. */
import { HomeforgeError } from "../../core/errors.js";
import type { RouteSummary } from "../../models/failure/routerKind.js";
import type { HomeTypeIntervals } from "../../models/failure/routerTestReport.js";
import { readRouter, servedByRouter } from "../../models/lifecycle/reportSupport.js";
import type { ModelRegistry } from "../../models/registry/registry.js";
import type { VersionInfo } from "../../models/registry/types.js";
import type { ReportSection, ReportTable } from "../htmlPage.js";
import { type IntervalRow, intervalChartSpec } from "../modelCharts/intervalChart.js";
import type { LossHistory } from "../modelCharts/lossChart.js";
import {
  CLASSIFIER_LOSSES,
  calibrationSection,
  confusionSection,
  lossSection,
  NOT_RECORDED,
  rankingSection,
} from "./curveSections.js";
import { cell, reportChart, withInterval } from "./reportChart.js";
import { lossHistoryOf, obj, routerCurves } from "./versionFiles.js";

export async function routerSections(info: VersionInfo, registry: ModelRegistry): Promise<ReportSection[]> {
  const histories: LossHistory[] = [];
  const notes: string[] = [];
  for (const served of servedByRouter(readRouter(info))) {
    try {
      const meta = registry.show(served.name, served.version).meta;
      const h = lossHistoryOf(`${served.name} ${served.version}`, obj(meta.training) ?? {});
      if (h) histories.push(h);
    } catch (e) {
      if (!(e instanceof HomeforgeError)) throw e;
      notes.push(`${served.name} ${served.version}: ${e.message}.`);
    }
  }
  const curves = routerCurves(info);
  const keptRoutes = routesOf(info)
    .filter((r) => r.outcome === "kept")
    .map((r) => r.home_type);
  const kept =
    keptRoutes.length > 0
      ? ` Routes kept from an earlier version (${keptRoutes.join(", ")}) serve another model than scored here.`
      : "";
  return [
    await lossSection(histories, CLASSIFIER_LOSSES, [
      "One line pair per classifier the router serves.",
      ...notes,
    ]),
    await rankingSection(curves),
    await calibrationSection(
      curves ? { equalWidth: curves.reliability, equalMass: curves.reliability_equal_mass } : null,
    ),
    await confusionSection(
      curves?.confusion ?? null,
      `Each row is alerted at the threshold of the model its home type is served (chosen on validation homes).${kept}`,
    ),
    await homeTypeSection(info),
  ];
}

function routesOf(info: VersionInfo): RouteSummary[] {
  return (Array.isArray(info.metrics.routes) ? info.metrics.routes : []) as RouteSummary[];
}

const PER_TYPE_SERIES = "per-type (routed on all)";

/** Per-type vs global and the baselines with intervals (test homes), and the routing decision per type. */
async function homeTypeSection(info: VersionInfo): Promise<ReportSection> {
  const heading = "Per home type: per-type vs global, and the routing decision";
  const routes = routesOf(info);
  const tables: ReportTable[] = [
    {
      id: "routes",
      title: "Routes (decided on validation homes)",
      columns: [
        "home type",
        "served",
        "routing",
        "validation homes",
        "per-type PR-AUC",
        "global PR-AUC",
        "served PR-AUC",
        "outcome",
        "reason",
      ],
      rows: routes.map((r) => [
        r.home_type,
        r.served,
        r.routing,
        r.validation_homes,
        cell(r.per_type_pr_auc),
        cell(r.global_pr_auc),
        cell(r.served_pr_auc),
        r.outcome,
        r.reason,
      ]),
    },
  ];
  const report = obj(info.metrics.test_report);
  const types = (Array.isArray(report?.home_types) ? report.home_types : []) as HomeTypeIntervals[];
  if (types.length === 0) return { heading, empty: NOT_RECORDED, tables };
  const rows: IntervalRow[] = types.flatMap((t) =>
    Object.entries(t.models).flatMap(([key, m]) =>
      m
        ? [
            {
              group: t.home_type,
              series: key === "per_type" ? PER_TYPE_SERIES : m.label,
              estimate: m.pr_auc.estimate,
              lo: Number.isFinite(m.pr_auc.lo) ? m.pr_auc.lo : null,
              hi: Number.isFinite(m.pr_auc.hi) ? m.pr_auc.hi : null,
            },
          ]
        : [],
    ),
  );
  tables.push({
    id: "per-type-vs-global",
    title: "Per-type minus global PR-AUC on test homes (paired bootstrap over homes)",
    columns: ["home type", "homes", "positives", "per-type PR-AUC", "global PR-AUC", "difference", "verdict"],
    rows: types.map((t) => {
      const d = t.per_type_vs_global;
      const p = t.models.per_type;
      const g = t.models.global;
      return [
        t.home_type,
        t.homes,
        t.positives,
        p ? withInterval(p.pr_auc.estimate, p.pr_auc.lo, p.pr_auc.hi) : "no per-type model",
        g ? withInterval(g.pr_auc.estimate, g.pr_auc.lo, g.pr_auc.hi) : "n/a",
        d ? withInterval(d.estimate, d.lo, d.hi) : "n/a",
        d?.text ?? t.note ?? "",
      ];
    }),
  });
  return {
    heading,
    charts: [
      await reportChart(
        "home-types",
        "PR-AUC per home type (test homes, 95 % bootstrap intervals over homes)",
        intervalChartSpec(
          rows,
          { group: "home type", value: "PR-AUC", series: "model" },
          types.map((t) => t.home_type),
        ),
        `"all" scores every test row by the model routing serves for its type. Which model a type is served was decided on validation homes (the routes table); test homes only report.`,
      ),
    ],
    tables,
  };
}
