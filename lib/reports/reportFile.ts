/** Writing a report page to its HTML file: what every report's write function ends with. */
import { resolve } from "node:path";
import { writeTextAtomically } from "../core/atomicFile.js";
import { type ReportPage, renderReportPage } from "./htmlPage.js";

/** A written report: its absolute path and the ids of the charts and tables on it, in page order. */
export interface ReportResult {
  path: string;
  charts: string[];
  tables: string[];
}

/** Renders `page` and writes it atomically to `path` (its directory must exist). */
export async function writeReportPage(field: string, path: string, page: ReportPage): Promise<ReportResult> {
  const full = resolve(path);
  await writeTextAtomically(field, full, renderReportPage(page));
  return {
    path: full,
    charts: page.sections.flatMap((s) => (s.charts ?? []).map((c) => c.id)),
    tables: page.sections.flatMap((s) => (s.tables ?? []).map((t) => t.id)),
  };
}
