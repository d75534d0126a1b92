/**
 * The `automations` training set: a plain-language request (the suggestion in words) and the
 * Home Assistant automation YAML that fulfils it, for every suggestion the evidence supports.
 * Built with lib/pipeline/exports/automationYaml.ts; the YAML is parsed back and checked
 * against the request's devices by a filter, so a pair that does not check out is dropped
 * and counted rather than trained on.
 */
import { z } from "zod";
import { type ColumnTable, columnTable } from "../../core/columnTable.js";
import {
  type AutomationPair,
  automationPrompt,
  buildAutomation,
  checkAutomationYaml,
} from "../exports/automationYaml.js";
import { column, exportSchema } from "../exports/spec.js";
import { count, firstOfEachKey, maxLengthFilter, rowMask } from "./collectFilters.js";
import { countValues, type DerivedSet } from "./derivedSets.js";
import {
  automatable,
  CANDIDATE_KEY_COLUMNS,
  evidenceFilters,
  evidenceThresholds,
  suggestionCandidates,
} from "./suggestionCandidates.js";

export const automationThresholdsSchema = z
  .object({
    ...evidenceThresholds,
    /** Drop pairs whose request is longer. */
    maxPromptLength: count(300),
    /** Drop pairs whose YAML is longer. */
    maxYamlLength: count(2000),
  })
  .strict();
export type AutomationThresholds = z.output<typeof automationThresholdsSchema>;

export const AUTOMATION_PAIRS_SCHEMA = exportSchema("automations", [
  ...CANDIDATE_KEY_COLUMNS,
  column("automation_id", "string"),
  column("trigger_entity", "string"),
  column("trigger_domain", "string"),
  column("trigger_state", "string"),
  column("action_entity", "string"),
  column("action_domain", "string"),
  column("action_state", "string"),
  column("relationship", "string", { nullable: true }),
  column("confidence", "float64"),
  column("occurrences", "int32"),
  column("lift", "float64"),
  column("planted", "bool", {
    description: "the pair is a planted link; not a label (every pair's YAML is right)",
  }),
  column("prompt", "string", { role: "feature", description: "plain-language automation request" }),
  column("yaml", "string", { role: "label", description: "Home Assistant automation YAML that fulfils it" }),
  column("evidence", "string", { description: "JSON list of the dataset rows behind the row, table#row" }),
]);

/** The pair a row describes, as far as checkAutomationYaml looks at it. */
function rowPair(t: ColumnTable, i: number): AutomationPair {
  const device = (side: "trigger" | "action") => ({
    entityId: t.columns[`${side}_entity`][i] as string,
    domain: t.columns[`${side}_domain`][i] as string,
    deviceClass: "",
    friendlyName: "",
    areaName: "",
  });
  return {
    homeId: t.columns.home_id[i] as string,
    relationship: (t.columns.relationship[i] as string | null) ?? "",
    trigger: device("trigger"),
    action: device("action"),
    condition: null,
    delayMs: null,
  };
}

export const automationSet: DerivedSet<AutomationThresholds> = {
  tables: ["homes", "devices", "areas", "synergies", "patterns"],
  build(tables, seed): ColumnTable {
    const cs = suggestionCandidates(tables);
    // YAML only for pairs an automation can carry out: the others are the first filter's drop
    // (always on), and rendering them all would triple the time on the default dataset
    const autos = cs.map(({ pair }) =>
      automatable(pair.action.domain, pair.actionState, pair.triggerState) ? buildAutomation(pair) : null,
    );
    return columnTable(AUTOMATION_PAIRS_SCHEMA, {
      home_id: cs.map((c) => c.pair.homeId),
      home_type: cs.map((c) => c.homeType),
      source: cs.map((c) => c.source),
      source_id: cs.map((c) => c.sourceId),
      automation_id: autos.map((a) => a?.id ?? ""),
      trigger_entity: cs.map((c) => c.pair.trigger.entityId),
      trigger_domain: cs.map((c) => c.pair.trigger.domain),
      trigger_state: cs.map((c) => c.pair.triggerState),
      action_entity: cs.map((c) => c.pair.action.entityId),
      action_domain: cs.map((c) => c.pair.action.domain),
      action_state: cs.map((c) => c.pair.actionState),
      relationship: cs.map((c) => c.relationship),
      confidence: Float64Array.from(cs, (c) => c.confidence),
      occurrences: Int32Array.from(cs, (c) => c.occurrences),
      lift: Float64Array.from(cs, (c) => c.lift),
      planted: Uint8Array.from(cs, (c) => c.planted),
      prompt: cs.map((c, i) => (autos[i] ? automationPrompt(c.pair, seed) : "")),
      yaml: autos.map((a) => a?.yaml ?? ""),
      evidence: cs.map((c) => JSON.stringify(c.evidence)),
    });
  },
  filters: (th) => [
    ...evidenceFilters(th, "automations"),
    {
      name: "automations whose YAML does not parse or does not act on the request's devices",
      keep: (t) =>
        rowMask(t, (i) => checkAutomationYaml(t.columns.yaml[i] as string, rowPair(t, i)) === null),
    },
    {
      name: "repeated requests (the same prompt in one home)",
      keep: (t) => firstOfEachKey(t, (i) => `${t.columns.home_id[i]}\u0000${t.columns.prompt[i]}`),
    },
    maxLengthFilter(["prompt"], th.maxPromptLength, "requests"),
    maxLengthFilter(["yaml"], th.maxYamlLength, "automation YAML"),
  ],
  summary: (kept) => ({
    homes: new Set(kept.columns.home_id as string[]).size,
    by_source: countValues(kept.columns.source as string[]),
    by_action_domain: countValues(kept.columns.action_domain as string[]),
    planted_pairs: (kept.columns.planted as Uint8Array).reduce((n, x) => n + x, 0),
  }),
  label: null,
  noLabel:
    "no label: each row pairs a request with the automation YAML that fulfils it (the YAML is the target); planted says whether the pair is a planted link",
};
