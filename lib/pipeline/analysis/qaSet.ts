/**
 * The `qa` training set: questions about a home and their answers, from ground truth.
 *
 * - which_device: "Which light turns on when the entrance door opens?" → the planted links'
 *   action devices of that kind, with their areas (synergies);
 * - device_effect: "What happens when the entrance door opens?" → every planted action of
 *   that trigger state (synergies);
 * - area_devices: "Which devices are in the kitchen?" → the area's devices (devices, areas);
 * - area_activity: "When is the kitchen usually active?" → the peak local hours of its
 *   devices' state changes (peak_hours patterns).
 *
 * Every row lists the devices and areas its answer names and the dataset rows behind it; the
 * wording is picked among a few phrasings, seeded by the dataset seed.
 */
import { z } from "zod";
import { type ColumnTable, columnTable } from "../../core/columnTable.js";
import { Rng } from "../../core/random.js";
import { RELATIONSHIP_BY_KEY } from "../../synth/catalog/relationships.js";
import { type AutomationDevice, actionPhrase, triggerPhrase } from "../exports/automationYaml.js";
import { type DeviceInfo, deviceKey, indexDevices } from "../exports/devices.js";
import { column, exportSchema } from "../exports/spec.js";
import { count, type Filter, maxLengthFilter, rowMask, share } from "./collectFilters.js";
import {
  countValues,
  type DerivedSet,
  evidenceRef,
  homeTypes,
  need,
  rowIndex,
  type SourceTables,
} from "./derivedSets.js";

export const qaThresholdsSchema = z
  .object({
    /** Drop answers less sure than this (area activity: the share of changes in the peak hours). */
    minConfidence: share(0.3),
    /** Drop rows whose question or answer is longer. */
    maxTextLength: count(400),
  })
  .strict();
export type QaThresholds = z.output<typeof qaThresholdsSchema>;

export const QA_SCHEMA = exportSchema("qa", [
  column("home_id", "string", { role: "key" }),
  column("home_type", "string"),
  column("question_kind", "string", {
    description: "which_device | device_effect | area_devices | area_activity",
  }),
  column("subject", "string", { description: "the entity or area the question is about" }),
  column("question", "string", { role: "feature" }),
  column("answer", "string", { role: "label" }),
  column("answer_entities", "string", { description: "JSON list of the entity ids the answer names" }),
  column("answer_areas", "string", { description: "JSON list of the area ids the answer names" }),
  column("confidence", "float64", {
    description: "1 for facts of the home; the peak share for area activity",
  }),
  column("evidence", "string", { description: "JSON list of the dataset rows behind the answer, table#row" }),
]);

interface QaRow {
  homeId: string;
  kind: string;
  subject: string;
  question: string;
  answer: string;
  entities: string[];
  areas: string[];
  confidence: number;
  evidence: string[];
}

const NOUN: Record<string, string> = {
  light: "light",
  switch: "switch",
  fan: "fan",
  lock: "lock",
  cover: "cover",
  climate: "thermostat",
  media_player: "media player",
};
const VERB: Record<string, string> = {
  on: "turns on",
  off: "turns off",
  locked: "locks",
  unlocked: "unlocks",
  open: "opens",
  closed: "closes",
  playing: "starts playing",
  paused: "pauses",
  heat: "switches to heating",
  cool: "switches to cooling",
};

/** "turn on the x" → "turns on the x": a request as what the home does. */
function thirdPerson(request: string): string {
  const [verb, ...rest] = request.split(" ");
  const s = /(ch|sh|s|x)$/.test(verb) ? `${verb}es` : `${verb}s`;
  return [s, ...rest].join(" ");
}

/** "a, b and c". */
function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** [7, 8, 17, 18, 19] → "07:00–09:00 and 17:00–20:00"; a run through midnight stays one. */
function hourRanges(hours: readonly number[]): string {
  const runs: [number, number][] = [];
  for (const h of hours) {
    const last = runs.at(-1);
    if (last && last[1] === h) last[1] = h + 1;
    else runs.push([h, h + 1]);
  }
  if (runs.length > 1 && runs[0][0] === 0 && runs.at(-1)![1] === 24) {
    const first = runs.shift()!;
    runs.at(-1)![1] = first[1];
  }
  const hh = (h: number) => `${String(h % 24).padStart(2, "0")}:00`;
  return listOf(runs.map(([a, b]) => `${hh(a)}–${hh(b)}`));
}

/** A device the tables may not have: a placeholder the unknown-names filter then drops. */
function deviceOr(
  byKey: Map<string, DeviceInfo>,
  homeId: string,
  entityId: string,
): AutomationDevice & { areaId: string } {
  return (
    byKey.get(deviceKey(homeId, entityId)) ?? {
      entityId,
      domain: entityId.split(".")[0],
      deviceClass: "",
      friendlyName: entityId,
      areaName: "unknown area",
      areaId: "",
    }
  );
}

function linkQuestions(tables: SourceTables, byKey: Map<string, DeviceInfo>, pick: Picker): QaRow[] {
  const syn = need(tables, "synergies");
  const s = syn.columns;
  // (home, trigger, trigger state) → its planted links, in table order
  const byTrigger = new Map<string, number[]>();
  for (let i = 0; i < syn.rows; i++) {
    if ((s.linked as Uint8Array)[i] !== 1) continue;
    const key = `${s.home_id[i]}\u0000${s.trigger_entity[i]}\u0000${triggerStateOf(s.relationship[i] as string)}`;
    const rows = byTrigger.get(key);
    if (rows) rows.push(i);
    else byTrigger.set(key, [i]);
  }
  const out: QaRow[] = [];
  for (const [key, rows] of byTrigger) {
    const [homeId, triggerId, triggerState] = key.split("\u0000");
    const trigger = deviceOr(byKey, homeId, triggerId);
    const when = triggerPhrase(
      { homeId, relationship: "", trigger, action: trigger, condition: null, delayMs: null },
      triggerState,
    );
    const actions = rows.map((i) => ({
      row: i,
      device: deviceOr(byKey, homeId, s.action_entity[i] as string),
      state: actionStateOf(s.relationship[i] as string),
    }));
    // which_device: one question per kind of action (domain and state)
    const byAction = new Map<string, typeof actions>();
    for (const a of actions) {
      const k = `${a.device.domain}\u0000${a.state}`;
      byAction.set(k, [...(byAction.get(k) ?? []), a]);
    }
    for (const [k, group] of byAction) {
      const [domain, state] = k.split("\u0000");
      const noun = NOUN[domain] ?? "device";
      const verb = VERB[state] ?? `switches to ${state}`;
      const named = group.map((a) => `the ${a.device.friendlyName} in the ${a.device.areaName}`);
      out.push({
        homeId,
        kind: "which_device",
        subject: triggerId,
        question: pick(homeId, "which_device", `${triggerId}/${k}`, [
          `Which ${noun} ${verb} when ${when}?`,
          `When ${when}, which ${noun} ${verb}?`,
          `What ${noun} ${verb} when ${when}?`,
        ]),
        answer: capitalised(`${listOf(named)}.`),
        entities: group.map((a) => a.device.entityId),
        areas: group.map((a) => a.device.areaId),
        confidence: 1,
        evidence: group.map((a) => evidenceRef("synergies", a.row)),
      });
    }
    const effects = actions.map((a) => thirdPerson(actionPhrase(a.device, a.state)));
    out.push({
      homeId,
      kind: "device_effect",
      subject: triggerId,
      question: pick(homeId, "device_effect", `${triggerId}/${triggerState}`, [
        `What happens when ${when}?`,
        `What is automated when ${when}?`,
      ]),
      answer: `The home ${listOf(effects)}.`,
      entities: actions.map((a) => a.device.entityId),
      areas: [],
      confidence: 1,
      evidence: actions.map((a) => evidenceRef("synergies", a.row)),
    });
  }
  return out;
}

const triggerStateOf = (relationship: string) => RELATIONSHIP_BY_KEY.get(relationship)?.triggerState ?? "on";
const actionStateOf = (relationship: string) => RELATIONSHIP_BY_KEY.get(relationship)?.actionState ?? "on";

function areaQuestions(tables: SourceTables, homes: Map<string, DeviceInfo[]>, pick: Picker): QaRow[] {
  const areas = need(tables, "areas");
  const devices = need(tables, "devices");
  const deviceRow = rowIndex(devices, "entity_id");
  const patterns = need(tables, "patterns");
  // (home, entity) → its peak-hours pattern row
  const peakRow = new Map<string, number>();
  for (let i = 0; i < patterns.rows; i++) {
    if (patterns.columns.kind[i] === "peak_hours") {
      peakRow.set(
        deviceKey(patterns.columns.home_id[i] as string, patterns.columns.entity_id[i] as string),
        i,
      );
    }
  }
  const out: QaRow[] = [];
  const a = areas.columns;
  for (let r = 0; r < areas.rows; r++) {
    const homeId = a.home_id[r] as string;
    const areaId = a.area_id[r] as string;
    const name = a.name[r] as string;
    const area = name.toLowerCase();
    const inArea = (homes.get(homeId) ?? []).filter((d) => d.areaId === areaId);
    if (inArea.length === 0) continue;
    const n = inArea.length;
    out.push({
      homeId,
      kind: "area_devices",
      subject: areaId,
      question: pick(homeId, "area_devices", areaId, [
        `Which devices are in the ${area}?`,
        `What devices does the ${area} have?`,
        `List the devices in the ${area}.`,
      ]),
      answer: `The ${name} has ${n} device${n === 1 ? "" : "s"}: ${listOf(inArea.map((d) => d.friendlyName))}.`,
      entities: inArea.map((d) => d.entityId),
      areas: [areaId],
      confidence: 1,
      evidence: [
        evidenceRef("areas", r),
        ...inArea.map((d) => evidenceRef("devices", deviceRow.get(deviceKey(homeId, d.entityId))!)),
      ],
    });
    const peaks = inArea.flatMap((d) => {
      const row = peakRow.get(deviceKey(homeId, d.entityId));
      return row === undefined ? [] : [{ device: d, row }];
    });
    if (peaks.length === 0) continue;
    const counts = new Float64Array(24);
    for (const p of peaks) {
      const detail = JSON.parse(patterns.columns.detail[p.row] as string) as { hour_counts: number[] };
      detail.hour_counts.forEach((c, h) => {
        counts[h] += c;
      });
    }
    const total = counts.reduce((x, y) => x + y, 0);
    // a peak hour carries at least 1.5 × the mean hourly count, as pattern mining defines it
    const hours = [...counts.keys()].filter((h) => counts[h] >= (1.5 * total) / 24);
    if (total === 0 || hours.length === 0) continue;
    const inPeak = hours.reduce((x, h) => x + counts[h], 0);
    const k = peaks.length;
    out.push({
      homeId,
      kind: "area_activity",
      subject: areaId,
      question: pick(homeId, "area_activity", areaId, [
        `When is the ${area} usually active?`,
        `At what times of day is the ${area} busiest?`,
      ]),
      answer: `Mostly ${hourRanges(hours)} local time, from ${total} state changes of ${k} device${k === 1 ? "" : "s"}.`,
      entities: [],
      areas: [areaId],
      confidence: inPeak / total,
      evidence: [evidenceRef("areas", r), ...peaks.map((p) => evidenceRef("patterns", p.row))],
    });
  }
  return out;
}

type Picker = (homeId: string, kind: string, subject: string, phrasings: string[]) => string;

/** Every candidate row: per home, the link questions, then the area questions. */
export function qaCandidates(tables: SourceTables, seed: number): QaRow[] {
  const { byKey, homes } = indexDevices(need(tables, "devices"), need(tables, "areas"));
  const pick: Picker = (homeId, kind, subject, phrasings) =>
    Rng.derive(seed, homeId, kind, subject, "qa").pick(phrasings);
  const rows = [...linkQuestions(tables, byKey, pick), ...areaQuestions(tables, homes, pick)];
  // stable: by home, the link questions before the area questions as built
  return rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => (x.r.homeId < y.r.homeId ? -1 : x.r.homeId > y.r.homeId ? 1 : x.i - y.i))
    .map((x) => x.r);
}

function namesKnownFilter(tables: SourceTables): Filter {
  const { byKey } = indexDevices(need(tables, "devices"), need(tables, "areas"));
  const areaRow = rowIndex(need(tables, "areas"), "area_id");
  return {
    name: "answers naming a device or area the home does not have",
    keep: (t) =>
      rowMask(t, (i) => {
        const home = t.columns.home_id[i] as string;
        const entities = JSON.parse(t.columns.answer_entities[i] as string) as string[];
        const areas = JSON.parse(t.columns.answer_areas[i] as string) as string[];
        return (
          entities.every((e) => byKey.has(deviceKey(home, e))) &&
          areas.every((a) => areaRow.has(deviceKey(home, a)))
        );
      }),
  };
}

export const qaSet: DerivedSet<QaThresholds> = {
  tables: ["homes", "devices", "areas", "synergies", "patterns"],
  build(tables, seed): ColumnTable {
    const rows = qaCandidates(tables, seed);
    const typeOf = homeTypes(need(tables, "homes"));
    return columnTable(QA_SCHEMA, {
      home_id: rows.map((r) => r.homeId),
      home_type: rows.map((r) => typeOf.get(r.homeId) ?? ""),
      question_kind: rows.map((r) => r.kind),
      subject: rows.map((r) => r.subject),
      question: rows.map((r) => r.question),
      answer: rows.map((r) => r.answer),
      answer_entities: rows.map((r) => JSON.stringify(r.entities)),
      answer_areas: rows.map((r) => JSON.stringify(r.areas)),
      confidence: Float64Array.from(rows, (r) => r.confidence),
      evidence: rows.map((r) => JSON.stringify(r.evidence)),
    });
  },
  filters: (th, tables) => [
    namesKnownFilter(tables),
    {
      name: `answers less sure than ${th.minConfidence} (area activity whose peak hours hold less of its changes)`,
      keep: (t) => rowMask(t, (i) => (t.columns.confidence as Float64Array)[i] >= th.minConfidence),
    },
    {
      name: "questions asked more than once in one home (ambiguous, e.g. two devices of one name: every copy)",
      keep: (t) => {
        const seen = new Map<string, number>();
        const key = (i: number) => `${t.columns.home_id[i]}\u0000${t.columns.question[i]}`;
        for (let i = 0; i < t.rows; i++) seen.set(key(i), (seen.get(key(i)) ?? 0) + 1);
        return rowMask(t, (i) => seen.get(key(i)) === 1);
      },
    },
    maxLengthFilter(["question", "answer"], th.maxTextLength, "questions or answers"),
  ],
  summary: (kept) => ({
    homes: new Set(kept.columns.home_id as string[]).size,
    by_question_kind: countValues(kept.columns.question_kind as string[]),
  }),
  label: null,
  noLabel: "no label: each row is a question and its answer from ground truth (the answer is the target)",
};
