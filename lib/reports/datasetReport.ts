/**
 * The dataset report: one self-contained HTML page of what a generated dataset holds —
 * home mix, activity on the homes' local clocks, planted failures and synergies, and the
 * telemetry features' statistics. Every table is aggregated here in one pass (events and
 * telemetry a row group at a time), so a chart carries a few hundred rows, never the data.
 * Nothing on the page depends on the wall clock: the same dataset gives the same bytes.
 */
import { basename, dirname, join } from "node:path";
import { checkOutFile } from "../core/atomicFile.js";
import { HomeforgeError } from "../core/errors.js";
import { defaultDataRoot } from "../core/paths.js";
import { packageVersion } from "../core/version.js";
import { type OpenDataset, openDataset, resolveDatasetDir } from "../pipeline/storage/openDataset.js";
import { hourOfDaySpec, monthlySpec, weekdaySpec } from "./datasetCharts/activityCharts.js";
import {
  daysToFailureSpec,
  type FailureCounts,
  failureCounter,
  failureScenarioSpec,
} from "./datasetCharts/failureCharts.js";
import { devicesPerHomeSpec, homeTypeMixSpec, homeTypeRows } from "./datasetCharts/homeCharts.js";
import { aggregateLocalActivity, type LocalActivity } from "./datasetCharts/localActivity.js";
import { synergyRows, synergySpec } from "./datasetCharts/synergyCharts.js";
import { featureCollector, telemetrySummaryTable } from "./datasetCharts/telemetrySummary.js";
import type { ReportPage, ReportSection, ReportTable } from "./htmlPage.js";
import { type ReportResult, writeReportPage } from "./reportFile.js";
import { type ChartSpec, renderChartSvg } from "./vegaSvg.js";

export type { ReportResult } from "./reportFile.js";

export interface DatasetReportOptions {
  log?: (line: string) => void;
  /** Where a dataset id is looked up (default $HOMEFORGE_DATA_DIR or ./data). */
  dataRoot?: string;
  /** Check files against the manifest's sha256 (default true; see openDataset). */
  verify?: boolean;
  /** Flag or setting named in errors (default "--dataset"). */
  field?: string;
}

/** A chart before rendering: its spec, so tests and notebooks can read the numbers drawn. */
export interface DatasetChart {
  id: string;
  title: string;
  caption: string;
  spec: ChartSpec;
}

export interface DatasetReportSection {
  heading: string;
  intro?: string;
  charts: DatasetChart[];
  tables: ReportTable[];
  empty?: string;
}

export interface DatasetReportContent {
  datasetId: string;
  facts: [string, string | number][];
  sections: DatasetReportSection[];
  footer: string;
}

function open(dataset: string | OpenDataset, options: DatasetReportOptions): OpenDataset {
  if (typeof dataset !== "string") return dataset;
  const field = options.field ?? "--dataset";
  const dir = resolveDatasetDir(dataset, options.dataRoot ?? defaultDataRoot(), field);
  return openDataset(dir, field, { verify: options.verify });
}

function horizonOf(ds: OpenDataset, field: string): { start: string; days: number } {
  const start =
    typeof ds.manifest.config.start === "string" ? ds.manifest.config.start : ds.manifest.reference_date;
  const days = ds.manifest.config.days;
  if (typeof start !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(start) || !Number.isInteger(days)) {
    throw new HomeforgeError(
      field,
      `the manifest of ${ds.manifest.dataset_id} records no start date and number of days`,
      "regenerate the dataset with `homeforge generate`",
    );
  }
  return { start, days: days as number };
}

const rowsOf = (ds: OpenDataset, table: string) => ds.manifest.tables[table]?.rows ?? 0;

async function homeSection(ds: OpenDataset): Promise<DatasetReportSection> {
  const rows = homeTypeRows(await ds.table("homes"), await ds.table("devices"));
  return {
    heading: "Homes",
    charts: [
      {
        id: "home-type-mix",
        title: "Home-type mix",
        caption: "Homes of each type, with their share of the dataset.",
        spec: homeTypeMixSpec(rows),
      },
      {
        id: "devices-per-home",
        title: "Devices per home by home type",
        caption: "Line: fewest to most devices; box: middle half of the homes; tick: the median home.",
        spec: devicesPerHomeSpec(rows),
      },
    ],
    tables: [],
  };
}

function activitySection(a: LocalActivity, horizon: { start: string; days: number }): DatasetReportSection {
  const heading = "Activity in local time";
  if (a.domains.length === 0) return { heading, charts: [], tables: [], empty: "The events table is empty." };
  return {
    heading,
    intro: `${a.events.toLocaleString("en-US")} events, each placed on its home's own clock (time zone and daylight saving time included).`,
    charts: [
      {
        id: "hour-of-day-activity",
        title: "Hour-of-day activity by domain",
        caption:
          "Share of each domain's events in each local hour of its home: daily routines show as peaks (lights in the evening, motion in waking hours), periodic sensors as a flat line.",
        spec: hourOfDaySpec(a),
      },
      {
        id: "weekday-activity",
        title: "Weekday activity by domain",
        caption:
          "Events per day on each local weekday relative to the domain's average day (1 = average; weekdays the horizon holds more often are not favoured).",
        spec: weekdaySpec(a, horizon),
      },
      {
        id: "monthly-activity",
        title: "Monthly activity by hemisphere",
        caption:
          "Events per home per day in each local month; the seasons run opposite in the two hemispheres (a hemisphere with no homes has no bar).",
        spec: monthlySpec(a),
      },
    ],
    tables: [],
  };
}

function failureSection(c: FailureCounts): DatasetReportSection {
  const heading = "Device failures";
  if (c.failures.size === 0) {
    return { heading, charts: [], tables: [], empty: "No device fails within this dataset's horizon." };
  }
  return {
    heading,
    charts: [
      {
        id: "failure-scenarios",
        title: "Failure scenarios",
        caption: "Failing devices per planted scenario (a replaced device that fails again counts again).",
        spec: failureScenarioSpec(c),
      },
      {
        id: "days-to-failure",
        title: "Days to failure",
        caption:
          "Device-days by how many days remain before the device fails; fails_within_7d = 1 on days 1 to 7.",
        spec: daysToFailureSpec(c),
      },
    ],
    tables: [],
  };
}

async function synergySection(ds: OpenDataset): Promise<DatasetReportSection> {
  const heading = "Planted synergies";
  const rows = synergyRows(await ds.table("synergies"));
  if (rows.length === 0) return { heading, charts: [], tables: [], empty: "The synergies table is empty." };
  return {
    heading,
    charts: [
      {
        id: "synergies-by-relationship",
        title: "Synergies by relationship",
        caption:
          "Planted links (a trigger device that switches an action device) and the compatible pairs left unlinked, per relationship.",
        spec: synergySpec(rows),
      },
    ],
    tables: [],
  };
}

const missingTable = (heading: string, table: string): DatasetReportSection => ({
  heading,
  charts: [],
  tables: [],
  empty: `This dataset has no ${table} table.`,
});

/** Everything the report shows, before rendering: facts, and each chart as a Vega-Lite spec. */
export async function datasetReportContent(
  dataset: string | OpenDataset,
  options: DatasetReportOptions = {},
): Promise<DatasetReportContent> {
  const ds = open(dataset, options);
  const log = options.log ?? (() => {});
  const field = options.field ?? "--dataset";
  const horizon = horizonOf(ds, field);
  const m = ds.manifest;
  const sections: DatasetReportSection[] = [];

  log(`report: homes and devices of ${m.dataset_id}`);
  sections.push(await homeSection(ds));

  if (ds.has("events")) {
    log(`report: ${rowsOf(ds, "events").toLocaleString("en-US")} events on local clocks`);
    const activity = await aggregateLocalActivity(
      await ds.table("homes"),
      ds.chunks("events", undefined, ["home_id", "entity_id", "time"]),
      horizon,
    );
    sections.push(activitySection(activity, horizon));
  } else sections.push(missingTable("Activity in local time", "events"));

  if (ds.has("telemetry")) {
    log(`report: ${rowsOf(ds, "telemetry").toLocaleString("en-US")} telemetry rows`);
    const features = m.tables.telemetry.schema.filter((c) => c.role === "feature" && c.type === "float64");
    const failures = failureCounter();
    const values = featureCollector(
      features.map((c) => c.name),
      rowsOf(ds, "telemetry"),
    );
    for await (const chunk of ds.chunks("telemetry")) {
      failures.add(chunk);
      if (features.length) values.add(chunk);
    }
    sections.push(failureSection(failures.result()));
    if (ds.has("synergies")) sections.push(await synergySection(ds));
    else sections.push(missingTable("Planted synergies", "synergies"));
    sections.push({
      heading: "Telemetry features",
      charts: [],
      tables: features.length ? [telemetrySummaryTable(values.summaries())] : [],
      ...(features.length ? {} : { empty: "The telemetry table has no feature columns." }),
    });
  } else {
    sections.push(missingTable("Device failures", "telemetry"));
    sections.push(
      ds.has("synergies") ? await synergySection(ds) : missingTable("Planted synergies", "synergies"),
    );
    sections.push(missingTable("Telemetry features", "telemetry"));
  }

  const facts: [string, string | number][] = [
    ["dataset", m.dataset_id],
    ["seed", m.seed],
    ["homes", rowsOf(ds, "homes")],
    ["days", horizon.days],
    ["start", horizon.start],
    ["events rows", rowsOf(ds, "events")],
    ["telemetry rows", rowsOf(ds, "telemetry")],
    ["devices", rowsOf(ds, "devices")],
    ["generator version", m.generator?.version ?? "unknown"],
    ["homeforge", packageVersion()],
  ];
  if (m.validation) {
    facts.splice(3, 0, [
      "homes kept",
      `${m.validation.homes_kept} of ${m.validation.homes_generated} (validation: ≥ ${m.validation.min_devices} devices, ≥ ${m.validation.min_events} events)`,
    ]);
  }
  return {
    datasetId: m.dataset_id,
    facts,
    sections,
    footer: `homeforge ${packageVersion()} · generator ${m.generator?.version ?? "unknown"} · dataset ${m.dataset_id} · manifest sha256 ${ds.manifestSha256}`,
  };
}

/** The report as a page: every chart rendered to SVG. */
export async function buildDatasetReport(
  dataset: string | OpenDataset,
  options: DatasetReportOptions = {},
): Promise<ReportPage> {
  const content = await datasetReportContent(dataset, options);
  const sections: ReportSection[] = [];
  for (const s of content.sections) {
    const charts = [];
    for (const c of s.charts) {
      const svg = await renderChartSvg(c.spec);
      charts.push({ id: c.id, title: c.title, caption: c.caption, svg });
    }
    sections.push({
      heading: s.heading,
      ...(s.intro ? { intro: s.intro } : {}),
      ...(s.empty ? { empty: s.empty } : {}),
      charts,
      tables: s.tables,
    });
  }
  return {
    title: `Dataset ${content.datasetId}`,
    subtitle:
      "What the generated homes hold: homes, activity on local clocks, failures, synergies, telemetry.",
    facts: content.facts,
    sections,
    footer: content.footer,
  };
}

/** Default report path: beside the dataset directory, since a dataset directory holds only what its manifest lists. */
export function defaultDatasetReportPath(datasetDir: string): string {
  return join(dirname(datasetDir), `${basename(datasetDir)}.report.html`);
}

/** Writes the report (atomically) to `out`, default `<dataset dir>.report.html`. */
export async function writeDatasetReport(
  dataset: string | OpenDataset,
  options: DatasetReportOptions & { out?: string } = {},
): Promise<ReportResult> {
  const ds = open(dataset, options);
  const path = checkOutFile("--out", options.out ?? defaultDatasetReportPath(ds.dir));
  const page = await buildDatasetReport(ds, options);
  const result = await writeReportPage("--out", path, page);
  options.log?.(`report: wrote ${result.path}`);
  return result;
}
