import { type ColumnTable, columnTable } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { selectKth } from "../../core/select.js";
import { DAY_MS, zoneOffsetMs } from "../../synth/localTime.js";
import { PATTERNS_SCHEMA } from "../storage/tables.js";

export interface PatternExtractionOptions {
  /** Sequence / co-occurrence window: B must change within this many ms after A. Default 60 000. */
  windowMs?: number;
  /** Sequences, co-occurrences and peak hours need at least this many occurrences. Default 3. */
  minOccurrences?: number;
  /** Sequences and co-occurrences below this confidence are dropped. Default 0.05. */
  minConfidence?: number;
  /** An hour is a peak when it carries at least this multiple of the entity's mean hourly count. Default 1.5. */
  peakFactor?: number;
  /**
   * Numeric readings are "low" / "high" below / above these quantiles of the entity's own
   * readings and, in addition, more than `levelNoiseZ` noise sds from its median. Default [0.1, 0.9].
   */
  levelQuantiles?: readonly [number, number];
  /** Default 3. */
  levelNoiseZ?: number;
  /** IANA time zone per home_id for peak hours (local clock); homes not listed use UTC. */
  timeZones?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
}

const HOUR_MS = 3_600_000;
const KIND_ORDER = { transition: 0, peak_hours: 1, sequence: 2, co_occurrence: 3 } as const;
type PatternKind = keyof typeof KIND_ORDER;

/**
 * Extracts behaviour patterns from an events table (one or many homes) into the patterns table:
 *
 * - `transition` per entity and (from → to) state pair: occurrences, confidence = P(to | from).
 * - `peak_hours` per entity: the local hours carrying ≥ peakFactor × the mean hourly activity;
 *   confidence = share of the entity's state changes in those hours.
 * - `sequence` (A in state a → B changes to b within the window): occurrences = changes of A
 *   to a followed by such a change of B; confidence = that over all changes of A to a.
 * - `co_occurrence` per unordered entity pair: the share of both entities' changes followed
 *   by a change of the other within the window (either order).
 *
 * Sequences and co-occurrences report `lift` in their detail: confidence over what
 * independent entities with the same rates would give, so busy pairs do not look related.
 *
 * Only state changes count (a repeated state is not an event). Numeric sensors are reduced to
 * levels low / normal / high (see numericLevels), so "high" is the onset of a high reading,
 * the trigger state of catalog relationships such as temperature → climate.
 * Cost: one counting sort by home, a time sort per home when out of order, and a scan over
 * each change's window: O(n log n + n·w) for w changes per window, never all pairs.
 */
export function extractPatterns(events: ColumnTable, options: PatternExtractionOptions = {}): ColumnTable {
  const windowMs = options.windowMs ?? 60_000;
  const minOccurrences = options.minOccurrences ?? 3;
  const minConfidence = options.minConfidence ?? 0.05;
  const peakFactor = options.peakFactor ?? 1.5;
  const [qLow, qHigh] = options.levelQuantiles ?? [0.1, 0.9];
  const noiseZ = options.levelNoiseZ ?? 3;
  checkOptions(windowMs, minOccurrences, minConfidence, peakFactor, qLow, qHigh, noiseZ);
  const cols = eventColumns(events);
  const timeZoneOf = timeZoneLookup(options.timeZones);

  const coded = codeHomesAndEntities(cols);
  const order = sortByHomeThenTime(cols.time, coded.homeOf, coded.homeIds.length);
  const levels = numericLevels(cols, coded, order, { qLow, qHigh, noiseZ });
  const changes = stateChanges(cols, coded, levels, order);

  const out = new PatternRows();
  countTransitions(changes, coded, out);
  peakHours(changes, coded, timeZoneOf, peakFactor, minOccurrences, out);
  sequencesAndCoOccurrences(changes, coded, { windowMs, minOccurrences, minConfidence }, out);
  return out.toTable();
}

/** home_id → time zone map from a homes table (HOMES_SCHEMA), for `timeZones`. */
export function timeZonesFromHomes(homes: ColumnTable): Map<string, string> {
  const ids = homes.columns.home_id as (string | null)[] | undefined;
  const zones = homes.columns.timezone as (string | null)[] | undefined;
  if (!ids || !zones) {
    throw new HomeforgeError(
      "homes",
      "the table has no home_id or timezone column",
      "pass the homes table of a dataset",
    );
  }
  const map = new Map<string, string>();
  for (let i = 0; i < homes.rows; i++) if (ids[i] && zones[i]) map.set(ids[i]!, zones[i]!);
  return map;
}

interface EventColumns {
  rows: number;
  homeId: (string | null)[];
  entityId: (string | null)[];
  time: ArrayLike<number>;
  state: (string | null)[];
  value: ArrayLike<number | null>;
}

function checkOptions(
  windowMs: number,
  minOccurrences: number,
  minConfidence: number,
  peakFactor: number,
  qLow: number,
  qHigh: number,
  noiseZ: number,
): void {
  const bad = (field: string, problem: string, fix: string) => {
    throw new HomeforgeError(`patterns.${field}`, problem, fix);
  };
  if (!(windowMs > 0) || !Number.isFinite(windowMs))
    bad("windowMs", `${windowMs} is not a positive duration`, "pass milliseconds > 0, e.g. 60000");
  if (!Number.isInteger(minOccurrences) || minOccurrences < 1)
    bad("minOccurrences", `${minOccurrences} is not a whole number ≥ 1`, "pass e.g. 3");
  if (!(minConfidence >= 0 && minConfidence <= 1))
    bad("minConfidence", `${minConfidence} is not in [0, 1]`, "pass e.g. 0.05");
  if (!(peakFactor > 0) || !Number.isFinite(peakFactor))
    bad("peakFactor", `${peakFactor} is not positive`, "pass e.g. 1.5");
  if (!(qLow > 0 && qLow < qHigh && qHigh < 1))
    bad(
      "levelQuantiles",
      `[${qLow}, ${qHigh}] is not an increasing pair inside (0, 1)`,
      "pass e.g. [0.1, 0.9]",
    );
  if (!(noiseZ >= 0) || !Number.isFinite(noiseZ))
    bad("levelNoiseZ", `${noiseZ} is not a number ≥ 0`, "pass e.g. 3");
}

function eventColumns(events: ColumnTable): EventColumns {
  const need = ["home_id", "entity_id", "time", "state", "value"] as const;
  for (const name of need) {
    const col = events.columns?.[name];
    if (!col) {
      throw new HomeforgeError(
        "events",
        `column ${name} is missing`,
        "pass an events table with the EVENTS_SCHEMA columns home_id, entity_id, time, state, value",
      );
    }
    if (col.length !== events.rows) {
      throw new HomeforgeError(
        "events",
        `column ${name} has ${col.length} rows but the table has ${events.rows}`,
        "build the table with columnTable() so every column has the same length",
      );
    }
  }
  const c = events.columns;
  return {
    rows: events.rows,
    homeId: c.home_id as (string | null)[],
    entityId: c.entity_id as (string | null)[],
    time: c.time as ArrayLike<number>,
    state: c.state as (string | null)[],
    value: c.value as ArrayLike<number | null>,
  };
}

function timeZoneLookup(zones: PatternExtractionOptions["timeZones"]): (homeId: string) => string {
  if (!zones) return () => "UTC";
  if (zones instanceof Map) return (id) => zones.get(id) ?? "UTC";
  const record = zones as Readonly<Record<string, string>>;
  return (id) => (Object.hasOwn(record, id) ? record[id] : "UTC");
}

/** Integer codes for homes and for entities within homes (entity codes are global). */
interface Coded {
  homeIds: string[];
  homeOf: Int32Array;
  entityOf: Int32Array;
  entityHome: number[];
  entityIds: string[];
}

function codeHomesAndEntities(cols: EventColumns): Coded {
  const homeCodes = new Map<string, number>();
  const entityCodes: Map<string, number>[] = [];
  const homeIds: string[] = [];
  const entityHome: number[] = [];
  const entityIds: string[] = [];
  const homeOf = new Int32Array(cols.rows);
  const entityOf = new Int32Array(cols.rows);
  let lastHome: string | null = null;
  let lastHomeCode = -1;
  for (let i = 0; i < cols.rows; i++) {
    const home = cols.homeId[i];
    const entity = cols.entityId[i];
    const t = cols.time[i];
    if (!home || !entity || !Number.isFinite(t)) {
      throw new HomeforgeError(
        "events",
        `row ${i} has no ${!home ? "home_id" : !entity ? "entity_id" : "valid time"}`,
        "every event needs a home_id, an entity_id and a finite UTC ms time",
      );
    }
    if (home !== lastHome) {
      let code = homeCodes.get(home);
      if (code === undefined) {
        code = homeIds.length;
        homeCodes.set(home, code);
        homeIds.push(home);
        entityCodes.push(new Map());
      }
      lastHome = home;
      lastHomeCode = code;
    }
    homeOf[i] = lastHomeCode;
    const entities = entityCodes[lastHomeCode];
    let e = entities.get(entity);
    if (e === undefined) {
      e = entityIds.length;
      entities.set(entity, e);
      entityIds.push(entity);
      entityHome.push(lastHomeCode);
    }
    entityOf[i] = e;
  }
  return { homeIds, homeOf, entityOf, entityHome, entityIds };
}

/** Row order grouped by home (counting sort, stable) and by time within each home. */
function sortByHomeThenTime(time: ArrayLike<number>, homeOf: Int32Array, homes: number): Uint32Array {
  const n = homeOf.length;
  const start = new Uint32Array(homes + 1);
  for (let i = 0; i < n; i++) start[homeOf[i] + 1]++;
  for (let h = 0; h < homes; h++) start[h + 1] += start[h];
  const next = start.slice(0, homes);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[next[homeOf[i]]++] = i;
  for (let h = 0; h < homes; h++) {
    const seg = order.subarray(start[h], start[h + 1]);
    let sorted = true;
    for (let k = 1; k < seg.length && sorted; k++) if (time[seg[k]] < time[seg[k - 1]]) sorted = false;
    if (!sorted) seg.sort((a, b) => time[a] - time[b] || a - b);
  }
  return order;
}

/**
 * Per row: the numeric level (0 low, 1 normal, 2 high) for numeric entities, else -1.
 * A reading is high when it is above both the entity's upper quantile and its median plus
 * `noiseZ` noise sds (low mirrors this), so a daily cycle yields one "high" onset per warm
 * afternoon while a flat, noisy sensor yields none. Noise sd comes from successive
 * differences (robust to the cycle itself). A level is left only once the reading is two
 * noise sds back inside the threshold (hysteresis), so noise at a threshold does not flicker.
 */
function numericLevels(
  cols: EventColumns,
  coded: Coded,
  order: Uint32Array,
  levels: { qLow: number; qHigh: number; noiseZ: number },
): Int8Array {
  const n = cols.rows;
  const entities = coded.entityIds.length;
  const reading = new Float64Array(n).fill(Number.NaN);
  const numericRows = new Uint32Array(entities);
  const rows = new Uint32Array(entities);
  // states repeat (a sensor's readings are a few hundred strings): parse each distinct one once
  const parsed = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const e = coded.entityOf[i];
    rows[e]++;
    const s = cols.state[i];
    if (s === null || s === "") continue;
    let x = parsed.get(s);
    if (x === undefined) {
      x = Number(s);
      if (parsed.size < MAX_PARSED_STATES) parsed.set(s, x);
    }
    if (!Number.isFinite(x)) continue;
    const v = cols.value[i];
    reading[i] = v !== null && Number.isFinite(v) ? v : x;
    numericRows[e]++;
  }
  // An entity is numeric when most of its states are numbers (a thermostat's "heat" with a setpoint value is not).
  const isNumeric = new Uint8Array(entities);
  const offset = new Uint32Array(entities + 1);
  for (let e = 0; e < entities; e++) {
    isNumeric[e] = numericRows[e] * 2 > rows[e] ? 1 : 0;
    offset[e + 1] = offset[e] + (isNumeric[e] ? numericRows[e] : 0);
  }
  const level = new Int8Array(n).fill(-1);
  if (offset[entities] === 0) return level;
  // readings per entity in time order
  const values = new Float64Array(offset[entities]);
  const fill = offset.slice(0, entities);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const e = coded.entityOf[i];
    if (isNumeric[e] && !Number.isNaN(reading[i])) values[fill[e]++] = reading[i];
  }
  const enterHigh = new Float64Array(entities);
  const exitHigh = new Float64Array(entities);
  const enterLow = new Float64Array(entities);
  const exitLow = new Float64Array(entities);
  for (let e = 0; e < entities; e++) {
    if (!isNumeric[e] || offset[e + 1] === offset[e]) continue;
    const series = values.subarray(offset[e], offset[e + 1]);
    const diffs = new Float64Array(Math.max(series.length - 1, 0));
    for (let k = 1; k < series.length; k++) diffs[k - 1] = Math.abs(series[k] - series[k - 1]);
    // median |difference| of iid normal noise is 0.6745·√2·sd
    const noiseSd = diffs.length > 0 ? quantileOf(diffs, 0.5) / 0.9539 : 0;
    // the three order statistics a sort would give, by selection (the series is consumed)
    const scratch = Float64Array.from(series);
    const iMid = quantileIndex(scratch.length, 0.5);
    const mid = selectKth(scratch, iMid);
    const iLow = quantileIndex(scratch.length, levels.qLow);
    const iHigh = quantileIndex(scratch.length, levels.qHigh);
    const low = iLow < iMid ? selectKth(scratch, iLow, 0, iMid) : mid;
    const high = iHigh > iMid ? selectKth(scratch, iHigh, iMid + 1, scratch.length) : mid;
    enterHigh[e] = Math.max(high, mid + levels.noiseZ * noiseSd);
    enterLow[e] = Math.min(low, mid - levels.noiseZ * noiseSd);
    exitHigh[e] = Math.max(mid, enterHigh[e] - 2 * noiseSd);
    exitLow[e] = Math.min(mid, enterLow[e] + 2 * noiseSd);
  }
  const current = new Int8Array(entities).fill(1);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const e = coded.entityOf[i];
    const x = reading[i];
    if (!isNumeric[e] || Number.isNaN(x)) continue;
    let l = current[e];
    if (l === 2 && x <= exitHigh[e]) l = 1;
    else if (l === 0 && x >= exitLow[e]) l = 1;
    if (l === 1) l = x > enterHigh[e] ? 2 : x < enterLow[e] ? 0 : 1;
    current[e] = l;
    level[i] = l;
  }
  return level;
}

/** Bound on numericLevels' parsed-state memo, so a table of all-distinct readings cannot grow it without limit. */
const MAX_PARSED_STATES = 100_000;

/** Index of the q-quantile in a sorted array of n values (nearest rank). */
function quantileIndex(n: number, q: number): number {
  return Math.round(q * (n - 1));
}

/** The q-quantile a sort would give (`xs` is reordered). */
function quantileOf(xs: Float64Array, q: number): number {
  return selectKth(xs, quantileIndex(xs.length, q));
}

const LEVEL_NAMES = ["low", "normal", "high"];

/** State changes in (home, time) order: per change its token (entity + state) and time. */
interface Changes {
  time: Float64Array;
  token: Int32Array;
  /** Previous token of the entity, -1 for its first event. */
  previous: Int32Array;
  count: number;
  /** Changes of home h are [homeStart[h], homeStart[h + 1]). */
  homeStart: Uint32Array;
  tokenEntity: number[];
  tokenState: string[];
}

function stateChanges(cols: EventColumns, coded: Coded, level: Int8Array, order: Uint32Array): Changes {
  const n = cols.rows;
  const tokenCodes: Map<string, number>[] = coded.entityIds.map(() => new Map());
  const tokenEntity: number[] = [];
  const tokenState: string[] = [];
  const last = new Int32Array(coded.entityIds.length).fill(-1);
  const time = new Float64Array(n);
  const token = new Int32Array(n);
  const previous = new Int32Array(n);
  const homeStart = new Uint32Array(coded.homeIds.length + 1);
  let count = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const e = coded.entityOf[i];
    const state = level[i] >= 0 ? LEVEL_NAMES[level[i]] : (cols.state[i] ?? "null");
    const codes = tokenCodes[e];
    let tok = codes.get(state);
    if (tok === undefined) {
      tok = tokenEntity.length;
      codes.set(state, tok);
      tokenEntity.push(e);
      tokenState.push(state);
    }
    if (tok === last[e]) continue;
    time[count] = cols.time[i];
    token[count] = tok;
    previous[count] = last[e];
    last[e] = tok;
    homeStart[coded.homeOf[i] + 1] = ++count;
  }
  for (let h = 1; h <= coded.homeIds.length; h++) homeStart[h] = Math.max(homeStart[h], homeStart[h - 1]);
  return { time, token, previous, count, homeStart, tokenEntity, tokenState };
}

function countTransitions(changes: Changes, coded: Coded, out: PatternRows): void {
  const tokens = changes.tokenEntity.length;
  const pairCounts = new Map<number, number>();
  const fromCounts = new Uint32Array(tokens);
  for (let c = 0; c < changes.count; c++) {
    const from = changes.previous[c];
    if (from < 0) continue;
    const key = from * tokens + changes.token[c];
    pairCounts.set(key, (pairCounts.get(key) ?? 0) + 1);
    fromCounts[from]++;
  }
  for (const [key, n] of pairCounts) {
    const from = Math.floor(key / tokens);
    const to = key - from * tokens;
    const e = changes.tokenEntity[from];
    out.push(
      coded.homeIds[coded.entityHome[e]],
      coded.entityIds[e],
      "transition",
      JSON.stringify({ from: changes.tokenState[from], to: changes.tokenState[to] }),
      n / fromCounts[from],
      n,
    );
  }
}

function peakHours(
  changes: Changes,
  coded: Coded,
  timeZoneOf: (homeId: string) => string,
  peakFactor: number,
  minOccurrences: number,
  out: PatternRows,
): void {
  const entities = coded.entityIds.length;
  const hist = new Uint32Array(entities * 24);
  for (let h = 0; h < coded.homeIds.length; h++) {
    const localHour = localHourOf(timeZoneOf(coded.homeIds[h]));
    for (let c = changes.homeStart[h]; c < changes.homeStart[h + 1]; c++) {
      hist[changes.tokenEntity[changes.token[c]] * 24 + localHour(changes.time[c])]++;
    }
  }
  for (let e = 0; e < entities; e++) {
    const counts = hist.subarray(e * 24, e * 24 + 24);
    let total = 0;
    for (const x of counts) total += x;
    if (total < minOccurrences) continue;
    const hours: number[] = [];
    let inPeak = 0;
    for (let h = 0; h < 24; h++) {
      if (counts[h] >= (peakFactor * total) / 24) {
        hours.push(h);
        inPeak += counts[h];
      }
    }
    if (hours.length === 0 || inPeak < minOccurrences) continue;
    const home = coded.homeIds[coded.entityHome[e]];
    out.push(
      home,
      coded.entityIds[e],
      "peak_hours",
      JSON.stringify({ hours, hour_counts: Array.from(counts), time_zone: timeZoneOf(home) }),
      inPeak / total,
      inPeak,
    );
  }
}

/**
 * Local hour of a UTC instant. Offsets change at most once a day, so each UTC day's offset
 * is read once (and per instant only on a day with a DST change).
 */
function localHourOf(timeZone: string): (utcMs: number) => number {
  if (timeZone === "UTC") return (t) => Math.floor(t / HOUR_MS) % 24;
  let day = Number.NaN;
  let dayOffset = 0;
  let laterOffset = 0;
  /** First UTC second of the day on the later offset; Infinity on a day without a change. */
  let switchSecond = Number.POSITIVE_INFINITY;
  return (t) => {
    const d = Math.floor(t / DAY_MS);
    if (d !== day) {
      day = d;
      dayOffset = zoneOffsetMs(d * DAY_MS, timeZone);
      laterOffset = zoneOffsetMs((d + 1) * DAY_MS - 1, timeZone);
      switchSecond =
        laterOffset === dayOffset ? Number.POSITIVE_INFINITY : firstSecondOnOffset(d, dayOffset, timeZone);
    }
    const offset = Math.floor(t / 1000) >= switchSecond ? laterOffset : dayOffset;
    return (((Math.floor((t + offset) / HOUR_MS) % 24) + 24) % 24) as number;
  };
}

/**
 * The first UTC second of day `d` whose offset differs from `dayOffset` (the day's one
 * change), by bisection: zoneOffsetMs depends only on the UTC second, so per-instant
 * lookups on a DST day become one comparison.
 */
function firstSecondOnOffset(d: number, dayOffset: number, timeZone: string): number {
  let lo = (d * DAY_MS) / 1000; // on dayOffset
  let hi = ((d + 1) * DAY_MS) / 1000 - 1; // on the later offset
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zoneOffsetMs(mid * 1000, timeZone) === dayOffset) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Above this many (token, token) pairs in one home, pair counts live in a Map instead of an array. */
const MAX_DENSE_PAIRS = 1 << 22;

/** Counts of (a, b) pairs by key a·size + b: a dense array for small homes, a Map for huge ones. */
class PairCounts {
  private readonly dense: Uint32Array | null;
  private readonly sparse: Map<number, number> | null;
  /** Keys in order of their first count. */
  readonly keys: number[] = [];
  constructor(readonly size: number) {
    const dense = size * size <= MAX_DENSE_PAIRS;
    this.dense = dense ? new Uint32Array(size * size) : null;
    this.sparse = dense ? null : new Map();
  }
  add(key: number): void {
    let n: number;
    if (this.dense) n = ++this.dense[key];
    else {
      n = (this.sparse!.get(key) ?? 0) + 1;
      this.sparse!.set(key, n);
    }
    if (n === 1) this.keys.push(key);
  }
  get(key: number): number {
    return this.dense ? this.dense[key] : (this.sparse!.get(key) ?? 0);
  }
}

/**
 * Sequences and co-occurrences, home by home: tokens and entities get home-local indices so
 * the pair counts are arrays, and each sequence hit's lag is appended to one flat list,
 * gathered per reported pair only for the median.
 */
function sequencesAndCoOccurrences(
  changes: Changes,
  coded: Coded,
  opts: { windowMs: number; minOccurrences: number; minConfidence: number },
  out: PatternRows,
): void {
  const { windowMs } = opts;
  const tokens = changes.tokenEntity.length;
  const entities = coded.entityIds.length;
  const tokenChanges = new Uint32Array(tokens);
  const entityChanges = new Uint32Array(entities);
  for (let c = 0; c < changes.count; c++) {
    tokenChanges[changes.token[c]]++;
    entityChanges[changes.tokenEntity[changes.token[c]]]++;
  }
  // a token or an entity belongs to one home, so its local index is set once
  const localToken = new Int32Array(tokens).fill(-1);
  const localEntity = new Int32Array(entities).fill(-1);
  const tokenStamp = new Int32Array(tokens).fill(-1);
  const entityStamp = new Int32Array(entities).fill(-1);
  // chance that an entity changes in a random window, from its rate over its home's span
  const hitChance = new Float64Array(entities);
  let hitKey: Float64Array = new Float64Array(1024);
  let hitLag: Float64Array = new Float64Array(1024);
  for (let h = 0; h < coded.homeIds.length; h++) {
    const a = changes.homeStart[h];
    const b = changes.homeStart[h + 1];
    const span = b > a ? Math.max(changes.time[b - 1] - changes.time[a], windowMs) : windowMs;
    const homeTokens: number[] = [];
    const homeEntities: number[] = [];
    for (let c = a; c < b; c++) {
      const tok = changes.token[c];
      if (localToken[tok] >= 0) continue;
      localToken[tok] = homeTokens.length;
      homeTokens.push(tok);
      const e = changes.tokenEntity[tok];
      if (localEntity[e] < 0) {
        localEntity[e] = homeEntities.length;
        homeEntities.push(e);
      }
    }
    const T = homeTokens.length;
    const E = homeEntities.length;
    const seqCount = new PairCounts(T);
    const followCount = new PairCounts(E);
    let hits = 0;
    for (let i = a; i < b; i++) {
      const tokA = changes.token[i];
      const entA = changes.tokenEntity[tokA];
      const rowA = localToken[tokA] * T;
      const entRowA = localEntity[entA] * E;
      const tA = changes.time[i];
      for (let j = i + 1; j < b && changes.time[j] - tA <= windowMs; j++) {
        const tokB = changes.token[j];
        const entB = changes.tokenEntity[tokB];
        if (entB === entA) continue;
        if (tokenStamp[tokB] !== i) {
          tokenStamp[tokB] = i;
          const key = rowA + localToken[tokB];
          seqCount.add(key);
          if (hits === hitKey.length) {
            hitKey = grow(hitKey);
            hitLag = grow(hitLag);
          }
          hitKey[hits] = key;
          hitLag[hits++] = changes.time[j] - tA;
        }
        if (entityStamp[entB] !== i) {
          entityStamp[entB] = i;
          followCount.add(entRowA + localEntity[entB]);
        }
      }
    }
    for (const e of homeEntities) hitChance[e] = 1 - Math.exp(-(entityChanges[e] * windowMs) / span);

    const reported: number[] = [];
    for (const key of seqCount.keys) {
      const n = seqCount.get(key);
      const tokA = homeTokens[Math.floor(key / T)];
      if (n < opts.minOccurrences || n / tokenChanges[tokA] < opts.minConfidence) continue;
      reported.push(key);
    }
    const lags = lagsOf(reported, hitKey, hitLag, hits);
    for (let r = 0; r < reported.length; r++) {
      const key = reported[r];
      const n = seqCount.get(key);
      const la = Math.floor(key / T);
      const tokA = homeTokens[la];
      const tokB = homeTokens[key - la * T];
      const confidence = n / tokenChanges[tokA];
      const entA = changes.tokenEntity[tokA];
      const entB = changes.tokenEntity[tokB];
      out.push(
        coded.homeIds[coded.entityHome[entA]],
        coded.entityIds[entA],
        "sequence",
        JSON.stringify({
          state: changes.tokenState[tokA],
          target: coded.entityIds[entB],
          target_state: changes.tokenState[tokB],
          window_ms: windowMs,
          median_lag_ms: medianOf(lags.values.subarray(lags.start[r], lags.start[r + 1])),
          lift: round4(confidence / hitChance[entB]),
        }),
        confidence,
        n,
      );
    }

    for (const key of followCount.keys) {
      const nAB = followCount.get(key);
      const la = Math.floor(key / E);
      const lb = key - la * E;
      const entA = homeEntities[la];
      const entB = homeEntities[lb];
      const nameA = coded.entityIds[entA];
      const nameB = coded.entityIds[entB];
      const reverse = followCount.get(lb * E + la);
      // each unordered pair once: from the lexically smaller entity (or the only direction seen)
      if (nameA > nameB && reverse > 0) continue;
      const [first, second] = nameA < nameB ? [entA, entB] : [entB, entA];
      const occurrences = nAB + reverse;
      const nA = entityChanges[entA];
      const nB = entityChanges[entB];
      const confidence = occurrences / (nA + nB);
      if (occurrences < opts.minOccurrences || confidence < opts.minConfidence) continue;
      const expected = (nA * hitChance[entB] + nB * hitChance[entA]) / (nA + nB);
      out.push(
        coded.homeIds[coded.entityHome[entA]],
        coded.entityIds[first],
        "co_occurrence",
        JSON.stringify({
          other: coded.entityIds[second],
          window_ms: windowMs,
          lift: round4(confidence / expected),
        }),
        confidence,
        occurrences,
      );
    }
  }
}

function grow(xs: Float64Array): Float64Array {
  const bigger = new Float64Array(xs.length * 2);
  bigger.set(xs);
  return bigger;
}

/** The lags of each key in `keys`, as segments [start[r], start[r + 1]) of one array. */
function lagsOf(
  keys: readonly number[],
  hitKey: Float64Array,
  hitLag: Float64Array,
  hits: number,
): { values: Float64Array; start: Uint32Array } {
  const slot = new Map<number, number>();
  for (let r = 0; r < keys.length; r++) slot.set(keys[r], r);
  const start = new Uint32Array(keys.length + 1);
  for (let k = 0; k < hits; k++) {
    const r = slot.get(hitKey[k]);
    if (r !== undefined) start[r + 1]++;
  }
  for (let r = 0; r < keys.length; r++) start[r + 1] += start[r];
  const fill = start.slice(0, keys.length);
  const values = new Float64Array(start[keys.length]);
  for (let k = 0; k < hits; k++) {
    const r = slot.get(hitKey[k]);
    if (r !== undefined) values[fill[r]++] = hitLag[k];
  }
  return { values, start };
}

function medianOf(xs: Float64Array): number {
  const s = xs.sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Pattern rows collected as columns, emitted sorted by (home, kind, entity, detail). */
class PatternRows {
  private home: string[] = [];
  private entity: string[] = [];
  private kind: PatternKind[] = [];
  private detail: string[] = [];
  private confidence: number[] = [];
  private occurrences: number[] = [];

  push(home: string, entity: string, kind: PatternKind, detail: string, confidence: number, n: number): void {
    this.home.push(home);
    this.entity.push(entity);
    this.kind.push(kind);
    this.detail.push(detail);
    this.confidence.push(confidence);
    this.occurrences.push(n);
  }

  toTable(): ColumnTable {
    const idx = this.home.map((_, i) => i);
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    idx.sort(
      (a, b) =>
        cmp(this.home[a], this.home[b]) ||
        KIND_ORDER[this.kind[a]] - KIND_ORDER[this.kind[b]] ||
        cmp(this.entity[a], this.entity[b]) ||
        cmp(this.detail[a], this.detail[b]),
    );
    return columnTable(PATTERNS_SCHEMA, {
      home_id: idx.map((i) => this.home[i]),
      entity_id: idx.map((i) => this.entity[i]),
      kind: idx.map((i) => this.kind[i]),
      detail: idx.map((i) => this.detail[i]),
      confidence: Float64Array.from(idx, (i) => this.confidence[i]),
      occurrences: Int32Array.from(idx, (i) => this.occurrences[i]),
    });
  }
}
