import { columnTable } from "../../core/columnTable.js";
import { deviceKey, indexDevices } from "./devices.js";
import { column, type ExportSpec, exportSchema } from "./spec.js";

export const PATTERN_EXPORT_SCHEMA = exportSchema("patterns", [
  column("home_id", "string", { role: "key" }),
  column("entity_id", "string", { role: "key" }),
  column("domain", "string"),
  column("area_id", "string"),
  column("kind", "string", { description: "transition | peak_hours | sequence | co_occurrence" }),
  column("detail", "string", { description: "JSON; nested in JSON files" }),
  column("confidence", "float64"),
  column("occurrences", "int32"),
]);

export const patternsExport: ExportSpec = {
  what: "patterns",
  description: "behaviour patterns mined from events, with each device's domain and area",
  formats: ["json", "parquet"],
  async build(dataset) {
    const { byKey } = indexDevices(await dataset.table("devices"), await dataset.table("areas"));
    const p = await dataset.table("patterns");
    const c = p.columns;
    const devices = Array.from({ length: p.rows }, (_, i) => {
      const d = byKey.get(deviceKey(c.home_id[i] as string, c.entity_id[i] as string));
      if (!d) throw new Error(`pattern of unknown device ${c.home_id[i]}/${c.entity_id[i]}`);
      return d;
    });
    for (let i = 0; i < p.rows; i++) JSON.parse(c.detail[i] as string); // detail must be JSON
    return [
      {
        name: "patterns",
        jsonColumns: ["detail"],
        table: columnTable(PATTERN_EXPORT_SCHEMA, {
          home_id: c.home_id,
          entity_id: c.entity_id,
          domain: devices.map((d) => d.domain),
          area_id: devices.map((d) => d.areaId),
          kind: c.kind,
          detail: c.detail,
          confidence: c.confidence,
          occurrences: c.occurrences,
        }),
      },
    ];
  },
};
