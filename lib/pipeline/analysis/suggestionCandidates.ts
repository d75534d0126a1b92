/**
 * Candidate automation suggestions of a dataset, shared by the `suggestions` and
 * `automations` training sets: one per synergy candidate pair (planted or not) and one per
 * mined sequence pattern between devices that are no candidate pair. The evidence is what
 * the event history shows — the sequence pattern trigger state → action state, its
 * confidence, occurrences, lift and median lag — never the planted truth, which only the
 * label carries (a planted link or not), so a model can learn to tell them apart.
 */
import { z } from "zod";
import type { ColumnTable } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { RELATIONSHIP_BY_KEY } from "../../synth/catalog/relationships.js";
import type { AutomationPair } from "../exports/automationYaml.js";
import { type DeviceInfo, deviceKey, indexDevices } from "../exports/devices.js";
import { column } from "../exports/spec.js";
import { count, type Filter, nonNegative, rowMask, share } from "./collectFilters.js";
import { evidenceRef, homeTypes, need, rowIndex, type SourceTables } from "./derivedSets.js";

/** The relationship written for a mined sequence (no catalog relationship). */
export const MINED_SEQUENCE = "mined_sequence";

/** The leading columns of every set built from suggestion candidates: the home and the row it came from. */
export const CANDIDATE_KEY_COLUMNS = [
  column("home_id", "string", { role: "key" }),
  column("home_type", "string"),
  column("source", "string", { description: "synergy (a candidate pair) | pattern (a mined sequence)" }),
  column("source_id", "string", {
    role: "key",
    description: "the row it came from: synergies#12, patterns#40",
  }),
];

export interface SuggestionCandidate {
  pair: AutomationPair & { triggerState: string; actionState: string };
  homeType: string;
  source: "synergy" | "pattern";
  /** The row it came from, `synergies#12` or `patterns#40`. */
  sourceId: string;
  /** The catalog relationship of a synergy candidate; null for a mined sequence. */
  relationship: string | null;
  confidence: number;
  occurrences: number;
  /** NaN when no sequence was mined for the pair. */
  lift: number;
  /** Median lag of the mined sequence, ms; NaN when none. */
  lagMs: number;
  /** A planted link (1) or not (0). */
  planted: 0 | 1;
  evidence: string[];
}

/** The thresholds on the evidence, shared by both sets. */
export const evidenceThresholds = {
  /** Drop suggestions whose sequence followed fewer than this share of the trigger's changes. */
  minConfidence: share(0.1),
  /** Drop suggestions seen fewer times. */
  minOccurrences: count(5),
  /** Drop suggestions whose sequence is less than this many times as frequent as chance. */
  minLift: nonNegative(3),
};
const evidenceSchema = z.object(evidenceThresholds);
export type EvidenceThresholds = z.output<typeof evidenceSchema>;

/** The states Home Assistant can set each commandable domain to. */
const COMMANDS: Record<string, readonly string[]> = {
  light: ["on", "off"],
  switch: ["on", "off"],
  fan: ["on", "off"],
  lock: ["locked", "unlocked"],
  cover: ["open", "closed"],
  climate: ["heat", "cool", "off"],
  media_player: ["playing", "paused", "off"],
};
/** Trigger states no one automates on: a numeric reading back to its usual range, a lost device. */
const NO_TRIGGER = new Set(["normal", "unavailable", "unknown"]);

/** Whether an automation can carry the pair out: a command the action device takes, on a usable trigger. */
export function automatable(actionDomain: string, actionState: string, triggerState: string): boolean {
  return (COMMANDS[actionDomain]?.includes(actionState) ?? false) && !NO_TRIGGER.has(triggerState);
}

interface Sequence {
  row: number;
  confidence: number;
  occurrences: number;
  lift: number;
  lagMs: number;
}

const sequenceKey = (home: string, trigger: string, state: string, action: string, actionState: string) =>
  `${home}\u0000${trigger}\u0000${state}\u0000${action}\u0000${actionState}`;

function minedSequences(patterns: ColumnTable): { byKey: Map<string, Sequence>; rows: number[] } {
  const c = patterns.columns;
  const byKey = new Map<string, Sequence>();
  const rows: number[] = [];
  for (let i = 0; i < patterns.rows; i++) {
    if (c.kind[i] !== "sequence") continue;
    const d = JSON.parse(c.detail[i] as string) as {
      state: string;
      target: string;
      target_state: string;
      median_lag_ms: number;
      lift: number;
    };
    const home = c.home_id[i] as string;
    byKey.set(sequenceKey(home, c.entity_id[i] as string, d.state, d.target, d.target_state), {
      row: i,
      confidence: (c.confidence as Float64Array)[i],
      occurrences: (c.occurrences as Int32Array)[i],
      lift: d.lift,
      lagMs: d.median_lag_ms,
    });
    rows.push(i);
  }
  return { byKey, rows };
}

/** Every candidate suggestion: synergy candidate pairs first (table order), then mined sequences. */
export function suggestionCandidates(tables: SourceTables): SuggestionCandidate[] {
  const devices = need(tables, "devices");
  const areas = need(tables, "areas");
  const { byKey } = indexDevices(devices, areas);
  const deviceRow = rowIndex(devices, "entity_id");
  const areaRow = rowIndex(areas, "area_id");
  const typeOf = homeTypes(need(tables, "homes"));
  const syn = need(tables, "synergies");
  const patterns = need(tables, "patterns");
  const sequences = minedSequences(patterns);

  const device = (home: string, entity: string, table: string): DeviceInfo => {
    const d = byKey.get(deviceKey(home, entity));
    if (!d) {
      throw new HomeforgeError(table, `${home} has no device ${entity}`, "regenerate the dataset");
    }
    return d;
  };
  const deviceEvidence = (d: DeviceInfo) => [
    evidenceRef("devices", deviceRow.get(deviceKey(d.homeId, d.entityId))!),
    evidenceRef("areas", areaRow.get(deviceKey(d.homeId, d.areaId))!),
  ];
  const out: SuggestionCandidate[] = [];
  const candidatePairs = new Set<string>();
  const s = syn.columns;
  for (let i = 0; i < syn.rows; i++) {
    const homeId = s.home_id[i] as string;
    const trigger = device(homeId, s.trigger_entity[i] as string, "synergies");
    const action = device(homeId, s.action_entity[i] as string, "synergies");
    candidatePairs.add(`${homeId}\u0000${trigger.entityId}\u0000${action.entityId}`);
    const relationship = s.relationship[i] as string;
    const rel = RELATIONSHIP_BY_KEY.get(relationship);
    const triggerState = rel?.triggerState ?? "on";
    const actionState = rel?.actionState ?? "on";
    const seq = sequences.byKey.get(
      sequenceKey(homeId, trigger.entityId, triggerState, action.entityId, actionState),
    );
    const evidence = [evidenceRef("synergies", i)];
    if (seq) evidence.push(evidenceRef("patterns", seq.row));
    out.push({
      pair: pairOf(homeId, relationship, trigger, action, triggerState, actionState, seq?.lagMs),
      homeType: typeOf.get(homeId) ?? "",
      source: "synergy",
      sourceId: evidenceRef("synergies", i),
      relationship,
      confidence: seq?.confidence ?? 0,
      occurrences: seq?.occurrences ?? 0,
      lift: seq?.lift ?? Number.NaN,
      lagMs: seq?.lagMs ?? Number.NaN,
      planted: (s.linked as Uint8Array)[i] === 1 ? 1 : 0,
      evidence: [...evidence, ...deviceEvidence(trigger), ...deviceEvidence(action)],
    });
  }
  const p = patterns.columns;
  for (const i of sequences.rows) {
    const homeId = p.home_id[i] as string;
    const d = JSON.parse(p.detail[i] as string) as { state: string; target: string; target_state: string };
    if (candidatePairs.has(`${homeId}\u0000${p.entity_id[i]}\u0000${d.target}`)) continue;
    const trigger = device(homeId, p.entity_id[i] as string, "patterns");
    const action = device(homeId, d.target, "patterns");
    const seq = sequences.byKey.get(
      sequenceKey(homeId, trigger.entityId, d.state, d.target, d.target_state),
    )!;
    out.push({
      pair: pairOf(homeId, MINED_SEQUENCE, trigger, action, d.state, d.target_state, seq.lagMs),
      homeType: typeOf.get(homeId) ?? "",
      source: "pattern",
      sourceId: evidenceRef("patterns", i),
      relationship: null,
      confidence: seq.confidence,
      occurrences: seq.occurrences,
      lift: seq.lift,
      lagMs: seq.lagMs,
      // every planted link is a synergy candidate pair, so a sequence between other devices is not one
      planted: 0,
      evidence: [evidenceRef("patterns", i), ...deviceEvidence(trigger), ...deviceEvidence(action)],
    });
  }
  return out;
}

function pairOf(
  homeId: string,
  relationship: string,
  trigger: DeviceInfo,
  action: DeviceInfo,
  triggerState: string,
  actionState: string,
  lagMs: number | undefined,
): SuggestionCandidate["pair"] {
  // the lag the history shows, not the planted delay: truth stays in the label
  return {
    homeId,
    relationship,
    trigger,
    action,
    condition: null,
    delayMs: lagMs === undefined || Number.isNaN(lagMs) ? null : lagMs,
    triggerState,
    actionState,
  };
}

/**
 * The filters on the evidence, over a table with the columns source, trigger_state,
 * action_domain, action_state, confidence, occurrences and lift.
 */
export function evidenceFilters(th: EvidenceThresholds, what: string): Filter[] {
  return [
    {
      name: `${what} no automation can carry out (the action device takes no commands or not that state, or the trigger is a return to normal or a lost device)`,
      keep: (t) => {
        const domain = t.columns.action_domain as string[];
        const state = t.columns.action_state as string[];
        const trigger = t.columns.trigger_state as string[];
        return rowMask(t, (i) => automatable(domain[i], state[i], trigger[i]));
      },
    },
    {
      name: `${what} whose sequence followed less than ${Math.round(th.minConfidence * 100)} % of the trigger's changes (or was never seen)`,
      keep: (t) => rowMask(t, (i) => (t.columns.confidence as Float64Array)[i] >= th.minConfidence),
    },
    {
      name: `${what} seen fewer than ${th.minOccurrences} times`,
      keep: (t) => rowMask(t, (i) => (t.columns.occurrences as Int32Array)[i] >= th.minOccurrences),
    },
    {
      name: `${what} whose sequence is less than ${th.minLift} times as frequent as chance (lift)`,
      // NaN (never seen) fails too
      keep: (t) => rowMask(t, (i) => (t.columns.lift as Float64Array)[i] >= th.minLift),
    },
  ];
}
