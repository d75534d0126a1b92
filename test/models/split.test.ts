import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../lib/core/random.js";
import { SPLIT_NAMES, splitHomes, splitRows } from "../../lib/models/split.js";
import { makeTelemetryFixture, permuteRows } from "../helpers/telemetryFixture.js";

const types = ["single_family_house", "apartment", "condo", "townhouse"];
const table = makeTelemetryFixture({ seed: 5, homes: 41, days: 6, devicesPerHome: 2, homeTypes: types });
const homeIds = table.columns.home_id as string[];
const homeTypes = table.columns.home_type as string[];

test("no home is in two splits, and every row lands in the split of its home", () => {
  const split = splitHomes(homeIds, homeTypes, { seed: 1 });
  const seen = new Map<string, string>();
  for (const name of SPLIT_NAMES) {
    for (const h of split.homes[name]) {
      assert.not.ok(seen.has(h), `${h} is in ${seen.get(h)} and ${name}`);
      seen.set(h, name);
    }
  }
  assert.is(seen.size, new Set(homeIds).size);
  const rows = splitRows(split, homeIds);
  assert.is(rows.train.length + rows.validation.length + rows.test.length, table.rows);
  for (const name of SPLIT_NAMES) for (const r of rows[name]) assert.is(seen.get(homeIds[r]), name);
});

test("stratified by home type: each type is in every split, in about the asked proportions", () => {
  const split = splitHomes(homeIds, homeTypes, {
    seed: 9,
    fractions: { train: 0.6, validation: 0.2, test: 0.2 },
  });
  assert.equal(Object.keys(split.counts).sort(), [...types].sort());
  for (const type of types) {
    const c = split.counts[type];
    const n = c.train + c.validation + c.test;
    assert.ok(c.train >= 1 && c.validation >= 1 && c.test >= 1, `${type}: ${JSON.stringify(c)}`);
    assert.ok(Math.abs(c.test - 0.2 * n) <= 1, `${type} test share`);
    const typeOf = new Map(homeIds.map((h, i) => [h, homeTypes[i]]));
    assert.is(split.homes.test.filter((h) => typeOf.get(h) === type).length, c.test);
  }
});

test("seeded: same seed ⇒ same split whatever the row order; another seed ⇒ another split", () => {
  const a = splitHomes(homeIds, homeTypes, { seed: 4 });
  const order = Rng.derive(1, "perm").shuffle(Array.from({ length: table.rows }, (_, i) => i));
  const shuffled = permuteRows(table, order);
  const b = splitHomes(shuffled.columns.home_id as string[], shuffled.columns.home_type as string[], {
    seed: 4,
  });
  assert.equal(a, b);
  const c = splitHomes(homeIds, homeTypes, { seed: 5 });
  assert.not.equal(a.homes.test, c.homes.test);
  assert.is(JSON.parse(JSON.stringify(a)).seed, 4, "the split records its seed");
});

test("tiny types: one home goes to train, two to train and test", () => {
  const split = splitHomes(["a", "b", "c"], ["x", "y", "y"], { seed: 1 });
  assert.equal(split.counts.x, { train: 1, validation: 0, test: 0 });
  assert.equal(split.counts.y, { train: 1, validation: 0, test: 1 });
  assert.throws(
    () => splitHomes(["a"], ["x"], { seed: 1, fractions: { train: 0.5, validation: 0.2, test: 0.2 } }),
    /sum to 1/,
  );
});

test.run();
