/**
 * The `suggestions` training set: one row per synergy candidate pair or mined sequence, as a
 * suggested automation in words with the evidence behind it ("When the entrance door opens,
 * turn on the hallway ceiling light. Seen 23 times …"), labelled planted (1) or spurious (0).
 */
import { z } from "zod";
import { type ColumnTable, columnTable } from "../../core/columnTable.js";
import { actionPhrase, triggerPhrase } from "../exports/automationYaml.js";
import { column, exportSchema } from "../exports/spec.js";
import { count, firstOfEachKey, maxLengthFilter } from "./collectFilters.js";
import { countValues, type DerivedSet } from "./derivedSets.js";
import {
  CANDIDATE_KEY_COLUMNS,
  evidenceFilters,
  evidenceThresholds,
  type SuggestionCandidate,
  suggestionCandidates,
} from "./suggestionCandidates.js";

export const suggestionThresholdsSchema = z
  .object({
    ...evidenceThresholds,
    /** Drop suggestions whose text is longer. */
    maxTextLength: count(300),
  })
  .strict();
export type SuggestionThresholds = z.output<typeof suggestionThresholdsSchema>;

export const SUGGESTIONS_SCHEMA = exportSchema("suggestions", [
  ...CANDIDATE_KEY_COLUMNS,
  column("trigger_entity", "string"),
  column("trigger_state", "string"),
  column("action_entity", "string"),
  column("action_domain", "string"),
  column("action_state", "string"),
  column("relationship", "string", {
    nullable: true,
    description: "catalog relationship; null for a mined sequence",
  }),
  column("suggestion", "string", {
    role: "feature",
    description: "the suggested automation, with its evidence, in words",
  }),
  column("confidence", "float64", {
    role: "feature",
    description: "share of the trigger's changes the action followed",
  }),
  column("occurrences", "int32", { role: "feature" }),
  column("lift", "float64", { role: "feature", description: "confidence over chance; NaN when never seen" }),
  column("delay_ms", "float64", {
    role: "feature",
    description: "median lag of the mined sequence; NaN when never seen",
  }),
  column("evidence", "string", { description: "JSON list of the dataset rows behind the row, table#row" }),
  column("planted", "bool", { role: "label", description: "1 = a planted link, 0 = a spurious candidate" }),
]);

function lagPhrase(ms: number): string {
  if (ms < 1500) return "within a second";
  if (ms < 60_000) return `about ${Math.round(ms / 1000)} seconds later`;
  const m = Math.round(ms / 60_000);
  return m === 1 ? "about a minute later" : `about ${m} minutes later`;
}

/** The suggestion of a candidate in words: the automation, then why. */
export function suggestionText(c: SuggestionCandidate): string {
  const when = triggerPhrase(c.pair, c.pair.triggerState);
  const text = `When ${when}, ${actionPhrase(c.pair.action, c.pair.actionState)}.`;
  const why =
    c.occurrences > 0
      ? ` Seen ${c.occurrences} times: after ${Math.round(c.confidence * 100)} % of such changes, ${lagPhrase(c.lagMs)}.`
      : " Never seen in the event history.";
  return text + why;
}

export const suggestionSet: DerivedSet<SuggestionThresholds> = {
  tables: ["homes", "devices", "areas", "synergies", "patterns"],
  build(tables): ColumnTable {
    const cs = suggestionCandidates(tables);
    return columnTable(SUGGESTIONS_SCHEMA, {
      home_id: cs.map((c) => c.pair.homeId),
      home_type: cs.map((c) => c.homeType),
      source: cs.map((c) => c.source),
      source_id: cs.map((c) => c.sourceId),
      trigger_entity: cs.map((c) => c.pair.trigger.entityId),
      trigger_state: cs.map((c) => c.pair.triggerState),
      action_entity: cs.map((c) => c.pair.action.entityId),
      action_domain: cs.map((c) => c.pair.action.domain),
      action_state: cs.map((c) => c.pair.actionState),
      relationship: cs.map((c) => c.relationship),
      suggestion: cs.map(suggestionText),
      confidence: Float64Array.from(cs, (c) => c.confidence),
      occurrences: Int32Array.from(cs, (c) => c.occurrences),
      lift: Float64Array.from(cs, (c) => c.lift),
      delay_ms: Float64Array.from(cs, (c) => c.lagMs),
      evidence: cs.map((c) => JSON.stringify(c.evidence)),
      planted: Uint8Array.from(cs, (c) => c.planted),
    });
  },
  filters: (th) => [
    ...evidenceFilters(th, "suggestions"),
    {
      name: "repeated suggestions (the same text in one home)",
      keep: (t) => firstOfEachKey(t, (i) => `${t.columns.home_id[i]}\u0000${t.columns.suggestion[i]}`),
    },
    maxLengthFilter(["suggestion"], th.maxTextLength, "suggestions"),
  ],
  summary: (kept) => ({
    homes: new Set(kept.columns.home_id as string[]).size,
    by_source: countValues(kept.columns.source as string[]),
    planted_by_relationship: countValues(plantedOnly(kept)),
  }),
  label: { column: "planted", names: ["spurious", "planted"] },
};

function plantedOnly(kept: ColumnTable): (string | null)[] {
  const planted = kept.columns.planted as Uint8Array;
  return (kept.columns.relationship as (string | null)[]).filter((_, i) => planted[i] === 1);
}
