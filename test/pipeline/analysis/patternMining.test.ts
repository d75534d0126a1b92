import { fromZonedTime } from "date-fns-tz";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ColumnTable, columnTable, concatTables } from "../../../lib/core/columnTable.js";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { Rng } from "../../../lib/core/random.js";
import { extractPatterns, timeZonesFromHomes } from "../../../lib/pipeline/analysis/patternMining.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../../../lib/pipeline/generation/generate.js";
import { EVENTS_SCHEMA, HOMES_SCHEMA } from "../../../lib/pipeline/storage/tables.js";
import { eventStateText, generateHomeEvents } from "../../../lib/synth/events.js";
import { generateHome } from "../../../lib/synth/homes.js";
import { addDaysIso, zoneOffsetMs } from "../../../lib/synth/localTime.js";
import { plantSynergies } from "../../../lib/synth/synergies.js";
import type { PlantedSynergy } from "../../../lib/synth/synergyTypes.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.UTC(2025, 0, 1);

interface Ev {
  home: string;
  entity: string;
  time: number;
  state: string;
  value?: number;
}

/** Builds an events table, sorted by (home, time) like the generator writes it. */
function eventsTable(events: Ev[], sort = true): ColumnTable {
  const rows = sort
    ? [...events].sort((a, b) => (a.home < b.home ? -1 : a.home > b.home ? 1 : a.time - b.time))
    : events;
  return columnTable(EVENTS_SCHEMA, {
    home_id: rows.map((e) => e.home),
    entity_id: rows.map((e) => e.entity),
    time: Float64Array.from(rows, (e) => e.time),
    state: rows.map((e) => e.state),
    value: Float64Array.from(rows, (e) => e.value ?? Number.NaN),
  });
}

interface Pattern {
  home: string;
  entity: string;
  kind: string;
  detail: Record<string, unknown>;
  confidence: number;
  occurrences: number;
}

function patterns(table: ColumnTable): Pattern[] {
  const c = table.columns;
  return Array.from({ length: table.rows }, (_, i) => ({
    home: c.home_id[i] as string,
    entity: c.entity_id[i] as string,
    kind: c.kind[i] as string,
    detail: JSON.parse(c.detail[i] as string),
    confidence: c.confidence[i] as number,
    occurrences: c.occurrences[i] as number,
  }));
}

const MOTION = "binary_sensor.hallway_motion";
const LIGHT = "light.hallway_ceiling";
const PLUG = "switch.kitchen_plug";

/**
 * Motion turns on ~20×/day; the hallway light follows 5–20 s later 80 % of the time; the
 * kitchen plug switches on and off at independent random times.
 */
function plantedHome(home: string, linked: boolean, seed: number): Ev[] {
  const rng = Rng.derive(seed, home, "events");
  const ev: Ev[] = [];
  for (let d = 0; d < 30; d++) {
    for (let k = 0; k < 20; k++) {
      const t = Math.round(START + d * DAY + rng.uniform(0, DAY));
      ev.push(
        { home, entity: MOTION, time: t, state: "on" },
        { home, entity: MOTION, time: t + 30 * SECOND, state: "off" },
      );
      const follows = rng.bernoulli(0.8);
      const lag = Math.round(rng.uniform(5 * SECOND, 20 * SECOND));
      const lightAt = linked ? t + lag : Math.round(START + d * DAY + rng.uniform(0, DAY));
      if (follows) {
        ev.push(
          { home, entity: LIGHT, time: lightAt, state: "on" },
          { home, entity: LIGHT, time: lightAt + 3 * MINUTE, state: "off" },
        );
      }
      const p = Math.round(START + d * DAY + rng.uniform(0, DAY));
      ev.push(
        { home, entity: PLUG, time: p, state: "on" },
        { home, entity: PLUG, time: p + 2 * MINUTE, state: "off" },
      );
    }
  }
  return ev;
}

const find = (ps: Pattern[], kind: string, home: string, entity: string, match: Record<string, unknown>) =>
  ps.find(
    (p) =>
      p.kind === kind &&
      p.home === home &&
      p.entity === entity &&
      Object.entries(match).every(([k, v]) => p.detail[k] === v),
  );

test("finds a planted A→B sequence within 30 s, with its lag, and nothing between independent entities", () => {
  const ps = patterns(extractPatterns(eventsTable(plantedHome("h1", true, 1))));
  const seq = find(ps, "sequence", "h1", MOTION, { state: "on", target: LIGHT, target_state: "on" });
  assert.ok(seq, "planted sequence not found");
  assert.ok(seq.confidence > 0.7 && seq.confidence < 0.9, `confidence ${seq.confidence}`);
  assert.ok(seq.occurrences > 400, `occurrences ${seq.occurrences}`);
  const lag = seq.detail.median_lag_ms as number;
  assert.ok(lag > 9 * SECOND && lag < 16 * SECOND, `median lag ${lag}`);
  assert.ok((seq.detail.lift as number) > 10, `lift ${seq.detail.lift}`);
  // co-occurrence rows are unordered pairs, listed under the lexically smaller entity
  assert.ok(find(ps, "co_occurrence", "h1", MOTION, { other: LIGHT }), "co-occurrence motion/light missing");
  // the independent plug: no sequence or co-occurrence with either at default thresholds
  for (const p of ps) {
    if (p.kind === "sequence") assert.ok(p.entity !== PLUG && p.detail.target !== PLUG, JSON.stringify(p));
    if (p.kind === "co_occurrence")
      assert.ok(p.entity !== PLUG && p.detail.other !== PLUG, JSON.stringify(p));
  }
});

test("with every threshold off, independent pairs score at chance (lift ≈ 1) far below the planted pair", () => {
  const ps = patterns(
    extractPatterns(eventsTable(plantedHome("h1", true, 2)), { minConfidence: 0, minOccurrences: 1 }),
  );
  const planted = find(ps, "co_occurrence", "h1", MOTION, { other: LIGHT })!;
  const independent = find(ps, "co_occurrence", "h1", MOTION, { other: PLUG })!;
  assert.ok(independent, "independent co-occurrence row missing with thresholds off");
  assert.ok(independent.confidence < 0.1, `independent confidence ${independent.confidence}`);
  const lift = independent.detail.lift as number;
  assert.ok(lift > 0.4 && lift < 2, `independent lift ${lift}`);
  assert.ok(planted.confidence > 5 * independent.confidence);
});

test("homes are kept apart: a link in one home says nothing about the same entity ids in another", () => {
  const table = eventsTable([...plantedHome("h1", true, 3), ...plantedHome("h2", false, 3)]);
  const ps = patterns(extractPatterns(table));
  const byHome = (h: string) =>
    find(ps, "sequence", h, MOTION, { state: "on", target: LIGHT, target_state: "on" });
  assert.ok(
    ps.some((p) => p.home === "h2"),
    "the second home has patterns of its own",
  );
  assert.ok(byHome("h1"), "linked home lost its sequence");
  assert.not.ok(byHome("h2"), "unlinked home shows a sequence");
});

test("row order of the input does not matter (events are sorted per home)", () => {
  const ev = [...plantedHome("h1", true, 4), ...plantedHome("h2", false, 4)];
  const sorted = extractPatterns(eventsTable(ev));
  Rng.derive(4, "shuffle").shuffle(ev);
  const shuffled = extractPatterns(eventsTable(ev, false));
  assert.equal(shuffled.columns, sorted.columns);
});

test("state transitions: counts and conditional probabilities per entity", () => {
  const rng = Rng.derive(5, "media");
  const ev: Ev[] = [];
  let state = "off";
  let t = START;
  let fromPlaying = 0;
  let playingToPaused = 0;
  for (let k = 0; k < 4000; k++) {
    let next: string;
    if (state === "off") next = "playing";
    else if (state === "playing") {
      fromPlaying++;
      next = rng.bernoulli(0.7) ? "paused" : "off";
      if (next === "paused") playingToPaused++;
    } else next = rng.bernoulli(0.6) ? "playing" : "off";
    t += Math.round(rng.exponential(20 * MINUTE)) + 1;
    ev.push({ home: "h", entity: "media_player.living_room_tv", time: t, state: next });
    state = next;
  }
  const ps = patterns(extractPatterns(eventsTable(ev))).filter((p) => p.kind === "transition");
  const row = (from: string, to: string) => ps.find((p) => p.detail.from === from && p.detail.to === to);
  assert.is(row("off", "playing")!.confidence, 1);
  const pp = row("playing", "paused")!;
  assert.is(pp.occurrences, playingToPaused);
  assert.ok(Math.abs(pp.confidence - playingToPaused / fromPlaying) < 1e-12);
  assert.ok(Math.abs(pp.confidence - 0.7) < 0.04, String(pp.confidence));
  assert.ok(Math.abs(row("paused", "playing")!.confidence - 0.6) < 0.05);
  for (const from of ["off", "playing", "paused"]) {
    const sum = ps.filter((p) => p.detail.from === from).reduce((s, p) => s + p.confidence, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `${from}: ${sum}`);
  }
  assert.not.ok(row("playing", "playing"), "a repeated state is no transition");
});

/** A light active mostly at local 07:xx and 19:xx, with a little activity in every hour. */
function peakEvents(timeZone: string, startDate: string, days: number): Ev[] {
  const rng = Rng.derive(6, timeZone, "peaks");
  const times: number[] = [];
  for (let d = 0; d < days; d++) {
    const date = addDaysIso(startDate, d);
    for (let h = 0; h < 24; h++) {
      const n = h === 7 || h === 19 ? 10 : 1;
      for (let k = 0; k < n; k++) {
        const minute = String(rng.int(0, 59)).padStart(2, "0");
        const local = `${date}T${String(h).padStart(2, "0")}:${minute}:00`;
        times.push(fromZonedTime(local, timeZone).getTime() + rng.int(0, 59_999));
      }
    }
  }
  times.sort((a, b) => a - b);
  return times.map((time, i) => ({
    home: "h",
    entity: "light.kitchen_ceiling",
    time,
    state: i % 2 ? "off" : "on",
  }));
}

const peakRow = (ps: Pattern[]) => ps.find((p) => p.kind === "peak_hours")!;

test("peak hours are the local hours that carry the activity", () => {
  const ps = patterns(extractPatterns(eventsTable(peakEvents("UTC", "2025-01-01", 30))));
  const peak = peakRow(ps);
  assert.equal(peak.detail.hours, [7, 19]);
  // 2 × 10 of 42 events a day fall in the peaks
  assert.ok(Math.abs(peak.confidence - 20 / 42) < 0.03, String(peak.confidence));
});

test("peak hours use each home's time zone, across a DST change", () => {
  const tokyo = eventsTable(peakEvents("Asia/Tokyo", "2025-01-01", 20));
  assert.equal(peakRow(patterns(extractPatterns(tokyo))).detail.hours, [10, 22], "UTC hours without a zone");
  const local = peakRow(patterns(extractPatterns(tokyo, { timeZones: { h: "Asia/Tokyo" } })));
  assert.equal(local.detail.hours, [7, 19]);
  // New York springs forward on 2025-03-09, inside this window
  const ny = eventsTable(peakEvents("America/New_York", "2025-02-25", 25));
  const homes = columnTable(HOMES_SCHEMA, {
    ...Object.fromEntries(
      HOMES_SCHEMA.columns.map((c) => [c.name, c.type === "string" ? [""] : new Float64Array(1)]),
    ),
    home_id: ["h"],
    timezone: ["America/New_York"],
  });
  const nyPeak = peakRow(patterns(extractPatterns(ny, { timeZones: timeZonesFromHomes(homes) })));
  assert.equal(nyPeak.detail.hours, [7, 19]);
  const counts = nyPeak.detail.hour_counts as number[];
  assert.is(counts[6] + counts[8], 25 * 2, "no event leaks into a neighbouring hour around the DST change");
});

test("peak hour counts on DST days match the zone offset of every instant", () => {
  // toggles every 7 minutes 13 seconds through both 2025 DST days of each zone (whole, half-hour and 30-min-shift zones)
  for (const [zone, days] of [
    ["America/New_York", ["2025-03-09", "2025-11-02"]],
    ["Europe/Berlin", ["2025-03-30", "2025-10-26"]],
    ["Australia/Lord_Howe", ["2025-04-06", "2025-10-05"]],
  ] as const) {
    const ev: Ev[] = [];
    const expected = new Array<number>(24).fill(0);
    for (const day of days) {
      const start = Date.parse(`${day}T00:00:00Z`) - DAY;
      for (let t = start; t < start + 3 * DAY; t += 7 * MINUTE + 13 * SECOND) {
        ev.push({ home: "h", entity: "light.hall", time: t, state: ev.length % 2 ? "on" : "off" });
        expected[((Math.floor((t + zoneOffsetMs(t, zone)) / HOUR) % 24) + 24) % 24]++;
      }
    }
    const peak = patterns(extractPatterns(eventsTable(ev), { timeZones: { h: zone }, peakFactor: 1 })).find(
      (p) => p.kind === "peak_hours",
    );
    assert.ok(peak, zone);
    assert.equal(peak.detail.hour_counts, expected, zone);
  }
});

test("numeric sensors: the onset of a high reading is a state that can lead a sequence", () => {
  const rng = Rng.derive(7, "humidity");
  const ev: Ev[] = [];
  const FAN = "fan.bathroom_exhaust_fan";
  const SENSOR = "sensor.bathroom_humidity";
  let showers = 0;
  for (let d = 0; d < 30; d++) {
    const shower = rng.int(24, 80); // 15-minute slot of the day's shower, 06:00–20:00
    for (let s = 0; s < 96; s++) {
      const t = START + d * DAY + s * 15 * MINUTE + rng.int(0, 5000);
      const wet = s >= shower && s < shower + 3;
      // daily cycle peaking at midnight, so the cycle's own highs come at night
      const x = 50 + 8 * Math.cos((2 * Math.PI * s) / 96) + rng.normal(0, 0.5) + (wet ? 35 : 0);
      ev.push({ home: "h", entity: SENSOR, time: t, state: x.toFixed(1), value: x });
      if (s === shower) {
        showers++;
        ev.push({ home: "h", entity: FAN, time: t + 20 * SECOND, state: "on" });
        ev.push({ home: "h", entity: FAN, time: t + 20 * MINUTE, state: "off" });
      }
    }
  }
  const ps = patterns(extractPatterns(eventsTable(ev)));
  const seq = find(ps, "sequence", "h", SENSOR, { state: "high", target: FAN, target_state: "on" });
  assert.ok(seq, "high → fan on not found");
  assert.ok(seq.occurrences >= showers - 1, `${seq.occurrences} of ${showers}`);
  // one "high" onset per night from the cycle itself, one per shower: about half lead to the fan
  assert.ok(seq.confidence > 0.35, `confidence ${seq.confidence}`);
  assert.ok((seq.detail.lift as number) > 5, `lift ${seq.detail.lift}`);
  assert.ok(Math.abs((seq.detail.median_lag_ms as number) - 20 * SECOND) < 3 * SECOND);
  // the numeric states themselves are levels, not thousands of distinct readings
  const states = new Set(
    ps
      .filter((p) => p.kind === "transition" && p.entity === SENSOR)
      .flatMap((p) => [p.detail.from, p.detail.to]),
  );
  for (const s of states) assert.ok(["low", "normal", "high"].includes(s as string), String(s));
});

test("end to end: on generated events, linked pairs co-occur far more than unlinked pairs", () => {
  const seed = 9;
  const days = 21;
  const spec = homeGenerationSpec(parseGenerationConfig({ seed, homes: 16, days }));
  const truth: PlantedSynergy[] = [];
  const parts: ColumnTable[] = [];
  for (let i = 0; i < 16; i++) {
    const g = generateHome(spec, i);
    const planted = plantSynergies(g, seed);
    truth.push(...planted);
    const ev = generateHomeEvents(
      g,
      { seed, start: "2025-01-01", days, faults: { drop: 0, duplicate: 0, outOfOrder: 0 } },
      planted,
    );
    parts.push(
      columnTable(EVENTS_SCHEMA, {
        home_id: Array(ev.length).fill(g.home.homeId),
        entity_id: Array.from(ev.entityIndex, (e) => g.devices[e].entityId),
        time: ev.time,
        state: Array.from({ length: ev.length }, (_, k) => eventStateText(ev, k)),
        value: ev.value,
      }),
    );
  }
  const ps = patterns(
    extractPatterns(concatTables(EVENTS_SCHEMA, parts), { minConfidence: 0, minOccurrences: 1 }),
  );
  const co = new Map<string, number>();
  for (const p of ps)
    if (p.kind === "co_occurrence")
      co.set(`${p.home}|${[p.entity, p.detail.other].sort().join("|")}`, p.confidence);
  const confidence = (s: PlantedSynergy) =>
    co.get(`${s.homeId}|${[s.trigger, s.action].sort().join("|")}`) ?? 0;
  // links whose delay fits the 60 s window, against the unlinked pairs of the same relationship
  // types that no routine or walk-through co-activates (confounded ones are meant to look linked
  // to a co-occurrence count: test/synth/confounders.test.ts)
  const fast = truth.filter((s) => s.linked && s.delayMs! <= 15_000);
  const types = new Set(fast.map((s) => s.relationship));
  const negatives = truth.filter((s) => !s.linked && !s.confounder && types.has(s.relationship));
  assert.ok(
    fast.length >= 30 && negatives.length >= 30,
    `${fast.length} links, ${negatives.length} negatives`,
  );
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const linkedMean = mean(fast.map(confidence));
  const unlinkedMean = mean(negatives.map(confidence));
  assert.ok(linkedMean > 3 * unlinkedMean, `linked ${linkedMean} vs unlinked ${unlinkedMean}`);
  // ranking by co-occurrence confidence separates them well (AUC)
  let wins = 0;
  for (const l of fast)
    for (const u of negatives)
      wins += confidence(l) > confidence(u) ? 1 : confidence(l) === confidence(u) ? 0.5 : 0;
  const auc = wins / (fast.length * negatives.length);
  assert.ok(auc > 0.8, `AUC ${auc}`);
});

test("malformed input gives a one-line error naming the problem", () => {
  const good = eventsTable(plantedHome("h1", true, 8).slice(0, 10));
  const { value: _drop, ...noValue } = good.columns;
  assert.throws(
    () => extractPatterns({ ...good, columns: noValue }),
    (e: unknown) => e instanceof HomeforgeError && /column value is missing/.test(e.message),
  );
  const badTime = {
    ...good,
    columns: { ...good.columns, time: Float64Array.from([Number.NaN, ...Array(9).fill(0)]) },
  };
  assert.throws(() => extractPatterns(badTime), /row 0 has no valid time/);
  assert.throws(() => extractPatterns(good, { windowMs: 0 }), /windowMs/);
  assert.throws(() => extractPatterns(good, { levelQuantiles: [0.9, 0.1] }), /levelQuantiles/);
});

test.run();
