import { test } from "uvu";
import * as assert from "uvu/assert";
import { homeSynergyGraph } from "../../../lib/models/synergy/homeSynergyGraph.js";
import {
  countFollowed,
  countNear,
  countPreceded,
  followDelays,
} from "../../../lib/models/synergy/lagCounts.js";
import { PAIR_FEATURE_NAMES, pairFeatureMatrix } from "../../../lib/models/synergy/pairFeatures.js";
import { PAIR_STAT_FEATURES, type PairEvidence } from "../../../lib/models/synergy/synergyTypes.js";
import { RELATIONSHIPS } from "../../../lib/synth/catalog/relationships.js";
import { FAN, HALL_LIGHT, handHome, MOTION, TEMPERATURE } from "./handHome.js";

const H = 3_600_000;

test("two-pointer counts: followed strictly after, preceded strictly before, near both ways", () => {
  const from = [0, 100, 200, 1000];
  const to = [0, 150, 230, 5000];
  assert.is(countFollowed(from, to, 50), 2); // 100→150, 200→230; 0→0 is no follow
  assert.equal(followDelays(from, to, 50), [50, 30]);
  assert.is(countPreceded(to, from, 50), 2); // 150←100, 230←200
  assert.is(countNear(from, to, 50), 3); // 0~0, 100~150, 200~230
  assert.is(countFollowed([], to, 50), 0);
  assert.is(countNear(from, [], 50), 0);
});

test("evidence of the hand-built home at a 3-day cut: counts, delays and chance by hand", () => {
  const g = homeSynergyGraph(handHome(), 3);
  assert.equal(g.relationship, ["motion_light", "temperature_fan"]);
  assert.equal([g.entityIds[g.trigger[0]], g.entityIds[g.action[0]]], [MOTION, HALL_LIGHT]);
  assert.equal([g.entityIds[g.trigger[1]], g.entityIds[g.action[1]]], [TEMPERATURE, FAN]);
  const e = g.evidence[0];
  assert.is(e.triggerOnsets, 5);
  assert.is(e.actionOnsets, 4);
  assert.equal(e.followed, [1, 2, 3]);
  assert.is(e.explainedActions, 2);
  assert.is(e.reverseFollowed, 1);
  assert.is(e.coOccurrences30s, 6);
  assert.is(e.medianDelayMs, 20_000);
  const logs = [2000, 20_000, 100_000].map(Math.log);
  const mean = logs.reduce((s, v) => s + v, 0) / 3;
  const sd = Math.sqrt(logs.reduce((s, v) => s + (v - mean) ** 2, 0) / 2);
  assert.ok(Math.abs(e.delayLogSd! - sd) < 1e-12);
  // light onsets at local hours 8, 9, 10, 12, once each in 3 observed days; triggers at 8–12
  const rate = 1 / (3 * H);
  e.chance.forEach((c, w) => {
    const expected = 4 * (1 - Math.exp(-rate * [5_000, 30_000, 120_000][w]));
    assert.ok(Math.abs(c - expected) < 1e-12, `chance ${w}: ${c} vs ${expected}`);
  });
  // numeric trigger: two upward crossings of 24.5 °C; the duplicated fan "on" is one onset
  const n = g.evidence[1];
  assert.is(n.triggerOnsets, 2);
  assert.is(n.actionOnsets, 1);
  assert.equal(n.followed, [0, 0, 1]);
  assert.is(n.medianDelayMs, 60_000);
  assert.is(n.delayLogSd, null);
});

test("the full horizon adds the day-4 onset the 3-day cut leaves out", () => {
  const e = homeSynergyGraph(handHome(), null).evidence[0];
  assert.is(e.triggerOnsets, 6);
  assert.is(e.actionOnsets, 5);
  assert.equal(e.followed, [2, 3, 4]);
});

test("pair features: documented names, order and values", () => {
  assert.equal(PAIR_FEATURE_NAMES.slice(0, PAIR_STAT_FEATURES.length), [...PAIR_STAT_FEATURES]);
  assert.equal(
    PAIR_FEATURE_NAMES.slice(PAIR_STAT_FEATURES.length),
    RELATIONSHIPS.map((r) => `rel_${r.key}`),
  );
  const g = homeSynergyGraph(handHome(), 3);
  const width = PAIR_FEATURE_NAMES.length;
  assert.is(g.pairFeatures.length, g.pairCount * width);
  const f = (p: number, name: string) => g.pairFeatures[p * width + PAIR_FEATURE_NAMES.indexOf(name)];
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`);
  close(f(0, "log_trigger_onsets_per_day"), Math.log1p(5 / 3));
  close(f(0, "follow_share_30s"), 2 / 5);
  close(f(0, "excess_share_30s"), 2 / 5 - g.evidence[0].chance[1] / 5);
  close(f(0, "explained_action_share_30s"), 2 / 4);
  close(f(0, "reverse_share_30s"), 1 / 4);
  close(f(0, "log_co_occurrences_per_day_30s"), Math.log1p(6 / 3));
  close(f(0, "delay_log_median"), Math.log10(20));
  close(f(0, "has_delay"), 1);
  close(f(0, "same_area"), 1);
  close(f(0, "rel_motion_light"), 1);
  close(f(0, "rel_temperature_fan"), 0);
  close(f(1, "rel_temperature_fan"), 1);
  close(f(1, "delay_log_median"), Math.log10(60));
});

test("a pair without onsets has zero shares and no delay", () => {
  const none: PairEvidence = {
    triggerOnsets: 0,
    actionOnsets: 0,
    followed: [0, 0, 0],
    chance: [0, 0, 0],
    explainedActions: 0,
    reverseFollowed: 0,
    coOccurrences30s: 0,
    medianDelayMs: null,
    delayLogSd: null,
  };
  const row = pairFeatureMatrix([none], [0], ["door_lock"], 7);
  const stats = Array.from(row.subarray(0, PAIR_STAT_FEATURES.length));
  assert.equal(
    stats,
    PAIR_STAT_FEATURES.map(() => 0),
  );
  assert.is(row[PAIR_FEATURE_NAMES.indexOf("rel_door_lock")], 1);
  assert.is(
    row.reduce((s, v) => s + v, 0),
    1,
  );
});

test.run();
