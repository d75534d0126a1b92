import type { ColumnTable } from "../../core/columnTable.js";
import { CENSORED_COLUMN, censoredMask } from "../../pipeline/storage/censoring.js";
import type { OpenDataset } from "../../pipeline/storage/openDataset.js";
import { TELEMETRY_FEATURES } from "../../pipeline/storage/tables.js";
import { buildFeatures, type FeatureSpec } from "../failure/features.js";
import { loadSynergyGraphs } from "../synergy/loadSynergyGraphs.js";
import { NODE_FEATURE_NAMES } from "../synergy/nodeFeatures.js";
import { PAIR_FEATURE_NAMES } from "../synergy/pairFeatures.js";
import { selectRows } from "../tableInput.js";

/**
 * The new data's columns a training snapshot is compared with (`snapshotDrift`): named as the
 * snapshot names them. The rows are those the model would have trained on had it seen this
 * dataset: censored rows left out (training drops them), and for a per-type classifier only
 * its home type's rows.
 */
export type DriftColumns = Record<string, ArrayLike<number>>;

/** Failure-classifier columns: the 11 raw telemetry features and every feature the spec builds. */
export function failureDriftColumns(
  telemetry: ColumnTable,
  spec: FeatureSpec | null,
  homeType: string | null,
): DriftColumns {
  const censored = telemetry.columns[CENSORED_COLUMN] ? censoredMask(telemetry) : null;
  const types = telemetry.columns.home_type as readonly (string | null)[];
  const rows: number[] = [];
  for (let i = 0; i < telemetry.rows; i++) {
    if (censored?.[i]) continue;
    if (homeType && homeType !== "all" && types[i] !== homeType) continue;
    rows.push(i);
  }
  const table = rows.length === telemetry.rows ? telemetry : selectRows(telemetry, rows);
  const columns: DriftColumns = {};
  for (const f of TELEMETRY_FEATURES) columns[f] = table.columns[f] as ArrayLike<number>;
  if (spec) {
    const built = buildFeatures(table, spec);
    built.names.forEach((name, k) => {
      columns[name] = built.columns[k];
    });
  }
  return columns;
}

/** Synergy columns: node features over every device and pair features over every candidate pair, full history. */
export async function synergyDriftColumns(dataset: OpenDataset): Promise<DriftColumns> {
  const graphs = await loadSynergyGraphs(dataset, { cuts: [null] });
  const columns: DriftColumns = {};
  const spread = (names: readonly string[], prefix: string, pick: "nodeFeatures" | "pairFeatures") => {
    const width = names.length;
    const count = graphs.reduce((n, g) => n + (pick === "nodeFeatures" ? g.nodeCount : g.pairCount), 0);
    names.forEach((name, k) => {
      const values = new Float64Array(count);
      let row = 0;
      for (const g of graphs) {
        const m = g[pick];
        for (let r = 0; r < m.length / width; r++) values[row++] = m[r * width + k];
      }
      columns[name] = values;
      columns[`${prefix}.${name}`] = values;
    });
  };
  spread(NODE_FEATURE_NAMES, "node", "nodeFeatures");
  spread(PAIR_FEATURE_NAMES, "pair", "pairFeatures");
  return columns;
}
