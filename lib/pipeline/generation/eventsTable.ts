import { columnTable, type ProducedTable } from "../../core/columnTable.js";
import { DictionaryColumn } from "../../core/dictionaryColumn.js";
import { formatReading, type HomeEvents, NUMERIC_STATE } from "../../synth/events.js";
import type { GeneratedHome } from "../../synth/homes.js";
import { EVENTS_SCHEMA } from "../storage/tables.js";

/** Distinct readings memoised per table: most sensors repeat a few hundred values. */
const MAX_MEMO = 100_000;

/**
 * A home's event columns as an EVENTS_SCHEMA table. The string columns are
 * DictionaryColumns (decode with `plainTable` for plain arrays): home_id is the home's id on
 * every row, entity_id codes are the events' entity indices into the home's entity ids, and
 * state codes point at the event state names or at a numeric reading's value as text.
 * NaN values are nulls in the files.
 */
export function eventsTable(events: HomeEvents, generated: GeneratedHome): ProducedTable {
  const n = events.length;
  const entityIds = generated.devices.map((d) => d.entityId);
  const entityCodes =
    events.entityIndex.length === n ? events.entityIndex : events.entityIndex.subarray(0, n);
  return columnTable(EVENTS_SCHEMA, {
    home_id: DictionaryColumn.constant(generated.home.homeId, n),
    entity_id: new DictionaryColumn(entityIds, entityCodes),
    time: events.time.length === n ? events.time : events.time.slice(0, n),
    state: stateColumn(events),
    value: events.value.length === n ? events.value : events.value.slice(0, n),
  });
}

/**
 * The Home Assistant state of each event: non-numeric codes keep their index into
 * `stateNames`; each distinct reading gets one entry after them (memoised by value; past
 * MAX_MEMO distinct values a reading's text is added per row, as a repeated entry).
 */
function stateColumn(events: HomeEvents): DictionaryColumn {
  const n = events.length;
  const dictionary = [...events.stateNames];
  const codes = new Int32Array(n);
  const memo = new Map<number, number>();
  const { state, value } = events;
  for (let i = 0; i < n; i++) {
    const code = state[i];
    if (code !== NUMERIC_STATE) {
      codes[i] = code;
      continue;
    }
    const v = value[i];
    let entry = memo.get(v);
    if (entry === undefined) {
      entry = dictionary.length;
      dictionary.push(formatReading(v));
      if (memo.size < MAX_MEMO) memo.set(v, entry);
    }
    codes[i] = entry;
  }
  return new DictionaryColumn(dictionary, codes);
}
