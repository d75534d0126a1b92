import { type LevelOptions, levelThresholds } from "./numericLevels.js";
import type { CodedEvents } from "./patternEvents.js";

/**
 * One home's state changes in time order. Entities and tokens (entity + state) are numbered
 * within the home, so every count downstream is a small array. The arrays are views of
 * buffers the next homeChanges call reuses.
 */
export interface HomeChanges {
  count: number;
  time: Float64Array;
  token: Int32Array;
  /** Previous token of the entity, -1 for its first event. */
  previous: Int32Array;
  /** Entity ids by home-local entity. */
  entityIds: string[];
  tokenEntity: Int32Array;
  tokenState: string[];
}

/** Per state code: its number, or NaN when the state is not numeric (as numericLevels reads it). */
export function stateNumbers(stateNames: readonly string[]): Float64Array {
  const out = new Float64Array(stateNames.length);
  for (let s = 0; s < stateNames.length; s++) {
    const text = stateNames[s];
    const x = text === "" ? Number.NaN : Number(text);
    out[s] = Number.isFinite(x) ? x : Number.NaN;
  }
  return out;
}

/** Per-call buffers: entity code → home-local entity, valid where entityStamp equals the home's index. */
export interface ChangeScratch {
  entityLocal: Int32Array;
  entityStamp: Int32Array;
}

export function changeScratch(events: CodedEvents): ChangeScratch {
  const codes = events.entityNames.length;
  return { entityLocal: new Int32Array(codes), entityStamp: new Int32Array(codes).fill(-1) };
}

/**
 * Row-sized buffers kept between calls (grow-only): the miner runs once per home during
 * generation, and fresh arrays of a home's size each time cost more in GC than the work.
 * Synchronous use only: a HomeChanges is read before the next homeChanges call.
 */
const buffers = {
  localEntity: new Int32Array(0),
  reading: new Float64Array(0),
  time: new Float64Array(0),
  token: new Int32Array(0),
  previous: new Int32Array(0),
};

function reserve(rows: number): typeof buffers {
  if (buffers.reading.length < rows) {
    const size = Math.max(rows, Math.ceil(buffers.reading.length * 1.5));
    buffers.localEntity = new Int32Array(size);
    buffers.reading = new Float64Array(size);
    buffers.time = new Float64Array(size);
    buffers.token = new Int32Array(size);
    buffers.previous = new Int32Array(size);
  }
  return buffers;
}

/** Above this many (entity, state) cells in one home, token codes live in a Map instead of an array. */
const MAX_DENSE_TOKENS = 1 << 21;

/**
 * Home h's state changes: only a changed state counts (a repeated state is not an event), and
 * numeric entities' readings are reduced to the levels low / normal / high first.
 */
export function homeChanges(
  events: CodedEvents,
  h: number,
  numbers: Float64Array,
  levelCodes: Int32Array,
  levelOptions: LevelOptions,
  scratch: ChangeScratch,
): HomeChanges {
  const a = events.homeStart[h];
  const rows = events.homeStart[h + 1] - a;
  const { entityLocal, entityStamp } = scratch;
  const { localEntity, reading, time, token, previous } = reserve(rows);
  const entity = events.entity;
  const state = events.state;
  const value = events.value;
  const entityIds: string[] = [];
  let rowCount: Uint32Array = new Uint32Array(64);
  let numericCount: Uint32Array = new Uint32Array(64);
  let lastCode = -1;
  let e = -1;
  for (let k = 0; k < rows; k++) {
    const code = entity[a + k];
    if (code !== lastCode) {
      lastCode = code;
      if (entityStamp[code] !== h) {
        entityStamp[code] = h;
        entityLocal[code] = entityIds.length;
        entityIds.push(events.entityNames[code]);
        if (entityIds.length > rowCount.length) {
          rowCount = grown(rowCount);
          numericCount = grown(numericCount);
        }
      }
      e = entityLocal[code];
    }
    localEntity[k] = e;
    rowCount[e]++;
    const x = numbers[state[a + k]];
    if (Number.isNaN(x)) reading[k] = Number.NaN;
    else {
      const v = value[a + k];
      reading[k] = Number.isFinite(v) ? v : x;
      numericCount[e]++;
    }
  }
  const entities = entityIds.length;
  const levels = levelThresholds(
    reading,
    localEntity,
    rows,
    { state, first: a, numbers },
    rowCount,
    numericCount,
    entities,
    levelOptions,
  );
  const { isNumeric, enterHigh, exitHigh, enterLow, exitLow } = levels;

  const states = events.stateNames.length;
  const dense = entities * states <= MAX_DENSE_TOKENS;
  // token + 1 per (entity, state) cell, 0 = none yet
  const tokenCell = dense ? new Int32Array(entities * states) : null;
  const tokenMap = dense ? null : new Map<number, number>();
  const tokenEntity: number[] = [];
  const tokenStateCode: number[] = [];
  const lastState = new Int32Array(entities).fill(-1);
  const lastToken = new Int32Array(entities).fill(-1);
  const level = new Int8Array(entities).fill(1);
  const eventTime = events.time;
  let count = 0;
  for (let k = 0; k < rows; k++) {
    const e = localEntity[k];
    const x = reading[k];
    let s: number;
    if (isNumeric[e] && !Number.isNaN(x)) {
      let l = level[e];
      if (l === 2 && x <= exitHigh[e]) l = 1;
      else if (l === 0 && x >= exitLow[e]) l = 1;
      if (l === 1) l = x > enterHigh[e] ? 2 : x < enterLow[e] ? 0 : 1;
      level[e] = l;
      s = levelCodes[l];
    } else s = state[a + k];
    if (s === lastState[e]) continue;
    lastState[e] = s;
    const cell = e * states + s;
    let tok = tokenCell ? tokenCell[cell] - 1 : (tokenMap!.get(cell) ?? -1);
    if (tok < 0) {
      tok = tokenEntity.length;
      tokenEntity.push(e);
      tokenStateCode.push(s);
      if (tokenCell) tokenCell[cell] = tok + 1;
      else tokenMap!.set(cell, tok);
    }
    time[count] = eventTime[a + k];
    token[count] = tok;
    previous[count++] = lastToken[e];
    lastToken[e] = tok;
  }
  return {
    count,
    time: time.subarray(0, count),
    token: token.subarray(0, count),
    previous: previous.subarray(0, count),
    entityIds,
    tokenEntity: Int32Array.from(tokenEntity),
    tokenState: tokenStateCode.map((s) => events.stateNames[s]),
  };
}

function grown(xs: Uint32Array): Uint32Array {
  const bigger = new Uint32Array(xs.length * 2);
  bigger.set(xs);
  return bigger;
}
