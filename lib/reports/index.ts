/**
 * `homeforge/reports`: self-contained HTML reports of datasets and models, and the chart
 * renderer behind them (Vega-Lite spec → SVG in Node, data inline, no browser, no network).
 */

export {
  escapeHtml,
  type ReportChart,
  type ReportPage,
  type ReportSection,
  type ReportTable,
  renderReportPage,
} from "./htmlPage.js";
export { type ChartSpec, renderChartSvg } from "./vegaSvg.js";
