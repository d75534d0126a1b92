/**
 * The contract between the confounder mechanisms (routines.ts, walkThrough.ts), synergy
 * planting (which marks the unlinked pairs they co-activate) and event generation (which
 * plays them out). A confounder switches devices close together in time because the same
 * person is active, not because one device triggers the other.
 */

/** Why an unlinked pair is co-activated: a household routine or a walk through adjacent areas. */
export type ConfounderKind = "routine" | "walk_through";

/** One device switched into one state (a Home Assistant state string of its behaviour). */
export interface ConfounderStep {
  /** Index into generated.devices. */
  device: number;
  state: string;
}

/** Actions a confounder schedules, as columns, in no particular order. */
export interface ConfounderActions {
  device: number[];
  time: number[];
  state: string[];
}

export function emptyActions(): ConfounderActions {
  return { device: [], time: [], state: [] };
}
