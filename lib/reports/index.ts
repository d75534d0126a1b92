/**
 * `homeforge/reports`: self-contained HTML reports of datasets and models, and the chart
 * renderer behind them (Vega-Lite spec → SVG in Node, data inline, no browser, no network).
 */
// biome-ignore-all assist/source/organizeImports: one line per export, grouped by report

// ── dataset report ──────────────────────────────────────────────────────────────────────
/** Writes a dataset's HTML report (default `<dataset dir>.report.html`, beside the directory). */
export { writeDatasetReport } from "./datasetReport.js";
/** The dataset report as a page (charts rendered to SVG), for renderReportPage. */
export { buildDatasetReport } from "./datasetReport.js";
/** The dataset report before rendering: facts, and each chart as a Vega-Lite spec with its numbers. */
export { datasetReportContent } from "./datasetReport.js";
/** Where writeDatasetReport writes by default. */
export { defaultDatasetReportPath } from "./datasetReport.js";
export type { DatasetReportContent, DatasetReportOptions } from "./datasetReport.js";

// ── model report ────────────────────────────────────────────────────────────────────────
/** Writes a model version's HTML report (default `<models>/reports/NAME@vN.html`). */
export { writeModelReport } from "./modelReport.js";
/** The model report as a page (charts rendered to SVG), for renderReportPage. */
export { buildModelReport } from "./modelReport.js";
/** Where writeModelReport writes by default. */
export { defaultModelReportPath } from "./modelReport.js";
export type { ModelReportOptions, WriteModelReportOptions } from "./modelReport.js";

// ── shared ──────────────────────────────────────────────────────────────────────────────
/** Renders a report page and writes it atomically; returns the path and the chart and table ids. */
export { writeReportPage } from "./reportFile.js";
export type { ReportResult } from "./reportFile.js";
/** Renders one Vega-Lite spec (data inline) to an SVG string, in Node. */
export { renderChartSvg } from "./vegaSvg.js";
export type { ChartSpec } from "./vegaSvg.js";
/** A report page (facts, sections of charts and tables) as one self-contained HTML string. */
export { renderReportPage } from "./htmlPage.js";
/** Escapes text for HTML. */
export { escapeHtml } from "./htmlPage.js";
export type { ReportChart, ReportPage, ReportSection, ReportTable } from "./htmlPage.js";
