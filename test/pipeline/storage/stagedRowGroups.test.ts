import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ProducedTable, plainTable, sliceTable } from "../../../lib/core/columnTable.js";
import { DictionaryColumn } from "../../../lib/core/dictionaryColumn.js";
import { stringIds } from "../../../lib/core/stringIds.js";
import { StagedRowGroups } from "../../../lib/pipeline/storage/stagedRowGroups.js";
import { mixedSchema, mixedTable } from "../../helpers/mixedTable.js";

const SCHEMA = mixedSchema(["s", "i", "f", "b", "time", "d"]);

/** A mixed table with its string column as a first-use DictionaryColumn carrying string ids. */
function coded(n: number, from: number): ProducedTable {
  const t = mixedTable(SCHEMA, n, from);
  const s = DictionaryColumn.encode(t.columns.s as string[]);
  const withIds = new DictionaryColumn(s.dictionary, s.codes, s.firstUse, stringIds(s.dictionary));
  return { ...t, columns: { ...t.columns, s: withIds } };
}

test("groups of exactly groupRows rows, the same rows in order, typed data copied out of the input", () => {
  const parts = [coded(3, 0), coded(10, 3), coded(1, 13), coded(0, 14), coded(12, 14)];
  const seen: { rows: number; plain: ReturnType<typeof plainTable> }[] = [];
  const inputBuffers = new Set<ArrayBufferLike>();
  for (const p of parts)
    for (const c of Object.values(p.columns)) {
      if (ArrayBuffer.isView(c)) inputBuffers.add(c.buffer);
      if (c instanceof DictionaryColumn) inputBuffers.add(c.codes.buffer);
    }
  const groups = new StagedRowGroups(SCHEMA, 8, (group) => {
    // the segments are views of the stager's buffers, read here (they are reused afterwards)
    for (const seg of group)
      for (const c of Object.values(seg.columns)) {
        const buffer =
          c instanceof DictionaryColumn ? c.codes.buffer : ArrayBuffer.isView(c) ? c.buffer : null;
        if (buffer) assert.not.ok(inputBuffers.has(buffer), "typed data is a copy");
      }
    const rows = group.reduce((n, s) => n + s.rows, 0);
    const merged = group.map((seg) => plainTable(seg));
    const plain = {
      ...merged[0],
      rows,
      columns: Object.fromEntries(
        SCHEMA.columns.map((c) => [
          c.name,
          merged.flatMap((m) => Array.from(m.columns[c.name] as ArrayLike<unknown>)),
        ]),
      ),
    } as ReturnType<typeof plainTable>;
    seen.push({ rows, plain });
  });
  for (const p of parts) groups.push(p);
  groups.drain();
  assert.equal(
    seen.map((g) => g.rows),
    [8, 8, 8, 2],
  );
  const all = mixedTable(SCHEMA, 26, 0);
  seen.forEach((g, k) => {
    const expected = plainTable(sliceTable(all, k * 8, Math.min(26, k * 8 + 8)));
    for (const c of SCHEMA.columns)
      assert.equal(
        g.plain.columns[c.name],
        Array.from(expected.columns[c.name] as ArrayLike<unknown>),
        `${c.name}, group ${k}`,
      );
  });
});

test.run();
