import { HomeforgeError } from "../../core/errors.js";
import { buildHourGrid, type HourGrid, localClock } from "../../core/localTime.js";
import type { AreaPlace } from "../../synth/catalog/areaAdjacency.js";
import { AREA_KINDS, type AreaKind } from "../../synth/catalog/areas.js";
import { DOMAINS, type Domain } from "../../synth/catalog/devices.js";
import { behaviourFor, type EventBehaviour } from "../../synth/catalog/eventBehaviour.js";

/**
 * One home's data as the synergy graph builder reads it: plain records for areas and
 * devices, columns for events. What a dataset's tables hold for one home, and what a user's
 * own home (no truth) can be given as.
 */
export interface SynergyHomeData {
  homeId: string;
  homeType: string;
  /** IANA time zone: onset rates and activity profiles are per local hour. */
  timezone: string;
  /** UTC ms of the start of the home's horizon (its local midnight of the dataset's start day). */
  startUtcMs: number;
  /** Days the events cover. */
  days: number;
  areas: readonly SynergyArea[];
  /** Node order: this order. */
  devices: readonly SynergyDevice[];
  events: SynergyEvents;
  /** The planted truth (synergies-table rows of the home, in table order); absent for a user's own home. */
  truth?: readonly SynergyTruthRow[] | null;
}

export interface SynergyArea {
  areaId: string;
  /** A catalog area kind (living_room, hallway, …). */
  kind: string;
  floor: number;
  indoor: boolean;
}

export interface SynergyDevice {
  entityId: string;
  domain: string;
  /** "" where the domain has none. */
  deviceClass: string;
  areaId: string;
  powerSource: string;
  /** The catalog template, when known: it picks the numeric thresholds and rest states. */
  template?: string;
}

/** Events as columns (the events table's columns for one home), any order. */
export interface SynergyEvents {
  entityId: readonly (string | null)[];
  /** UTC epoch ms. */
  time: ArrayLike<number>;
  state: readonly (string | null)[];
  /** Numeric reading, NaN or null when none. */
  value: ArrayLike<number | null>;
}

export interface SynergyTruthRow {
  trigger: string;
  action: string;
  relationship: string;
  linked: boolean;
  confounder: string | null;
}

/** One device's events, sorted by time (stable), with each event's local hour of day. */
export interface DeviceSeries {
  time: Float64Array;
  state: (string | null)[];
  value: Float64Array;
  hour: Uint8Array;
}

/** A validated home with its events grouped per device: what every feature is computed from. */
export interface IndexedHome {
  data: SynergyHomeData;
  areas: (AreaPlace & { kind: AreaKind })[];
  /** Per device: index into `areas`. */
  areaOf: Int32Array;
  devices: readonly SynergyDevice[];
  behaviours: EventBehaviour[];
  deviceIndex: ReadonlyMap<string, number>;
  series: DeviceSeries[];
  /** The home's local-hour grid from its start (DST aware). */
  grid: HourGrid;
}

const HOUR_MS = 3_600_000;
const AREA_KIND_SET: ReadonlySet<string> = new Set(AREA_KINDS);
const DOMAIN_SET: ReadonlySet<string> = new Set(DOMAINS);

/** Validates a home and groups its events per device (time order, stored order among ties). */
export function indexHome(data: SynergyHomeData): IndexedHome {
  const where = `home ${data.homeId}`;
  if (!Number.isFinite(data.startUtcMs))
    throw new HomeforgeError("startUtcMs", `${where}: must be a UTC time in ms`, "pass its horizon start");
  if (!(data.days > 0) || !Number.isFinite(data.days))
    throw new HomeforgeError(
      "days",
      `${where}: must be a positive number of days, got ${data.days}`,
      "pass the days its events cover",
    );
  const areaIndex = new Map<string, number>();
  const areas = data.areas.map((a, i) => {
    if (!AREA_KIND_SET.has(a.kind))
      throw new HomeforgeError(
        "areas.kind",
        `${where}: area ${a.areaId} has kind "${a.kind}"`,
        `use one of ${AREA_KINDS.join(", ")}`,
      );
    areaIndex.set(a.areaId, i);
    return { areaId: a.areaId, kind: a.kind as AreaKind, floor: a.floor, indoor: a.indoor };
  });
  const deviceIndex = new Map<string, number>();
  const areaOf = new Int32Array(data.devices.length);
  const behaviours = data.devices.map((d, i) => {
    if (deviceIndex.has(d.entityId))
      throw new HomeforgeError(
        "devices.entity_id",
        `${where}: ${d.entityId} is listed twice`,
        "list each device once",
      );
    if (!DOMAIN_SET.has(d.domain))
      throw new HomeforgeError(
        "devices.domain",
        `${where}: ${d.entityId} has domain "${d.domain}"`,
        `use one of ${DOMAINS.join(", ")}`,
      );
    const area = areaIndex.get(d.areaId);
    if (area === undefined)
      throw new HomeforgeError(
        "devices.area_id",
        `${where}: ${d.entityId} names area ${d.areaId}, which the home does not have`,
        "give every device an area of its home",
      );
    deviceIndex.set(d.entityId, i);
    areaOf[i] = area;
    return behaviourFor({ template: d.template ?? "", domain: d.domain as Domain });
  });
  const grid = hourGrid(data);
  return {
    data,
    areas,
    areaOf,
    devices: data.devices,
    behaviours,
    deviceIndex,
    series: groupEvents(data, deviceIndex, grid),
    grid,
  };
}

/** Local hour of day of a UTC time: from the grid inside the horizon, from the zone outside it. */
export function localHourOf(grid: HourGrid, utcMs: number): number {
  const slot = Math.floor((utcMs - grid.startUtcMs) / HOUR_MS);
  return slot >= 0 && slot < grid.hours ? grid.localHour[slot] : localClock(utcMs, grid.timeZone).hour;
}

/** Hours of each local hour of day in [startUtcMs, endUtcMs): the exposure behind a per-hour rate. */
export function hoursPerLocalHour(grid: HourGrid, startUtcMs: number, endUtcMs: number): Float64Array {
  const hours = new Float64Array(24);
  for (let t = startUtcMs; t < endUtcMs; t += HOUR_MS) hours[localHourOf(grid, t)]++;
  return hours;
}

function hourGrid(data: SynergyHomeData): HourGrid {
  try {
    const c = localClock(data.startUtcMs, data.timezone);
    const date = `${c.year}-${String(c.month).padStart(2, "0")}-${String(c.day).padStart(2, "0")}`;
    return buildHourGrid(date, Math.ceil(data.days) + 1, data.timezone);
  } catch (e) {
    if (e instanceof RangeError)
      throw new HomeforgeError(
        "timezone",
        `home ${data.homeId}: "${data.timezone}" is not an IANA time zone`,
        "pass e.g. Europe/Berlin",
      );
    throw e;
  }
}

function groupEvents(
  data: SynergyHomeData,
  deviceIndex: ReadonlyMap<string, number>,
  grid: HourGrid,
): DeviceSeries[] {
  const { entityId, time, state, value } = data.events;
  const n = entityId.length;
  if (time.length !== n || state.length !== n || value.length !== n)
    throw new HomeforgeError(
      "events",
      `home ${data.homeId}: columns have different lengths`,
      "pass entity_id, time, state and value of the same events",
    );
  const device = new Int32Array(n);
  const counts = new Int32Array(data.devices.length);
  for (let i = 0; i < n; i++) {
    const d = deviceIndex.get(entityId[i] ?? "");
    if (d === undefined)
      throw new HomeforgeError(
        "events.entity_id",
        `home ${data.homeId}: an event of ${entityId[i]}, which is not one of its devices`,
        "pass the home's devices with its events",
      );
    if (!Number.isFinite(time[i]))
      throw new HomeforgeError(
        "events.time",
        `home ${data.homeId}: an event of ${entityId[i]} has time ${time[i]}`,
        "give every event a UTC time in ms",
      );
    device[i] = d;
    counts[d]++;
  }
  const order = [...counts].map((c) => new Int32Array(c));
  const filled = new Int32Array(data.devices.length);
  for (let i = 0; i < n; i++) order[device[i]][filled[device[i]]++] = i;
  return order.map((rows) => {
    let sorted = true;
    for (let k = 1; k < rows.length; k++) if (time[rows[k]] < time[rows[k - 1]]) sorted = false;
    const idx = sorted ? rows : rows.slice().sort((a, b) => time[a] - time[b] || a - b);
    const m = idx.length;
    const series: DeviceSeries = {
      time: new Float64Array(m),
      state: new Array<string | null>(m),
      value: new Float64Array(m),
      hour: new Uint8Array(m),
    };
    for (let k = 0; k < m; k++) {
      const i = idx[k];
      series.time[k] = time[i];
      series.state[k] = state[i];
      series.value[k] = value[i] ?? Number.NaN;
      series.hour[k] = localHourOf(grid, time[i]);
    }
    return series;
  });
}

/** How many of the ascending `times` lie before `endUtcMs`: a cut's prefix length. */
export function countBefore(times: Float64Array, endUtcMs: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < endUtcMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
