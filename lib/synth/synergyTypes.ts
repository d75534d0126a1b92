/**
 * The contract between synergy planting (synergies.ts) and event generation (events.ts):
 * planting decides which trigger→action pairs are linked and how; the event generator
 * makes linked actions follow their triggers. The truth lives only in the synergies
 * table, never on events.
 */
import type { ConfounderKind } from "./confounderTypes.js";

export type SynergyCondition = "dark" | "occupied" | null;

export interface PlantedSynergy {
  homeId: string;
  /** entity_id of the trigger device */
  trigger: string;
  /** entity_id of the action device */
  action: string;
  /** Relationship type from the catalog, e.g. "motion_light". */
  relationship: string;
  /** true: planted link; false: compatible pair left unlinked (a hard negative). */
  linked: boolean;
  sameArea: boolean;
  /** Trigger state that fires the action, e.g. "on" for motion, "open" for a door. */
  triggerState: string;
  /** State the action device takes, e.g. "on" for a light, "locked" for a lock. */
  actionState: string;
  /** Median delay of the action after the trigger, ms (null when unlinked). */
  delayMs: number | null;
  /** Sd of log(delay): delays are log-normal around delayMs (null when unlinked). */
  delaySigma: number | null;
  /** Chance a trigger fires the action when the condition holds (null when unlinked). */
  probability: number | null;
  /** Only fire when it is dark / the home is occupied; null = always. */
  condition: SynergyCondition;
  /** Catalog benefit score of automating this pair, 0–1. */
  benefit: number;
  /**
   * For an unlinked pair: the mechanism that co-activates trigger then action without a
   * link (a household routine, a walk through adjacent areas), or null. Always null for
   * linked pairs. Absent (= null) on pairs made before generator version 4.
   */
  confounder?: ConfounderKind | null;
}
