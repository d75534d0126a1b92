import type { ProducedColumnData, ProducedTable } from "../../core/columnTable.js";
import { DictionaryColumn } from "../../core/dictionaryColumn.js";
import { HomeforgeError } from "../../core/errors.js";

/**
 * An events table as the pattern miner reads it: strings as codes with one code per distinct
 * string, rows grouped by home (in order of first appearance) and in time order within a home.
 */
export interface CodedEvents {
  homeIds: string[];
  /** Rows of home h are [homeStart[h], homeStart[h + 1]). */
  homeStart: Uint32Array;
  time: Float64Array;
  /** Per row an index into entityNames (a code is a string, not yet an entity: homes may share it). */
  entity: Int32Array;
  entityNames: string[];
  /** Per row an index into stateNames; a null state is the string "null". */
  state: Int32Array;
  stateNames: string[];
  /** NaN where missing. */
  value: Float64Array;
}

const NEEDED = ["home_id", "entity_id", "time", "state", "value"] as const;

export function codedEvents(events: ProducedTable): CodedEvents {
  for (const name of NEEDED) {
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
  const home = distinctCodes(c.home_id, null);
  const entity = distinctCodes(c.entity_id, null);
  const stateDictionary = dictionaryCodes(c.state, "null");
  const time = numbers(c.time, "time");
  const value = numbers(c.value, "value");
  const n = events.rows;

  if (home.names.length === 1 && n > 0) {
    // the generator's per-home tables: one home, its rows time-sorted
    const check = oneHomeCheck(home.codes, entity.codes, stateDictionary.column.codes, time);
    if (check.valid) {
      return {
        homeIds: [home.names[0]],
        homeStart: Uint32Array.of(0, n),
        time,
        entity: entity.codes,
        entityNames: entity.names,
        state: rowCodes(stateDictionary, check.nullState),
        stateNames: stateDictionary.names,
        value,
      };
    }
  }
  const state = { codes: rowCodes(stateDictionary, true), names: stateDictionary.names };
  // home index by first appearance; detect whether rows already come grouped and time-sorted
  const homeIndex = new Int32Array(home.names.length).fill(-1);
  const homeIds: string[] = [];
  const firstRow: number[] = [];
  let grouped = true;
  let lastHome = -1;
  let lastTime = Number.NEGATIVE_INFINITY;
  const homeCodes = home.codes;
  const entityCodes = entity.codes;
  for (let i = 0; i < n; i++) {
    const hc = homeCodes[i];
    const t = time[i];
    if (hc < 0 || entityCodes[i] < 0 || !Number.isFinite(t)) {
      throw new HomeforgeError(
        "events",
        `row ${i} has no ${hc < 0 ? "home_id" : entityCodes[i] < 0 ? "entity_id" : "valid time"}`,
        "every event needs a home_id, an entity_id and a finite UTC ms time",
      );
    }
    let h = homeIndex[hc];
    if (h < 0) {
      h = homeIndex[hc] = homeIds.length;
      homeIds.push(home.names[hc]);
      firstRow.push(i);
    }
    if (h !== lastHome) {
      if (h < lastHome) grouped = false;
      lastHome = h;
    } else if (t < lastTime) grouped = false;
    lastTime = t;
  }
  const homes = homeIds.length;
  if (grouped) {
    const homeStart = new Uint32Array(homes + 1);
    for (let h = 0; h < homes; h++) homeStart[h] = firstRow[h];
    homeStart[homes] = n;
    return {
      homeIds,
      homeStart,
      time,
      entity: entityCodes,
      entityNames: entity.names,
      state: state.codes,
      stateNames: state.names,
      value,
    };
  }
  const { order, homeStart } = sortByHomeThenTime(time, homeCodes, homeIndex, homes);
  return {
    homeIds,
    homeStart,
    time: gather(time, order, new Float64Array(n)),
    entity: gather(entityCodes, order, new Int32Array(n)),
    entityNames: entity.names,
    state: gather(state.codes, order, new Int32Array(n)),
    stateNames: state.names,
    value: gather(value, order, new Float64Array(n)),
  };
}

/**
 * Whether every row has home code 0 and an entity (codes ≥ 0) and the times are finite and
 * ascending, and whether any state code is negative (null): one pass with no data-dependent
 * branch. Anything invalid goes to the general loop, which also names the first bad row.
 */
function oneHomeCheck(
  homeCodes: Int32Array,
  entityCodes: Int32Array,
  stateCodes: Int32Array,
  time: Float64Array,
): { valid: boolean; nullState: boolean } {
  let codes = 0;
  let states = 0;
  let finite = 0;
  let unsorted = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < time.length; i++) {
    const t = time[i];
    codes |= homeCodes[i] | (entityCodes[i] >>> 31);
    states |= stateCodes[i];
    finite += t - t === 0 ? 0 : 1;
    unsorted += t < last ? 1 : 0;
    last = t;
  }
  return { valid: codes === 0 && finite === 0 && unsorted === 0, nullState: states < 0 };
}

/** A string column's dictionary with one code per distinct string: see distinctCodes. */
interface DictionaryCodes {
  column: DictionaryColumn;
  names: string[];
  /** remap[code + 1]: slot 0 is the null row. */
  remap: Int32Array;
  /** Whether every entry keeps its code (then only null rows may need remapping). */
  same: boolean;
}

function dictionaryCodes(data: ProducedColumnData, nullName: string | null): DictionaryCodes {
  const column =
    data instanceof DictionaryColumn ? data : DictionaryColumn.encode(data as readonly (string | null)[]);
  const index = new Map<string, number>();
  const names: string[] = [];
  const codeOf = (s: string) => {
    let code = index.get(s);
    if (code === undefined) {
      code = names.length;
      index.set(s, code);
      names.push(s);
    }
    return code;
  };
  const dictionary = column.dictionary;
  const remap = new Int32Array(dictionary.length + 1);
  let same = true;
  for (let d = 0; d < dictionary.length; d++) {
    const s = dictionary[d];
    const code = nullName === null && s === "" ? -1 : codeOf(s);
    remap[d + 1] = code;
    if (code !== d) same = false;
  }
  remap[0] = nullName === null ? -1 : codeOf(nullName);
  return { column, names, remap, same };
}

/**
 * The rows' codes: the column's own when every entry keeps its code and null rows either
 * stay -1 or do not occur (`mayHaveNulls` false: the caller has checked), else remapped.
 */
function rowCodes(d: DictionaryCodes, mayHaveNulls: boolean): Int32Array {
  const src = d.column.codes;
  let same = d.same;
  if (same && d.remap[0] >= 0 && mayHaveNulls) {
    for (let i = 0; i < src.length && same; i++) if (src[i] < 0) same = false;
  }
  if (same) return src;
  const codes = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) codes[i] = d.remap[src[i] + 1];
  return codes;
}

/**
 * Codes with one code per distinct string (a dictionary may repeat a string under two codes).
 * Null rows get the code of `nullName`, or -1 when it is null (then "" is missing too).
 * The column's own codes are reused when they already are such codes.
 */
function distinctCodes(
  data: ProducedColumnData,
  nullName: string | null,
): { codes: Int32Array; names: string[] } {
  const d = dictionaryCodes(data, nullName);
  return { codes: rowCodes(d, true), names: d.names };
}

function numbers(data: ProducedColumnData, name: string): Float64Array {
  if (data instanceof Float64Array) return data;
  if (data instanceof DictionaryColumn) {
    throw new HomeforgeError(
      "events",
      `column ${name} holds strings`,
      `pass ${name} as numbers (Float64Array)`,
    );
  }
  const out = new Float64Array(data.length);
  for (let i = 0; i < out.length; i++) {
    const v = data[i] as number | null;
    out[i] = v === null || v === undefined ? Number.NaN : v;
  }
  return out;
}

/** Row order grouped by home (counting sort, stable) and by time within each home (stable). */
function sortByHomeThenTime(
  time: Float64Array,
  homeCodes: Int32Array,
  homeIndex: Int32Array,
  homes: number,
): { order: Uint32Array; homeStart: Uint32Array } {
  const n = homeCodes.length;
  const start = new Uint32Array(homes + 1);
  for (let i = 0; i < n; i++) start[homeIndex[homeCodes[i]] + 1]++;
  for (let h = 0; h < homes; h++) start[h + 1] += start[h];
  const next = start.slice(0, homes);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[next[homeIndex[homeCodes[i]]]++] = i;
  for (let h = 0; h < homes; h++) {
    const seg = order.subarray(start[h], start[h + 1]);
    let sorted = true;
    for (let k = 1; k < seg.length && sorted; k++) if (time[seg[k]] < time[seg[k - 1]]) sorted = false;
    if (!sorted) seg.sort((a, b) => time[a] - time[b] || a - b);
  }
  return { order, homeStart: start };
}

function gather<T extends Float64Array | Int32Array>(src: T, order: Uint32Array, out: T): T {
  for (let k = 0; k < order.length; k++) out[k] = src[order[k]];
  return out;
}
