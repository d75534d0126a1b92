import type { ColumnTable } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { localMidnightUtc } from "../../core/localTime.js";
import type { OpenDataset } from "../../pipeline/storage/openDataset.js";
import { homeSynergyGraphs } from "./homeSynergyGraph.js";
import type { SynergyArea, SynergyDevice, SynergyHomeData, SynergyTruthRow } from "./synergyHome.js";
import { HISTORY_CUTS, type SynergyGraph } from "./synergyTypes.js";

export interface LoadSynergyGraphsOptions {
  /** Amounts of history (days; null = the full horizon), default HISTORY_CUTS. */
  cuts?: readonly (number | null)[];
  /** Only these homes (ids of the homes table); default every home. */
  homes?: readonly string[];
  /** How an unknown home is named in the error (default "homes"), e.g. "--home". */
  field?: string;
  /** Called after each home's graphs are built. */
  onProgress?: (done: number, total: number) => void;
}

/** A home's rows of the small tables, before its events arrive. */
type HomeShell = Omit<SynergyHomeData, "events">;

/**
 * The SynergyGraphs of a dataset: every home (homes-table order) × every cut (cut order).
 * Reads homes, areas, devices and synergies whole and the events a row group at a time,
 * home by home (the generator writes them so; a home whose events are not stored together
 * is a one-line error), so one home's events are in memory at a time. Labels and
 * confounders come from the synergies table; without one, pairs are the catalog's and
 * labels null. Each home's horizon starts at its local midnight of the config's start day.
 */
export async function loadSynergyGraphs(
  dataset: OpenDataset,
  options: LoadSynergyGraphsOptions = {},
): Promise<SynergyGraph[]> {
  const cuts = options.cuts ?? HISTORY_CUTS;
  const shells = await homeShells(dataset);
  const wanted = options.homes ? new Set(options.homes) : null;
  for (const id of wanted ?? [])
    if (!shells.has(id))
      throw new HomeforgeError(
        options.field ?? "homes",
        `dataset ${dataset.manifest.dataset_id} has no home ${id}`,
        "pass home ids of its homes table",
      );
  const order = [...shells.keys()].filter((id) => wanted === null || wanted.has(id));
  const graphs = new Map<string, SynergyGraph[]>();
  const build = (id: string, events: SynergyHomeData["events"]) => {
    graphs.set(id, homeSynergyGraphs({ ...shells.get(id)!, events }, cuts));
    options.onProgress?.(graphs.size, order.length);
  };
  const finished = new Set<string>();
  let current: string | null = null;
  let parts: ColumnTable[] = [];
  let ranges: [number, number][] = [];
  const finish = () => {
    if (current === null) return;
    finished.add(current);
    if (wanted === null || wanted.has(current)) build(current, concatEvents(parts, ranges));
    parts = [];
    ranges = [];
  };
  // one home asked for: Parquet row groups that cannot hold its events are not decoded
  const keep = wanted ? { column: "home_id", values: wanted } : undefined;
  for await (const chunk of dataset.chunks("events", keep)) {
    const home = chunk.columns.home_id as string[];
    for (let start = 0; start < chunk.rows; ) {
      let end = start + 1;
      while (end < chunk.rows && home[end] === home[start]) end++;
      const id = home[start];
      if (id !== current) {
        finish();
        // (with skipped row groups, only the wanted homes are sure to be read whole)
        if (finished.has(id) && (wanted === null || wanted.has(id)))
          throw new HomeforgeError(
            "events",
            `dataset ${dataset.manifest.dataset_id}: the events of ${id} are not stored together`,
            "regenerate it with `homeforge generate` (events are written home by home)",
          );
        if (!shells.has(id))
          throw new HomeforgeError(
            "events",
            `dataset ${dataset.manifest.dataset_id}: events of ${id}, which its homes table does not have`,
            "regenerate the dataset with `homeforge generate`",
          );
        current = id;
      }
      if (wanted === null || wanted.has(id)) {
        parts.push(chunk);
        ranges.push([start, end]);
      }
      start = end;
    }
  }
  finish();
  for (const id of order) if (!graphs.has(id)) build(id, concatEvents([], []));
  return order.flatMap((id) => graphs.get(id)!);
}

/** Every home's rows of homes, areas, devices and (when present) synergies. */
async function homeShells(dataset: OpenDataset): Promise<Map<string, HomeShell>> {
  const config = dataset.manifest.config as { start?: unknown; days?: unknown };
  if (typeof config.start !== "string" || typeof config.days !== "number")
    throw new HomeforgeError(
      "manifest.config",
      `dataset ${dataset.manifest.dataset_id} records no start date and days`,
      "regenerate it with `homeforge generate`",
    );
  const [homes, areas, devices] = await Promise.all(
    ["homes", "areas", "devices"].map((t) => dataset.table(t)),
  );
  const synergies = dataset.has("synergies") ? await dataset.table("synergies") : null;
  const byHome = <T>(table: ColumnTable, row: (i: number) => T) => {
    const out = new Map<string, T[]>();
    const id = table.columns.home_id as string[];
    for (let i = 0; i < table.rows; i++) {
      const list = out.get(id[i]) ?? [];
      list.push(row(i));
      out.set(id[i], list);
    }
    return out;
  };
  const a = areas.columns;
  const areasOf = byHome<SynergyArea>(areas, (i) => ({
    areaId: a.area_id[i] as string,
    kind: a.kind[i] as string,
    floor: a.floor[i] as number,
    indoor: a.indoor[i] === 1,
  }));
  const d = devices.columns;
  const devicesOf = byHome<SynergyDevice>(devices, (i) => ({
    entityId: d.entity_id[i] as string,
    domain: d.domain[i] as string,
    deviceClass: d.device_class[i] as string,
    areaId: d.area_id[i] as string,
    powerSource: d.power_source[i] as string,
    template: d.template[i] as string,
  }));
  const s = synergies?.columns;
  const truthOf = synergies
    ? byHome<SynergyTruthRow>(synergies, (i) => ({
        trigger: s!.trigger_entity[i] as string,
        action: s!.action_entity[i] as string,
        relationship: s!.relationship[i] as string,
        linked: s!.linked[i] === 1,
        confounder: (s!.confounder?.[i] as string | null | undefined) ?? null,
      }))
    : null;
  const h = homes.columns;
  const shells = new Map<string, HomeShell>();
  for (let i = 0; i < homes.rows; i++) {
    const homeId = h.home_id[i] as string;
    const timezone = h.timezone[i] as string;
    shells.set(homeId, {
      homeId,
      homeType: h.home_type[i] as string,
      timezone,
      startUtcMs: localMidnightUtc(config.start, timezone),
      days: config.days,
      areas: areasOf.get(homeId) ?? [],
      devices: devicesOf.get(homeId) ?? [],
      truth: truthOf ? (truthOf.get(homeId) ?? []) : null,
    });
  }
  return shells;
}

/** One home's events, from row ranges of the chunks it spans. */
function concatEvents(
  parts: readonly ColumnTable[],
  ranges: readonly [number, number][],
): SynergyHomeData["events"] {
  const n = ranges.reduce((s, [a, b]) => s + b - a, 0);
  const events = {
    entityId: new Array<string>(n),
    time: new Float64Array(n),
    state: new Array<string | null>(n),
    value: new Float64Array(n),
  };
  let k = 0;
  parts.forEach((part, p) => {
    const [a, b] = ranges[p];
    const c = part.columns;
    const entity = c.entity_id as string[];
    const time = c.time as Float64Array;
    const state = c.state as (string | null)[];
    const value = c.value as Float64Array;
    for (let i = a; i < b; i++, k++) {
      events.entityId[k] = entity[i];
      events.time[k] = time[i];
      events.state[k] = state[i];
      events.value[k] = value[i];
    }
  });
  return events;
}
