/**
 * Vega names an SVG's gradients and clip paths from process-wide counters (`gradient_3`,
 * `clip7`), so the same chart gets other ids on a second render, and two charts inlined in
 * one page can both hold `gradient_0` — the second then paints with the first's gradient.
 * Renaming every id to `<prefix>-<n>` in order of appearance makes a chart's bytes
 * reproducible and its ids unique on the page (prefix = the chart's id).
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  const renamed = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!renamed.has(m[1])) renamed.set(m[1], `${prefix}-${renamed.size}`);
  }
  if (renamed.size === 0) return svg;
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (whole, lead: string, id: string) => {
    const to = renamed.get(id);
    return to ? `${lead}${to}` : whole;
  });
}
