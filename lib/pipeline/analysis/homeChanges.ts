import { applyLevels, type LevelOptions } from "./numericLevels.js";
import type { CodedEvents } from "./patternEvents.js";
import { ZeroedScratch } from "./zeroedScratch.js";

/**
 * One home's state changes in time order. Entities and tokens (entity + state) are numbered
 * within the home, so every count downstream is a small array. The arrays are views of
 * buffers the next homeChanges call reuses.
 */
export interface HomeChanges {
  count: number;
  time: Float64Array;
  token: Int32Array;
  /** Home-local entity of each change (its token's entity). */
  entity: Int32Array;
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

/**
 * Per-call buffers: entity code → home-local entity, valid where entityStamp equals the home's
 * index; per state code 1 when it is a number (a reading), as an integer to add branch-free.
 */
export interface ChangeScratch {
  entityLocal: Int32Array;
  entityStamp: Int32Array;
  isReading: Uint8Array;
}

export function changeScratch(events: CodedEvents, numbers: Float64Array): ChangeScratch {
  const codes = events.entityNames.length;
  const isReading = new Uint8Array(numbers.length);
  for (let s = 0; s < numbers.length; s++) isReading[s] = Number.isNaN(numbers[s]) ? 0 : 1;
  return { entityLocal: new Int32Array(codes), entityStamp: new Int32Array(codes).fill(-1), isReading };
}

/**
 * Row-sized buffers kept between calls (grow-only): the miner runs once per home during
 * generation, and fresh arrays of a home's size each time cost more in GC than the work.
 * Synchronous use only: a HomeChanges is read before the next homeChanges call.
 */
const buffers = {
  localEntity: new Int32Array(0),
  rowState: new Int32Array(0),
  readingRow: new Int32Array(0),
  time: new Float64Array(0),
  token: new Int32Array(0),
  changeEntity: new Int32Array(0),
  previous: new Int32Array(0),
};

function reserve(rows: number): typeof buffers {
  if (buffers.rowState.length < rows) {
    const size = Math.max(rows, Math.ceil(buffers.rowState.length * 1.5));
    buffers.localEntity = new Int32Array(size);
    buffers.rowState = new Int32Array(size);
    buffers.readingRow = new Int32Array(size);
    buffers.time = new Float64Array(size);
    buffers.token = new Int32Array(size);
    buffers.changeEntity = new Int32Array(size);
    buffers.previous = new Int32Array(size);
  }
  return buffers;
}

const tokenCells = new ZeroedScratch();

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
  const { entityLocal } = scratch;
  const { localEntity, rowState, readingRow, time, token, changeEntity, previous } = reserve(rows);
  const entity = events.entity;
  const state = events.state;
  const isReading = scratch.isReading;
  const codes = events.entityNames.length;
  let entityIds: string[];
  let rowCount: Uint32Array;
  let numericCount: Uint32Array;
  let homeEntity: Int32Array;
  // rows whose state is a number, compacted branch-free (entities interleave, so a branch on
  // "is a reading" would mispredict often)
  let readings = 0;
  if (codes <= 4 * rows) {
    // counts per entity code and kind (one increment a row: [2c] other rows, [2c + 1] readings);
    // the codes a home uses are numbered in code order
    const kindCount = new Uint32Array(2 * codes);
    for (let k = 0; k < rows; k++) {
      const r = isReading[state[a + k]];
      kindCount[2 * entity[a + k] + r]++;
      readingRow[readings] = k;
      readings += r;
    }
    rowCount = new Uint32Array(codes);
    numericCount = new Uint32Array(codes);
    for (let c = 0; c < codes; c++) {
      numericCount[c] = kindCount[2 * c + 1];
      rowCount[c] = kindCount[2 * c] + numericCount[c];
    }
    entityIds = [];
    for (let c = 0; c < codes; c++) {
      if (rowCount[c] === 0) continue;
      entityLocal[c] = entityIds.length;
      if (entityIds.length < c) {
        rowCount[entityIds.length] = rowCount[c];
        numericCount[entityIds.length] = numericCount[c];
      }
      entityIds.push(events.entityNames[c]);
    }
    if (entityIds.length === codes)
      homeEntity = entity.subarray(a, a + rows); // codes are the numbers
    else {
      for (let k = 0; k < rows; k++) localEntity[k] = entityLocal[entity[a + k]];
      homeEntity = localEntity;
    }
  } else {
    entityIds = homeEntities(events, a, rows, h, scratch);
    rowCount = new Uint32Array(entityIds.length);
    numericCount = new Uint32Array(entityIds.length);
    for (let k = 0; k < rows; k++) {
      const e = entityLocal[entity[a + k]];
      localEntity[k] = e;
      rowCount[e]++;
      const r = isReading[state[a + k]];
      numericCount[e] += r;
      readingRow[readings] = k;
      readings += r;
    }
    homeEntity = localEntity;
  }
  const entities = entityIds.length;
  rowState.set(state.subarray(a, a + rows));
  const home = {
    readingRow: readingRow.subarray(0, readings),
    entity: homeEntity,
    state,
    value: events.value,
    first: a,
    numbers,
    rowCount,
    numericCount,
  };
  applyLevels(home, entities, levelOptions, levelCodes, rowState);

  const states = events.stateNames.length;
  const dense = entities * states <= MAX_DENSE_TOKENS;
  // token + 1 per (entity, state) cell, 0 = none yet (a kept buffer, cleared: up to 8 MB a home)
  const tokenCell = dense ? tokenCells.take(entities * states) : null;
  const tokenMap = dense ? null : new Map<number, number>();
  const tokenEntity: number[] = [];
  const tokenStateCode: number[] = [];
  const lastState = new Int32Array(entities).fill(-1);
  const lastToken = new Int32Array(entities).fill(-1);
  const eventTime = events.time;
  let count = 0;
  // Branch-free on "changed" (repeats interleave with changes across entities, so a branch
  // mispredicts often): every row is written at `count`, which advances only on a change. A
  // repeated state's cell already has a token, and it is the entity's last one.
  for (let k = 0; k < rows; k++) {
    const e = homeEntity[k];
    const s = rowState[k];
    const differs = s ^ lastState[e];
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
    changeEntity[count] = e;
    previous[count] = lastToken[e];
    count += (differs | -differs) >>> 31;
    lastToken[e] = tok;
  }
  return {
    count,
    time: time.subarray(0, count),
    token: token.subarray(0, count),
    entity: changeEntity.subarray(0, count),
    previous: previous.subarray(0, count),
    entityIds,
    tokenEntity: Int32Array.from(tokenEntity),
    tokenState: tokenStateCode.map((s) => events.stateNames[s]),
  };
}

/**
 * Numbers the entities of home h's rows [a, a + rows) in order of first appearance
 * (scratch.entityLocal, valid where entityStamp is h) and returns their ids by number: for
 * a dictionary with many more codes than the home has rows (e.g. one big multi-home table).
 */
function homeEntities(
  events: CodedEvents,
  a: number,
  rows: number,
  h: number,
  scratch: ChangeScratch,
): string[] {
  const { entityLocal, entityStamp } = scratch;
  const entity = events.entity;
  const entityIds: string[] = [];
  for (let k = 0; k < rows; k++) {
    const code = entity[a + k];
    if (entityStamp[code] === h) continue;
    entityStamp[code] = h;
    entityLocal[code] = entityIds.length;
    entityIds.push(events.entityNames[code]);
  }
  return entityIds;
}
