/**
 * Process-wide (per thread) string ids: one small integer per distinct string, so a writer
 * merging the dictionaries of many DictionaryColumns into one row group's dictionary dedupes
 * entries with an array lookup by id instead of hashing each entry's text per segment.
 * Equal strings always get the same id, so deduping by id is deduping by text.
 *
 * Ids are only meaningful in the thread that made them: columns posted to another thread
 * travel without them (see batch.ts). The table stops growing at MAX_STRING_IDS distinct
 * strings; past that, `stringId` answers -1 and callers leave their columns without ids.
 */

export const MAX_STRING_IDS = 1 << 19;

const idOfText = new Map<string, number>();
const texts: string[] = [];

/** The id of `text`, made on first use; -1 once the table is full. */
export function stringId(text: string): number {
  let id = idOfText.get(text);
  if (id === undefined) {
    if (texts.length >= MAX_STRING_IDS) return -1;
    id = texts.length;
    idOfText.set(text, id);
    texts.push(text);
  }
  return id;
}

/** Ids of every string, or null when the table is full. */
export function stringIds(values: readonly string[]): Int32Array | null {
  const ids = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const id = stringId(values[i]);
    if (id < 0) return null;
    ids[i] = id;
  }
  return ids;
}

/** The string of an id `stringId` handed out. */
export function stringOfId(id: number): string {
  return texts[id];
}

/** One more than the largest id handed out so far. */
export function stringIdCount(): number {
  return texts.length;
}
