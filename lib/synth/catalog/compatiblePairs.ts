import { HomeforgeError } from "../../core/errors.js";
import type { AreaKind } from "./areas.js";
import { crossAreaAllowed, endpointMatches, RELATIONSHIPS, type RelationshipType } from "./relationships.js";

/** What pair enumeration reads of a device (a generated Device or a devices-table row). */
export interface PairDevice {
  entityId: string;
  areaId: string;
  domain: string;
  deviceClass: string;
  template?: string;
}

/** What pair enumeration reads of an area. */
export interface PairArea {
  areaId: string;
  kind: AreaKind;
  floor: number;
}

/** A type- and place-compatible trigger→action pair of a home. */
export interface CompatiblePair<D extends PairDevice = PairDevice> {
  trigger: D;
  action: D;
  relationship: RelationshipType;
  sameArea: boolean;
}

/**
 * Every compatible trigger→action pair of a home, in a fixed order: trigger device order,
 * then catalog order, then action device order. A pair is compatible when the devices
 * match a catalog relationship and share an area, or the relationship allows their two
 * areas (e.g. entrance door → hallway light). A device naming an area the home does not
 * have is a one-line error.
 */
export function compatibleDevicePairs<D extends PairDevice>(
  devices: readonly D[],
  areas: readonly PairArea[],
): CompatiblePair<D>[] {
  const areaById = new Map<string, PairArea>(areas.map((a) => [a.areaId, a]));
  const areaOf = (device: D): PairArea => {
    const area = areaById.get(device.areaId);
    if (!area)
      throw new HomeforgeError(
        "area_id",
        `device ${device.entityId} names area ${device.areaId}, which its home does not have`,
        "give every device an area of its own home",
      );
    return area;
  };
  const pairs: CompatiblePair<D>[] = [];
  for (const trigger of devices) {
    for (const relationship of RELATIONSHIPS) {
      if (!endpointMatches(relationship.trigger, trigger)) continue;
      const triggerArea = areaOf(trigger);
      for (const action of devices) {
        if (action.entityId === trigger.entityId || !endpointMatches(relationship.action, action)) continue;
        const sameArea = action.areaId === trigger.areaId;
        if (!sameArea && !crossAreaAllowed(relationship, triggerArea, areaOf(action))) continue;
        pairs.push({ trigger, action, relationship, sameArea });
      }
    }
  }
  return pairs;
}
