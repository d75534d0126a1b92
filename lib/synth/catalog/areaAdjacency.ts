import type { AreaKind } from "./areas.js";

/**
 * Which areas of a home open onto each other: a floor plan inferred from area kinds and
 * floors, since homes have no geometry. Passages (hallway, entrance) connect every indoor
 * room of their floor; the open-plan rooms (living, dining, kitchen) connect to each other;
 * stairs connect hallways and the entrance across floors and the basement; outdoor areas
 * attach where a door leads (porch → entrance, patio → living / dining / kitchen,
 * driveway → garage, garden and yard → patio and each other). A rule over plain area
 * records, so the walk-throughs (lib/synth) and the synergy graphs (lib/models) share it.
 */

/** What adjacency reads of an area. */
export interface AreaPlace {
  areaId: string;
  kind: AreaKind;
  floor: number;
  indoor: boolean;
}

const PASSAGES: ReadonlySet<AreaKind> = new Set(["hallway", "entrance"]);
const OPEN_PLAN: ReadonlySet<AreaKind> = new Set(["living_room", "dining_room", "kitchen"]);
const STAIR_ENDS: ReadonlySet<AreaKind> = new Set(["hallway", "entrance", "basement", "stairs"]);
const OUTDOOR_DOORS: readonly [AreaKind, AreaKind][] = [
  ["porch", "entrance"],
  ["patio", "living_room"],
  ["patio", "dining_room"],
  ["patio", "kitchen"],
  ["driveway", "garage"],
  ["driveway", "porch"],
  ["garden", "patio"],
  ["yard", "patio"],
  ["garden", "yard"],
];

/** true when a person can walk straight from area a into area b (symmetric, never a = b). */
export function areasAdjacent(a: AreaPlace, b: AreaPlace): boolean {
  if (a.areaId === b.areaId) return false;
  if (a.indoor && b.indoor) {
    if (a.kind === "stairs" || b.kind === "stairs") {
      const other = a.kind === "stairs" ? b : a;
      return STAIR_ENDS.has(other.kind) || other.floor === (a.kind === "stairs" ? a.floor : b.floor);
    }
    if (a.floor !== b.floor) return false;
    if (PASSAGES.has(a.kind) || PASSAGES.has(b.kind)) return true;
    return OPEN_PLAN.has(a.kind) && OPEN_PLAN.has(b.kind);
  }
  return OUTDOOR_DOORS.some(([x, y]) => (a.kind === x && b.kind === y) || (a.kind === y && b.kind === x));
}
