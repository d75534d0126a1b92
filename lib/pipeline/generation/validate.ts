import type { ProducedColumnData } from "../../core/columnTable.js";
import { DictionaryColumn } from "../../core/dictionaryColumn.js";
import type { GeneratedHome } from "../../synth/homes.js";
import type { GenerationConfig } from "./config.js";
import type { HomeTables } from "./producers.js";

const DAY_MS = 86_400_000;

export interface ValidationRules {
  minDevices: number;
  minEvents: number;
  /** Events must fall in [startMs, endMs): the horizon widened by a day for time zones. */
  startMs: number;
  endMs: number;
}

export interface InvalidHome {
  homeId: string;
  index: number;
  reasons: string[];
}

export function validationRules(config: GenerationConfig): ValidationRules {
  const start = Date.parse(`${config.start}T00:00:00Z`);
  return {
    minDevices: config.validation.minDevices,
    minEvents: config.validation.minEvents,
    startMs: start - DAY_MS,
    endMs: start + (config.days + 1) * DAY_MS,
  };
}

/**
 * Why a generated home is not fit for training, or [] when it is. Checks the configured
 * minimums (events only when an events table is produced) and that every table refers
 * only to the home's own devices and areas.
 */
export function validateHome(generated: GeneratedHome, tables: HomeTables, rules: ValidationRules): string[] {
  const reasons: string[] = [];
  const { devices, areas, home } = generated;
  if (devices.length < rules.minDevices) {
    reasons.push(`${devices.length} devices, below the minimum of ${rules.minDevices}`);
  }
  const entities = new Set<string>();
  for (const d of devices) {
    if (entities.has(d.entityId)) reasons.push(`entity_id ${d.entityId} appears twice`);
    entities.add(d.entityId);
  }
  const areaIds = new Set(areas.map((a) => a.areaId));
  const homeless = devices.filter((d) => !areaIds.has(d.areaId));
  if (homeless.length > 0) reasons.push(`${homeless[0].entityId} is in unknown area ${homeless[0].areaId}`);

  const events = tables.events;
  if (events) {
    if (events.rows < rules.minEvents) {
      reasons.push(`${events.rows} events, below the minimum of ${rules.minEvents}`);
    }
    const time = events.columns.time as Float64Array;
    const { startMs, endMs } = rules;
    let outside = 0;
    for (let i = 0; i < events.rows; i++) {
      const t = time[i];
      if (!(t >= startMs && t < endMs)) outside++;
    }
    if (outside > 0) reasons.push(`${outside} events outside the generated time span`);
  }
  for (const [name, column] of [
    ["events", "entity_id"],
    ["telemetry", "entity_id"],
    ["patterns", "entity_id"],
    ["synergies", "trigger_entity"],
    ["synergies", "action_entity"],
  ] as const) {
    const table = tables[name];
    if (!table) continue;
    const unknown = firstValue(table.columns[column], { entities });
    if (unknown !== undefined) reasons.push(`${name}.${column} names unknown device ${unknown}`);
    if (firstValue(table.columns.home_id, { homeId: home.homeId }) !== undefined) {
      reasons.push(`${name} holds rows of another home`);
    }
  }
  return reasons;
}

/**
 * What a value must be: one of `entities`, or the home's id. (A test object and a plain
 * function rather than a closure per call: closures made per home were recompiled by the JIT
 * again and again in long runs.)
 */
type ValueTest = { entities: ReadonlySet<string> } | { homeId: string };

function isBad(test: ValueTest, value: string | null): boolean {
  if ("homeId" in test) return value !== test.homeId;
  return value === null || !test.entities.has(value);
}

/**
 * The first row's value (in row order) that fails `test`, or undefined. A dictionary column
 * tests each entry once, then only looks up which codes are bad.
 */
function firstValue(column: ProducedColumnData, test: ValueTest): string | null | undefined {
  if (!(column instanceof DictionaryColumn)) {
    const values = column as (string | null)[];
    for (let i = 0; i < values.length; i++) if (isBad(test, values[i])) return values[i];
    return undefined;
  }
  const badEntry = new Array<boolean>(column.dictionary.length);
  for (let c = 0; c < badEntry.length; c++) badEntry[c] = isBad(test, column.dictionary[c]);
  const nullBad = isBad(test, null);
  const { codes } = column;
  const entries = badEntry.length;
  if (!badEntry.includes(true)) {
    // the usual case: only a code outside the dictionary can be bad. A first-use column has
    // none (its promise); else one branch-free pass finds whether any code is outside
    // [0, entries) (a null's -1 included), and only then are rows looked at one by one.
    if (column.firstUse || codesWithin(codes, entries)) return undefined;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (code >>> 0 >= entries && (code >= 0 || nullBad)) return column.at(i) ?? null;
    }
    return undefined;
  }
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    // a code past the dictionary's end names no string at all
    if (code < 0 ? nullBad : code >= badEntry.length || badEntry[code]) return column.at(i) ?? null;
  }
  return undefined;
}

/** Whether every code is in [0, entries): the sign bit of code | (entries − 1 − code), or-ed. */
function codesWithin(codes: Int32Array, entries: number): boolean {
  let outside = 0;
  const last = entries - 1;
  for (let i = 0; i < codes.length; i++) outside |= codes[i] | (last - codes[i]);
  return outside >= 0;
}

/** One line per failing home, at most `limit`, for error messages and logs. */
export function describeInvalidHomes(invalid: readonly InvalidHome[], limit = 3): string {
  const shown = invalid.slice(0, limit).map((h) => `${h.homeId} (${h.reasons.join("; ")})`);
  const more = invalid.length > limit ? ` and ${invalid.length - limit} more` : "";
  return `${shown.join(", ")}${more}`;
}
