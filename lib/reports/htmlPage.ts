/**
 * One self-contained HTML page: inline CSS, inline SVG charts, plain tables. No script, no
 * font and no stylesheet from the network, so a report opens offline and prints.
 */
import { scopeSvgIds } from "./svgIds.js";

export interface ReportChart {
  /** Stable id: the Chromium check and tests find a chart by `data-chart="id"`. */
  id: string;
  title: string;
  svg: string;
  /** What to read off the chart, in a sentence or two. */
  caption?: string;
}

export interface ReportTable {
  id: string;
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
  caption?: string;
}

export interface ReportSection {
  heading: string;
  intro?: string;
  charts?: ReportChart[];
  tables?: ReportTable[];
  /** Shown instead of charts when the section has nothing to draw, e.g. "no retraining has run". */
  empty?: string;
}

export interface ReportPage {
  title: string;
  subtitle?: string;
  /** Key facts at the top: dataset id, seed, model version… */
  facts?: [string, string | number][];
  sections: ReportSection[];
  /** "homeforge 0.1.0" and what it was made from; no wall-clock time, so the bytes are reproducible. */
  footer?: string;
}

export function escapeHtml(s: string | number | null | undefined): string {
  return String(s ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const CSS = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
header { background: #1f3b57; color: #fff; padding: 24px 32px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; opacity: .85; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 32px 48px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: #fff; padding: 12px 16px; border: 1px solid #e3e3e3; border-radius: 6px; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; font-family: ui-monospace, monospace; }
section { margin-top: 32px; }
section h2 { font-size: 19px; border-bottom: 2px solid #1f3b57; padding-bottom: 4px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; margin: 0; padding: 12px; max-width: 100%; overflow-x: auto; }
figure h3 { font-size: 14px; margin: 0 0 8px; }
figcaption { font-size: 12px; color: #555; max-width: 560px; margin-top: 6px; }
table { border-collapse: collapse; background: #fff; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f0f3f6; }
p.empty { color: #777; font-style: italic; }
footer { color: #777; font-size: 12px; margin-top: 48px; }
`;

function chartHtml(c: ReportChart): string {
  // vega's ids come from process-wide counters: scoped per chart, the bytes repeat and never collide
  return `<figure class="chart" data-chart="${escapeHtml(c.id)}"><h3>${escapeHtml(c.title)}</h3>${scopeSvgIds(c.svg, c.id)}${
    c.caption ? `<figcaption>${escapeHtml(c.caption)}</figcaption>` : ""
  }</figure>`;
}

function tableHtml(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = t.rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`).join("\n");
  return `<figure class="table" data-table="${escapeHtml(t.id)}"><h3>${escapeHtml(t.title)}</h3><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${
    t.caption ? `<figcaption>${escapeHtml(t.caption)}</figcaption>` : ""
  }</figure>`;
}

/** The whole page as one HTML string. */
export function renderReportPage(page: ReportPage): string {
  const facts = page.facts?.length
    ? `<dl class="facts">${page.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>`
    : "";
  const sections = page.sections
    .map((s) => {
      const parts = [`<h2>${escapeHtml(s.heading)}</h2>`];
      if (s.intro) parts.push(`<p>${escapeHtml(s.intro)}</p>`);
      if (s.empty) parts.push(`<p class="empty">${escapeHtml(s.empty)}</p>`);
      if (s.charts?.length) parts.push(`<div class="charts">${s.charts.map(chartHtml).join("\n")}</div>`);
      for (const t of s.tables ?? []) parts.push(tableHtml(t));
      return `<section>${parts.join("\n")}</section>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title><style>${CSS}</style></head>
<body><header><h1>${escapeHtml(page.title)}</h1>${page.subtitle ? `<p>${escapeHtml(page.subtitle)}</p>` : ""}</header>
<main>${facts}
${sections}
${page.footer ? `<footer>${escapeHtml(page.footer)}</footer>` : ""}</main></body></html>
`;
}
