/** Planted synergies (linked pairs) and the compatible but unlinked pairs, by relationship. */
import type { ColumnTable } from "../../core/columnTable.js";
import type { ChartSpec } from "../vegaSvg.js";

export interface SynergyRow {
  relationship: string;
  pairs: "planted" | "unlinked";
  count: number;
}

export function synergyRows(synergies: ColumnTable): SynergyRow[] {
  const relationship = synergies.columns.relationship as string[];
  const linked = synergies.columns.linked as Uint8Array;
  const counts = new Map<string, [number, number]>();
  for (let i = 0; i < synergies.rows; i++) {
    const c = counts.get(relationship[i]!) ?? [0, 0];
    c[linked[i] ? 0 : 1]++;
    counts.set(relationship[i]!, c);
  }
  const order = [...counts].sort((a, b) => b[1][0] - a[1][0] || (a[0] < b[0] ? -1 : 1));
  return order.flatMap(([r, [planted, unlinked]]) => [
    { relationship: r, pairs: "planted" as const, count: planted },
    { relationship: r, pairs: "unlinked" as const, count: unlinked },
  ]);
}

export function synergySpec(rows: SynergyRow[]): ChartSpec {
  return {
    width: 420,
    height: { step: 22 },
    data: { values: rows },
    mark: { type: "bar" },
    encoding: {
      y: { field: "relationship", type: "nominal", sort: null, title: "relationship" },
      x: {
        field: "count",
        type: "quantitative",
        stack: "zero",
        title: "device pairs",
        axis: { tickMinStep: 1, format: "d" },
      },
      color: {
        field: "pairs",
        type: "nominal",
        title: "pairs",
        sort: ["planted", "unlinked"],
        scale: { domain: ["planted", "unlinked"], range: ["#54a24b", "#c7c7c7"] },
      },
      order: { field: "pairs", sort: "ascending" },
      tooltip: [{ field: "relationship" }, { field: "pairs" }, { field: "count" }],
    },
  };
}
