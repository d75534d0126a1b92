export type { ModelReportOptions, ReportResult, WriteModelReportOptions } from "./modelReport.js";
export { buildModelReport, defaultModelReportPath, writeModelReport } from "./modelReport.js";
