/**
 * The collector's sets built from several tables — suggestions, automations, qa — on one
 * small generated dataset (the real generators: the sets need mined sequences and planted
 * links that show in the events).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse as parseYaml } from "yaml";
import { type ColumnTable, concatTables } from "../../../lib/core/columnTable.js";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { tableSha256 } from "../../../lib/core/manifest.js";
import { automationSet } from "../../../lib/pipeline/analysis/automationSet.js";
import { type Filter, filterRows } from "../../../lib/pipeline/analysis/collectFilters.js";
import {
  collectTrainingData,
  parseCollectorThresholds,
  type TrainingSet,
} from "../../../lib/pipeline/analysis/collector.js";
import { collectStats, formatCollectStats } from "../../../lib/pipeline/analysis/collectStats.js";
import type { SourceTables } from "../../../lib/pipeline/analysis/derivedSets.js";
import { qaSet } from "../../../lib/pipeline/analysis/qaSet.js";
import { suggestionSet } from "../../../lib/pipeline/analysis/suggestionSet.js";
import { readBackParquet } from "../../../lib/pipeline/exports/formats.js";
import { datasetSeed } from "../../../lib/pipeline/exports/spec.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { DataGenerationManager } from "../../../lib/pipeline/generation/manager.js";
import { LineageStore } from "../../../lib/pipeline/lineage/lineageStore.js";
import { type OpenDataset, openDataset } from "../../../lib/pipeline/storage/openDataset.js";
import { runCliInProcess } from "../../helpers/cliInProcess.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

let dir = "";
let ds: OpenDataset;
let seed = 0;
const tables: SourceTables = {};
const sets: Record<"suggestions" | "automations" | "qa", TrainingSet> = {} as never;
const thresholds = parseCollectorThresholds();
const lineage = LineageStore.open(":memory:");
test.after(() => lineage.close());

test.before(async () => {
  const config = parseGenerationConfig({ seed: 7, homes: 4, days: 5 });
  dir = (await new DataGenerationManager(config, { workers: 1, outDir: join(root, "ds") }).run()).dir;
  ds = openDataset(dir);
  seed = datasetSeed(ds);
  for (const name of ["homes", "devices", "areas", "synergies", "patterns"] as const) {
    tables[name] = await ds.table(name);
  }
  for (const kind of ["suggestions", "automations", "qa"] as const) {
    sets[kind] = await collectTrainingData(ds, kind, { log: () => {}, lineage });
  }
});

const col = <T = string>(t: ColumnTable, name: string) => t.columns[name] as unknown as T[];
const key = (...parts: unknown[]) => parts.join("\u0000");

/** Row `k` of `t` as a one-row table, with some cells replaced. */
function rowOf(t: ColumnTable, k: number, cells: Record<string, string | number>): ColumnTable {
  const mask = new Uint8Array(t.rows);
  mask[k] = 1;
  const row = filterRows(t, mask);
  for (const [name, value] of Object.entries(cells)) {
    const data = row.columns[name];
    if (ArrayBuffer.isView(data)) (data as Float64Array)[0] = value as number;
    else (data as unknown[])[0] = value;
  }
  return row;
}

/** Runs the filters in order; which filter dropped each row whose `marker` column starts with "planted:". */
function droppedBy(t: ColumnTable, filters: Filter[], marker: string): Record<string, string> {
  const out: Record<string, string> = {};
  let table = t;
  for (const f of filters) {
    const next = filterRows(table, f.keep(table));
    const after = new Set(col(next, marker));
    for (const m of col(table, marker)) if (m.startsWith("planted:") && !after.has(m)) out[m] = f.name;
    table = next;
  }
  return out;
}

/** The first candidate row that every filter keeps. */
function firstKept(candidates: ColumnTable, set: TrainingSet, idColumns: string[]): number {
  const kept = new Set(set.table.columns[idColumns[0]] ? keys(set.table, idColumns) : []);
  const all = keys(candidates, idColumns);
  const k = all.findIndex((x) => kept.has(x));
  assert.ok(k >= 0, "no kept row among the candidates");
  return k;
}
const keys = (t: ColumnTable, columns: string[]) =>
  Array.from({ length: t.rows }, (_, i) => key(...columns.map((c) => t.columns[c][i])));

test("each new kind is non-empty and filtered, with statistics that add up", async () => {
  const homes = tables.homes!;
  for (const set of Object.values(sets)) {
    const stats = collectStats(set, homes);
    assert.ok(stats.rowsKept > 0, `${set.kind}: nothing kept`);
    assert.is(stats.rowsKept, set.table.rows);
    assert.is(stats.rowsRead, stats.rowsKept + stats.dropped.reduce((n, d) => n + d.rows, 0), set.kind);
    assert.is(
      Object.values(stats.keptByHomeType).reduce((a, b) => a + b, 0),
      stats.rowsKept,
    );
    // home types: each set carries its own home_type column, an independent check of the homes lookup
    const byType: Record<string, number> = {};
    for (const t of col(set.table, "home_type")) byType[t] = (byType[t] ?? 0) + 1;
    assert.equal(stats.keptByHomeType, Object.fromEntries(Object.entries(byType).sort()));
    assert.equal(
      stats.sources.map((s) => [s.table, s.rowsRead]),
      ["homes", "devices", "areas", "synergies", "patterns"].map((t) => [t, ds.manifest.tables[t].rows]),
    );
    for (const s of stats.sources)
      assert.ok(s.rowsUsed > 0 && s.rowsUsed <= s.rowsRead, `${set.kind} ${s.table}`);
    assert.equal(JSON.parse(JSON.stringify(stats)), stats);
    const lines = formatCollectStats(stats);
    assert.ok(lines.some((l) => l.trim() === `${stats.rowsKept}  rows kept`));
    assert.ok(lines.some((l) => l.includes(`synergies: ${stats.sources[3].rowsUsed} of`)));
  }
  const [suggestions, automations, qa] = [sets.suggestions, sets.automations, sets.qa].map((s) =>
    collectStats(s, homes),
  );
  assert.ok(
    suggestions.dropped.some((d) => d.rows > 0),
    "no suggestion filter dropped anything",
  );
  // the label: planted links against spurious candidates, both present
  const planted = Array.from(sets.suggestions.table.columns.planted as Uint8Array).filter(
    (x) => x === 1,
  ).length;
  assert.ok(planted > 0 && planted < suggestions.rowsKept, `${planted} of ${suggestions.rowsKept} planted`);
  assert.equal(
    suggestions.labelBalance!.values.map((v) => [v.value, v.count]),
    [
      ["spurious", suggestions.rowsKept - planted],
      ["planted", planted],
    ],
  );
  assert.is(suggestions.noLabel, null);
  // the unlabelled sets say so rather than invent a label
  for (const s of [automations, qa]) {
    assert.is(s.labelBalance, null);
    assert.match(s.noLabel!, /^no label: /);
    assert.ok(formatCollectStats(s).includes(`  ${s.noLabel}`));
  }
  const byKind = qa.kept.by_question_kind as Record<string, number>;
  assert.equal(Object.keys(byKind), ["area_activity", "area_devices", "device_effect", "which_device"]);
  assert.is(
    Object.values(byKind).reduce((a, b) => a + b, 0),
    qa.rowsKept,
  );
});

test("suggestions: the evidence is the mined sequence, the label the planted link", () => {
  const t = sets.suggestions.table;
  const syn = tables.synergies!;
  const pat = tables.patterns!;
  const linked = syn.columns.linked as Uint8Array;
  const candidatePairs = new Set(keys(syn, ["home_id", "trigger_entity", "action_entity"]));
  const confidence = t.columns.confidence as Float64Array;
  const occurrences = t.columns.occurrences as Int32Array;
  const planted = t.columns.planted as Uint8Array;
  let fromSynergies = 0;
  for (let i = 0; i < t.rows; i++) {
    const evidence = JSON.parse(col(t, "evidence")[i]) as string[];
    const seqRef = col(t, "source")[i] === "synergy" ? evidence[1] : evidence[0];
    assert.match(seqRef, /^patterns#\d+$/);
    const p = Number(seqRef.split("#")[1]);
    const detail = JSON.parse(col(pat, "detail")[p]);
    assert.is(col(pat, "kind")[p], "sequence");
    assert.is(col(pat, "entity_id")[p], col(t, "trigger_entity")[i]);
    assert.is(detail.target, col(t, "action_entity")[i]);
    assert.is(detail.target_state, col(t, "action_state")[i]);
    assert.is(confidence[i], (pat.columns.confidence as Float64Array)[p]);
    assert.is(occurrences[i], (pat.columns.occurrences as Int32Array)[p]);
    const pair = key(col(t, "home_id")[i], col(t, "trigger_entity")[i], col(t, "action_entity")[i]);
    if (col(t, "source")[i] === "synergy") {
      fromSynergies++;
      const r = Number(col(t, "source_id")[i].split("#")[1]);
      assert.is(col(t, "source_id")[i], evidence[0]);
      assert.is(col(syn, "trigger_entity")[r], col(t, "trigger_entity")[i]);
      assert.is(col(syn, "action_entity")[r], col(t, "action_entity")[i]);
      assert.is(planted[i], linked[r]);
    } else {
      // a mined sequence between devices that are no candidate pair: never a planted link
      assert.ok(!candidatePairs.has(pair));
      assert.is(planted[i], 0);
    }
    assert.match(
      col(t, "suggestion")[i],
      new RegExp(`^When .+, .+\\. Seen ${occurrences[i]} times: after \\d+ % `),
    );
  }
  assert.ok(fromSynergies > 0 && fromSynergies < t.rows, "both sources among the kept rows");
});

test("suggestions: every filter drops what it says", () => {
  const candidates = suggestionSet.build(tables, seed);
  const k = firstKept(candidates, sets.suggestions, ["home_id", "source_id"]);
  const text = col(candidates, "suggestion")[k];
  const planted = {
    sensor: { action_domain: "sensor" },
    weak: { confidence: 0.05 },
    rare: { occurrences: 2 },
    chance: { lift: 1.2 },
    repeat: {},
    long: { suggestion: `${text} ${"and then some more. ".repeat(20)}` },
  };
  const table = concatTables(candidates.schema, [
    candidates,
    ...Object.entries(planted).map(([name, cells]) =>
      rowOf(candidates, k, { source_id: `planted:${name}`, ...cells }),
    ),
  ]);
  const filters = suggestionSet.filters(thresholds.suggestions, tables);
  const names = filters.map((f) => f.name);
  assert.equal(droppedBy(table, filters, "source_id"), {
    "planted:sensor": names[0],
    "planted:weak": names[1],
    "planted:rare": names[2],
    "planted:chance": names[3],
    "planted:repeat": names[4],
    "planted:long": names[5],
  });
  assert.match(names[1], /less than 10 % of the trigger's changes/);
  assert.match(names[4], /^repeated suggestions/);
  assert.match(names[5], /longer than 300 characters/);
});

test("automations: the YAML parses and does what the request asks; a pair that does not check out is dropped", () => {
  const t = sets.automations.table;
  const friendly = new Map(
    keys(tables.devices!, ["home_id", "entity_id"]).map((k, i) => [
      k,
      col(tables.devices!, "friendly_name")[i],
    ]),
  );
  for (let i = 0; i < t.rows; i++) {
    const doc = parseYaml(col(t, "yaml")[i], { version: "1.1" });
    assert.is(doc.id, col(t, "automation_id")[i]);
    assert.is(doc.triggers[0].entity_id, col(t, "trigger_entity")[i]);
    assert.is(doc.actions[0].target.entity_id, col(t, "action_entity")[i]);
    assert.ok(doc.actions[0].action.startsWith(`${col(t, "action_domain")[i]}.`));
    const name = friendly.get(key(col(t, "home_id")[i], col(t, "action_entity")[i]))!;
    assert.ok(col(t, "prompt")[i].toLowerCase().includes(name.toLowerCase()), col(t, "prompt")[i]);
  }

  const candidates = automationSet.build(tables, seed);
  const k = firstKept(candidates, sets.automations, ["home_id", "source_id"]);
  const yaml = col(candidates, "yaml")[k];
  const planted = {
    broken: { yaml: "triggers: [\n  - trigger: state" },
    wrongTarget: { yaml: yaml.replace(col(candidates, "action_entity")[k], "light.somewhere_else") },
    repeat: {},
    longPrompt: { prompt: `${col(candidates, "prompt")[k]} ${"Really, please. ".repeat(25)}` },
    longYaml: {
      yaml: `${yaml}${"# a comment that is valid YAML and long\n".repeat(60)}`,
      prompt: `${col(candidates, "prompt")[k]} And keep it tidy.`,
    },
  };
  const table = concatTables(candidates.schema, [
    candidates,
    ...Object.entries(planted).map(([name, cells]) =>
      rowOf(candidates, k, { source_id: `planted:${name}`, ...cells }),
    ),
  ]);
  const filters = automationSet.filters(thresholds.automations, tables);
  const names = filters.map((f) => f.name);
  assert.match(names[4], /YAML does not parse/);
  assert.equal(droppedBy(table, filters, "source_id"), {
    "planted:broken": names[4],
    "planted:wrongTarget": names[4],
    "planted:repeat": names[5],
    "planted:longPrompt": names[6],
    "planted:longYaml": names[7],
  });
});

test("qa: answers agree with the synergies, devices and areas tables", () => {
  const t = sets.qa.table;
  const syn = tables.synergies!;
  const linked = syn.columns.linked as Uint8Array;
  const actionsOf = new Map<string, Set<string>>();
  for (let i = 0; i < syn.rows; i++) {
    if (!linked[i]) continue;
    const k = key(col(syn, "home_id")[i], col(syn, "trigger_entity")[i]);
    actionsOf.set(k, (actionsOf.get(k) ?? new Set()).add(col(syn, "action_entity")[i]));
  }
  const dev = tables.devices!;
  const inArea = new Map<string, Set<string>>();
  const nameOf = new Map<string, string>();
  for (let i = 0; i < dev.rows; i++) {
    const k = key(col(dev, "home_id")[i], col(dev, "area_id")[i]);
    inArea.set(k, (inArea.get(k) ?? new Set()).add(col(dev, "entity_id")[i]));
    nameOf.set(key(col(dev, "home_id")[i], col(dev, "entity_id")[i]), col(dev, "friendly_name")[i]);
  }
  const effects = new Map<string, Set<string>>();
  const questions = new Set<string>();
  for (let i = 0; i < t.rows; i++) {
    const home = col(t, "home_id")[i];
    const subject = col(t, "subject")[i];
    const entities = JSON.parse(col(t, "answer_entities")[i]) as string[];
    const answer = col(t, "answer")[i];
    const qk = key(home, col(t, "question")[i]);
    assert.ok(!questions.has(qk), `repeated question ${qk}`);
    questions.add(qk);
    for (const e of entities)
      assert.ok(answer.toLowerCase().includes(nameOf.get(key(home, e))!.toLowerCase()), answer);
    switch (col(t, "question_kind")[i]) {
      case "which_device":
        assert.ok(entities.length > 0);
        for (const e of entities)
          assert.ok(actionsOf.get(key(home, subject))?.has(e), `${subject} → ${e} is no planted link`);
        break;
      case "device_effect":
        effects.set(key(home, subject), new Set([...(effects.get(key(home, subject)) ?? []), ...entities]));
        break;
      case "area_devices":
        assert.equal(new Set(entities), inArea.get(key(home, subject)));
        assert.match(answer, new RegExp(` has ${entities.length} devices?: `));
        break;
      case "area_activity": {
        assert.match(answer, /^Mostly \d\d:00–\d\d:00.* local time, from \d+ state changes/);
        const pat = tables.patterns!;
        for (const ref of JSON.parse(col(t, "evidence")[i]) as string[]) {
          if (!ref.startsWith("patterns#")) continue;
          const p = Number(ref.split("#")[1]);
          assert.is(col(pat, "kind")[p], "peak_hours");
          assert.ok(inArea.get(key(home, subject))!.has(col(pat, "entity_id")[p]));
        }
        break;
      }
    }
  }
  // every planted link of a trigger is among the effects asked about
  assert.equal(effects, actionsOf);
});

test("qa: a trigger linked to two devices of one kind is one question naming both, with their areas", () => {
  const syn = tables.synergies!;
  const linked = syn.columns.linked as Uint8Array;
  const r = Array.from(linked).findIndex((x, i) => x === 1 && col(syn, "relationship")[i] === "motion_light");
  assert.ok(r >= 0, "the dataset has a planted motion → light link");
  const home = col(syn, "home_id")[r];
  const dev = tables.devices!;
  const other = Array.from({ length: dev.rows }, (_, i) => i).find(
    (i) =>
      col(dev, "home_id")[i] === home &&
      col(dev, "domain")[i] === "light" &&
      col(dev, "entity_id")[i] !== col(syn, "action_entity")[r],
  );
  assert.ok(other !== undefined, "the home has a second light");
  const second = col(dev, "entity_id")[other];
  // the same trigger planted on a second light
  const withSecond = {
    ...tables,
    synergies: concatTables(syn.schema, [syn, rowOf(syn, r, { action_entity: second })]),
  };
  const qa = qaSet.build(withSecond, seed);
  const i = Array.from({ length: qa.rows }, (_, j) => j).find(
    (j) =>
      col(qa, "home_id")[j] === home &&
      col(qa, "question_kind")[j] === "which_device" &&
      col(qa, "subject")[j] === col(syn, "trigger_entity")[r] &&
      col(qa, "question")[j].includes("light turns on"),
  )!;
  const entities = JSON.parse(col(qa, "answer_entities")[i]) as string[];
  assert.ok(entities.includes(col(syn, "action_entity")[r]) && entities.includes(second), entities.join());
  const areaName = new Map(
    keys(tables.areas!, ["home_id", "area_id"]).map((k, j) => [k, col(tables.areas!, "name")[j]]),
  );
  assert.match(col(qa, "answer")[i], / and the /);
  assert.ok(col(qa, "answer")[i].includes(`in the ${areaName.get(key(home, col(dev, "area_id")[other]))}`));
  assert.equal(JSON.parse(col(qa, "evidence")[i]).slice(-1), [`synergies#${syn.rows}`]);
});

test("qa: every filter drops what it says; a question asked twice in a home loses every copy", () => {
  const candidates = qaSet.build(tables, seed);
  const k = firstKept(candidates, sets.qa, ["home_id", "question"]);
  const planted = {
    ghostDevice: { answer_entities: JSON.stringify(["light.ghost"]) },
    ghostArea: { answer_areas: JSON.stringify(["nowhere"]) },
    unsure: { confidence: 0.1 },
    repeat: {},
    long: { answer: "x".repeat(401) },
  };
  const table = concatTables(candidates.schema, [
    candidates,
    ...Object.entries(planted).map(([name, cells]) =>
      rowOf(candidates, k, {
        subject: `planted:${name}`,
        // distinct questions, but for the repeat
        question:
          name === "repeat" ? col(candidates, "question")[k] : `${col(candidates, "question")[k]} (${name})`,
        ...cells,
      }),
    ),
  ]);
  const filters = qaSet.filters(thresholds.qa, tables);
  const names = filters.map((f) => f.name);
  assert.equal(droppedBy(table, filters, "subject"), {
    "planted:ghostDevice": names[0],
    "planted:ghostArea": names[0],
    "planted:unsure": names[1],
    "planted:repeat": names[2],
    "planted:long": names[3],
  });
  let kept = table;
  for (const f of filters) kept = filterRows(kept, f.keep(kept));
  const original = key(col(candidates, "home_id")[k], col(candidates, "question")[k]);
  assert.ok(!keys(kept, ["home_id", "question"]).includes(original), "the first copy of a repeat stayed");
  assert.is(kept.rows, sets.qa.table.rows - 1);
});

test("the sets are deterministic; the dataset seed picks the qa phrasings", () => {
  // as plain arrays: NaN lifts are equal there (dequal compares typed arrays' NaN as unequal)
  const plain = (t: ColumnTable) =>
    Object.fromEntries(
      Object.entries(t.columns).map(([name, c]) => [name, Array.from(c as ArrayLike<unknown>)]),
    );
  assert.equal(plain(automationSet.build(tables, seed)), plain(automationSet.build(tables, seed)));
  const other = qaSet.build(tables, seed + 1);
  const mine = qaSet.build(tables, seed);
  assert.equal(other.columns.answer, mine.columns.answer);
  assert.not.equal(other.columns.question, mine.columns.question);
  // and the set collected again (by the CLI, below) is the one collected here: same id, same statistics
});

test("lineage: a suggestion set records every table it read, hashed, and which of their rows it kept", () => {
  const set = sets.suggestions;
  const [run] = lineage.producedBy(set.id);
  assert.equal(
    run.inputs.map((i) => [i.id, i.kind, i.sha256]),
    [
      [set.datasetId, "dataset", ds.manifestSha256],
      // inputs come back by id
      ...["areas", "devices", "homes", "patterns", "synergies"].map((t) => [
        `${set.datasetId}/${t}`,
        "table",
        tableSha256(ds.manifest.tables[t]),
      ]),
    ],
  );
  const steps = run.transformations;
  assert.equal(
    steps.slice(0, 5).map((s) => s.name),
    ["source: homes", "source: devices", "source: areas", "source: synergies", "source: patterns"],
  );
  assert.is(steps.length, 5 + set.filters.length);
  const t = set.table;
  const refs = (table: string) =>
    new Set(
      col(t, "evidence").flatMap((e) => (JSON.parse(e) as string[]).filter((r) => r.startsWith(`${table}#`))),
    );
  const synergies = steps[3];
  assert.is(synergies.rows_in, ds.manifest.tables.synergies.rows);
  assert.is(synergies.rows_out, refs("synergies").size);
  const plantedFromSynergies = col(t, "source").filter(
    (s, i) => s === "synergy" && (t.columns.planted as Uint8Array)[i] === 1,
  ).length;
  assert.is(JSON.parse(synergies.detail!).planted_synergies, plantedFromSynergies);
  assert.is(steps[4].rows_out, refs("patterns").size);
  assert.equal(JSON.parse(steps[4].detail!).patterns_by_kind, { sequence: refs("patterns").size });
  assert.is(steps[5].rows_in, set.rowsRead);
});

test("collect: a bad --for names the kinds; --out writes the set and its statistics; bad thresholds name the field", async () => {
  const bad = await runCliInProcess(["collect", "--dataset", dir, "--for", "sugestions", "--no-lineage"]);
  assert.is(bad.code, 2);
  assert.match(
    bad.stderr,
    /^error: --for: "sugestions" is not a training set; use one of failure, synergy, patterns, events, suggestions, automations, qa/,
  );
  const out = join(root, "qa.parquet");
  const run = await runCliInProcess([
    "collect",
    "--dataset",
    dir,
    "--for",
    "qa",
    "--out",
    out,
    "--no-lineage",
  ]);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, /no label: each row is a question/);
  assert.ok(existsSync(out));
  await readBackParquet(out, sets.qa.table.schema, sets.qa.table.rows);
  assert.equal(JSON.parse(readFileSync(`${out}.stats.json`, "utf8")), collectStats(sets.qa, tables.homes!));
  const cases: [unknown, RegExp][] = [
    [{ suggestions: { minLift: -1 } }, /^thresholds\.suggestions\.minLift: must be a number, 0 or more/],
    [{ qa: { colour: 1 } }, /^thresholds\.qa\.colour: unknown threshold/],
    [
      { automations: { maxYamlLength: 1.5 } },
      /^thresholds\.automations\.maxYamlLength: must be a whole number/,
    ],
  ];
  for (const [th, message] of cases) {
    try {
      parseCollectorThresholds(th);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, HomeforgeError);
      assert.match((e as Error).message, message);
    }
  }
});

test.run();
