import { AREA_KINDS } from "../../synth/catalog/areas.js";
import { DEVICE_CLASSES, DOMAINS } from "../../synth/catalog/devices.js";

const HOURS = Array.from({ length: 24 }, (_, h) => `activity_hour_${String(h).padStart(2, "0")}`);

/**
 * The node features, in the column order of SynergyGraph.nodeFeatures. One-hots over the
 * catalog's fixed lists (so the columns do not depend on the dataset; a device_class the
 * catalog does not know is all zeros), then the place, then the device's activity: the share
 * of its events in each local hour of day (zeros when it has none) and log1p events per day.
 */
export const NODE_FEATURE_NAMES: readonly string[] = [
  ...DOMAINS.map((d) => `domain_${d}`),
  ...DEVICE_CLASSES.map((c) => `device_class_${c}`),
  "indoor",
  "battery",
  ...AREA_KINDS.map((k) => `area_${k}`),
  "floor",
  ...HOURS,
  "log_events_per_day",
];

/** What a node's features are made of. */
export interface NodeDescription {
  domain: string;
  deviceClass: string;
  indoor: boolean;
  powerSource: string;
  areaKind: string;
  floor: number;
  /** Local hour of day of each of the device's events in the history. */
  eventHours: ArrayLike<number>;
}

const column = (names: readonly string[], prefix: string) =>
  new Map(names.map((n) => [n.slice(prefix.length), NODE_FEATURE_NAMES.indexOf(n)] as const));
const DOMAIN_COLUMN = column(
  NODE_FEATURE_NAMES.filter((n) => n.startsWith("domain_")),
  "domain_",
);
const CLASS_COLUMN = column(
  NODE_FEATURE_NAMES.filter((n) => n.startsWith("device_class_")),
  "device_class_",
);
const AREA_COLUMN = column(
  NODE_FEATURE_NAMES.filter((n) => n.startsWith("area_")),
  "area_",
);
const INDOOR = NODE_FEATURE_NAMES.indexOf("indoor");
const BATTERY = NODE_FEATURE_NAMES.indexOf("battery");
const FLOOR = NODE_FEATURE_NAMES.indexOf("floor");
const HOUR_0 = NODE_FEATURE_NAMES.indexOf(HOURS[0]);
const EVENTS_PER_DAY = NODE_FEATURE_NAMES.indexOf("log_events_per_day");

/** The node feature matrix (nodes × NODE_FEATURE_NAMES.length, row-major). */
export function nodeFeatureMatrix(nodes: readonly NodeDescription[], observedDays: number): Float32Array {
  const width = NODE_FEATURE_NAMES.length;
  const out = new Float32Array(nodes.length * width);
  nodes.forEach((node, i) => {
    const row = out.subarray(i * width, (i + 1) * width);
    const set = (c: number | undefined, v = 1) => {
      if (c !== undefined) row[c] = v;
    };
    set(DOMAIN_COLUMN.get(node.domain));
    set(CLASS_COLUMN.get(node.deviceClass));
    set(INDOOR, node.indoor ? 1 : 0);
    set(BATTERY, node.powerSource === "battery" ? 1 : 0);
    set(AREA_COLUMN.get(node.areaKind));
    set(FLOOR, node.floor);
    const n = node.eventHours.length;
    const perHour = new Float64Array(24);
    for (let k = 0; k < n; k++) perHour[node.eventHours[k]]++;
    if (n > 0) for (let h = 0; h < 24; h++) row[HOUR_0 + h] = perHour[h] / n;
    set(EVENTS_PER_DAY, Math.log1p(n / observedDays));
  });
  return out;
}
