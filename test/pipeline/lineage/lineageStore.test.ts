import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { LineageStore, modelVersionId, parseArtifact } from "../../../lib/pipeline/lineage/lineageStore.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

let clock = Date.UTC(2030, 0, 1);
const now = () => (clock += 1000);

/** generate ds → collect training set → train model v1 and v2; an unrelated dataset beside it. */
function seed(store: LineageStore) {
  const gen = store.startRun("generate", { seed: 1, homes: 10 });
  store.recordOutput(gen, { id: "ds_a", kind: "dataset", uri: "/data/ds_a", sha256: "aa" });
  store.recordTransformation(gen, { name: "validate_homes", output: "ds_a", rowsIn: 10, rowsOut: 9 });
  store.completeRun(gen);
  const other = store.startRun("generate", { seed: 2 });
  store.recordOutput(other, { id: "ds_b", kind: "dataset", sha256: "bb" });
  store.completeRun(other);
  const collect = store.startRun("collect", { kind: "failure" });
  store.recordInput(collect, { id: "ds_a", kind: "dataset", sha256: "aa" });
  store.recordOutput(collect, { id: "training_set:ds_a/failure/x", kind: "training_set" });
  store.recordTransformation(collect, { name: "filter", input: "ds_a/telemetry", rowsIn: 100, rowsOut: 90 });
  store.completeRun(collect);
  const train = store.startRun("train", { epochs: 3 });
  store.recordInput(train, { id: "training_set:ds_a/failure/x", kind: "training_set" });
  const v1 = store.recordModelOutput(train, {
    name: "failure",
    version: "1",
    uri: "/models/failure/1",
    sha256: "m1",
  });
  store.completeRun(train);
  const failed = store.startRun("train", {});
  store.recordInput(failed, { id: "ds_a", kind: "dataset" });
  store.recordModelOutput(failed, { name: "failure", version: "broken" });
  store.failRun(failed, new Error("out of memory"));
  const direct = store.startRun("train", {});
  store.recordInput(direct, { id: "ds_a", kind: "dataset", sha256: "aa" });
  const v2 = store.recordModelOutput(direct, { name: "synergy", version: "7" });
  store.completeRun(direct);
  return { gen, collect, train, direct, failed, v1, v2 };
}

test("WAL journal while open, and run status moves from running to completed or failed once", () => {
  const path = join(root, "a.sqlite");
  const store = LineageStore.open(path, { now });
  const ids = seed(store);
  const open = new Database(path, { readonly: true });
  assert.is((open.pragma("journal_mode", { simple: true }) as string).toLowerCase(), "wal");
  open.close();
  store.close();
  // idle: a rollback journal, so read-only queries create no -wal/-shm files
  assert.ok(!existsSync(`${path}-wal`) && !existsSync(`${path}-shm`));
  const db = new Database(path, { readonly: true });
  try {
    assert.is((db.pragma("journal_mode", { simple: true }) as string).toLowerCase(), "delete");
    const status = db.prepare("SELECT status, error FROM runs WHERE run_id = ?");
    assert.equal(status.get(ids.failed), { status: "failed", error: "out of memory" });
    assert.equal(status.get(ids.train), { status: "completed", error: null });
  } finally {
    db.close();
  }
  const again = LineageStore.open(path, { now });
  assert.throws(() => again.completeRun(ids.train), /not running/);
  again.close();
});

test("openReadOnly queries an existing store, creates nothing, and refuses a missing or damaged file", () => {
  const dir = join(root, "read-only");
  const path = join(dir, "ro.sqlite");
  const store = LineageStore.open(path, { now });
  const ids = seed(store);
  store.close();
  const before = readdirSync(dir).sort();
  const reader = LineageStore.openReadOnly(path);
  assert.ok(reader.runs().some((r) => r.run_id === ids.train));
  reader.close();
  assert.equal(readdirSync(dir).sort(), before);
  assert.throws(
    () => LineageStore.openReadOnly(join(dir, "no", "such.sqlite")),
    /--db: no lineage database at/,
  );
  assert.ok(!existsSync(join(dir, "no")));
  writeFileSync(join(dir, "junk.sqlite"), "not a database ".repeat(300));
  assert.throws(
    () => LineageStore.openReadOnly(join(dir, "junk.sqlite")),
    /not a readable homeforge lineage database/,
  );
});

test("what produced X, what was trained on X, the chain behind a model version", () => {
  const store = LineageStore.open(join(root, "b.sqlite"), { now });
  const ids = seed(store);
  try {
    assert.equal(
      store.producedBy("ds_a").map((r) => r.run.run_id),
      [ids.gen],
    );
    assert.is(store.producedBy("ds_a")[0].transformations[0].rows_out, 9);
    assert.equal(store.producedBy(modelVersionId("failure", "broken")), [], "failed runs produce nothing");

    const trained = store.trainedOn("ds_a");
    assert.equal(trained.flatMap((t) => t.models.map((m) => m.id)).sort(), [ids.v1, ids.v2].sort());
    assert.equal(store.trainedOn("ds_b"), []);

    const chain = store.chain(ids.v1);
    assert.equal(
      chain.map((r) => r.run.job),
      ["generate", "collect", "train"],
    );
    assert.is(chain[2].outputs[0].sha256, "m1");
    assert.is(chain[1].inputs[0].sha256, "aa");
    assert.equal(
      store.chain(ids.v2).map((r) => r.run.run_id),
      [ids.gen, ids.direct],
    );
  } finally {
    store.close();
  }
});

test("the JSON export holds every record and survives a round trip through JSON", () => {
  const store = LineageStore.open(join(root, "c.sqlite"), { now });
  seed(store);
  const dump = JSON.parse(JSON.stringify(store.exportJson()));
  store.close();
  assert.is(dump.format, "homeforge-lineage");
  assert.is(dump.runs.length, 6);
  assert.equal(
    dump.runs.map((r: { status: string }) => r.status),
    ["completed", "completed", "completed", "completed", "failed", "completed"],
  );
  assert.ok(
    dump.artifacts.some(
      (a: { id: string; kind: string }) => a.id === "model:failure@1" && a.kind === "model_version",
    ),
  );
  assert.is(dump.transformations.length, 2);
  assert.ok(dump.runs.every((r: { started_at: string; ended_at: string }) => r.started_at < r.ended_at));
});

test("withRun completes on success and records the failure on error", async () => {
  const store = LineageStore.open(":memory:", { now });
  try {
    await store.withRun("export", {}, (id) => store.recordOutput(id, { id: "x", kind: "export" }));
    try {
      await store.withRun("export", {}, () => {
        throw new Error("disk full");
      });
    } catch {
      // expected
    }
    assert.equal(
      store.runs().map((r) => [r.status, r.error]),
      [
        ["failed", "disk full"],
        ["completed", null],
      ],
    );
  } finally {
    store.close();
  }
});

test("artifacts as typed on a command line: model versions without prefix or v, aliases kept for the registry", () => {
  assert.equal(parseArtifact("failure-global@3"), { model: { name: "failure-global", ref: "v3" } });
  assert.equal(parseArtifact("model:failure-global@v3"), { model: { name: "failure-global", ref: "v3" } });
  assert.equal(parseArtifact("failure-condo@production"), {
    model: { name: "failure-condo", ref: "production" },
  });
  for (const id of ["ds_a", "ds_a/telemetry", "export:ds_a/gnn/json", "training_set:ds_a/failure/x"]) {
    assert.equal(parseArtifact(id), { id });
  }
});

test.run();
