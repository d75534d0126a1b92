import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse as parseYaml } from "yaml";
import { HomeforgeError } from "../../../lib/core/errors.js";
import {
  type AutomationPair,
  automationPrompt,
  buildAutomation,
  checkAutomationYaml,
} from "../../../lib/pipeline/exports/automationYaml.js";
import {
  EXPORT_MANIFEST_FILE,
  type ExportManifest,
  exportDataset,
} from "../../../lib/pipeline/exports/exportDataset.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { DataGenerationManager } from "../../../lib/pipeline/generation/manager.js";
import { LineageStore } from "../../../lib/pipeline/lineage/lineageStore.js";
import { openDataset } from "../../../lib/pipeline/storage/openDataset.js";
import { RELATIONSHIPS } from "../../../lib/synth/catalog/relationships.js";
import { duckdb, duckdbCount, duckdbTypes } from "../../helpers/duckdb.js";
import { PIPELINE_PRODUCERS } from "../../helpers/pipelineProducers.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const config = parseGenerationConfig({
  seed: 21,
  homes: 12,
  days: 3,
  validation: { minDevices: 0, minEvents: 0 },
});
let datasetDir = "";
let counts: { devices: number; synergies: number; linked: number; patterns: number; homes: number };

test.before(async () => {
  const r = await new DataGenerationManager(config, {
    producerModule: PIPELINE_PRODUCERS,
    workers: 1,
    outDir: join(root, "ds"),
  }).run();
  datasetDir = r.dir;
  const ds = openDataset(datasetDir);
  const syn = await ds.table("synergies");
  counts = {
    homes: r.manifest.tables.homes.rows,
    devices: r.manifest.tables.devices.rows,
    synergies: syn.rows,
    linked: (syn.columns.linked as Uint8Array).reduce((a, b) => a + b, 0),
    patterns: r.manifest.tables.patterns.rows,
  };
  assert.ok(counts.linked > 5, "the fixture plants links");
});

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

test("gnn: Parquet nodes and edges open in DuckDB with typed columns; JSON holds one graph per home", async () => {
  const pq = await exportDataset(datasetDir, "gnn", "parquet");
  assert.is(pq.dir, join(datasetDir, "exports", "gnn", "parquet"));
  const nodes = `read_parquet('${join(pq.dir, "gnn_nodes.parquet")}')`;
  const edges = `read_parquet('${join(pq.dir, "gnn_edges.parquet")}')`;
  assert.is(await duckdbCount(nodes), counts.devices);
  assert.is(await duckdbCount(edges), counts.synergies);
  const t = await duckdbTypes(edges);
  assert.is(t.linked, "BOOLEAN");
  assert.is(t.source, "INTEGER");
  assert.is(t.relationship, "VARCHAR");
  assert.is(t.benefit, "DOUBLE");
  const { rows } = await duckdb(
    `SELECT count(*) AS bad FROM ${edges} e LEFT JOIN ${nodes} n
     ON n.home_id = e.home_id AND n.node_index = e.source AND n.entity_id = e.trigger_entity WHERE n.entity_id IS NULL`,
  );
  assert.is(Number(rows[0].bad), 0, "every edge source is its trigger's node");
  const confounded = await duckdb(
    `SELECT count(*) FILTER (WHERE confounder IS NOT NULL AND linked) AS on_links,
            count(*) FILTER (WHERE confounder IN ('routine', 'walk_through')) AS marked,
            count(*) FILTER (WHERE confounder IS NOT NULL) AS non_null
     FROM ${edges}`,
  );
  assert.is(Number(confounded.rows[0].on_links), 0, "confounder marks unlinked pairs only");
  assert.is(Number(confounded.rows[0].marked), Number(confounded.rows[0].non_null));
  assert.ok(Number(confounded.rows[0].marked) > 0, "the export carries the confounded hard negatives");

  const js = await exportDataset(datasetDir, "gnn", "json");
  const graphs = readJson(join(js.dir, "gnn.json"));
  assert.is(graphs.length, counts.homes);
  assert.is(
    graphs.reduce((n: number, g: { edges: unknown[] }) => n + g.edges.length, 0),
    counts.synergies,
  );
  assert.is(await duckdbCount(`read_json('${join(js.dir, "gnn.json")}')`), counts.homes);
});

test("soft-prompt: SQLite and JSON prompt/completion pairs whose YAML parses into the right automation", async () => {
  const sq = await exportDataset(datasetDir, "soft-prompt", "sqlite");
  const db = new Database(join(sq.dir, "pairs.sqlite"), { readonly: true });
  try {
    const info = db.prepare("PRAGMA table_info(pairs)").all() as { name: string; type: string }[];
    assert.equal(
      info.map((c) => `${c.name}:${c.type}`),
      [
        "pair_id:TEXT",
        "home_id:TEXT",
        "relationship:TEXT",
        "trigger_entity:TEXT",
        "action_entity:TEXT",
        "prompt:TEXT",
        "completion:TEXT",
      ],
    );
    const rows = db.prepare("SELECT * FROM pairs").all() as Record<string, string>[];
    assert.is(rows.length, counts.linked);
    for (const r of rows) {
      const doc = parseYaml(r.completion);
      assert.is(doc.triggers[0].entity_id, r.trigger_entity);
      assert.is(doc.actions[0].target.entity_id, r.action_entity);
      assert.ok(r.prompt.length > 20 && /[.?]$/.test(r.prompt), r.prompt);
    }
    const lock = rows.find((r) => r.relationship === "door_lock");
    if (lock) {
      const doc = parseYaml(lock.completion);
      assert.is(doc.actions[0].action, "lock.lock");
      assert.is(doc.triggers[0].to, "off", "a closed door is binary_sensor off");
      assert.is(doc.triggers[0].for, "00:01:00");
    }
    const light = rows.find((r) => r.relationship === "motion_light");
    if (light) {
      const doc = parseYaml(light.completion);
      assert.equal(doc.conditions, [{ condition: "state", entity_id: "sun.sun", state: "below_horizon" }]);
      assert.match(light.prompt, /dark/);
      // Home Assistant parses YAML 1.1, where a bare on would be the boolean true
      assert.match(light.completion, /to: "on"/);
    }
  } finally {
    db.close();
  }
  const js = await exportDataset(datasetDir, "soft-prompt", "json");
  const types = await duckdbTypes(`read_json('${join(js.dir, "pairs.json")}')`);
  assert.is(types.completion, "VARCHAR");
  assert.is(await duckdbCount(`read_json('${join(js.dir, "pairs.json")}')`), counts.linked);
  // same dataset ⇒ same prompts (seeded wording)
  const again = await exportDataset(datasetDir, "soft-prompt", "json", { outDir: join(root, "sp-again") });
  assert.is(again.manifest.files[0].sha256, js.manifest.files[0].sha256);
});

test("automation YAML checks catch a completion that does not do what the pair says", () => {
  const device = (entityId: string, domain: string, deviceClass = "") => ({
    entityId,
    domain,
    deviceClass,
    friendlyName: entityId,
    areaName: "Hall",
  });
  const pair: AutomationPair = {
    homeId: "home_000001",
    relationship: "motion_light",
    trigger: device("binary_sensor.hall_motion", "binary_sensor", "motion"),
    action: device("light.hall_ceiling", "light"),
    condition: null,
    delayMs: 1500,
  };
  const good =
    "id: a\nalias: b\ntriggers:\n  - trigger: state\n    entity_id: binary_sensor.hall_motion\n    to: 'on'\nconditions: []\nactions:\n  - action: light.turn_on\n    target:\n      entity_id: light.hall_ceiling\n";
  assert.is(checkAutomationYaml(good, pair), null);
  assert.match(
    String(checkAutomationYaml(good.replace("light.turn_on", "switch.turn_on"), pair)),
    /does not belong/,
  );
  assert.match(String(checkAutomationYaml(good.replace("hall_ceiling", "bedroom"), pair)), /action target/);
  assert.match(String(checkAutomationYaml("id: [unclosed", pair)), /does not parse/);
});

test("every catalog relationship becomes a parseable automation and a plain-language request", () => {
  const device = (entityId: string, domain: string, deviceClass: string, friendlyName: string) => ({
    entityId,
    domain,
    deviceClass,
    friendlyName,
    areaName: "Living Room",
  });
  for (const rel of RELATIONSHIPS) {
    const pair: AutomationPair = {
      homeId: "home_000001",
      relationship: rel.key,
      trigger: device(
        `${rel.trigger.domain}.t`,
        rel.trigger.domain,
        rel.trigger.deviceClasses?.[0] ?? "",
        "Trigger Thing",
      ),
      action: device(
        `${rel.action.domain}.a`,
        rel.action.domain,
        rel.action.deviceClasses?.[0] ?? "",
        "Action Thing",
      ),
      condition: rel.condition,
      delayMs: rel.delay.medianMs,
    };
    const automation = buildAutomation(pair);
    assert.is(checkAutomationYaml(automation.yaml, pair), null, rel.key);
    const doc = parseYaml(automation.yaml, { version: "1.1" });
    if (rel.triggerState === "high" || rel.triggerState === "low") {
      assert.is(doc.triggers[0].trigger, "numeric_state", rel.key);
      assert.type(doc.triggers[0][rel.triggerState === "high" ? "above" : "below"], "number");
    } else {
      assert.type(doc.triggers[0].to, "string", rel.key);
    }
    const prompt = automationPrompt(pair, 1);
    assert.match(prompt, /^[A-Z].{20,}[.?]$/, rel.key);
    assert.ok(prompt.includes("action thing"), prompt);
  }
});

test("patterns (JSON with nested detail, Parquet), automations (JSON), device intelligence (JSON, CSV)", async () => {
  const pj = await exportDataset(datasetDir, "patterns", "json");
  const records = readJson(join(pj.dir, "patterns.json"));
  assert.is(records.length, counts.patterns);
  assert.type(records[0].detail, "object");
  const pq = await exportDataset(datasetDir, "patterns", "parquet");
  const pt = await duckdbTypes(`read_parquet('${join(pq.dir, "patterns.parquet")}')`);
  assert.is(pt.occurrences, "INTEGER");
  assert.is(pt.confidence, "DOUBLE");
  assert.is(await duckdbCount(`read_parquet('${join(pq.dir, "patterns.parquet")}')`), counts.patterns);

  const au = await exportDataset(datasetDir, "automations", "json");
  const autos = readJson(join(au.dir, "automations.json"));
  assert.is(autos.length, counts.linked);
  for (const a of autos) assert.is(parseYaml(a.yaml).id, a.automation_id);

  const csv = await exportDataset(datasetDir, "device-intelligence", "csv");
  const src = `read_csv('${join(csv.dir, "device_intelligence.csv")}')`;
  assert.is(await duckdbCount(src), counts.devices);
  const ct = await duckdbTypes(src);
  assert.is(ct.days_observed, "BIGINT");
  assert.is(ct.mean_response_time, "DOUBLE");
  assert.is(ct.entity_id, "VARCHAR");
  const { rows } = await duckdb(
    `SELECT min(days_observed) AS lo, max(days_observed) AS hi, sum(days_flagged) AS f FROM ${src}`,
  );
  assert.is(Number(rows[0].lo), config.days);
  assert.is(Number(rows[0].hi), config.days);
  assert.ok(Number(rows[0].f) > 0);
  const dj = await exportDataset(datasetDir, "device-intelligence", "json");
  assert.is(await duckdbCount(`read_json('${join(dj.dir, "device_intelligence.json")}')`), counts.devices);
  const m = readJson(join(dj.dir, EXPORT_MANIFEST_FILE)) as ExportManifest;
  assert.is(m.files[0].rows, counts.devices);
  assert.ok(m.schemas.device_intelligence.some((c) => c.name === "failure_scenario" && c.role === "truth"));
});

test("bad what/format and a missing table fail with one-line errors and write nothing", async () => {
  const errors: [string, string, RegExp][] = [
    ["graph", "json", /^--what: "graph" is not an export; use one of gnn, /],
    ["gnn", "csv", /^--format: "csv" is not a format of --what gnn; use json or parquet/],
    ["automations", "sqlite", /^--format: .* use json$/],
  ];
  for (const [what, format, message] of errors) {
    try {
      await exportDataset(datasetDir, what, format);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, HomeforgeError);
      assert.match((e as Error).message, message);
    }
  }
  // a dataset without a synergies table
  const plain = join(root, "no-synergies");
  cpSync(datasetDir, plain, { recursive: true, filter: (src) => !src.includes("exports") });
  const manifest = JSON.parse(readFileSync(join(plain, "manifest.json"), "utf8"));
  delete manifest.tables.synergies;
  writeFileSync(join(plain, "manifest.json"), JSON.stringify(manifest));
  rmSync(join(plain, "synergies.parquet"));
  const before = readdirSync(plain).sort();
  try {
    await exportDataset(plain, "gnn", "json");
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /dataset ds_\w+ has no synergies table/);
  }
  assert.equal(readdirSync(plain).sort(), before);
  // a table file the manifest lists, gone; and no dataset at all
  rmSync(join(plain, "devices.parquet"));
  try {
    await exportDataset(plain, "device-intelligence", "json");
    assert.unreachable();
  } catch (e) {
    assert.instance(e, HomeforgeError);
    assert.match(
      (e as Error).message,
      /devices file devices\.parquet listed in the manifest of ds_\w+ is missing/,
    );
  }
  assert.equal(
    readdirSync(plain).sort(),
    before.filter((f) => f !== "devices.parquet"),
  );
  assert.throws(
    () => openDataset(join(root, "nowhere")),
    /holds no manifest\.json; point at a dataset directory/,
  );
});

test("exports are recorded in lineage as outputs derived from the dataset", async () => {
  const store = LineageStore.open(join(root, "lineage.sqlite"));
  try {
    const r = await exportDataset(datasetDir, "automations", "json", {
      lineage: store,
      outDir: join(root, "auto"),
    });
    const id = `export:${r.manifest.dataset_id}/automations/json`;
    const [run] = store.producedBy(id);
    assert.is(run.run.job, "export");
    assert.is(run.inputs[0].id, r.manifest.dataset_id);
    assert.is(run.transformations[0].rows_out, counts.linked);
  } finally {
    store.close();
  }
});

test.run();
