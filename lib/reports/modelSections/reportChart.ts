/** A chart of a report section: its spec rendered to SVG under a stable id. */
import type { ReportChart } from "../htmlPage.js";
import { type ChartSpec, renderChartSvg } from "../vegaSvg.js";

export async function reportChart(
  id: string,
  title: string,
  spec: ChartSpec,
  caption?: string,
): Promise<ReportChart> {
  return { id, title, svg: await renderChartSvg(spec), ...(caption ? { caption } : {}) };
}

/** A number for a table cell: fixed digits, "n/a" when not finite. */
export function cell(v: unknown, digits = 3): string {
  return typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "n/a";
}

/** "0.529 [0.47, 0.58]", or the estimate alone without a finite interval. */
export function withInterval(estimate: unknown, lo: unknown, hi: unknown, digits = 3): string {
  const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  return finite(lo) && finite(hi)
    ? `${cell(estimate, digits)} [${cell(lo, 2)}, ${cell(hi, 2)}]`
    : cell(estimate, digits);
}
