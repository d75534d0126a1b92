import { columnTable, type ProducedTable } from "../../core/columnTable.js";
import { DictionaryColumn } from "../../core/dictionaryColumn.js";
import { stringId, stringIds, stringOfId } from "../../core/stringIds.js";
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
    entity_id: new DictionaryColumn(entityIds, entityCodes, false, stringIds(entityIds)),
    time: events.time.length === n ? events.time : events.time.subarray(0, n),
    state: stateColumn(events),
    value: events.value.length === n ? events.value : events.value.subarray(0, n),
  });
}

/** Distinct readings whose text's stringId is remembered across homes (the texts repeat). */
const MAX_READING_IDS = 1 << 18;
/** Reading → the stringId of formatReading(reading), shared by every table of this thread. */
let sharedReadingIds: ReadingMemo | null = null;

/**
 * The Home Assistant state of each event, entries numbered in order of first use (see
 * DictionaryColumn's `firstUse`): a state name's entry is made at its first row, each distinct
 * reading's text at its first row (memoised by value; past MAX_MEMO distinct values a
 * reading's text is added per row, as a repeated entry). Entries carry their stringIds.
 */
function stateColumn(events: HomeEvents): DictionaryColumn {
  const n = events.length;
  const { state, value, stateNames } = events;
  const dictionary: string[] = [];
  const codes = new Int32Array(n);
  const nameEntry = new Int32Array(stateNames.length).fill(-1);
  const nameIds = stringIds(stateNames);
  const entryIds: number[] = [];
  let withIds = nameIds !== null;
  const memo = new ReadingMemo();
  sharedReadingIds ??= new ReadingMemo();
  const readingIds = sharedReadingIds;
  for (let i = 0; i < n; i++) {
    const code = state[i];
    let entry: number;
    if (code !== NUMERIC_STATE) {
      entry = nameEntry[code];
      if (entry < 0) {
        entry = dictionary.length;
        dictionary.push(stateNames[code]);
        entryIds.push(withIds ? nameIds![code] : -1);
        nameEntry[code] = entry;
      }
    } else {
      const v = value[i];
      entry = memo.get(v);
      if (entry < 0) {
        entry = dictionary.length;
        let id = readingIds.get(v);
        if (id >= 0) dictionary.push(stringOfId(id));
        else {
          const text = formatReading(v);
          dictionary.push(text);
          id = stringId(text);
          if (id < 0) withIds = false;
          else if (readingIds.size < MAX_READING_IDS) readingIds.set(v, id);
        }
        entryIds.push(id);
        if (memo.size < MAX_MEMO) memo.set(v, entry);
      }
    }
    codes[i] = entry;
  }
  return new DictionaryColumn(dictionary, codes, true, withIds ? Int32Array.from(entryIds) : null);
}

/**
 * Reading → dictionary entry (or any int), keyed like a Map<number> (-0 is 0, every NaN is one
 * key; formatReading gives equal text for equal keys) but hashed on the value's bits with open
 * addressing: a Map of heap numbers was most of eventsTable's time.
 */
class ReadingMemo {
  /** Keyed (non-NaN) readings stored. */
  private count = 0;
  private bits = 10;
  private slots = new Int32Array(1 << this.bits).fill(-1);
  private keys = new Float64Array(1 << (this.bits - 1));
  private entries = new Int32Array(1 << (this.bits - 1));
  private nanEntry = -1;
  private readonly word = new Float64Array(1);
  private readonly halves = new Int32Array(this.word.buffer);

  get size(): number {
    return this.count + (this.nanEntry >= 0 ? 1 : 0);
  }

  private slotOf(v: number): number {
    this.word[0] = v;
    const h = Math.imul(this.halves[0] ^ Math.imul(this.halves[1], 0x9e3779b1), 0x85ebca6b);
    return h >>> (32 - this.bits);
  }

  /** The entry of reading v, or -1. */
  get(value: number): number {
    if (Number.isNaN(value)) return this.nanEntry;
    const v = value + 0; // -0 → 0
    const mask = (1 << this.bits) - 1;
    for (let h = this.slotOf(v); ; h = (h + 1) & mask) {
      const k = this.slots[h];
      if (k < 0) return -1;
      if (this.keys[k] === v) return this.entries[k];
    }
  }

  set(value: number, entry: number): void {
    if (Number.isNaN(value)) {
      this.nanEntry = entry;
      return;
    }
    const v = value + 0;
    if ((this.count + 1) * 2 > 1 << this.bits) this.grow();
    const mask = (1 << this.bits) - 1;
    let h = this.slotOf(v);
    while (this.slots[h] >= 0) h = (h + 1) & mask;
    const k = this.count++;
    if (k >= this.keys.length) {
      const keys = new Float64Array(this.keys.length * 2);
      const entries = new Int32Array(this.keys.length * 2);
      keys.set(this.keys);
      entries.set(this.entries);
      this.keys = keys;
      this.entries = entries;
    }
    this.keys[k] = v;
    this.entries[k] = entry;
    this.slots[h] = k;
  }

  private grow(): void {
    this.bits++;
    const mask = (1 << this.bits) - 1;
    this.slots = new Int32Array(1 << this.bits).fill(-1);
    for (let k = 0; k < this.count; k++) {
      let h = this.slotOf(this.keys[k]);
      while (this.slots[h] >= 0) h = (h + 1) & mask;
      this.slots[h] = k;
    }
  }
}
