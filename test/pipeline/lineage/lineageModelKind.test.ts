import { join } from "node:path";
import Database from "better-sqlite3";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import {
  DEFAULT_MODEL_NAMES,
  LineageStore,
  MODEL_KINDS,
  modelKindOfName,
  parseModelFilter,
} from "../../../lib/pipeline/lineage/lineageStore.js";
import { runCliInProcess } from "../../helpers/cliInProcess.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

/**
 * A failure training run (global + router), a synergy training run, a synergy retrain, a
 * custom-named synergy model, a version recorded without a kind (older stores), a failed
 * run and a collect run that made no model.
 */
function seed(store: LineageStore) {
  const run = (job: string, models: { name: string; version: string; kind?: string }[], fail = false) => {
    const id = store.startRun(job, {});
    store.recordInput(id, { id: "ds_a", kind: "dataset" });
    for (const m of models) store.recordModelOutput(id, m);
    if (fail) store.failRun(id, new Error("boom"));
    else store.completeRun(id);
    return id;
  };
  const collect = run("collect", []);
  store.recordOutput(collect, { id: "training_set:ds_a/synergy/x", kind: "training_set" });
  return {
    collect,
    failure: run("train", [
      { name: "failure-global", version: "v1", kind: "failure_classifier" },
      { name: "failure-router", version: "v1", kind: "failure_router" },
    ]),
    synergy: run("train-synergy", [{ name: "synergy-gnn", version: "v1", kind: "synergy_gnn" }]),
    retrain: run("retrain", [{ name: "synergy-gnn", version: "v2", kind: "synergy_gnn" }]),
    custom: run("train-synergy", [{ name: "my-graph-model", version: "v1", kind: "synergy_gnn" }]),
    unkinded: run("train", [{ name: "failure-apartment", version: "v1" }]),
    failed: run("train", [{ name: "failure-global", version: "v2", kind: "failure_classifier" }], true),
  };
}

const ids = (rows: { run_id: string }[]) => rows.map((r) => r.run_id);

test("runs by model kind or name: exactly the runs that output such a version, newest first, with --job", () => {
  const store = LineageStore.open(":memory:");
  try {
    const r = seed(store);
    const byKind = (modelKind: string, job?: string) => ids(store.runs({ model: { modelKind }, job }));
    const byName = (modelName: string, job?: string) => ids(store.runs({ model: { modelName }, job }));
    assert.equal(byKind("synergy_gnn"), [r.custom, r.retrain, r.synergy]);
    assert.equal(byKind("synergy_gnn", "retrain"), [r.retrain]);
    assert.equal(byKind("failure_router"), [r.failure]);
    // failed runs are runs too; the unkinded version falls back to its name's kind
    assert.equal(byKind("failure_classifier"), [r.failed, r.unkinded, r.failure]);
    assert.equal(byKind("failure_classifier", "train-synergy"), []);
    assert.equal(byName("synergy-gnn"), [r.retrain, r.synergy]);
    assert.equal(byName("synergy-gnn", "train-synergy"), [r.synergy]);
    assert.equal(byName("failure-global"), [r.failed, r.failure]);
    // a name is a whole name: `failure` is no prefix of failure-global's versions
    assert.equal(byName("failure"), []);
    assert.equal(store.modelNames(), [
      "failure-apartment",
      "failure-global",
      "failure-router",
      "my-graph-model",
      "synergy-gnn",
    ]);
    assert.is(store.runs({ model: { modelKind: "synergy_gnn" }, limit: 1 }).length, 1);
  } finally {
    store.close();
  }
});

test("--kind as typed: registry kinds, model names (default or recorded), dashed kinds; else a one-line error", () => {
  assert.equal(parseModelFilter("synergy_gnn", []), { modelKind: "synergy_gnn" });
  assert.equal(parseModelFilter("synergy-gnn", []), { modelName: "synergy-gnn" });
  assert.equal(parseModelFilter("failure-classifier", []), { modelKind: "failure_classifier" });
  assert.equal(parseModelFilter("failure-condo", ["failure-condo"]), { modelName: "failure-condo" });
  try {
    parseModelFilter("failure-condo", []);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, HomeforgeError);
    assert.match(
      (e as Error).message,
      /^--kind: "failure-condo" is neither a model kind nor a model name lineage knows; use a kind \(failure_classifier, failure_router, synergy_gnn\) or a model name \(failure-global, failure-router, synergy-gnn\)$/,
    );
  }
  assert.is(modelKindOfName("failure-router"), "failure_router");
  assert.is(modelKindOfName("failure-single_family"), "failure_classifier");
  assert.is(modelKindOfName("synergy-gnn"), "synergy_gnn");
  assert.is(modelKindOfName("something-else"), null);
});

test("lineage's kinds and default names are the registry's and the trainers'", async () => {
  const [{ DEFAULT_MODEL_KINDS }, { routerName }, { SYNERGY_MODEL_NAME }] = await Promise.all([
    import("../../../lib/models/registry/defaultKinds.js"),
    import("../../../lib/models/failure/failureRouter.js"),
    import("../../../lib/models/synergy/registerSynergyModel.js"),
  ]);
  assert.equal([...MODEL_KINDS], DEFAULT_MODEL_KINDS.map((k) => k.name).sort());
  assert.equal([...DEFAULT_MODEL_NAMES], ["failure-global", routerName("failure"), SYNERGY_MODEL_NAME]);
});

test("a store written before model kinds: read-only queries fall back to names, a writer adds the column", () => {
  const path = join(root, "old.sqlite");
  const old = new Database(path);
  old.exec(`
    CREATE TABLE runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE, job TEXT NOT NULL,
      status TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, config TEXT NOT NULL,
      code_version TEXT NOT NULL, error TEXT);
    CREATE TABLE artifacts (artifact_id TEXT PRIMARY KEY, kind TEXT NOT NULL, uri TEXT, sha256 TEXT);
    CREATE TABLE run_inputs (run_id TEXT NOT NULL, artifact_id TEXT NOT NULL, sha256 TEXT, PRIMARY KEY (run_id, artifact_id));
    CREATE TABLE run_outputs (run_id TEXT NOT NULL, artifact_id TEXT NOT NULL, sha256 TEXT, PRIMARY KEY (run_id, artifact_id));
    CREATE TABLE transformations (seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, name TEXT NOT NULL,
      input_artifact TEXT, output_artifact TEXT, rows_in INTEGER, rows_out INTEGER, detail TEXT);
    INSERT INTO runs (run_id, job, status, started_at, config, code_version) VALUES
      ('run_old', 'train-synergy', 'completed', '2030-01-01T00:00:00.000Z', '{}', 'old');
    INSERT INTO artifacts VALUES ('model:synergy-gnn@v1', 'model_version', NULL, NULL);
    INSERT INTO run_outputs VALUES ('run_old', 'model:synergy-gnn@v1', NULL);
  `);
  old.close();
  const reader = LineageStore.openReadOnly(path);
  try {
    assert.equal(ids(reader.runs({ model: { modelKind: "synergy_gnn" } })), ["run_old"]);
    assert.is(reader.exportJson().artifacts[0].model_kind, null);
  } finally {
    reader.close();
  }
  const writer = LineageStore.open(path);
  try {
    const id = writer.startRun("train-synergy", {});
    writer.recordModelOutput(id, { name: "graph-v", version: "v1", kind: "synergy_gnn" });
    writer.completeRun(id);
    assert.equal(ids(writer.runs({ model: { modelKind: "synergy_gnn" } })), [id, "run_old"]);
  } finally {
    writer.close();
  }
});

test("homeforge lineage runs --kind, alone and with --job; an unknown kind is a one-line error", async () => {
  const path = join(root, "cli.sqlite");
  const store = LineageStore.open(path);
  const r = seed(store);
  store.close();
  const cli = (...args: string[]) => runCliInProcess(["lineage", "--db", path, "runs", ...args]);
  const json = async (...args: string[]) => {
    const out = await cli(...args, "--json");
    assert.is(out.code, 0, out.stderr);
    return ids(JSON.parse(out.stdout));
  };
  assert.equal(await json("--kind", "synergy-gnn"), [r.retrain, r.synergy]);
  assert.equal(await json("--kind", "synergy_gnn", "--job", "train-synergy"), [r.custom, r.synergy]);
  assert.equal(await json("--kind", "failure-router"), [r.failure]);
  const text = await cli("--kind", "failure_classifier");
  assert.equal(
    text.stdout
      .trim()
      .split("\n")
      .map((l) => l.split(" ")[0]),
    [r.failed, r.unkinded, r.failure],
  );
  const bad = await cli("--kind", "gnn");
  assert.is(bad.code, 2);
  assert.match(
    bad.stderr,
    /^error: --kind: "gnn" is neither a model kind nor a model name lineage knows; .*my-graph-model/,
  );
  assert.is(bad.stderr.trim().split("\n").length, 1);
  const help = await runCliInProcess(["lineage", "runs", "--help"]);
  assert.match(help.stdout, /failure_classifier, failure_router, synergy_gnn/);
});

test.run();
