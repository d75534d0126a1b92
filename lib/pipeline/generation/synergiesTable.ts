import { type ColumnTable, columnTable } from "../../core/columnTable.js";
import type { PlantedSynergy } from "../../synth/synergyTypes.js";
import { SYNERGIES_SCHEMA } from "../storage/tables.js";

/**
 * Planted synergies (linked pairs and hard negatives, with the confounder that co-activates
 * an unlinked pair) → the synergies table, row order kept.
 */
export function synergiesTable(synergies: readonly PlantedSynergy[]): ColumnTable {
  const n = synergies.length;
  const linked = new Uint8Array(n);
  const sameArea = new Uint8Array(n);
  const delayMs = new Float64Array(n);
  const probability = new Float64Array(n);
  const benefit = new Float64Array(n);
  synergies.forEach((s, i) => {
    linked[i] = s.linked ? 1 : 0;
    sameArea[i] = s.sameArea ? 1 : 0;
    delayMs[i] = s.delayMs ?? Number.NaN;
    probability[i] = s.probability ?? Number.NaN;
    benefit[i] = s.benefit;
  });
  return columnTable(SYNERGIES_SCHEMA, {
    home_id: synergies.map((s) => s.homeId),
    trigger_entity: synergies.map((s) => s.trigger),
    action_entity: synergies.map((s) => s.action),
    relationship: synergies.map((s) => s.relationship),
    linked,
    same_area: sameArea,
    delay_ms: delayMs,
    probability,
    condition: synergies.map((s) => s.condition),
    benefit,
    confounder: synergies.map((s) => s.confounder ?? null),
  });
}
