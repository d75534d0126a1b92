import { test } from "uvu";
import * as assert from "uvu/assert";
import { jsonNumber, jsonNumbers, quotedAll } from "../../../lib/pipeline/analysis/patternJson.js";

test("detail pieces are what JSON.stringify writes", () => {
  for (const x of [0, -0, 1.5, -2, 1e21, 1e-7, 123456.789, Number.NaN, Number.POSITIVE_INFINITY, -Infinity]) {
    assert.is(jsonNumber(x), JSON.stringify(x), String(x));
  }
  const strings = ["", "on", 'a "quoted" \\ name', "tab\there", "é ✓", "\u0001"];
  assert.equal(
    quotedAll(strings),
    strings.map((s) => JSON.stringify(s)),
  );
  for (const xs of [[], [3], [0, 1, 23], [Number.NaN, 2]]) assert.is(jsonNumbers(xs), JSON.stringify(xs));
  assert.is(jsonNumbers(Uint32Array.of(4, 0, 9)), JSON.stringify([4, 0, 9]));
});

test.run();
