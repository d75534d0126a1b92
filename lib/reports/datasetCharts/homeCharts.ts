/** The homes in a dataset: how many of each type, and how many devices each type holds. */
import type { ColumnTable } from "../../core/columnTable.js";
import type { ChartSpec } from "../vegaSvg.js";
import { summarize } from "./stats.js";

export interface HomeTypeRow {
  home_type: string;
  homes: number;
  share: number;
  /** Devices per home of this type. */
  devices_min: number;
  devices_q1: number;
  devices_median: number;
  devices_q3: number;
  devices_max: number;
  devices_mean: number;
}

/** One row per home type present (sorted by homes, then name), with its devices-per-home spread. */
export function homeTypeRows(homes: ColumnTable, devices: ColumnTable): HomeTypeRow[] {
  const ids = homes.columns.home_id as string[];
  const types = homes.columns.home_type as string[];
  const deviceCount = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const home of devices.columns.home_id as string[]) {
    const n = deviceCount.get(home!);
    if (n !== undefined) deviceCount.set(home!, n + 1);
  }
  const perType = new Map<string, number[]>();
  ids.forEach((id, i) => {
    const list = perType.get(types[i]!) ?? [];
    list.push(deviceCount.get(id!)!);
    perType.set(types[i]!, list);
  });
  const rows = [...perType].map(([home_type, counts]): HomeTypeRow => {
    const s = summarize(counts);
    return {
      home_type,
      homes: counts.length,
      share: Number((counts.length / homes.rows).toFixed(4)),
      devices_min: s.min,
      devices_q1: s.q1,
      devices_median: s.p50,
      devices_q3: s.q3,
      devices_max: s.max,
      devices_mean: Number(s.mean.toFixed(2)),
    };
  });
  return rows.sort((a, b) => b.homes - a.homes || (a.home_type < b.home_type ? -1 : 1));
}

export function homeTypeMixSpec(rows: HomeTypeRow[]): ChartSpec {
  return {
    width: 420,
    height: { step: 22 },
    data: { values: rows },
    layer: [
      {
        mark: { type: "bar", color: "#4c78a8" },
        encoding: {
          y: { field: "home_type", type: "nominal", sort: null, title: "home type" },
          x: { field: "homes", type: "quantitative", title: "homes", axis: { tickMinStep: 1, format: "d" } },
          tooltip: [{ field: "home_type" }, { field: "homes" }, { field: "share", format: ".1%" }],
        },
      },
      {
        mark: { type: "text", align: "left", dx: 4, fontSize: 11 },
        encoding: {
          y: { field: "home_type", type: "nominal", sort: null },
          x: { field: "homes", type: "quantitative" },
          text: { field: "share", type: "quantitative", format: ".1%" },
        },
      },
    ],
  };
}

/** Min–max whisker, interquartile box and median tick of devices per home, per type. */
export function devicesPerHomeSpec(rows: HomeTypeRow[]): ChartSpec {
  const y = { field: "home_type", type: "nominal" as const, sort: null, title: "home type" };
  return {
    width: 420,
    height: { step: 22 },
    data: { values: rows },
    layer: [
      {
        mark: { type: "rule", color: "#888" },
        encoding: {
          y,
          x: {
            field: "devices_min",
            type: "quantitative",
            title: "devices per home",
            scale: { zero: false },
          },
          x2: { field: "devices_max" },
        },
      },
      {
        mark: { type: "bar", size: 14, color: "#9ecae9" },
        encoding: { y, x: { field: "devices_q1", type: "quantitative" }, x2: { field: "devices_q3" } },
      },
      {
        mark: { type: "tick", color: "#1f3b57", thickness: 2, size: 14 },
        encoding: {
          y,
          x: { field: "devices_median", type: "quantitative" },
          tooltip: [
            { field: "home_type" },
            { field: "homes" },
            { field: "devices_min", title: "min" },
            { field: "devices_median", title: "median" },
            { field: "devices_mean", title: "mean" },
            { field: "devices_max", title: "max" },
          ],
        },
      },
    ],
  };
}
