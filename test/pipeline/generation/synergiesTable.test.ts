import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../../../lib/pipeline/generation/generate.js";
import { synergiesTable } from "../../../lib/pipeline/generation/synergiesTable.js";
import { SYNERGIES_SCHEMA } from "../../../lib/pipeline/storage/tables.js";
import { generateHome } from "../../../lib/synth/homes.js";
import { plantSynergies } from "../../../lib/synth/synergies.js";

test("planted synergies become SYNERGIES_SCHEMA columns, row for row, with nulls as NaN / null", () => {
  const spec = homeGenerationSpec(parseGenerationConfig({ seed: 5, homes: 3, days: 30 }));
  const planted = [0, 1, 2].flatMap((i) => plantSynergies(generateHome(spec, i), 5));
  const table = synergiesTable(planted);
  assert.is(table.schema, SYNERGIES_SCHEMA);
  assert.is(table.rows, planted.length);
  const c = table.columns;
  planted.forEach((s, i) => {
    assert.is(c.home_id[i], s.homeId);
    assert.is(c.trigger_entity[i], s.trigger);
    assert.is(c.action_entity[i], s.action);
    assert.is(c.relationship[i], s.relationship);
    assert.is(c.linked[i], s.linked ? 1 : 0);
    assert.is(c.same_area[i], s.sameArea ? 1 : 0);
    assert.is(c.condition[i], s.condition);
    assert.is(c.benefit[i], s.benefit);
    assert.is(c.confounder[i], s.confounder ?? null);
    if (s.linked) {
      assert.is(c.delay_ms[i], s.delayMs);
      assert.is(c.probability[i], s.probability);
    } else {
      assert.ok(Number.isNaN(c.delay_ms[i] as number) && Number.isNaN(c.probability[i] as number));
    }
  });
  assert.ok(planted.some((s) => s.linked) && planted.some((s) => !s.linked));
  assert.ok(
    planted.some((s) => s.confounder === "walk_through"),
    "some unlinked pair is confounded",
  );
});

test.run();
