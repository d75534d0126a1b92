import { Rng } from "../core/random.js";
import {
  behaviourFor,
  catalogStates,
  type EventBehaviour,
  type FollowOccupancyBehaviour,
  type NumericBehaviour,
  type PulseBehaviour,
} from "./catalog/eventBehaviour.js";
import { type ConfounderPlan, planConfounders, scheduleConfounders } from "./confounders.js";
import {
  baseRatePerHour,
  buildHomeWorld,
  deviceRateScale,
  type EventContext,
  type HomeWorld,
  ProfileCache,
} from "./eventRates.js";
import type { FaultCounts, HomeEvents } from "./eventStream.js";
import { numericValueTrack, valueBounds } from "./eventValues.js";
import { logNormalFromUniform, logNormalTable, normalFromUniform } from "./fastDraws.js";
import { applyFaults, type FaultRates, NO_FAULT_COUNTS } from "./faults.js";
import type { Device, GeneratedHome } from "./homes.js";
import { ASLEEP, AWAY } from "./occupancy.js";
import type { PlantedSynergy } from "./synergyTypes.js";

/**
 * Home-Assistant-style event streams. Each device is a non-homogeneous Poisson process
 * whose intensity is piecewise constant per grid hour (eventRates.ts). Arrivals are drawn
 * by inverting the cumulative intensity — one exponential draw per event and a running sum
 * over hours, no draw for empty hours — and placed uniformly inside their hour, which is
 * exact for a piecewise-constant intensity. States then persist: a pulse device enters its
 * active state and returns to rest after a drawn duration (or just before its next
 * activation); numeric sensors report readings; an alarm panel follows occupancy.
 * Linked synergies add actions after a log-normal delay; routines and walk-throughs
 * (confounders.ts) switch devices together without a link. Output is columnar and sorted
 * by time; optional faults are applied last.
 */

/**
 * A home's events as columns. `state` is dictionary-coded: the state string of event i is
 * `stateNames[state[i]]`, except code 0 (`stateNames[0] === ""`), which marks a numeric
 * reading whose Home Assistant state is its value as text (see `eventStateText`).
 */

export type { FaultCounts, HomeEvents } from "./eventStream.js";

export interface EventGenerationContext extends EventContext {
  faults: FaultRates;
  /**
   * Routines and walk-throughs (confounders.ts); default true. false isolates the devices'
   * own processes and the planted links, for tests of one mechanism at a time.
   */
  confounders?: boolean;
}

/** State code of numeric readings. */
export const NUMERIC_STATE = 0;
const BASE_STATE_NAMES: readonly string[] = ["", ...catalogStates()];

const HOUR_MS = 3_600_000;
/** A synergy's `dark` condition holds when at least this share of the hour is dark. */
export const DARK_CONDITION_SHARE = 0.5;

/** The Home Assistant state string of event i. */
export function eventStateText(events: HomeEvents, i: number): string {
  const code = events.state[i];
  return code === NUMERIC_STATE ? formatReading(events.value[i]) : events.stateNames[code];
}

/** A reading as Home Assistant writes it: the number, without float noise. */
export function formatReading(value: number): string {
  if (Number.isNaN(value)) return "unknown";
  return String(Math.round(value * 1000) / 1000);
}

class StateDictionary {
  readonly names: string[] = [...BASE_STATE_NAMES];
  private readonly codes = new Map(this.names.map((n, i) => [n, i]));
  code(name: string): number {
    let c = this.codes.get(name);
    if (c === undefined) {
      c = this.names.length;
      if (c > 255) throw new Error(`too many distinct event states (${c})`);
      this.names.push(name);
      this.codes.set(name, c);
    }
    return c;
  }
}

/**
 * Growable event columns; devices append their events, then the whole home is sorted.
 * Entity and state share one Int32 (entity << 8 | state). Events at or past the end of
 * the horizon are not stored. Each push also counts its time bucket for the final sort.
 */
let spare: { time: Float64Array; meta: Int32Array; value: Float64Array } | null = null;

class EventBuffer {
  time: Float64Array;
  meta: Int32Array;
  value: Float64Array;
  length = 0;
  /** counts[b + 1] = events in time bucket b. */
  readonly counts: Int32Array;
  readonly bucketsPerMs: number;
  readonly lastBucket: number;
  constructor(
    capacity: number,
    readonly startMs: number,
    readonly endMs: number,
  ) {
    // reuse the previous home's columns: fresh multi-megabyte arrays cost page faults and zeroing
    if (spare && spare.time.length >= capacity) {
      this.time = spare.time;
      this.meta = spare.meta;
      this.value = spare.value;
    } else {
      this.time = new Float64Array(capacity);
      this.meta = new Int32Array(capacity);
      this.value = new Float64Array(capacity);
    }
    spare = null;
    // about four events per bucket measured fastest (scatter locality vs insertion work);
    // the capacity is about 1.5× the expected event count
    const buckets = Math.max(1, Math.floor(capacity / 6));
    this.counts = new Int32Array(buckets + 1);
    this.bucketsPerMs = buckets / Math.max(1, endMs - startMs);
    this.lastBucket = buckets - 1;
  }
  push(t: number, entity: number, state: number, value: number): void {
    if (t >= this.endMs) return;
    if (this.length === this.time.length) this.grow();
    const i = this.length++;
    this.time[i] = t;
    this.meta[i] = (entity << 8) | state;
    this.value[i] = value;
    // non-negative and below 2^31, so `| 0` floors
    const b = ((t - this.startMs) * this.bucketsPerMs) | 0;
    this.counts[(b < this.lastBucket ? b : this.lastBucket) + 1]++;
  }
  /** Hands the columns back for the next home (call when done with the buffer). */
  release(): void {
    spare = { time: this.time, meta: this.meta, value: this.value };
  }
  private grow(): void {
    const n = this.time.length * 2;
    const time = new Float64Array(n);
    time.set(this.time);
    this.time = time;
    const meta = new Int32Array(n);
    meta.set(this.meta);
    this.meta = meta;
    const value = new Float64Array(n);
    value.set(this.value);
    this.value = value;
  }
}

/** Per-device scratch for arrival times, reused across devices. */
class FloatList {
  data = new Float64Array(4096);
  length = 0;
}

/**
 * Own arrivals of a device: the Poisson process with hourly intensity scale × profile[h],
 * by inversion of its cumulative intensity. Fills `out` with whole-ms UTC times in
 * increasing order.
 */
function drawArrivals(
  profile: Float64Array,
  scale: number,
  hourStart: Float64Array,
  rng: Rng,
  out: FloatList,
) {
  out.length = 0;
  if (!(scale > 0)) return;
  const next = rng.next;
  const n = profile.length;
  const inv = 1 / scale;
  let data = out.data;
  let k = 0;
  let acc = 0;
  let h = 0;
  let target = -Math.log(1 - next()) * inv;
  while (h < n) {
    const p = profile[h];
    if (acc + p <= target) {
      acc += p;
      h++;
      continue;
    }
    if (k === data.length) {
      const bigger = new Float64Array(data.length * 2);
      bigger.set(data);
      data = bigger;
    }
    data[k++] = hourStart[h] + ((((target - acc) / p) * HOUR_MS) | 0);
    target -= Math.log(1 - next()) * inv;
  }
  out.data = data;
  out.length = k;
}

function logNormal(rng: Rng, median: number, sigma: number): number {
  return median * logNormalFromUniform(logNormalTable(sigma), rng.next());
}

/** Synergy-induced actions for one action device, in time order. */
interface InducedActions {
  time: number[];
  code: number[];
}

/** A device's induced actions (links and confounders), sorted by time. */
interface SortedActions {
  time: Float64Array;
  code: Uint8Array;
}

/**
 * Generates one home's events: a pure function of (home, ctx, synergies). `confounders` is
 * the home's plan when the caller already made it (it must be planConfounders(generated,
 * ctx.seed), as plantSynergies uses); otherwise it is made here.
 */
export function generateHomeEvents(
  generated: GeneratedHome,
  ctx: EventGenerationContext,
  synergies: readonly PlantedSynergy[],
  confounders?: ConfounderPlan,
): HomeEvents {
  const world = buildHomeWorld(generated.home, ctx);
  const cache = new ProfileCache(world);
  const dict = new StateDictionary();
  const devices = generated.devices;
  const indexOf = new Map(devices.map((d, i) => [d.entityId, i]));
  const links = synergies.filter(
    (s) => s.linked && indexOf.has(s.trigger) && indexOf.has(s.action) && s.trigger !== s.action,
  );
  const order = processingOrder(
    devices.length,
    links.map((s) => [indexOf.get(s.trigger)!, indexOf.get(s.action)!] as const),
  );
  const buffer = new EventBuffer(initialCapacity(world, devices, cache), world.startUtcMs, world.endUtcMs);
  const ranges = new Int32Array(devices.length * 2).fill(-1);
  const induced: (InducedActions | undefined)[] = new Array(devices.length);
  const scratch = new FloatList();
  const homeIndex = generated.home.index;
  // routines and walk-throughs switch devices as forced activations (or cuts, for rest
  // states), and their sensor events fire linked actions like any other trigger event
  // routines and walk-throughs switch devices as forced activations (or cuts, for rest
  // states), and their sensor events fire linked actions like any other trigger event
  const confounded =
    ctx.confounders === false
      ? null
      : confounderActionsByDevice(
          world,
          generated,
          confounders ?? planConfounders(generated, ctx.seed),
          ctx.seed,
          dict,
        );

  for (const index of order) {
    const device = devices[index];
    // actions planted on this device by triggers generated before it
    for (const link of links) {
      if (link.action !== device.entityId) continue;
      const t = indexOf.get(link.trigger)!;
      if (ranges[2 * t] < 0) continue; // trigger not generated yet (only in a link cycle)
      let queue = induced[index];
      if (!queue) {
        queue = { time: [], code: [] };
        induced[index] = queue;
      }
      induceActions(world, buffer, ranges[2 * t], ranges[2 * t + 1], devices[t], link, dict, ctx.seed, queue);
    }
    const from = buffer.length;
    const behaviour = behaviourFor(device);
    switch (behaviour.kind) {
      case "pulse":
        generatePulse(
          world,
          cache,
          behaviour,
          index,
          device.entityId,
          ctx.seed,
          buffer,
          dict,
          scratch,
          sortedActions(induced[index], confounded?.[index]),
        );
        break;
      case "numeric":
        generateNumeric(world, cache, behaviour, generated, index, ctx.seed, buffer, scratch);
        break;
      case "follow_occupancy":
        generateFollow(world, behaviour, index, device.entityId, ctx.seed, buffer, dict);
        break;
    }
    ranges[2 * index] = from;
    ranges[2 * index + 1] = buffer.length;
  }

  const sorted = sortByTime(buffer, dict.names);
  buffer.release();
  return applyFaults(sorted, ctx.faults, Rng.derive(ctx.seed, homeIndex, "faults"));
}

/**
 * Draws which of a trigger's events fire a linked action, and when: the trigger enters its
 * state, the condition holds at that hour, a Bernoulli(probability) draw succeeds, and the
 * action follows after a log-normal delay. Appends to the action device's queue.
 */
function induceActions(
  world: HomeWorld,
  buffer: EventBuffer,
  from: number,
  to: number,
  trigger: Device,
  link: PlantedSynergy,
  dict: StateDictionary,
  seed: number,
  queue: InducedActions,
): void {
  const rng = Rng.derive(seed, world.home.index, `${link.trigger}>${link.action}`, "synergy");
  const actionCode = dict.code(link.actionState);
  const probability = link.probability ?? 1;
  const median = link.delayMs ?? 0;
  const sigma = link.delaySigma ?? 0;
  const fires = triggerFlags(buffer, from, to, behaviourFor(trigger), link.triggerState, dict);
  for (let i = from; i < to; i++) {
    if (fires[i - from] === 0) continue;
    const t = buffer.time[i];
    const h = Math.floor((t - world.startUtcMs) / HOUR_MS);
    if (link.condition === "dark" && world.sun.darkness[h] < DARK_CONDITION_SHARE) continue;
    if (link.condition === "occupied" && world.occupancy.state[h] === AWAY) continue;
    if (rng.next() >= probability) continue;
    const at = t + Math.max(1, Math.floor(median > 0 ? logNormal(rng, median, sigma) : 0));
    if (at >= world.endUtcMs) continue;
    queue.time.push(at);
    queue.code.push(actionCode);
  }
}

/**
 * Which of a trigger device's events fire: entering the trigger state, or for a numeric
 * sensor with trigger state "high" / "low", a reading crossing above `high` / below `low`.
 */
function triggerFlags(
  buffer: EventBuffer,
  from: number,
  to: number,
  behaviour: EventBehaviour,
  triggerState: string,
  dict: StateDictionary,
): Uint8Array {
  const flags = new Uint8Array(to - from);
  const { meta, value } = buffer;
  if (behaviour.kind === "numeric" && (triggerState === "high" || triggerState === "low")) {
    const { high, low } = behaviour;
    let before = Number.NaN;
    for (let i = from; i < to; i++) {
      const v = value[i];
      if (triggerState === "high" ? v > high && !(before > high) : v < low && !(before < low))
        flags[i - from] = 1;
      before = v;
    }
    return flags;
  }
  const code = dict.code(triggerState);
  for (let i = from; i < to; i++) if ((meta[i] & 255) === code) flags[i - from] = 1;
  return flags;
}

/**
 * Queued induced actions of a device (links, and confounders already packed), sorted by
 * time. Time (whole ms) and state code are packed into one number (time × 256 + code, exact
 * below 2^53) so a native numeric sort does the work; simultaneous actions order by code.
 */
function sortedActions(
  pending: InducedActions | undefined,
  packedExtra: Float64Array | undefined,
): SortedActions | undefined {
  const fromLinks = pending ? pending.time.length : 0;
  const n = fromLinks + (packedExtra ? packedExtra.length : 0);
  if (n === 0) return undefined;
  let packed: Float64Array = new Float64Array(fromLinks);
  for (let i = 0; i < fromLinks; i++) packed[i] = pending!.time[i] * 256 + pending!.code[i];
  packed.sort();
  if (packedExtra) {
    // confounder actions come hour by hour: nearly sorted, so insertion sort is linear here
    insertionSort(packedExtra);
    packed = mergeSorted(packed, packedExtra);
  }
  const time = new Float64Array(packed.length);
  const code = new Uint8Array(packed.length);
  for (let i = 0; i < packed.length; i++) {
    const c = packed[i] % 256;
    code[i] = c;
    time[i] = (packed[i] - c) / 256;
  }
  return { time, code };
}

function insertionSort(a: Float64Array): void {
  for (let i = 1; i < a.length; i++) {
    const x = a[i];
    let j = i - 1;
    if (a[j] <= x) continue;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  if (a.length === 0) return b;
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++)
    out[k] = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
  return out;
}

/** The home's confounder actions per device, packed as time × 256 + state code (unsorted). */
function confounderActionsByDevice(
  world: HomeWorld,
  generated: GeneratedHome,
  plan: ConfounderPlan,
  seed: number,
  dict: StateDictionary,
): (Float64Array | undefined)[] {
  const acts = scheduleConfounders(world, generated, plan, seed);
  const codes = acts.names.map((name) => dict.code(name));
  const counts = new Int32Array(generated.devices.length);
  for (let k = 0; k < acts.length; k++) counts[acts.device[k]]++;
  const out = Array.from(counts, (c) => (c > 0 ? new Float64Array(c) : undefined));
  counts.fill(0);
  for (let k = 0; k < acts.length; k++) {
    const d = acts.device[k];
    out[d]![counts[d]++] = acts.time[k] * 256 + codes[acts.state[k]];
  }
  return out;
}

/**
 * Device order: triggers of linked synergies before their actions (Kahn's algorithm, ties
 * by index). Devices in a link cycle come last, in index order.
 */
function processingOrder(n: number, edges: readonly (readonly [number, number])[]): number[] {
  const indegree = new Int32Array(n);
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) {
    out[a].push(b);
    indegree[b]++;
  }
  const order: number[] = [];
  const done = new Uint8Array(n);
  // a simple scan keeps index order among ready devices; n is small (tens of devices)
  let progress = true;
  while (progress) {
    progress = false;
    for (let i = 0; i < n; i++) {
      if (done[i] || indegree[i] > 0) continue;
      done[i] = 1;
      order.push(i);
      for (const b of out[i]) indegree[b]--;
      progress = true;
    }
  }
  for (let i = 0; i < n; i++) if (!done[i]) order.push(i);
  return order;
}

function initialCapacity(world: HomeWorld, devices: readonly Device[], cache: ProfileCache): number {
  let expected = 0;
  for (const d of devices) {
    const b = behaviourFor(d);
    if (b.kind === "follow_occupancy") {
      expected += world.grid.hours / 4;
      continue;
    }
    const profile = cache.get(b.rate).multiplier;
    let sum = 0;
    for (let h = 0; h < profile.length; h++) sum += profile[h];
    expected += sum * baseRatePerHour(b) * (b.kind === "pulse" ? 2.5 : 1);
  }
  return Math.ceil(expected * 1.3) + 1024;
}

function generatePulse(
  world: HomeWorld,
  cache: ProfileCache,
  b: PulseBehaviour,
  index: number,
  entityId: string,
  seed: number,
  buffer: EventBuffer,
  dict: StateDictionary,
  arrivals: FloatList,
  induced: SortedActions | undefined,
): void {
  const home = world.home.index;
  const profile = cache.get(b.rate);
  const scale = baseRatePerHour(b) * deviceRateScale(seed, home, entityId);
  drawArrivals(
    profile.multiplier,
    scale,
    world.grid.utcMs,
    Rng.derive(seed, home, entityId, "arrivals"),
    arrivals,
  );
  const rng = Rng.derive(seed, home, entityId, "states");

  const restCode = dict.code(b.rest);
  const activeCode = dict.code(b.active);
  const heatCode = b.activeByWeather ? dict.code(b.activeByWeather.heat) : activeCode;
  const coolCode = b.activeByWeather ? dict.code(b.activeByWeather.cool) : activeCode;
  const interruptCode = b.interruption ? dict.code(b.interruption.state) : -1;
  const tailCode = b.tail ? dict.code(b.tail.state) : -1;
  // value grid per state code: min + step × k, k uniform in [0, steps); steps 0 = no value
  const valueMin = new Float64Array(256);
  const valueStep = new Float64Array(256);
  const valueSteps = new Float64Array(256);
  for (const [state, range] of Object.entries(b.values ?? {})) {
    const c = dict.code(state);
    valueMin[c] = range.min;
    valueStep[c] = range.step;
    valueSteps[c] = Math.floor((range.max - range.min) / range.step + 1e-9) + 1;
  }
  const next = rng.next;
  const heatShare = profile.heatShare;

  // split induced actions into extra activations (forced state) and cuts (end an active period)
  const restCodes = new Set([restCode, ...(b.restAliases ?? []).map((s) => dict.code(s))]);
  let times = arrivals.data;
  let count = arrivals.length;
  let forced: Int16Array | null = null;
  const cutTime: number[] = [];
  const cutCode: number[] = [];
  if (induced) {
    const isRest = new Uint8Array(256);
    for (const c of restCodes) isRest[c] = 1;
    const extraTime = new Float64Array(induced.time.length);
    const extraCode = new Uint8Array(induced.time.length);
    let extras = 0;
    for (let i = 0; i < induced.time.length; i++) {
      if (isRest[induced.code[i]] === 1) {
        cutTime.push(induced.time[i]);
        cutCode.push(induced.code[i]);
      } else {
        extraTime[extras] = induced.time[i];
        extraCode[extras++] = induced.code[i];
      }
    }
    if (extras > 0) {
      const merged = new Float64Array(count + extras);
      forced = new Int16Array(count + extras);
      let a = 0;
      let e = 0;
      for (let k = 0; k < merged.length; k++) {
        if (e >= extras || (a < count && times[a] <= extraTime[e])) {
          merged[k] = times[a++];
          forced[k] = -1;
        } else {
          merged[k] = extraTime[e];
          forced[k] = extraCode[e++];
        }
      }
      times = merged;
      count = merged.length;
    }
  }

  const start = world.startUtcMs;
  const durMedian = b.duration.medianMs;
  const durTable = logNormalTable(b.duration.sigma);
  const tailMedian = b.tail?.duration.medianMs ?? 0;
  const tailTable = b.tail ? logNormalTable(b.tail.duration.sigma) : null;
  const pauseMedian = b.interruption?.duration.medianMs ?? 0;
  const pauseTable = b.interruption ? logNormalTable(b.interruption.duration.sigma) : null;
  const nCuts = cutTime.length;
  let cut = 0;
  // the open active period, closed lazily once its end is known
  let open = false;
  let pCode = 0;
  let pStart = 0;
  let pTouched = 0; // the last activation that found the device already active
  let pEnd = 0; // end of the active state (a tail state starts here)
  let pRestAt = 0; // back to rest
  let pPause = -1;
  let pResume = -1;
  const close = (stop: number, finalCode: number) => {
    if (pPause >= 0 && pPause < stop) {
      buffer.push(pPause, index, interruptCode, Number.NaN);
      if (pResume < stop && pResume < pEnd) buffer.push(pResume, index, pCode, Number.NaN);
    }
    if (tailCode >= 0 && pEnd < stop) buffer.push(pEnd, index, tailCode, Number.NaN);
    buffer.push(stop, index, finalCode, Number.NaN);
    open = false;
  };
  /** Cuts up to `limit`: a cut inside the open period ends it early in the cut's state. */
  const applyCuts = (limit: number) => {
    for (; cut < nCuts && cutTime[cut] <= limit; cut++) {
      if (!open) continue;
      const c = cutTime[cut];
      if (pRestAt <= c) close(pRestAt, restCode);
      else if (c > pStart) close(c, cutCode[cut]);
    }
  };

  for (let i = 0; i < count; i++) {
    const t = times[i];
    const induced = forced !== null && forced[i] >= 0;
    if (nCuts > 0) applyCuts(t);
    if (open && pRestAt <= t) close(pRestAt, restCode);
    let code = induced ? forced![i] : activeCode;
    if (heatShare && !induced) {
      const h = Math.floor((t - start) / HOUR_MS);
      code = next() < heatShare[h] ? heatCode : coolCode;
    }
    if (open) {
      if (induced && code === pCode) {
        // already in the asked-for state: no state change, the active period just runs longer
        pTouched = t;
        const extended = t + Math.floor(durMedian * logNormalFromUniform(durTable, next()));
        if (extended > pEnd) {
          pRestAt += extended - pEnd;
          pEnd = extended;
        }
        continue;
      }
      // activated again before returning to rest: the return happens in the latter part of the gap
      close(pTouched + Math.floor((t - pTouched) * (0.5 + 0.45 * next())), restCode);
    }
    const steps = valueSteps[code];
    buffer.push(
      t,
      index,
      code,
      steps > 0 ? valueMin[code] + valueStep[code] * Math.floor(next() * steps) : Number.NaN,
    );
    open = true;
    pCode = code;
    pStart = t;
    pTouched = t;
    pEnd = t + Math.floor(durMedian * logNormalFromUniform(durTable, next()));
    pRestAt = tailTable ? pEnd + Math.floor(tailMedian * logNormalFromUniform(tailTable, next())) : pEnd;
    pPause = -1;
    if (b.interruption && next() < b.interruption.probability) {
      pPause = t + 1 + Math.floor(next() * (pEnd - t));
      pResume = pPause + Math.floor(pauseMedian * logNormalFromUniform(pauseTable!, next()));
    }
  }
  if (nCuts > 0) applyCuts(Number.POSITIVE_INFINITY);
  if (open) close(pRestAt, restCode);
}

function generateNumeric(
  world: HomeWorld,
  cache: ProfileCache,
  b: NumericBehaviour,
  generated: GeneratedHome,
  index: number,
  seed: number,
  buffer: EventBuffer,
  arrivals: FloatList,
): void {
  const device = generated.devices[index];
  const home = world.home.index;
  const profile = cache.get(b.rate).multiplier;
  const scale = baseRatePerHour(b) * deviceRateScale(seed, home, device.entityId);
  drawArrivals(
    profile,
    scale,
    world.grid.utcMs,
    Rng.derive(seed, home, device.entityId, "arrivals"),
    arrivals,
  );
  const rng = Rng.derive(seed, home, device.entityId, "readings");
  const area = generated.areas.find((a) => a.areaId === device.areaId);
  const track = numericValueTrack(world, area, b, rng);
  const [lo, hi] = valueBounds(b);
  const perUnit = 1 / b.resolution;
  const keep = b.noisePersistence;
  const fresh = Math.sqrt(1 - keep * keep) * b.noiseSd;
  const next = rng.next;
  let noise = b.noiseSd > 0 ? b.noiseSd * normalFromUniform(next()) : 0;
  const start = world.startUtcMs;
  const times = arrivals.data;
  for (let i = 0; i < arrivals.length; i++) {
    const t = times[i];
    const x = (t - start) / HOUR_MS;
    const h = x | 0;
    const f = x - h;
    let v = track[h] + (track[h + 1] - track[h]) * f;
    if (fresh > 0) {
      noise = keep * noise + fresh * normalFromUniform(next());
      v += noise;
    }
    v = Math.round(Math.min(hi, Math.max(lo, v)) * perUnit) / perUnit;
    buffer.push(t, index, NUMERIC_STATE, v);
  }
}

function generateFollow(
  world: HomeWorld,
  b: FollowOccupancyBehaviour,
  index: number,
  entityId: string,
  seed: number,
  buffer: EventBuffer,
  dict: StateDictionary,
): void {
  const rng = Rng.derive(seed, world.home.index, entityId, "follow");
  const codes = [dict.code(b.states.away), dict.code(b.states.home), dict.code(b.states.asleep)];
  const state = world.occupancy.state;
  const hourStart = world.grid.utcMs;
  for (let h = 1; h < state.length; h++) {
    if (state[h] === state[h - 1]) continue;
    const lag = Math.min(HOUR_MS - 1, Math.floor(logNormal(rng, b.delay.medianMs, b.delay.sigma)));
    buffer.push(hourStart[h] + lag, index, codes[state[h] === ASLEEP ? 2 : state[h]], Number.NaN);
  }
}

/**
 * Sorts the home's events by time, stably (ties keep device-generation order): a counting
 * sort into buckets of about four events (counted while pushing), scattering all columns
 * straight to their bucket, then insertion sort inside buckets — linear time for these
 * nearly uniform times, and no permutation gather.
 */
function sortByTime(buffer: EventBuffer, stateNames: string[]): HomeEvents {
  const n = buffer.length;
  const { time, meta, value, counts: starts, startMs, bucketsPerMs, lastBucket } = buffer;
  const outTime = new Float64Array(n);
  const outMeta = new Int32Array(n);
  const outValue = new Float64Array(n);
  const outEntity = new Int32Array(n);
  const outState = new Uint8Array(n);
  // one loop per function (see parquet/scans.ts): a long loop runs as on-stack-replaced code,
  // and code after it that had not run when that code was compiled deoptimised every call
  prefixSums(starts, lastBucket);
  scatterByBucket(
    time,
    meta,
    value,
    n,
    starts,
    startMs,
    bucketsPerMs,
    lastBucket,
    outTime,
    outMeta,
    outValue,
  );
  sortBuckets(starts, lastBucket, outTime, outMeta, outValue);
  splitMeta(outMeta, n, outEntity, outState);
  return {
    entityIndex: outEntity,
    time: outTime,
    state: outState,
    stateNames,
    value: outValue,
    length: n,
    faults: { ...NO_FAULT_COUNTS },
  };
}

/** Bucket counts to bucket starts, in place. */
function prefixSums(starts: Int32Array, lastBucket: number): void {
  for (let b = 0; b <= lastBucket; b++) starts[b + 1] += starts[b];
}

/** Each event to the next place of its time bucket (counting sort); starts[b] ends up as bucket b's end. */
function scatterByBucket(
  time: Float64Array,
  meta: Int32Array,
  value: Float64Array,
  n: number,
  starts: Int32Array,
  startMs: number,
  bucketsPerMs: number,
  lastBucket: number,
  outTime: Float64Array,
  outMeta: Int32Array,
  outValue: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const t = time[i];
    const b = ((t - startMs) * bucketsPerMs) | 0;
    const pos = starts[b < lastBucket ? b : lastBucket]++;
    outTime[pos] = t;
    outMeta[pos] = meta[i];
    outValue[pos] = value[i];
  }
}

/** Insertion sort by time within each bucket (buckets hold a handful of events). */
function sortBuckets(
  ends: Int32Array,
  lastBucket: number,
  outTime: Float64Array,
  outMeta: Int32Array,
  outValue: Float64Array,
): void {
  let bucketStart = 0;
  for (let b = 0; b <= lastBucket; b++) {
    const bucketEnd = ends[b];
    for (let i = bucketStart + 1; i < bucketEnd; i++) {
      const t = outTime[i];
      if (outTime[i - 1] <= t) continue;
      const m = outMeta[i];
      const v = outValue[i];
      let j = i - 1;
      while (j >= bucketStart && outTime[j] > t) {
        outTime[j + 1] = outTime[j];
        outMeta[j + 1] = outMeta[j];
        outValue[j + 1] = outValue[j];
        j--;
      }
      outTime[j + 1] = t;
      outMeta[j + 1] = m;
      outValue[j + 1] = v;
    }
    bucketStart = bucketEnd;
  }
}

/** Packed entity << 8 | state to the two columns. */
function splitMeta(outMeta: Int32Array, n: number, outEntity: Int32Array, outState: Uint8Array): void {
  for (let k = 0; k < n; k++) {
    const em = outMeta[k];
    outEntity[k] = em >> 8;
    outState[k] = em & 255;
  }
}
