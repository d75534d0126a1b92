import type { SynergyCondition } from "../synergyTypes.js";
import type { AreaKind } from "./areas.js";
import type { Domain } from "./devices.js";

/** Which devices can play one side of a relationship. */
export interface EndpointMatch {
  domain: Domain;
  /** Matching device_class values; absent = any device_class of the domain. */
  deviceClasses?: readonly string[];
  /** Device templates that never match, even when domain and class do. */
  excludeTemplates?: readonly string[];
}

/**
 * Devices in different areas are a compatible pair when the trigger's area kind is in
 * `from` and the action's is in `to` (and, with `sameFloor`, both are on one floor).
 * Same-area pairs are always compatible.
 */
export interface CrossAreaRule {
  from: readonly AreaKind[];
  to: readonly AreaKind[];
  sameFloor: boolean;
}

/**
 * A trigger→action relationship type. States are the Home Assistant state strings the
 * event generator writes: binary motion / occupancy / presence sensors "on"/"off", door and
 * window contacts "open"/"closed", lights, switches and fans "on"/"off", locks
 * "locked"/"unlocked", covers "open"/"closed", media players "playing"/"paused"/"off",
 * climate the HVAC mode ("heat", "cool", "off"). A numeric sensor (temperature, humidity,
 * illuminance) has no discrete state: its trigger state is "high" or "low", meaning the
 * reading crosses above / below the sensor's usual range.
 */
export interface RelationshipType {
  /** Stable key, written to the synergies table as `relationship`. */
  key: string;
  description: string;
  trigger: EndpointMatch;
  action: EndpointMatch;
  triggerState: string;
  actionState: string;
  /** Typical action delay: log-normal with this median (ms) and sd of log. */
  delay: { medianMs: number; sigma: number };
  /** Range the per-link firing probability is drawn from, uniformly. */
  probability: readonly [number, number];
  /** The condition a link may carry, and the share of links that carry it. */
  condition: SynergyCondition;
  conditionShare: number;
  /** How useful automating the pair is, 0–1. */
  benefit: number;
  /** Chance that a compatible pair is linked, for same-area and cross-area pairs. */
  linkShare: { sameArea: number; crossArea: number };
  crossArea: readonly CrossAreaRule[];
}

const INDOOR: AreaKind[] = [
  "living_room",
  "kitchen",
  "bedroom",
  "bathroom",
  "hallway",
  "entrance",
  "office",
  "dining_room",
  "laundry",
  "garage",
  "basement",
  "attic",
  "stairs",
];
const OUTDOOR: AreaKind[] = ["yard", "garden", "patio", "porch", "driveway"];
const PASSAGES: AreaKind[] = ["hallway", "stairs", "entrance"];
const CLIMATE_ROOMS: AreaKind[] = ["living_room", "hallway", "bedroom", "office"];
const OPEN_PLAN: AreaKind[] = ["living_room", "dining_room", "kitchen"];

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export const RELATIONSHIPS: readonly RelationshipType[] = [
  {
    key: "motion_light",
    description: "motion turns a light on",
    trigger: { domain: "binary_sensor", deviceClasses: ["motion"] },
    action: { domain: "light" },
    triggerState: "on",
    actionState: "on",
    delay: { medianMs: 1.5 * SECOND, sigma: 0.4 },
    probability: [0.6, 0.95],
    condition: "dark",
    conditionShare: 0.6,
    benefit: 0.9,
    linkShare: { sameArea: 0.7, crossArea: 0.15 },
    crossArea: [
      { from: PASSAGES, to: PASSAGES, sameFloor: false },
      { from: OUTDOOR, to: OUTDOOR, sameFloor: false },
      { from: ["garage"], to: ["driveway"], sameFloor: false },
    ],
  },
  {
    key: "occupancy_light",
    description: "an occupied room turns its lights on",
    trigger: { domain: "binary_sensor", deviceClasses: ["occupancy"] },
    action: { domain: "light" },
    triggerState: "on",
    actionState: "on",
    delay: { medianMs: 3 * SECOND, sigma: 0.4 },
    probability: [0.6, 0.9],
    condition: "dark",
    conditionShare: 0.4,
    benefit: 0.8,
    linkShare: { sameArea: 0.6, crossArea: 0.1 },
    crossArea: [{ from: OPEN_PLAN, to: OPEN_PLAN, sameFloor: true }],
  },
  {
    key: "presence_light",
    description: "someone arriving turns lights on",
    trigger: { domain: "binary_sensor", deviceClasses: ["presence"] },
    action: { domain: "light" },
    triggerState: "on",
    actionState: "on",
    delay: { medianMs: 5 * SECOND, sigma: 0.5 },
    probability: [0.5, 0.9],
    condition: "dark",
    conditionShare: 0.5,
    benefit: 0.75,
    linkShare: { sameArea: 0.6, crossArea: 0.25 },
    crossArea: [
      { from: ["entrance"], to: ["hallway", "living_room", "porch", "stairs"], sameFloor: true },
      { from: ["living_room"], to: ["dining_room", "kitchen"], sameFloor: true },
    ],
  },
  {
    key: "door_light",
    description: "opening a door turns a light on",
    trigger: { domain: "binary_sensor", deviceClasses: ["door"] },
    action: { domain: "light" },
    triggerState: "open",
    actionState: "on",
    delay: { medianMs: 2 * SECOND, sigma: 0.4 },
    probability: [0.6, 0.95],
    condition: "dark",
    conditionShare: 0.7,
    benefit: 0.8,
    linkShare: { sameArea: 0.55, crossArea: 0.3 },
    crossArea: [
      { from: ["entrance"], to: ["hallway", "stairs", "porch", "living_room"], sameFloor: true },
      { from: ["garage"], to: ["driveway", "hallway"], sameFloor: true },
      { from: ["kitchen", "patio"], to: ["patio", "yard", "kitchen"], sameFloor: true },
      { from: ["porch"], to: ["entrance", "hallway"], sameFloor: true },
    ],
  },
  {
    key: "door_lock",
    description: "closing a door locks it after a while",
    trigger: { domain: "binary_sensor", deviceClasses: ["door"] },
    action: { domain: "lock" },
    triggerState: "closed",
    actionState: "locked",
    delay: { medianMs: 1 * MINUTE, sigma: 0.5 },
    probability: [0.7, 0.95],
    condition: null,
    conditionShare: 0,
    benefit: 0.85,
    linkShare: { sameArea: 0.6, crossArea: 0.3 },
    crossArea: [
      { from: ["porch"], to: ["entrance"], sameFloor: true },
      { from: ["entrance"], to: ["porch"], sameFloor: true },
      { from: ["kitchen"], to: ["patio"], sameFloor: true },
    ],
  },
  {
    key: "temperature_climate",
    description: "a warm room makes the climate device cool",
    trigger: { domain: "sensor", deviceClasses: ["temperature"] },
    action: { domain: "climate" },
    triggerState: "high",
    actionState: "cool",
    delay: { medianMs: 5 * MINUTE, sigma: 0.6 },
    probability: [0.5, 0.9],
    condition: "occupied",
    conditionShare: 0.5,
    benefit: 0.7,
    linkShare: { sameArea: 0.6, crossArea: 0.1 },
    crossArea: [
      { from: INDOOR, to: CLIMATE_ROOMS, sameFloor: true },
      { from: ["yard", "garden", "patio", "porch"], to: CLIMATE_ROOMS, sameFloor: false },
    ],
  },
  {
    key: "window_climate",
    description: "opening a window switches the climate device off",
    trigger: { domain: "binary_sensor", deviceClasses: ["window"] },
    action: { domain: "climate" },
    triggerState: "open",
    actionState: "off",
    delay: { medianMs: 30 * SECOND, sigma: 0.5 },
    probability: [0.7, 0.95],
    condition: null,
    conditionShare: 0,
    benefit: 0.65,
    linkShare: { sameArea: 0.5, crossArea: 0.15 },
    crossArea: [{ from: INDOOR, to: CLIMATE_ROOMS, sameFloor: true }],
  },
  {
    key: "humidity_fan",
    description: "high humidity turns an extractor fan on",
    trigger: { domain: "sensor", deviceClasses: ["humidity"] },
    action: { domain: "fan" },
    triggerState: "high",
    actionState: "on",
    delay: { medianMs: 2 * MINUTE, sigma: 0.5 },
    probability: [0.6, 0.95],
    condition: null,
    conditionShare: 0,
    benefit: 0.75,
    linkShare: { sameArea: 0.7, crossArea: 0.2 },
    crossArea: [{ from: ["basement", "kitchen"], to: ["laundry"], sameFloor: false }],
  },
  {
    key: "temperature_fan",
    description: "a warm room turns a fan on",
    trigger: { domain: "sensor", deviceClasses: ["temperature"] },
    action: { domain: "fan" },
    triggerState: "high",
    actionState: "on",
    delay: { medianMs: 3 * MINUTE, sigma: 0.6 },
    probability: [0.4, 0.85],
    condition: "occupied",
    conditionShare: 0.6,
    benefit: 0.55,
    linkShare: { sameArea: 0.5, crossArea: 0.1 },
    crossArea: [{ from: OPEN_PLAN, to: ["living_room"], sameFloor: true }],
  },
  {
    key: "media_light",
    description: "starting a film on the TV switches the lights off",
    trigger: { domain: "media_player", deviceClasses: ["tv"] },
    action: { domain: "light" },
    triggerState: "playing",
    actionState: "off",
    delay: { medianMs: 4 * SECOND, sigma: 0.5 },
    probability: [0.4, 0.85],
    condition: "dark",
    conditionShare: 0.3,
    benefit: 0.5,
    linkShare: { sameArea: 0.4, crossArea: 0.1 },
    crossArea: [{ from: ["living_room"], to: ["dining_room"], sameFloor: true }],
  },
  {
    key: "motion_switch",
    description: "motion turns a plug or switch on",
    trigger: { domain: "binary_sensor", deviceClasses: ["motion"] },
    action: { domain: "switch", deviceClasses: ["outlet", "switch"], excludeTemplates: ["irrigation"] },
    triggerState: "on",
    actionState: "on",
    delay: { medianMs: 3 * SECOND, sigma: 0.5 },
    probability: [0.5, 0.9],
    condition: "occupied",
    conditionShare: 0.3,
    benefit: 0.45,
    linkShare: { sameArea: 0.35, crossArea: 0.1 },
    crossArea: [{ from: PASSAGES, to: PASSAGES, sameFloor: false }],
  },
  {
    key: "illuminance_light",
    description: "falling light level turns a light on",
    trigger: { domain: "sensor", deviceClasses: ["illuminance"] },
    action: { domain: "light" },
    triggerState: "low",
    actionState: "on",
    delay: { medianMs: 10 * SECOND, sigma: 0.5 },
    probability: [0.6, 0.9],
    condition: "occupied",
    conditionShare: 0.4,
    benefit: 0.6,
    linkShare: { sameArea: 0.5, crossArea: 0.15 },
    crossArea: [{ from: ["living_room"], to: OPEN_PLAN, sameFloor: true }],
  },
  {
    key: "garage_door_light",
    description: "opening the garage door turns the garage and driveway lights on",
    trigger: { domain: "cover", deviceClasses: ["garage"] },
    action: { domain: "light" },
    triggerState: "open",
    actionState: "on",
    delay: { medianMs: 2 * SECOND, sigma: 0.4 },
    probability: [0.6, 0.95],
    condition: "dark",
    conditionShare: 0.5,
    benefit: 0.7,
    linkShare: { sameArea: 0.6, crossArea: 0.4 },
    crossArea: [{ from: ["garage"], to: ["driveway"], sameFloor: false }],
  },
];

export const RELATIONSHIP_BY_KEY: ReadonlyMap<string, RelationshipType> = new Map(
  RELATIONSHIPS.map((r) => [r.key, r]),
);

/** Whether a device (domain, device_class, template) can play this side of a relationship. */
export function endpointMatches(
  match: EndpointMatch,
  device: { domain: string; deviceClass: string; template?: string },
): boolean {
  if (device.domain !== match.domain) return false;
  if (match.deviceClasses && !match.deviceClasses.includes(device.deviceClass)) return false;
  if (
    match.excludeTemplates &&
    device.template !== undefined &&
    match.excludeTemplates.includes(device.template)
  )
    return false;
  return true;
}

/** Whether devices in two different areas may form a pair of this relationship. */
export function crossAreaAllowed(
  relationship: RelationshipType,
  triggerArea: { kind: AreaKind; floor: number },
  actionArea: { kind: AreaKind; floor: number },
): boolean {
  return relationship.crossArea.some(
    (rule) =>
      rule.from.includes(triggerArea.kind) &&
      rule.to.includes(actionArea.kind) &&
      (!rule.sameFloor || triggerArea.floor === actionArea.floor),
  );
}
