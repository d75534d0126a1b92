import { test } from "uvu";
import * as assert from "uvu/assert";
import { columnTable } from "../../../lib/core/columnTable.js";
import { DictionaryColumn } from "../../../lib/core/dictionaryColumn.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { generateHomes } from "../../../lib/pipeline/generation/generate.js";
import { homeTables } from "../../../lib/pipeline/generation/homeTables.js";
import {
  describeInvalidHomes,
  validateHome,
  validationRules,
} from "../../../lib/pipeline/generation/validate.js";
import { EVENTS_SCHEMA } from "../../../lib/pipeline/storage/tables.js";

const config = parseGenerationConfig({ seed: 1, homes: 3, days: 2, start: "2025-03-01" });
const [home] = generateHomes(config);
const rules = validationRules(config);
const t0 = Date.parse("2025-03-01T00:00:00Z");

function events(entities: string[], times: number[]) {
  return columnTable(EVENTS_SCHEMA, {
    home_id: entities.map(() => home.home.homeId),
    entity_id: entities,
    time: Float64Array.from(times),
    state: entities.map(() => "on"),
    value: new Float64Array(entities.length).fill(Number.NaN),
  });
}

test("a sound home passes; every broken rule gives its own reason", () => {
  const id = home.devices[0].entityId;
  const fine = events(
    Array(120).fill(id),
    Array.from({ length: 120 }, (_, i) => t0 + i * 60_000),
  );
  assert.equal(validateHome(home, { ...homeTables([home]), events: fine }, rules), []);

  const few = events([id], [t0]);
  assert.match(validateHome(home, { events: few }, rules).join(";"), /1 events, below the minimum of 100/);

  const outside = events(
    Array(100).fill(id),
    Array.from({ length: 100 }, (_, i) => t0 + (i < 3 ? 0 : 10) * 86_400_000),
  );
  assert.match(
    validateHome(home, { events: outside }, rules).join(";"),
    /97 events outside the generated time span/,
  );

  const stranger = events([...Array(100).fill(id), "light.nowhere"], Array(101).fill(t0));
  assert.match(
    validateHome(home, { events: stranger }, rules).join(";"),
    /events\.entity_id names unknown device light\.nowhere/,
  );

  const twice = { ...home, devices: [...home.devices, home.devices[1]] };
  assert.match(
    validateHome(twice, {}, rules).join(";"),
    new RegExp(`entity_id ${home.devices[1].entityId} appears twice`),
  );

  const small = { ...home, devices: home.devices.slice(0, 4) };
  assert.equal(validateHome(small, {}, { ...rules, minDevices: 10 }), ["4 devices, below the minimum of 10"]);
});

test("dictionary-coded ids: a code past the dictionary, a null code and a used bad entry are each found", () => {
  const ids = home.devices.map((d) => d.entityId);
  const n = 120;
  const coded = (entityCodes: number[], homeCodes: number[] = Array(n).fill(0), dictionary = ids) =>
    columnTable(EVENTS_SCHEMA, {
      home_id: new DictionaryColumn([home.home.homeId], Int32Array.from(homeCodes)),
      entity_id: new DictionaryColumn(dictionary, Int32Array.from(entityCodes)),
      time: Float64Array.from({ length: n }, (_, i) => t0 + i * 60_000),
      state: DictionaryColumn.constant("on", n),
      value: new Float64Array(n).fill(Number.NaN),
    });
  const reasons = (table: ReturnType<typeof coded>) => validateHome(home, { events: table }, rules).join(";");
  const codes = Array.from({ length: n }, (_, i) => i % ids.length);
  assert.is(reasons(coded(codes)), "");
  // an unused bad entry is no reason; a used one is named
  assert.is(reasons(coded(codes, undefined, [...ids, "light.nowhere"])), "");
  const usesBad = [...codes];
  usesBad[77] = ids.length;
  assert.match(
    reasons(coded(usesBad, undefined, [...ids, "light.nowhere"])),
    /names unknown device light\.nowhere/,
  );
  // a code past the dictionary's end, and a null (-1), name no device of the home
  assert.match(reasons(coded(usesBad)), /events\.entity_id names unknown device null/);
  const nullCode = [...codes];
  nullCode[5] = -1;
  assert.match(reasons(coded(nullCode)), /events\.entity_id names unknown device null/);
  const otherHome = Array(n).fill(0);
  otherHome[n - 1] = -1;
  assert.match(reasons(coded(codes, otherHome)), /events holds rows of another home/);
});

test("failing homes are summarised in one line", () => {
  const line = describeInvalidHomes([
    { homeId: "home_000001", index: 1, reasons: ["a", "b"] },
    { homeId: "home_000002", index: 2, reasons: ["c"] },
    { homeId: "home_000003", index: 3, reasons: ["d"] },
    { homeId: "home_000004", index: 4, reasons: ["e"] },
  ]);
  assert.is(line, "home_000001 (a; b), home_000002 (c), home_000003 (d) and 1 more");
});

test.run();
