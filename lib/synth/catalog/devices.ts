import type { AreaKind } from "./areas.js";
import type { DeviceFamily } from "./homeTypes.js";

export const HEALTH_TYPES = [
  "sensor",
  "switch",
  "light",
  "climate",
  "security",
  "battery_powered",
  "media",
  "vacuum",
] as const;
export type HealthType = (typeof HEALTH_TYPES)[number];

export type PowerSource = "battery" | "mains";

/** Home Assistant domains the generator uses. */
export type Domain =
  | "light"
  | "switch"
  | "sensor"
  | "binary_sensor"
  | "climate"
  | "lock"
  | "cover"
  | "media_player"
  | "vacuum"
  | "fan"
  | "camera"
  | "alarm_control_panel";

/** Every domain, in a fixed order (the order model inputs one-hot them in). */
export const DOMAINS: readonly Domain[] = Object.keys({
  light: 1,
  switch: 1,
  sensor: 1,
  binary_sensor: 1,
  climate: 1,
  lock: 1,
  cover: 1,
  media_player: 1,
  vacuum: 1,
  fan: 1,
  camera: 1,
  alarm_control_panel: 1,
} satisfies Record<Domain, 1>) as Domain[];

export interface DeviceTemplate {
  /** Unique template key, e.g. "motion_sensor". */
  key: string;
  family: DeviceFamily;
  domain: Domain;
  /** Home Assistant device_class, or "" where the domain has none. */
  deviceClass: string;
  /** object_id suffix: entity_id is `<domain>.<area>_<name>`. */
  name: string;
  healthType: HealthType;
  powerSource: PowerSource;
  /** Area kinds the device can be placed in. */
  areas: readonly AreaKind[];
  /** Relative frequency when filling a home beyond its essentials. */
  weight: number;
  /** At most this many per area. */
  maxPerArea: number;
}

const INDOOR_ROOMS: AreaKind[] = [
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
const LIVING: AreaKind[] = ["living_room", "bedroom", "office", "dining_room", "kitchen"];
const OUTDOOR: AreaKind[] = ["yard", "garden", "patio", "porch", "driveway"];

export const DEVICE_TEMPLATES: readonly DeviceTemplate[] = [
  // lighting
  t("ceiling_light", "lighting", "light", "", "ceiling", "light", "mains", INDOOR_ROOMS, 8, 1),
  t("lamp", "lighting", "light", "", "lamp", "light", "mains", LIVING, 5, 2),
  t(
    "led_strip",
    "lighting",
    "light",
    "",
    "led_strip",
    "light",
    "mains",
    ["living_room", "kitchen", "bedroom"],
    2,
    1,
  ),
  t("outdoor_light", "outdoor", "light", "", "light", "light", "mains", OUTDOOR, 5, 2),
  // plugs and switches
  t("smart_plug", "plugs", "switch", "outlet", "plug", "switch", "mains", INDOOR_ROOMS, 5, 3),
  t("wall_switch", "plugs", "switch", "switch", "switch", "switch", "mains", INDOOR_ROOMS, 3, 1),
  t("coffee_maker", "appliances", "switch", "outlet", "coffee_maker", "switch", "mains", ["kitchen"], 1, 1),
  t("exhaust_fan", "environment", "fan", "", "exhaust_fan", "switch", "mains", ["bathroom", "laundry"], 3, 1),
  t("ceiling_fan", "climate", "fan", "", "ceiling_fan", "switch", "mains", ["living_room", "bedroom"], 2, 1),
  // motion, occupancy, presence
  t(
    "motion_sensor",
    "motion",
    "binary_sensor",
    "motion",
    "motion",
    "battery_powered",
    "battery",
    INDOOR_ROOMS,
    6,
    1,
  ),
  t("occupancy_sensor", "motion", "binary_sensor", "occupancy", "occupancy", "sensor", "mains", LIVING, 2, 1),
  t(
    "presence_sensor",
    "motion",
    "binary_sensor",
    "presence",
    "presence",
    "sensor",
    "mains",
    ["entrance", "living_room"],
    1,
    1,
  ),
  t(
    "outdoor_motion",
    "outdoor",
    "binary_sensor",
    "motion",
    "motion",
    "battery_powered",
    "battery",
    OUTDOOR,
    3,
    1,
  ),
  // contacts
  t(
    "door_sensor",
    "contact",
    "binary_sensor",
    "door",
    "door",
    "battery_powered",
    "battery",
    ["entrance", "garage", "kitchen", "patio", "porch", "basement"],
    3,
    1,
  ),
  t(
    "window_sensor",
    "contact",
    "binary_sensor",
    "window",
    "window",
    "battery_powered",
    "battery",
    ["living_room", "bedroom", "kitchen", "office", "dining_room", "bathroom"],
    4,
    2,
  ),
  // environment
  t(
    "temperature_sensor",
    "environment",
    "sensor",
    "temperature",
    "temperature",
    "battery_powered",
    "battery",
    INDOOR_ROOMS,
    4,
    1,
  ),
  t(
    "humidity_sensor",
    "environment",
    "sensor",
    "humidity",
    "humidity",
    "battery_powered",
    "battery",
    ["bathroom", "kitchen", "laundry", "basement", "bedroom"],
    3,
    1,
  ),
  t(
    "illuminance_sensor",
    "environment",
    "sensor",
    "illuminance",
    "illuminance",
    "sensor",
    "mains",
    ["living_room", "hallway", "office"],
    1,
    1,
  ),
  t(
    "outdoor_temperature",
    "outdoor",
    "sensor",
    "temperature",
    "temperature",
    "battery_powered",
    "battery",
    ["yard", "garden", "patio", "porch"],
    2,
    1,
  ),
  t(
    "leak_sensor",
    "environment",
    "binary_sensor",
    "moisture",
    "leak",
    "battery_powered",
    "battery",
    ["bathroom", "kitchen", "laundry", "basement"],
    2,
    1,
  ),
  t(
    "smoke_detector",
    "security",
    "binary_sensor",
    "smoke",
    "smoke",
    "security",
    "battery",
    ["hallway", "kitchen", "bedroom"],
    2,
    1,
  ),
  // energy
  t(
    "power_meter",
    "energy",
    "sensor",
    "power",
    "power",
    "sensor",
    "mains",
    ["kitchen", "laundry", "garage", "basement", "office"],
    2,
    1,
  ),
  t(
    "energy_meter",
    "energy",
    "sensor",
    "energy",
    "energy",
    "sensor",
    "mains",
    ["laundry", "garage", "basement", "hallway"],
    1,
    1,
  ),
  // climate
  t(
    "thermostat",
    "climate",
    "climate",
    "",
    "thermostat",
    "climate",
    "mains",
    ["living_room", "hallway", "bedroom", "office"],
    2,
    1,
  ),
  t(
    "air_conditioner",
    "climate",
    "climate",
    "",
    "ac",
    "climate",
    "mains",
    ["bedroom", "living_room", "office"],
    1,
    1,
  ),
  // security
  t(
    "smart_lock",
    "security",
    "lock",
    "",
    "door_lock",
    "security",
    "battery",
    ["entrance", "garage", "patio", "porch"],
    2,
    1,
  ),
  t(
    "indoor_camera",
    "security",
    "camera",
    "",
    "camera",
    "security",
    "mains",
    ["living_room", "entrance", "garage"],
    1,
    1,
  ),
  t("outdoor_camera", "outdoor", "camera", "", "camera", "security", "mains", OUTDOOR, 2, 1),
  t(
    "alarm_panel",
    "security",
    "alarm_control_panel",
    "",
    "alarm",
    "security",
    "mains",
    ["entrance", "hallway"],
    1,
    1,
  ),
  // covers
  t(
    "blind",
    "covers",
    "cover",
    "blind",
    "blind",
    "switch",
    "mains",
    ["living_room", "bedroom", "office", "dining_room"],
    3,
    1,
  ),
  t("garage_door", "covers", "cover", "garage", "garage_door", "switch", "mains", ["garage"], 3, 1),
  // media
  t("tv", "media", "media_player", "tv", "tv", "media", "mains", ["living_room", "bedroom"], 3, 1),
  t(
    "speaker",
    "media",
    "media_player",
    "speaker",
    "speaker",
    "media",
    "mains",
    ["living_room", "kitchen", "bedroom", "office", "bathroom"],
    3,
    1,
  ),
  // appliances
  t(
    "robot_vacuum",
    "appliances",
    "vacuum",
    "",
    "robot_vacuum",
    "vacuum",
    "mains",
    ["living_room", "hallway"],
    1,
    1,
  ),
  t("irrigation", "outdoor", "switch", "switch", "irrigation", "switch", "mains", ["garden", "yard"], 2, 1),
];

function t(
  key: string,
  family: DeviceFamily,
  domain: Domain,
  deviceClass: string,
  name: string,
  healthType: HealthType,
  powerSource: PowerSource,
  areas: readonly AreaKind[],
  weight: number,
  maxPerArea: number,
): DeviceTemplate {
  return { key, family, domain, deviceClass, name, healthType, powerSource, areas, weight, maxPerArea };
}

/** Every non-empty device_class of the templates, in template order. */
export const DEVICE_CLASSES: readonly string[] = [
  ...new Set(DEVICE_TEMPLATES.map((t) => t.deviceClass).filter((c) => c !== "")),
];

export const TEMPLATE_BY_KEY: ReadonlyMap<string, DeviceTemplate> = new Map(
  DEVICE_TEMPLATES.map((d) => [d.key, d]),
);

/**
 * Devices every home gets first (when it has a fitting area and room in its device
 * count), in this order: the backbone that makes a home behave like a home.
 */
export const ESSENTIAL_DEVICES: readonly { key: string; area: AreaKind }[] = [
  { key: "ceiling_light", area: "living_room" },
  { key: "ceiling_light", area: "kitchen" },
  { key: "motion_sensor", area: "hallway" },
  { key: "door_sensor", area: "entrance" },
  { key: "ceiling_light", area: "entrance" },
  { key: "thermostat", area: "living_room" },
  { key: "ceiling_light", area: "bedroom" },
  { key: "ceiling_light", area: "bathroom" },
  { key: "smart_lock", area: "entrance" },
  { key: "tv", area: "living_room" },
  { key: "motion_sensor", area: "living_room" },
  { key: "humidity_sensor", area: "bathroom" },
];
