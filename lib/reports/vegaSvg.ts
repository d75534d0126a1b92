/**
 * Vega-Lite spec → SVG string, in Node, with no browser and no network: the spec must carry
 * its data inline (`data.values`); a `url` data source is refused before vega could fetch it.
 */
import type { TopLevelSpec } from "vega-lite";
import { HomeforgeError } from "../core/errors.js";

export type ChartSpec = TopLevelSpec;

const BASE_CONFIG = {
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  view: { stroke: "transparent" },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#e8e8e8" },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: "start" as const },
};

function assertInlineData(node: unknown, where: string): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) assertInlineData(n, `${where}[${i}]`);
    return;
  }
  const o = node as Record<string, unknown>;
  const data = o.data as Record<string, unknown> | undefined;
  if (data && typeof data === "object" && "url" in data) {
    throw new HomeforgeError(
      `${where}.data.url`,
      "a chart may not load data from a URL (reports open offline)",
      "pass the rows inline as data.values",
    );
  }
  for (const k of ["layer", "concat", "hconcat", "vconcat", "spec"])
    if (k in o) assertInlineData(o[k], `${where}.${k}`);
}

let modules: Promise<[typeof import("vega"), typeof import("vega-lite")]> | undefined;

/** Renders one Vega-Lite spec to a standalone SVG element string. */
export async function renderChartSvg(spec: ChartSpec): Promise<string> {
  assertInlineData(spec, "spec");
  modules ??= Promise.all([import("vega"), import("vega-lite")]);
  const [vega, vegaLite] = await modules;
  const withConfig = {
    ...spec,
    config: { ...BASE_CONFIG, ...(spec as { config?: object }).config },
  } as ChartSpec;
  const compiled = vegaLite.compile(withConfig).spec;
  // renderer "none": no canvas, no DOM; the SVG string renderer measures text by estimate
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
