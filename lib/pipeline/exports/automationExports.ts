import { columnTable } from "../../core/columnTable.js";
import type { OpenDataset } from "../storage/openDataset.js";
import {
  type AutomationPair,
  automationPrompt,
  buildAutomation,
  checkAutomationYaml,
} from "./automationYaml.js";
import { deviceKey, indexDevices } from "./devices.js";
import { column, datasetSeed, type ExportSpec, exportSchema } from "./spec.js";

export interface LinkedSynergy {
  pair: AutomationPair;
  benefit: number;
  probability: number;
}

/** The planted (linked) synergies of a dataset, with the devices and areas they name. */
export async function linkedSynergies(dataset: OpenDataset): Promise<LinkedSynergy[]> {
  const { byKey } = indexDevices(await dataset.table("devices"), await dataset.table("areas"));
  const syn = await dataset.table("synergies");
  const s = syn.columns;
  const out: LinkedSynergy[] = [];
  for (let i = 0; i < syn.rows; i++) {
    if ((s.linked as Uint8Array)[i] !== 1) continue;
    const homeId = s.home_id[i] as string;
    const trigger = byKey.get(deviceKey(homeId, s.trigger_entity[i] as string));
    const action = byKey.get(deviceKey(homeId, s.action_entity[i] as string));
    if (!trigger || !action)
      throw new Error(`synergy ${s.trigger_entity[i]} → ${s.action_entity[i]} names an unknown device`);
    const delay = (s.delay_ms as Float64Array)[i];
    out.push({
      pair: {
        homeId,
        relationship: s.relationship[i] as string,
        trigger,
        action,
        condition: (s.condition[i] as string | null) ?? null,
        delayMs: Number.isNaN(delay) ? null : delay,
      },
      benefit: (s.benefit as Float64Array)[i],
      probability: (s.probability as Float64Array)[i],
    });
  }
  return out;
}

/** Builds the automation of a pair and parses its YAML back; throws when it does not check out. */
export function checkedAutomation(pair: AutomationPair) {
  const automation = buildAutomation(pair);
  const problem = checkAutomationYaml(automation.yaml, pair);
  if (problem) throw new Error(`automation ${automation.id} (${pair.homeId}): ${problem}`);
  return automation;
}

export const AUTOMATIONS_SCHEMA = exportSchema("automations", [
  column("automation_id", "string", { role: "key" }),
  column("home_id", "string", { role: "key" }),
  column("relationship", "string"),
  column("trigger_entity", "string"),
  column("action_entity", "string"),
  column("condition", "string", { nullable: true }),
  column("benefit", "float64"),
  column("probability", "float64", { nullable: true }),
  column("alias", "string"),
  column("yaml", "string", { description: "Home Assistant automation YAML" }),
]);

export const automationsExport: ExportSpec = {
  what: "automations",
  description: "Home Assistant automation YAML for every planted synergy",
  formats: ["json"],
  async build(dataset) {
    const linked = await linkedSynergies(dataset);
    const autos = linked.map((l) => checkedAutomation(l.pair));
    return [
      {
        name: "automations",
        table: columnTable(AUTOMATIONS_SCHEMA, {
          automation_id: autos.map((a) => a.id),
          home_id: linked.map((l) => l.pair.homeId),
          relationship: linked.map((l) => l.pair.relationship),
          trigger_entity: linked.map((l) => l.pair.trigger.entityId),
          action_entity: linked.map((l) => l.pair.action.entityId),
          condition: linked.map((l) => l.pair.condition),
          benefit: Float64Array.from(linked, (l) => l.benefit),
          probability: Float64Array.from(linked, (l) => l.probability),
          alias: autos.map((a) => a.alias),
          yaml: autos.map((a) => a.yaml),
        }),
      },
    ];
  },
};

export const SOFT_PROMPT_SCHEMA = exportSchema("pairs", [
  column("pair_id", "string", { role: "key" }),
  column("home_id", "string", { role: "key" }),
  column("relationship", "string"),
  column("trigger_entity", "string"),
  column("action_entity", "string"),
  column("prompt", "string", { role: "feature", description: "plain-language automation request" }),
  column("completion", "string", {
    role: "label",
    description: "Home Assistant automation YAML that fulfils it",
  }),
]);

export const softPromptExport: ExportSpec = {
  what: "soft-prompt",
  description: "prompt/completion pairs: a plain-language request and the automation YAML that fulfils it",
  formats: ["json", "sqlite"],
  async build(dataset) {
    const linked = await linkedSynergies(dataset);
    const seed = datasetSeed(dataset);
    const autos = linked.map((l) => checkedAutomation(l.pair));
    return [
      {
        name: "pairs",
        table: columnTable(SOFT_PROMPT_SCHEMA, {
          pair_id: autos.map((a) => a.id),
          home_id: linked.map((l) => l.pair.homeId),
          relationship: linked.map((l) => l.pair.relationship),
          trigger_entity: linked.map((l) => l.pair.trigger.entityId),
          action_entity: linked.map((l) => l.pair.action.entityId),
          prompt: linked.map((l) => automationPrompt(l.pair, seed)),
          completion: autos.map((a) => a.yaml),
        }),
      },
    ];
  },
};
