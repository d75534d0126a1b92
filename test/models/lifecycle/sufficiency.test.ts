import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  DEFAULT_FAILURE_SUFFICIENCY,
  failureSufficiency,
  synergySufficiency,
} from "../../../lib/models/lifecycle/sufficiency.js";
import { makeTelemetryFixture } from "../../helpers/telemetryFixture.js";

const positivesOf = (table: ReturnType<typeof makeTelemetryFixture>) =>
  Array.from(table.columns.fails_within_7d as ArrayLike<number>).reduce((n, v) => n + (v === 1 ? 1 : 0), 0);

test("a tiny telemetry table fails and the report says what is missing, in words", () => {
  const tiny = makeTelemetryFixture({ homes: 4, days: 5, devicesPerHome: 2 });
  const r = failureSufficiency(tiny, { seed: 1 });
  assert.is(r.sufficient, false);
  const short = r.requirements.filter((q) => !q.met).map((q) => q.name);
  for (const name of ["rows", "homes"]) assert.ok(short.includes(name), `${name} in ${short}`);
  const rows = r.requirements.find((q) => q.name === "rows")!;
  assert.ok(rows.found > 0 && rows.found <= tiny.rows); // uncensored rows only
  const need = DEFAULT_FAILURE_SUFFICIENCY.minRows;
  assert.is(rows.required, need);
  assert.is(
    rows.missing,
    `${need - rows.found} more uncensored telemetry rows needed (${rows.found} of ${need})`,
  );
  assert.match(r.summary, /^insufficient: rows: /);
  assert.match(r.summary, /homes: 16 more homes needed \(4 of 20\)/);
});

test("a table that clears every bar is sufficient; per home type, a thin one falls back to the global model", () => {
  const table = makeTelemetryFixture({ homes: 40, days: 30, devicesPerHome: 6, failureRate: 0.4 });
  const r = failureSufficiency(table, { seed: 3 });
  assert.ok(positivesOf(table) >= 50);
  assert.is(r.sufficient, true, r.summary);
  assert.is(r.summary, "sufficient: every requirement met");
  for (const split of ["train", "validation", "test"])
    assert.ok(r.requirements.find((q) => q.name === `${split} homes`)!.met);
  // the same data with a per-type bar no home type reaches: each falls back, saying why
  const strict = failureSufficiency(table, { seed: 3, thresholds: { perTypeMinTrainPositives: 1_000_000 } });
  assert.is(strict.sufficient, true);
  assert.ok(strict.home_types!.length >= 3);
  for (const t of strict.home_types!) {
    assert.is(t.own_model, false);
    assert.match(t.note, /^falls back to the global model: training positives: \d+ more failing device-days/);
  }
  assert.ok(r.home_types!.some((t) => t.own_model));
});

test("censored rows do not count", () => {
  const table = makeTelemetryFixture({ homes: 30, days: 20, devicesPerHome: 5 });
  const censored = new Uint8Array(table.rows).fill(1);
  const all = failureSufficiency({ ...table, columns: { ...table.columns, censored } });
  assert.is(all.requirements.find((q) => q.name === "rows")!.found, 0);
  assert.is(all.sufficient, false);
});

test("synergy: homes and linked pairs, overall and in validation homes", () => {
  const homes = (n: number, linked: number) =>
    Array.from({ length: n }, (_, i) => ({
      homeId: `h${i}`,
      homeType: i % 2 ? "apartment" : "condo",
      linkedPairs: linked,
    }));
  const ok = synergySufficiency(homes(30, 4), { seed: 2 });
  assert.is(ok.sufficient, true, ok.summary);
  const few = synergySufficiency(homes(6, 1), { seed: 2 });
  assert.is(few.sufficient, false);
  assert.match(few.summary, /homes: 14 more homes needed \(6 of 20\)/);
  assert.match(
    few.summary,
    /linked pairs: 44 more planted links among the candidate pairs needed \(6 of 50\)/,
  );
  const none = synergySufficiency([]);
  assert.is(none.sufficient, false);
});

test.run();
