import { type ColumnTable, columnTable } from "../../core/columnTable.js";
import { formatReading, type HomeEvents, NUMERIC_STATE } from "../../synth/events.js";
import type { GeneratedHome } from "../../synth/homes.js";
import { EVENTS_SCHEMA } from "../storage/tables.js";

/** Distinct readings memoised per table: most sensors repeat a few hundred values. */
const MAX_MEMO = 100_000;

/**
 * A home's event columns as an EVENTS_SCHEMA table: entity indices become entity_ids,
 * dictionary-coded states become Home Assistant state strings (a numeric reading's state
 * is its value as text), and NaN values are nulls in the files.
 */
export function eventsTable(events: HomeEvents, generated: GeneratedHome): ColumnTable {
  const n = events.length;
  const entityIds = generated.devices.map((d) => d.entityId);
  const homeId: string[] = new Array(n).fill(generated.home.homeId);
  const entity: string[] = new Array(n);
  const state: string[] = new Array(n);
  const memo = new Map<number, string>();
  for (let i = 0; i < n; i++) {
    entity[i] = entityIds[events.entityIndex[i]];
    if (events.state[i] !== NUMERIC_STATE) {
      state[i] = events.stateNames[events.state[i]];
      continue;
    }
    const v = events.value[i];
    let text = memo.get(v);
    if (text === undefined) {
      text = formatReading(v);
      if (memo.size < MAX_MEMO) memo.set(v, text);
    }
    state[i] = text;
  }
  return columnTable(EVENTS_SCHEMA, {
    home_id: homeId,
    entity_id: entity,
    time: events.time.length === n ? events.time : events.time.slice(0, n),
    state,
    value: events.value.length === n ? events.value : events.value.slice(0, n),
  });
}
