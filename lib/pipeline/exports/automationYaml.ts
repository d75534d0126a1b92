/**
 * Home Assistant automations from planted synergies: the automation (as an object and as
 * YAML in the current HA syntax: triggers / conditions / actions) and a plain-language
 * request a person might make for it. The YAML is parsed back and checked before use.
 */
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { sha256 } from "../../core/manifest.js";
import { Rng } from "../../core/random.js";
import { RELATIONSHIP_BY_KEY } from "../../synth/catalog/relationships.js";

export interface AutomationDevice {
  entityId: string;
  domain: string;
  deviceClass: string;
  friendlyName: string;
  areaName: string;
}

export interface AutomationPair {
  homeId: string;
  relationship: string;
  trigger: AutomationDevice;
  action: AutomationDevice;
  condition: string | null;
  /** Median delay of the planted link, ms; long delays become a `for:` on the trigger. */
  delayMs: number | null;
  /**
   * The trigger and action states, when they are not the relationship's (e.g. a mined
   * sequence, whose relationship is no catalog type); default: the relationship's, else "on".
   */
  triggerState?: string;
  actionState?: string;
}

export interface Automation {
  id: string;
  alias: string;
  object: Record<string, unknown>;
  yaml: string;
}

/** Numeric sensors have no discrete state: "high"/"low" become thresholds by device class. */
const THRESHOLDS: Record<string, { value: number; unit: string }> = {
  temperature: { value: 25, unit: "°C" },
  humidity: { value: 70, unit: "%" },
  illuminance: { value: 50, unit: "lx" },
};
const FOR_AT_LEAST_MS = 30_000;

/** The trigger and action states of a pair: its own, else its relationship's, else "on". */
export function pairStates(pair: AutomationPair): { trigger: string; action: string } {
  const rel = RELATIONSHIP_BY_KEY.get(pair.relationship);
  return {
    trigger: pair.triggerState ?? rel?.triggerState ?? "on",
    action: pair.actionState ?? rel?.actionState ?? "on",
  };
}

/** How long a trigger state must hold, as a person would set it: 5 s steps under a minute, whole minutes above. */
function holdSeconds(ms: number): number {
  const s = ms / 1000;
  return s < 60 ? Math.max(5, Math.round(s / 5) * 5) : Math.round(s / 60) * 60;
}

function duration(ms: number): string {
  const s = holdSeconds(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

function haTrigger(pair: AutomationPair, state: string): Record<string, unknown> {
  const { trigger } = pair;
  const hold =
    pair.delayMs !== null && pair.delayMs >= FOR_AT_LEAST_MS ? { for: duration(pair.delayMs) } : {};
  if (state === "high" || state === "low") {
    const threshold = THRESHOLDS[trigger.deviceClass]?.value ?? 50;
    return {
      trigger: "numeric_state",
      entity_id: trigger.entityId,
      [state === "high" ? "above" : "below"]: threshold,
      ...hold,
    };
  }
  // binary sensors report on/off in Home Assistant; "open"/"closed" is how the UI shows a contact
  const to = trigger.domain === "binary_sensor" ? ({ open: "on", closed: "off" }[state] ?? state) : state;
  return { trigger: "state", entity_id: trigger.entityId, to, ...hold };
}

function haCondition(condition: string | null): Record<string, unknown>[] {
  if (condition === "dark") return [{ condition: "state", entity_id: "sun.sun", state: "below_horizon" }];
  if (condition === "occupied") return [{ condition: "numeric_state", entity_id: "zone.home", above: 0 }];
  return [];
}

function haAction(device: AutomationDevice, state: string): Record<string, unknown> {
  const target = { entity_id: device.entityId };
  const service = (name: string) => ({ action: `${device.domain}.${name}`, target });
  switch (device.domain) {
    case "climate":
      return { action: "climate.set_hvac_mode", target, data: { hvac_mode: state } };
    case "lock":
      return service(state === "locked" ? "lock" : "unlock");
    case "cover":
      return service(state === "open" ? "open_cover" : "close_cover");
    case "media_player":
      return service({ playing: "media_play", paused: "media_pause", off: "turn_off" }[state] ?? "turn_on");
    default:
      return service(state === "off" ? "turn_off" : "turn_on");
  }
}

export function automationId(pair: Pick<AutomationPair, "homeId" | "trigger" | "action">): string {
  return `hf_${sha256(`${pair.homeId}|${pair.trigger.entityId}|${pair.action.entityId}`).slice(0, 12)}`;
}

export function buildAutomation(pair: AutomationPair): Automation {
  const s = pairStates(pair);
  const id = automationId(pair);
  const alias = `${pair.trigger.friendlyName} → ${pair.action.friendlyName}`;
  const rel = RELATIONSHIP_BY_KEY.get(pair.relationship);
  const object = {
    id,
    alias,
    description: rel ? `${rel.description} (${pair.relationship})` : pair.relationship,
    mode: "single",
    triggers: [haTrigger(pair, s.trigger)],
    conditions: haCondition(pair.condition),
    actions: [haAction(pair.action, s.action)],
  };
  // Home Assistant reads YAML 1.1, where a bare on/off is a boolean: write it as 1.1, which quotes them
  return { id, alias, object, yaml: stringifyYaml(object, { version: "1.1" }) };
}

/** Parses automation YAML and checks it does what the pair says; the problem, or null. */
export function checkAutomationYaml(yaml: string, pair: AutomationPair): string | null {
  let doc: unknown;
  try {
    doc = parseYaml(yaml, { version: "1.1" });
  } catch (e) {
    return `YAML does not parse (${(e as Error).message.split("\n")[0]})`;
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return "YAML is not a mapping";
  const a = doc as Record<string, unknown>;
  if (typeof a.id !== "string" || typeof a.alias !== "string") return "id or alias missing";
  const triggers = a.triggers as Record<string, unknown>[] | undefined;
  const actions = a.actions as Record<string, unknown>[] | undefined;
  if (!Array.isArray(triggers) || triggers.length === 0) return "no triggers";
  if (!Array.isArray(a.conditions)) return "conditions is not a list";
  if (!Array.isArray(actions) || actions.length === 0) return "no actions";
  const t = triggers[0];
  if (!["state", "numeric_state"].includes(String(t.trigger))) return `unknown trigger platform ${t.trigger}`;
  if (t.entity_id !== pair.trigger.entityId) return `trigger entity is ${t.entity_id}`;
  if ("to" in t && typeof t.to !== "string")
    return `trigger state ${String(t.to)} is not a string (quote on/off)`;
  const act = actions[0];
  const target = act.target as { entity_id?: unknown } | undefined;
  if (target?.entity_id !== pair.action.entityId) return `action target is ${target?.entity_id}`;
  if (typeof act.action !== "string" || !act.action.startsWith(`${pair.action.domain}.`)) {
    return `action ${act.action} does not belong to ${pair.action.domain}`;
  }
  return null;
}

/** "the entrance door opens": the trigger of a pair in `state`, in words. */
export function triggerPhrase(pair: AutomationPair, state: string): string {
  const { trigger } = pair;
  const area = trigger.areaName.toLowerCase();
  const name = `the ${trigger.friendlyName.toLowerCase()}`;
  const held =
    pair.delayMs !== null && pair.delayMs >= FOR_AT_LEAST_MS ? ` for ${spokenDuration(pair.delayMs)}` : "";
  if (state === "high" || state === "low") {
    const t = THRESHOLDS[trigger.deviceClass] ?? { value: 50, unit: "" };
    const what =
      trigger.deviceClass === "illuminance" ? "light level" : trigger.deviceClass.replace(/_/g, " ");
    return `the ${what} in the ${area} ${state === "high" ? "rises above" : "drops below"} ${t.value} ${t.unit}${held}`.trim();
  }
  switch (trigger.deviceClass) {
    case "motion":
      return `motion is detected in the ${area}`;
    case "occupancy":
      return `the ${area} becomes occupied`;
    case "presence":
      return `someone is detected in the ${area}`;
    case "tv":
      return `${name} starts playing`;
  }
  if (state === "open") return `${name} opens${held && ` and stays open${held}`}`;
  if (state === "closed") return held ? `${name} has been closed${held}` : `${name} closes`;
  return `${name} turns ${state}${held}`;
}

/** "the hallway ceiling light": the friendly name, with the kind of device when it does not say. */
function deviceNoun(device: AutomationDevice): string {
  const name = device.friendlyName.toLowerCase();
  const kind = { light: "light", fan: "fan", lock: "lock", climate: "thermostat" }[device.domain];
  return kind && !name.includes(kind) && !/\b(lamp|lights|thermostat|heater|air conditioner)\b/.test(name)
    ? `the ${name} ${kind}`
    : `the ${name}`;
}

/** "turn on the hallway ceiling light": setting `device` to `state`, as a request. */
export function actionPhrase(device: AutomationDevice, state: string): string {
  const name = deviceNoun(device);
  if (device.domain === "climate") return state === "off" ? `switch ${name} off` : `set ${name} to ${state}`;
  if (state === "locked") return `lock ${name}`;
  if (state === "unlocked") return `unlock ${name}`;
  if (state === "open") return `open ${name}`;
  if (state === "closed") return `close ${name}`;
  return `turn ${state === "off" ? "off" : "on"} ${name}`;
}

function spokenDuration(ms: number): string {
  const s = holdSeconds(ms);
  if (s < 60) return `${s} seconds`;
  const m = Math.round(s / 60);
  return m === 1 ? "a minute" : `${m} minutes`;
}

const CONDITION_PHRASE: Record<string, string> = {
  dark: "but only when it is dark outside",
  occupied: "but only while someone is home",
};

/** A plain-language request for the automation; the wording varies, seeded by the pair. */
export function automationPrompt(pair: AutomationPair, seed: number): string {
  const s = pairStates(pair);
  const when = triggerPhrase(pair, s.trigger);
  const act = actionPhrase(pair.action, s.action);
  const cond = pair.condition ? CONDITION_PHRASE[pair.condition] : undefined;
  const tail = cond ? `, ${cond}` : "";
  const rng = Rng.derive(seed, pair.homeId, pair.trigger.entityId, pair.action.entityId, "prompt");
  const templates = [
    () => `When ${when}, ${act}${tail}.`,
    () => `Please ${act} whenever ${when}${tail}.`,
    () => `Create an automation that will ${act} when ${when}${tail}.`,
    () => `I want to ${act} automatically when ${when}${tail}.`,
  ];
  const text = templates[rng.int(0, templates.length - 1)]();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
