import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { columnTable } from "../../core/columnTable.js";
import { type DeviceInfo, deviceKey, indexDevices } from "./devices.js";
import { cellValue, checkRecords, describeFile, type ExportFile } from "./formats.js";
import { column, type ExportPart, type ExportSpec, exportSchema } from "./spec.js";

export const GNN_NODES_SCHEMA = exportSchema("gnn_nodes", [
  column("home_id", "string", { role: "key" }),
  column("node_index", "int32", { role: "key", description: "position of the device in its home graph" }),
  column("entity_id", "string", { role: "key" }),
  column("domain", "string", { role: "feature" }),
  column("device_class", "string", { role: "feature" }),
  column("area_id", "string", { role: "feature" }),
  column("area_kind", "string", { role: "feature" }),
  column("floor", "int32", { role: "feature" }),
  column("indoor", "bool", { role: "feature" }),
  column("health_type", "string", { role: "feature" }),
  column("power_source", "string", { role: "feature" }),
]);

export const GNN_EDGES_SCHEMA = exportSchema("gnn_edges", [
  column("home_id", "string", { role: "key" }),
  column("source", "int32", { role: "key", description: "node_index of the trigger device" }),
  column("target", "int32", { role: "key", description: "node_index of the action device" }),
  column("trigger_entity", "string", { role: "key" }),
  column("action_entity", "string", { role: "key" }),
  column("relationship", "string", { role: "feature" }),
  column("same_area", "bool", { role: "feature" }),
  column("benefit", "float64", { role: "feature" }),
  column("linked", "bool", {
    role: "label",
    description: "planted link (1) or compatible but unlinked pair (0)",
  }),
  column("confounder", "string", {
    nullable: true,
    role: "truth",
    description:
      "unlinked pairs a routine or walk-through makes fire together (routine | walk_through), else null: the hard negatives; never a feature",
  }),
]);

/** Device graphs for a synergy GNN: one node per device, one candidate edge per compatible pair. */
export const gnnExport: ExportSpec = {
  what: "gnn",
  description: "synergy graphs: device nodes and candidate trigger→action edges labelled linked or not",
  formats: ["json", "parquet"],
  async build(dataset) {
    const { homes, byKey } = indexDevices(await dataset.table("devices"), await dataset.table("areas"));
    const syn = await dataset.table("synergies");
    const all: DeviceInfo[] = [...homes.values()].flat();
    const nodes = columnTable(GNN_NODES_SCHEMA, {
      home_id: all.map((d) => d.homeId),
      node_index: Int32Array.from(all, (d) => d.index),
      entity_id: all.map((d) => d.entityId),
      domain: all.map((d) => d.domain),
      device_class: all.map((d) => d.deviceClass),
      area_id: all.map((d) => d.areaId),
      area_kind: all.map((d) => d.areaKind),
      floor: Int32Array.from(all, (d) => d.floor),
      indoor: Uint8Array.from(all, (d) => (d.indoor ? 1 : 0)),
      health_type: all.map((d) => d.healthType),
      power_source: all.map((d) => d.powerSource),
    });
    const s = syn.columns;
    const source = new Int32Array(syn.rows);
    const target = new Int32Array(syn.rows);
    for (let i = 0; i < syn.rows; i++) {
      const home = s.home_id[i] as string;
      const t = byKey.get(deviceKey(home, s.trigger_entity[i] as string));
      const a = byKey.get(deviceKey(home, s.action_entity[i] as string));
      if (!t || !a)
        throw new Error(
          `synergy ${s.trigger_entity[i]} → ${s.action_entity[i]} names a device ${home} does not have`,
        );
      source[i] = t.index;
      target[i] = a.index;
    }
    const edges = columnTable(GNN_EDGES_SCHEMA, {
      home_id: s.home_id,
      source,
      target,
      trigger_entity: s.trigger_entity,
      action_entity: s.action_entity,
      relationship: s.relationship,
      same_area: s.same_area,
      benefit: s.benefit,
      linked: s.linked,
      confounder: s.confounder,
    });
    return [
      { name: "gnn_nodes", table: nodes },
      { name: "gnn_edges", table: edges },
    ];
  },
  writeJson: writeGraphsJson,
};

const without = (schema: typeof GNN_NODES_SCHEMA, name: string) => ({
  ...schema,
  columns: schema.columns.filter((c) => c.name !== name),
});

/** gnn.json: one graph per home, `{home_id, nodes: [...], edges: [...]}`; read back and checked. */
async function writeGraphsJson(dir: string, parts: ExportPart[]): Promise<ExportFile[]> {
  const [nodes, edges] = [parts[0].table, parts[1].table];
  const graphs = new Map<string, { home_id: string; nodes: unknown[]; edges: unknown[] }>();
  const graph = (home: string) => {
    let g = graphs.get(home);
    if (!g) {
      g = { home_id: home, nodes: [], edges: [] };
      graphs.set(home, g);
    }
    return g;
  };
  const record = (table: typeof nodes, i: number) => {
    const r: Record<string, unknown> = {};
    for (const spec of table.schema.columns) {
      if (spec.name !== "home_id") r[spec.name] = cellValue(spec, table.columns[spec.name], i);
    }
    return r;
  };
  for (let i = 0; i < nodes.rows; i++) graph(nodes.columns.home_id[i] as string).nodes.push(record(nodes, i));
  for (let i = 0; i < edges.rows; i++) graph(edges.columns.home_id[i] as string).edges.push(record(edges, i));
  const path = join(dir, "gnn.json");
  writeFileSync(path, `${JSON.stringify([...graphs.values()])}\n`);

  const back = JSON.parse(readFileSync(path, "utf8")) as {
    home_id: string;
    nodes: unknown[];
    edges: unknown[];
  }[];
  if (!Array.isArray(back) || back.length !== graphs.size)
    throw new Error(`${path}: expected ${graphs.size} graphs`);
  const nodeSchema = without(GNN_NODES_SCHEMA, "home_id");
  const edgeSchema = without(GNN_EDGES_SCHEMA, "home_id");
  let nodeCount = 0;
  let edgeCount = 0;
  for (const g of back) {
    checkRecords(`${path} ${g.home_id} nodes`, g.nodes, nodeSchema, g.nodes?.length ?? -1);
    checkRecords(`${path} ${g.home_id} edges`, g.edges, edgeSchema, g.edges?.length ?? -1);
    for (const e of g.edges as { source: number; target: number }[]) {
      if (e.source >= g.nodes.length || e.target >= g.nodes.length)
        throw new Error(`${path}: ${g.home_id} edge out of range`);
    }
    nodeCount += g.nodes.length;
    edgeCount += g.edges.length;
  }
  if (nodeCount !== nodes.rows || edgeCount !== edges.rows) {
    throw new Error(
      `${path}: ${nodeCount} nodes / ${edgeCount} edges, expected ${nodes.rows} / ${edges.rows}`,
    );
  }
  return [await describeFile(path, "gnn.json", "json", "gnn_graph", graphs.size)];
}
