import type { ColumnSpec } from "../../core/columnTable.js";
import { columnTable } from "../../core/columnTable.js";
import { TELEMETRY_FEATURES } from "../storage/tables.js";
import { type DeviceInfo, deviceKey, indexDevices } from "./devices.js";
import { column, type ExportSpec, exportSchema } from "./spec.js";

export const DEVICE_INTELLIGENCE_SCHEMA = exportSchema("device_intelligence", [
  column("home_id", "string", { role: "key" }),
  column("entity_id", "string", { role: "key" }),
  column("home_type", "string"),
  column("domain", "string"),
  column("device_class", "string"),
  column("area_id", "string"),
  column("health_type", "string"),
  column("power_source", "string"),
  column("days_observed", "int32"),
  ...TELEMETRY_FEATURES.map(
    (f): ColumnSpec => column(`mean_${f}`, "float64", { role: "feature", nullable: true }),
  ),
  column("missing_share", "float64", { description: "share of missing telemetry values" }),
  column("days_flagged", "int32", { role: "label", description: "days with fails_within_7d = 1" }),
  column("failure_scenario", "string", { role: "truth", nullable: true }),
]);

/**
 * Per device: its attributes and a telemetry profile (mean of each health feature over the
 * days observed, ignoring missing values), with the failure label and ground truth.
 */
export const deviceIntelligenceExport: ExportSpec = {
  what: "device-intelligence",
  description: "per-device profiles: attributes, mean telemetry features, failure label and scenario",
  formats: ["json", "csv"],
  async build(dataset) {
    const { homes, byKey } = indexDevices(await dataset.table("devices"), await dataset.table("areas"));
    const homeType = new Map<string, string>();
    const h = await dataset.table("homes");
    for (let i = 0; i < h.rows; i++)
      homeType.set(h.columns.home_id[i] as string, h.columns.home_type[i] as string);

    const all: DeviceInfo[] = [...homes.values()].flat();
    const row = new Map(all.map((d, i) => [deviceKey(d.homeId, d.entityId), i]));
    const n = all.length;
    const F = TELEMETRY_FEATURES.length;
    const sums = new Float64Array(n * F);
    const counts = new Float64Array(n * F);
    const days = new Int32Array(n);
    const flagged = new Int32Array(n);
    const scenario: (string | null)[] = new Array(n).fill(null);
    // telemetry is the big table: aggregate it a row group at a time
    for await (const tel of dataset.chunks("telemetry")) {
      const t = tel.columns;
      const features = TELEMETRY_FEATURES.map((f) => t[f] as Float64Array);
      for (let i = 0; i < tel.rows; i++) {
        const key = deviceKey(t.home_id[i] as string, t.entity_id[i] as string);
        const r = row.get(key);
        if (r === undefined || !byKey.has(key)) {
          throw new Error(`telemetry of unknown device ${t.home_id[i]}/${t.entity_id[i]}`);
        }
        days[r]++;
        if ((t.fails_within_7d as Int32Array)[i] === 1) flagged[r]++;
        scenario[r] ??= (t.failure_scenario[i] as string | null) ?? null;
        for (let f = 0; f < F; f++) {
          const v = features[f][i];
          if (!Number.isNaN(v)) {
            sums[r * F + f] += v;
            counts[r * F + f]++;
          }
        }
      }
    }
    const means: Record<string, Float64Array> = {};
    TELEMETRY_FEATURES.forEach((f, k) => {
      means[`mean_${f}`] = Float64Array.from({ length: n }, (_, r) =>
        counts[r * F + k] > 0 ? sums[r * F + k] / counts[r * F + k] : Number.NaN,
      );
    });
    const missing = Float64Array.from({ length: n }, (_, r) => {
      let seen = 0;
      for (let f = 0; f < F; f++) seen += counts[r * F + f];
      return days[r] > 0 ? 1 - seen / (days[r] * F) : 1;
    });
    return [
      {
        name: "device_intelligence",
        table: columnTable(DEVICE_INTELLIGENCE_SCHEMA, {
          home_id: all.map((d) => d.homeId),
          entity_id: all.map((d) => d.entityId),
          home_type: all.map((d) => homeType.get(d.homeId) ?? ""),
          domain: all.map((d) => d.domain),
          device_class: all.map((d) => d.deviceClass),
          area_id: all.map((d) => d.areaId),
          health_type: all.map((d) => d.healthType),
          power_source: all.map((d) => d.powerSource),
          days_observed: days,
          ...means,
          missing_share: missing,
          days_flagged: flagged,
          failure_scenario: scenario,
        }),
      },
    ];
  },
};
