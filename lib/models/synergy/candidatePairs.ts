import { HomeforgeError } from "../../core/errors.js";
import { compatibleDevicePairs } from "../../synth/catalog/compatiblePairs.js";
import { RELATIONSHIP_BY_KEY, type RelationshipType } from "../../synth/catalog/relationships.js";
import type { IndexedHome } from "./synergyHome.js";

/** A home's candidate trigger→action pairs (node indices), with the truth when it is known. */
export interface CandidatePairs {
  trigger: Int32Array;
  action: Int32Array;
  relationship: RelationshipType[];
  sameArea: Uint8Array;
  labels: Uint8Array | null;
  confounder: (string | null)[] | null;
}

/**
 * The candidate pairs of a home: its truth rows when it has them (the synergies table, in
 * the generator's compatiblePairs order), else every catalog-compatible pair of its devices
 * (catalog/compatiblePairs.ts, the same enumeration the generator plants on).
 */
export function candidatePairs(home: IndexedHome): CandidatePairs {
  const truth = home.data.truth;
  if (truth) {
    const where = `home ${home.data.homeId}`;
    const node = (entity: string) => {
      const i = home.deviceIndex.get(entity);
      if (i === undefined)
        throw new HomeforgeError(
          "synergies",
          `${where}: a pair names ${entity}, which is not one of its devices`,
          "pass the synergies rows of the same home",
        );
      return i;
    };
    const relationship = truth.map((row) => {
      const r = RELATIONSHIP_BY_KEY.get(row.relationship);
      if (!r)
        throw new HomeforgeError(
          "synergies.relationship",
          `${where}: "${row.relationship}" is no catalog relationship`,
          `use one of ${[...RELATIONSHIP_BY_KEY.keys()].join(", ")}`,
        );
      return r;
    });
    const trigger = Int32Array.from(truth, (row) => node(row.trigger));
    const action = Int32Array.from(truth, (row) => node(row.action));
    return {
      trigger,
      action,
      relationship,
      sameArea: Uint8Array.from(trigger, (t, p) => (home.areaOf[t] === home.areaOf[action[p]] ? 1 : 0)),
      labels: Uint8Array.from(truth, (row) => (row.linked ? 1 : 0)),
      confounder: truth.map((row) => row.confounder),
    };
  }
  const pairs = compatibleDevicePairs(home.devices, home.areas);
  return {
    trigger: Int32Array.from(pairs, (p) => home.deviceIndex.get(p.trigger.entityId)!),
    action: Int32Array.from(pairs, (p) => home.deviceIndex.get(p.action.entityId)!),
    relationship: pairs.map((p) => p.relationship),
    sameArea: Uint8Array.from(pairs, (p) => (p.sameArea ? 1 : 0)),
    labels: null,
    confounder: null,
  };
}
