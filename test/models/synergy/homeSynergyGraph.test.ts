import { test } from "uvu";
import * as assert from "uvu/assert";
import { homeSynergyGraph, homeSynergyGraphs } from "../../../lib/models/synergy/homeSynergyGraph.js";
import { NODE_FEATURE_NAMES } from "../../../lib/models/synergy/nodeFeatures.js";
import { EDGE_TYPES } from "../../../lib/models/synergy/synergyTypes.js";
import { AREA_KINDS } from "../../../lib/synth/catalog/areas.js";
import { DEVICE_CLASSES, DOMAINS } from "../../../lib/synth/catalog/devices.js";
import {
  FAN,
  GARDEN_LIGHT,
  HALL_LIGHT,
  handHome,
  KITCHEN_LIGHT,
  LAMP,
  MOTION,
  START,
  TEMPERATURE,
} from "./handHome.js";

const node = (g: { entityIds: string[] }, id: string) => g.entityIds.indexOf(id);

test("adjacency: one matrix per edge type, symmetric, zero diagonal, in [0, 1]; same-area and adjacent entries", () => {
  const g = homeSynergyGraph(handHome(), 3);
  const n = g.nodeCount;
  assert.is(g.adjacency.length, EDGE_TYPES.length);
  for (const m of g.adjacency) {
    assert.is(m.length, n * n);
    for (let i = 0; i < n; i++) {
      assert.is(m[i * n + i], 0);
      for (let j = 0; j < n; j++) {
        assert.is(m[i * n + j], m[j * n + i]);
        assert.ok(m[i * n + j] >= 0 && m[i * n + j] <= 1);
      }
    }
  }
  const [same, adjacent, co] = g.adjacency;
  const edge = (m: Float32Array, a: string, b: string) => m[node(g, a) * n + node(g, b)];
  /** Exactly these unordered pairs carry a 1. */
  const onlyEdges = (m: Float32Array, pairs: string[][]) => {
    assert.is(
      m.reduce((s, v) => s + v, 0),
      2 * pairs.length,
    );
    for (const [a, b] of pairs) assert.is(edge(m, a, b), 1, `${a} ~ ${b}`);
  };
  onlyEdges(same, [
    [MOTION, HALL_LIGHT],
    [TEMPERATURE, FAN],
    [TEMPERATURE, LAMP],
    [FAN, LAMP],
  ]);
  // hallway – kitchen adjoin (a passage on its floor); the bedroom is upstairs, the garden outside
  onlyEdges(adjacent, [
    [MOTION, KITCHEN_LIGHT],
    [HALL_LIGHT, KITCHEN_LIGHT],
  ]);
  assert.is(edge(adjacent, MOTION, HALL_LIGHT), 0, "one area is not two adjacent ones");
  // motion (5 activations) and the hall light (4): 3 of each within 30 s of the other
  assert.ok(Math.abs(edge(co, MOTION, HALL_LIGHT) - 3 / Math.sqrt(20)) < 1e-6);
  assert.is(edge(co, TEMPERATURE, FAN), 0, "the fan goes on 60 s after the crossing");
  assert.is(edge(co, MOTION, GARDEN_LIGHT), 0);
});

test("node features: documented names, one-hots, place, local-hour profile, events per day", () => {
  assert.equal(
    NODE_FEATURE_NAMES.slice(0, DOMAINS.length),
    DOMAINS.map((d) => `domain_${d}`),
  );
  assert.ok(NODE_FEATURE_NAMES.includes(`device_class_${DEVICE_CLASSES[0]}`));
  assert.ok(AREA_KINDS.every((k) => NODE_FEATURE_NAMES.includes(`area_${k}`)));
  assert.is(NODE_FEATURE_NAMES.filter((f) => f.startsWith("activity_hour_")).length, 24);
  assert.is(new Set(NODE_FEATURE_NAMES).size, NODE_FEATURE_NAMES.length);
  const g = homeSynergyGraph(handHome(), 3);
  const width = NODE_FEATURE_NAMES.length;
  assert.is(g.nodeFeatures.length, g.nodeCount * width);
  const f = (id: string, name: string) =>
    g.nodeFeatures[node(g, id) * width + NODE_FEATURE_NAMES.indexOf(name)];
  assert.is(f(MOTION, "domain_binary_sensor"), 1);
  assert.is(f(MOTION, "domain_light"), 0);
  assert.is(f(MOTION, "device_class_motion"), 1);
  assert.is(f(MOTION, "battery"), 1);
  assert.is(f(MOTION, "indoor"), 1);
  assert.is(f(MOTION, "area_hallway"), 1);
  assert.is(f(TEMPERATURE, "floor"), 1);
  assert.is(f(GARDEN_LIGHT, "indoor"), 0);
  // motion: 10 events in the cut, 2 in each of local hours 8–11 and 2 at 12 (UTC 7–11)
  for (const h of ["08", "09", "10", "11", "12"])
    assert.ok(Math.abs(f(MOTION, `activity_hour_${h}`) - 0.2) < 1e-6);
  assert.is(f(MOTION, "activity_hour_07"), 0, "local, not UTC hours");
  assert.ok(Math.abs(f(MOTION, "log_events_per_day") - Math.log1p(10 / 3)) < 1e-6);
  // the garden light has no events: a zero profile
  let profile = 0;
  for (let h = 0; h < 24; h++) profile += f(GARDEN_LIGHT, `activity_hour_${String(h).padStart(2, "0")}`);
  assert.is(profile, 0);
  assert.is(f(GARDEN_LIGHT, "log_events_per_day"), 0);
});

test("a 3-day cut sees only events before start + 3 d; the full horizon sees them all", () => {
  const [cut, full] = homeSynergyGraphs(handHome(), [3, null]);
  assert.is(cut.historyDays, 3);
  assert.is(cut.observedDays, 3);
  assert.is(full.historyDays, null);
  assert.is(full.observedDays, 5);
  assert.is(cut.evidence[0].triggerOnsets, 5, "the day-4 motion is past the cut");
  assert.is(full.evidence[0].triggerOnsets, 6);
  // a cut is exactly the builder on the events before its end
  const home = handHome();
  const end = START + 3 * 86_400_000;
  const keep = Array.from(home.events.time, (t, i) => (t < end ? i : -1)).filter((i) => i >= 0);
  const trimmed = {
    ...home,
    days: 3,
    events: {
      entityId: keep.map((i) => home.events.entityId[i]),
      time: Float64Array.from(keep, (i) => home.events.time[i]),
      state: keep.map((i) => home.events.state[i]),
      value: Float64Array.from(keep, (i) => home.events.value[i] as number),
    },
  };
  const alone = homeSynergyGraph(trimmed, null);
  assert.equal(alone.pairFeatures, cut.pairFeatures);
  assert.equal(alone.nodeFeatures, cut.nodeFeatures);
  assert.equal(alone.adjacency, cut.adjacency);
});

test("event order does not matter (events are sorted per device); same input ⇒ identical arrays", () => {
  const sorted = homeSynergyGraph(handHome(), 3);
  const reversed = homeSynergyGraph(
    handHome((rows) => [...rows].reverse()),
    3,
  );
  assert.equal(reversed, sorted);
  assert.equal(homeSynergyGraph(handHome(), 3), sorted);
});

test("truth rows set the pairs, labels and confounders; without truth both are null", () => {
  const none = homeSynergyGraph(handHome(), 3);
  assert.is(none.labels, null);
  assert.is(none.confounder, null);
  const home = {
    ...handHome(),
    truth: [
      {
        trigger: TEMPERATURE,
        action: FAN,
        relationship: "temperature_fan",
        linked: false,
        confounder: "routine",
      },
      { trigger: MOTION, action: HALL_LIGHT, relationship: "motion_light", linked: true, confounder: null },
    ],
  };
  const g = homeSynergyGraph(home, 3);
  assert.equal(g.relationship, ["temperature_fan", "motion_light"]);
  assert.equal(Array.from(g.labels!), [0, 1]);
  assert.equal(g.confounder, ["routine", null]);
  assert.equal(Array.from(g.sameArea), [1, 1]);
  assert.equal(g.evidence[1], none.evidence[0]);
});

test("bad input is a one-line error naming the field", () => {
  const bad = (
    change: (h: ReturnType<typeof handHome>) => unknown,
    field: RegExp,
    cut: number | null = 3,
  ) => {
    const h = handHome();
    change(h);
    assert.throws(
      () => homeSynergyGraph(h, cut),
      (e: Error) => e.name === "HomeforgeError" && field.test(e.message) && !e.message.includes("\n"),
    );
  };
  bad(() => {}, /^cuts:/, 0);
  bad((h) => Object.assign(h, { timezone: "Mars/Olympus" }), /^timezone:/);
  bad((h) => {
    (h.events.entityId as string[])[0] = "light.nowhere";
  }, /^events\.entity_id:/);
  bad(
    (h) =>
      Object.assign(h, {
        truth: [
          {
            trigger: MOTION,
            action: "light.x",
            relationship: "motion_light",
            linked: true,
            confounder: null,
          },
        ],
      }),
    /^synergies:/,
  );
  bad(
    (h) =>
      Object.assign(h, {
        truth: [
          { trigger: MOTION, action: HALL_LIGHT, relationship: "telepathy", linked: true, confounder: null },
        ],
      }),
    /^synergies\.relationship:/,
  );
  bad((h) => Object.assign(h.areas[0], { kind: "ballroom" }), /^areas\.kind:/);
  bad((h) => Object.assign(h.devices[0], { areaId: "cellar" }), /^devices\.area_id:/);
});

test.run();
