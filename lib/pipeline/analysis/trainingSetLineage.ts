/**
 * Provenance of a collected training set in lineage: each dataset table it was built from is
 * an input of the collect run (id `<dataset>/<table>`, as the generate run recorded it, with
 * the table's verified manifest sha256), and a `source: <table>` step says how many rows
 * were read and kept and what the kept rows hold — which patterns, which planted synergies.
 */
import type { ColumnTable } from "../../core/columnTable.js";
import type { LineageStore } from "../lineage/lineageStore.js";
import type { OpenDataset } from "../storage/openDataset.js";

/** Counts of what the kept rows of a source table hold, by table. */
export function sourceTableSummary(source: string, kept: ColumnTable): Record<string, unknown> {
  const homes = new Set(kept.columns.home_id as string[]).size;
  if (source === "synergies") {
    const linked = kept.columns.linked as Uint8Array;
    const relationship = kept.columns.relationship as string[];
    const byRelationship: Record<string, number> = {};
    let plantedLinks = 0;
    for (let i = 0; i < kept.rows; i++) {
      if (!linked[i]) continue;
      plantedLinks++;
      byRelationship[relationship[i]] = (byRelationship[relationship[i]] ?? 0) + 1;
    }
    return {
      homes,
      candidate_pairs: kept.rows,
      planted_synergies: plantedLinks,
      planted_by_relationship: sortedRecord(byRelationship),
    };
  }
  if (source === "patterns") {
    const kind = kept.columns.kind as string[];
    const byKind: Record<string, number> = {};
    for (let i = 0; i < kept.rows; i++) byKind[kind[i]] = (byKind[kind[i]] ?? 0) + 1;
    return { homes, patterns: kept.rows, patterns_by_kind: sortedRecord(byKind) };
  }
  const entity = kept.columns.entity_id as string[] | undefined;
  if (!entity) return { homes };
  const devices = new Set<string>();
  for (let i = 0; i < kept.rows; i++) devices.add(`${kept.columns.home_id[i]}\u0000${entity[i]}`);
  return { homes, devices: devices.size };
}

/**
 * Records `source` (a table of `ds`, read whole: `rowsRead` rows) as an input of the collect
 * run `runId` and the step from it to the training set `setId` (`kept`: the rows the filters
 * kept). The hash is the one verified on reading; none when the read was not verified.
 */
export function recordSourceTable(
  lineage: LineageStore,
  runId: string,
  step: { ds: OpenDataset; source: string; rowsRead: number; kept: ColumnTable; setId: string },
): void {
  const { ds, source, kept, setId } = step;
  const tableId = `${ds.manifest.dataset_id}/${source}`;
  lineage.recordInput(runId, { id: tableId, kind: "table", sha256: ds.verifiedTableSha256(source) });
  lineage.recordTransformation(runId, {
    name: `source: ${source}`,
    input: tableId,
    output: setId,
    rowsIn: step.rowsRead,
    rowsOut: kept.rows,
    detail: sourceTableSummary(source, kept),
  });
}

function sortedRecord(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
