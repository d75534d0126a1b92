import { deriveSeed, Rng } from "../core/random.js";
import { AREA_TEMPLATES, type AreaKind, type FloorRule, OUTDOOR_AREA_KINDS } from "./catalog/areas.js";
import {
  DEVICE_TEMPLATES,
  type DeviceTemplate,
  type Domain,
  ESSENTIAL_DEVICES,
  type HealthType,
  type PowerSource,
  TEMPLATE_BY_KEY,
} from "./catalog/devices.js";
import {
  HOME_TYPE_SPECS,
  HOME_TYPES,
  type HomeType,
  type RadioEnvironment,
  SCHEDULE_SHARES,
  SCHEDULES,
  type Schedule,
  SIZE_CATEGORIES,
  SIZE_CATEGORY_SPEC,
  type SizeCategory,
} from "./catalog/homeTypes.js";
import { CITIES, type ClimateZone } from "./catalog/locations.js";

export interface Vacation {
  /** First day away, counted from the dataset start (0-based). */
  startDay: number;
  days: number;
}

export interface Home {
  homeId: string;
  index: number;
  homeType: HomeType;
  sizeCategory: SizeCategory;
  timezone: string;
  latitude: number;
  longitude: number;
  climateZone: ClimateZone;
  occupants: number;
  schedule: Schedule;
  floors: number;
  radio: RadioEnvironment;
  outdoorExposure: number;
  vacations: Vacation[];
}

export interface Area {
  homeId: string;
  areaId: string;
  name: string;
  kind: AreaKind;
  floor: number;
  indoor: boolean;
}

export interface Device {
  homeId: string;
  entityId: string;
  domain: Domain;
  deviceClass: string;
  areaId: string;
  healthType: HealthType;
  powerSource: PowerSource;
  /** The catalog template the device was made from. */
  template: string;
  friendlyName: string;
}

export interface GeneratedHome {
  home: Home;
  areas: Area[];
  devices: Device[];
}

/** What home generation needs from the config. */
export interface HomeGenerationSpec {
  seed: number;
  days: number;
  /** Shares per home type in HOME_TYPES order. */
  mix: readonly number[];
  /** Restrict locations to these time zones (all catalog cities when absent). */
  timezones?: readonly string[];
  /** Every home's radio class (drift scenarios); absent: the home type's. */
  radioEnvironment?: RadioEnvironment;
  /** Shares per size category in SIZE_CATEGORIES order; absent: the catalog's (SIZE_CATEGORY_SPEC). */
  sizeMix?: readonly number[];
}

const CATALOG_SIZE_WEIGHTS = SIZE_CATEGORIES.map((s) => SIZE_CATEGORY_SPEC[s].share);

const GOLDEN_FRACTION = 0.6180339887498949;

export function homeId(index: number): string {
  return `home_${String(index).padStart(6, "0")}`;
}

/**
 * Home type of home `index`: a Weyl (golden-ratio) sequence with a seeded offset, mapped
 * through the cumulative mix. Any run of N consecutive homes matches the mix to within
 * O(1/N), unlike independent draws, and the type still depends only on (seed, index).
 */
export function homeTypeAt(spec: Pick<HomeGenerationSpec, "seed" | "mix">, index: number): HomeType {
  const offset = deriveSeed(spec.seed, "home_type_offset") / 2 ** 32;
  const u = (offset + index * GOLDEN_FRACTION) % 1;
  let total = 0;
  for (const share of spec.mix) total += share;
  let acc = 0;
  for (let i = 0; i < HOME_TYPES.length; i++) {
    acc += spec.mix[i] / total;
    if (u < acc) return HOME_TYPES[i];
  }
  for (let i = HOME_TYPES.length - 1; i >= 0; i--) if (spec.mix[i] > 0) return HOME_TYPES[i];
  return HOME_TYPES[0];
}

/** Generates home `index`: a pure function of (spec, index). */
export function generateHome(spec: HomeGenerationSpec, index: number): GeneratedHome {
  const rng = Rng.derive(spec.seed, index, "home");
  const homeType = homeTypeAt(spec, index);
  const typeSpec = HOME_TYPE_SPECS[homeType];
  // one draw from the home's own stream whatever the mix: only the weights change
  const sizeCategory = SIZE_CATEGORIES[rng.weightedIndex(spec.sizeMix ?? CATALOG_SIZE_WEIGHTS)];
  const cities = spec.timezones ? CITIES.filter((c) => spec.timezones!.includes(c.timezone)) : CITIES;
  const city = cities[rng.weightedIndex(cities.map((c) => c.weight))];
  const schedule = SCHEDULES[rng.weightedIndex(SCHEDULES.map((s) => SCHEDULE_SHARES[s]))];
  const floors = rng.int(typeSpec.floors[0], typeSpec.floors[1]);
  const id = homeId(index);
  const home: Home = {
    homeId: id,
    index,
    homeType,
    sizeCategory,
    timezone: city.timezone,
    latitude: round4(city.latitude + rng.uniform(-0.25, 0.25)),
    longitude: round4(city.longitude + rng.uniform(-0.25, 0.25)),
    climateZone: city.climateZone,
    occupants: rng.int(typeSpec.occupants[0], typeSpec.occupants[1]),
    schedule,
    floors,
    radio: spec.radioEnvironment ?? typeSpec.radio,
    outdoorExposure: typeSpec.outdoorExposure,
    vacations: drawVacations(rng, spec.days, schedule),
  };
  const areas = generateAreas(home, Rng.derive(spec.seed, index, "areas"));
  const [fLo, fHi] = SIZE_CATEGORY_SPEC[sizeCategory].rangeFraction;
  const [cLo, cHi] = typeSpec.deviceCount;
  const deviceCount = cLo + Math.round((cHi - cLo) * rng.uniform(fLo, fHi));
  const devices = generateDevices(home, areas, deviceCount, Rng.derive(spec.seed, index, "devices"));
  return { home, areas, devices };
}

function drawVacations(rng: Rng, days: number, schedule: Schedule): Vacation[] {
  const perYear = schedule === "retired" ? 2.5 : 1.5;
  const count = rng.poisson((perYear * days) / 365);
  const vacations: Vacation[] = [];
  for (let i = 0; i < count; i++) {
    const startDay = rng.int(0, days - 1);
    const length = Math.min(rng.int(3, 14), days - startDay);
    vacations.push({ startDay, days: length });
  }
  return vacations.sort((a, b) => a.startDay - b.startDay);
}

function floorFor(rule: FloorRule, floors: number, rng: Rng): number {
  switch (rule) {
    case "ground":
      return 0;
    case "basement":
      return -1;
    case "upper":
      return floors > 1 ? rng.int(1, floors - 1) : 0;
    case "any":
      return rng.int(0, floors - 1);
  }
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

function generateAreas(home: Home, rng: Rng): Area[] {
  const areas: Area[] = [];
  const used = new Set<string>();
  for (const template of AREA_TEMPLATES[home.homeType]) {
    if (!rng.bernoulli(template.probability)) continue;
    const [lo, hi] = template.count ?? [1, 1];
    const count = rng.int(lo, hi);
    const base = rng.pick(template.names);
    for (let i = 1; i <= count; i++) {
      const name = count > 1 ? `${base} ${i}` : base;
      let areaId = slugify(name);
      for (let k = 2; used.has(areaId); k++) areaId = `${slugify(name)}_${k}`;
      used.add(areaId);
      areas.push({
        homeId: home.homeId,
        areaId,
        name,
        kind: template.kind,
        floor: floorFor(template.floor, home.floors, rng),
        indoor: !OUTDOOR_AREA_KINDS.has(template.kind),
      });
    }
  }
  return areas;
}

function generateDevices(home: Home, areas: Area[], count: number, rng: Rng): Device[] {
  const devices: Device[] = [];
  const entityIds = new Set<string>();
  const perAreaTemplate = new Map<string, number>();
  const typeMix = HOME_TYPE_SPECS[home.homeType].deviceMix;

  const add = (template: DeviceTemplate, area: Area) => {
    const objectBase = `${area.areaId}_${template.name}`;
    let entityId = `${template.domain}.${objectBase}`;
    for (let k = 2; entityIds.has(entityId); k++) entityId = `${template.domain}.${objectBase}_${k}`;
    entityIds.add(entityId);
    const slot = `${area.areaId}/${template.key}`;
    perAreaTemplate.set(slot, (perAreaTemplate.get(slot) ?? 0) + 1);
    devices.push({
      homeId: home.homeId,
      entityId,
      domain: template.domain,
      deviceClass: template.deviceClass,
      areaId: area.areaId,
      healthType: template.healthType,
      powerSource: template.powerSource,
      template: template.key,
      friendlyName: `${area.name} ${titleCase(template.name)}`,
    });
  };

  for (const essential of ESSENTIAL_DEVICES) {
    if (devices.length >= count) break;
    const area = areas.find((a) => a.kind === essential.area);
    const template = TEMPLATE_BY_KEY.get(essential.key)!;
    if (area && (perAreaTemplate.get(`${area.areaId}/${template.key}`) ?? 0) < template.maxPerArea)
      add(template, area);
  }

  // each candidate's slot key is built once: the loop below tests every candidate per device
  const candidates: { template: DeviceTemplate; area: Area; weight: number; slot: string }[] = [];
  for (const template of DEVICE_TEMPLATES) {
    for (const area of areas) {
      if (!template.areas.includes(area.kind)) continue;
      const outdoorFactor = area.indoor ? 1 : home.outdoorExposure;
      const weight = template.weight * (typeMix[template.family] ?? 1) * outdoorFactor;
      if (weight > 0) candidates.push({ template, area, weight, slot: `${area.areaId}/${template.key}` });
    }
  }
  // the candidates whose slot is not full, in candidate order, and their weights: each
  // candidate has a slot of its own, so only the one just chosen can fill up
  const open = candidates.filter((c) => (perAreaTemplate.get(c.slot) ?? 0) < c.template.maxPerArea);
  const openWeights = open.map((c) => c.weight);
  while (devices.length < count) {
    if (open.length === 0) {
      // Small homes with a high count can run out of distinct slots: more plugs is the realistic overflow.
      const plugs = candidates.filter((c) => c.template.key === "smart_plug");
      const plug = plugs[rng.weightedIndex(plugs.map((c) => c.weight))];
      add(plug.template, plug.area);
      continue;
    }
    const i = rng.weightedIndex(openWeights);
    const choice = open[i];
    add(choice.template, choice.area);
    if ((perAreaTemplate.get(choice.slot) ?? 0) >= choice.template.maxPerArea) {
      open.splice(i, 1);
      openWeights.splice(i, 1);
    }
  }
  return devices;
}

function titleCase(name: string): string {
  return name
    .split("_")
    .map((w) => (w.length <= 2 ? w.toUpperCase() : w[0].toUpperCase() + w.slice(1)))
    .join(" ");
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
