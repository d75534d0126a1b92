/** `homeforge/reports`: self-contained HTML reports with charts rendered to SVG in Node. */

export type { DatasetReportContent, DatasetReportOptions, ReportResult } from "./datasetReport.js";
export {
  buildDatasetReport,
  datasetReportContent,
  defaultDatasetReportPath,
  writeDatasetReport,
} from "./datasetReport.js";
