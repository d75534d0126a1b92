import { test } from "uvu";
import * as assert from "uvu/assert";
import { plainColumn, plainTable } from "../../lib/core/columnTable.js";
import { DictionaryColumn, isDictionaryColumn } from "../../lib/core/dictionaryColumn.js";

test("encode numbers entries in order of first appearance, nulls as -1", () => {
  const c = DictionaryColumn.encode(["b", "a", null, "b", "c", "a"]);
  assert.equal([...c.dictionary], ["b", "a", "c"]);
  assert.equal(Array.from(c.codes), [0, 1, -1, 0, 2, 1]);
  assert.equal(c.toArray(), ["b", "a", null, "b", "c", "a"]);
  assert.is(c.at(2), null);
  assert.is(c.length, 6);
});

test("constant holds one entry and zero codes", () => {
  const c = DictionaryColumn.constant("home_1", 4);
  assert.equal([...c.dictionary], ["home_1"]);
  assert.equal(c.toArray(), ["home_1", "home_1", "home_1", "home_1"]);
  assert.equal(DictionaryColumn.constant("x", 0).toArray(), []);
});

test("concat merges overlapping dictionaries by string and keeps every row", () => {
  const a = new DictionaryColumn(["x", "y", "unused"], Int32Array.from([1, 0, -1]));
  const b = new DictionaryColumn(["z", "y", "y"], Int32Array.from([2, 0, 1, -1]));
  const c = DictionaryColumn.concat([a, b, DictionaryColumn.constant("x", 1)]);
  assert.equal(c.toArray(), ["y", "x", null, "y", "z", "y", null, "x"]);
  assert.equal([...c.dictionary], ["x", "y", "unused", "z"], "one entry per string");
  assert.equal(Array.from(c.codes), [1, 0, -1, 1, 3, 1, -1, 0]);
  assert.is(DictionaryColumn.concat([]).length, 0);
});

test("slice is a view: the codes share the buffer and the dictionary is the same array", () => {
  const c = DictionaryColumn.encode(["a", "b", null, "c", "a"]);
  const s = c.slice(1, 4);
  assert.equal(s.toArray(), ["b", null, "c"]);
  assert.is(s.codes.buffer, c.codes.buffer);
  assert.is(s.dictionary, c.dictionary);
  assert.is(s.slice(0, 0).length, 0);
});

test("plainTable decodes dictionary columns and leaves the others as they are", () => {
  const time = Float64Array.from([1, 2]);
  const schema = { name: "t", columns: [] };
  const plain = plainTable({ schema, rows: 2, columns: { s: DictionaryColumn.encode(["a", null]), time } });
  assert.equal(plain.columns.s, ["a", null]);
  assert.is(plain.columns.time, time);
  assert.ok(isDictionaryColumn(DictionaryColumn.constant("a", 1)));
  assert.not.ok(isDictionaryColumn(["a"]));
  assert.equal(plainColumn(["a", null]), ["a", null]);
});

test.run();
