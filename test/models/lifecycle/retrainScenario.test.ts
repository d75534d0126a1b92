import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chooseBackend } from "../../../lib/models/backend.js";
import { trainFailureModels } from "../../../lib/models/failure/trainFailureModels.js";
import { modelHealth } from "../../../lib/models/lifecycle/modelHealth.js";
import { retrain } from "../../../lib/models/lifecycle/retrain.js";
import { readRetrainingHistory } from "../../../lib/models/lifecycle/retrainingHistory.js";
import {
  readTrainingSnapshot,
  TRAINING_SNAPSHOT_FILE,
} from "../../../lib/models/lifecycle/trainingSnapshot.js";
import { ModelRegistry } from "../../../lib/models/registry/registry.js";
import { trainSynergyFromDataset } from "../../../lib/models/synergy/trainSynergyFromDataset.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { generateDataset } from "../../../lib/pipeline/generation/generate.js";
import { LineageStore, modelVersionId } from "../../../lib/pipeline/lineage/lineageStore.js";
import { runCliInProcess } from "../../helpers/cliInProcess.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

/*
 * The drift scenario of issue 14: train on one dataset, generate another season with a worse
 * radio environment and an older fleet (another seed: other homes), and retrain. Drift must
 * fire on the radio features (and the season's), the data suffice, a candidate be trained and
 * judged on validation homes, and the decision be in the history and in lineage.
 */

const root = tempDir();
test.after(() => removeDir(root));
const models = join(root, "models");
const FAST = { seed: 7, epochs: 2, bootstrapResamples: 100 };
const SIZE = { homes: 24, days: 14, workers: 1 };
let baseDir: string;
let driftedDir: string;
let baseId: string;

test.before(async () => {
  await chooseBackend({ force: "wasm" });
  const base = await generateDataset(parseGenerationConfig({ seed: 21, ...SIZE }), {
    outDir: join(root, "base"),
  });
  baseDir = base.dir;
  baseId = base.manifest.dataset_id;
  driftedDir = (
    await generateDataset(
      parseGenerationConfig({
        seed: 22,
        ...SIZE,
        start: "2025-07-01",
        radioEnvironment: "congested",
        signalLossDb: 10,
        fleetAgeScale: 3,
      }),
      { outDir: join(root, "drifted") },
    )
  ).dir;
  await trainFailureModels(baseDir, { modelsDir: models, ...FAST });
  await trainSynergyFromDataset(baseDir, { modelsDir: models, ...FAST, params: { patience: 1 } });
});

test("every classifier and the synergy model store a training snapshot; the router does not", () => {
  const registry = new ModelRegistry(models);
  const global = readTrainingSnapshot(registry.show("failure-global", "v1").dir)!;
  assert.is(global.unit, "telemetry row");
  assert.is(global.features.length, 11);
  assert.ok(global.rows > 1000);
  const synergy = readTrainingSnapshot(registry.show("synergy-gnn", "v1").dir)!;
  assert.is(synergy.unit, "candidate pair");
  assert.ok(synergy.features.some((f) => f.feature === "excess_share_30s"));
  assert.not.ok(existsSync(join(registry.show("failure-router", "v1").dir, TRAINING_SNAPSHOT_FILE)));
});

test("a dry run checks and records, trains nothing", async () => {
  const entries = await retrain({ modelsDir: models, dataset: driftedDir, dryRun: true, ...FAST });
  assert.equal(
    entries.map((e) => [e.model, e.decision, e.candidate]),
    [
      ["failure-router", "train", null],
      ["synergy-gnn", "train", null],
    ],
  );
  const registry = new ModelRegistry(models);
  assert.equal(registry.versions("failure-router"), ["v1"]);
  assert.equal(registry.versions("synergy-gnn"), ["v1"]);
  const synergy = entries[1];
  const floor = synergy.triggers.find((t) => t.trigger === "metric_floor")!;
  assert.match(floor.explanation, /mean per-home AP \d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\] on \d+ fresh homes/);
  assert.is(synergy.drift[0].report!.unit, "candidate pair");
  assert.is(readRetrainingHistory(models).entries.filter((e) => e.dry_run).length, 2);
});

test("drift fires on the radio and season features, a candidate is trained and judged, lineage has it all", async () => {
  const lineage = LineageStore.open(join(root, "lineage.sqlite"));
  let entry: Awaited<ReturnType<typeof retrain>>[number];
  try {
    [entry] = await retrain({
      modelsDir: models,
      dataset: driftedDir,
      models: ["failure-router"],
      lineage,
      ...FAST,
    });
    assert.is(entry.sufficiency.sufficient, true, entry.sufficiency.summary);
    const fired = Object.fromEntries(entry.triggers.map((t) => [t.trigger, t.fired]));
    assert.equal(fired, { new_data: true, drift: true, metric_floor: fired.metric_floor, age: false });
    // another seed: every home is new, whatever its id
    assert.match(entry.triggers[0].explanation, `differs from the served ${baseId} and adds 24 new homes`);
    const global = entry.drift.find((d) => d.model === "failure-global")!.report!;
    // the worse radio: weaker signal, more drops; the season: humidity. The older fleet shows in
    // more failures (test/synth/driftKnobs.test.ts), not in a feature's distribution
    for (const feature of ["signal_strength", "connection_drops", "humidity"])
      assert.ok(global.drifted.includes(feature), `${feature} in ${global.drifted}`);
    assert.not.ok(global.drifted.includes("battery_level"));
    assert.is(global.drifted[0], "signal_strength");
    const drift = entry.triggers.find((t) => t.trigger === "drift")!.explanation;
    assert.match(drift, /failure-global v1: signal_strength \(PSI \d+\.\d{3}, JS \d\.\d{3}\)/);

    assert.is(entry.decision, "train");
    assert.equal(entry.candidate, { name: "failure-router", version: "v2" });
    assert.ok(["promoted", "partly_promoted", "kept"].includes(entry.verdict!.outcome));
    assert.match(
      entry.verdict!.reason,
      /^validation homes decided: \d+ of \d+ routes take this run's candidate/,
    );
    assert.equal(entry.served_after, { name: "failure-router", version: "v2" });
    // another seed's home_3 is another home: every route was judged on validation homes
    const routes = new ModelRegistry(models).show("failure-router", "v2").metrics.routes as {
      reason: string;
      validation_homes: number;
    }[];
    for (const r of routes) assert.not.match(r.reason, /it did not train on/, r.reason);

    const history = readRetrainingHistory(models, "failure-router");
    assert.equal(history.entries.at(-1), entry);
    assert.is(history.notes.length, 0);
    // `models health` without --dataset reports the drift the last retraining check measured
    const health = await modelHealth(models, "failure-global", { ref: "v1" });
    assert.ok(health.versions[0].drift?.drifted.includes("signal_strength"), health.versions[0].drift_note);
    assert.match(health.versions[0].drift_note, /from the retraining check of .* on dataset ds_/);

    const run = lineage.run(entry.lineage_run_id!)!;
    assert.is(run.run.job, "retrain");
    assert.is(run.run.status, "completed");
    const inputs = run.inputs.map((a) => a.id);
    const datasetId = entry.dataset.id;
    assert.ok(
      inputs.includes(datasetId) && inputs.includes(modelVersionId("failure-router", "v1")),
      inputs.join(", "),
    );
    const outputs = run.outputs.map((a) => a.id);
    assert.ok(
      outputs.includes(modelVersionId("failure-router", "v2")) &&
        outputs.includes(modelVersionId("failure-global", "v2")),
      outputs.join(", "),
    );
    const steps = run.transformations.map((t) => t.name);
    for (const step of [
      "sufficiency",
      "trigger:new_data",
      "trigger:drift",
      "trigger:metric_floor",
      "trigger:age",
      "decision",
      "train",
      "verdict",
    ])
      assert.ok(steps.includes(step), `${step} in ${steps}`);
    assert.ok(steps.includes("evaluate"), "the training run's promotion verdicts are steps too");
  } finally {
    lineage.close();
  }
});

test("retrain --history prints the decisions; --json gives them raw", async () => {
  const table = await runCliInProcess(["retrain", "--history", "--models", models]);
  assert.is(table.code, 0, table.stderr);
  assert.match(table.stdout, /failure-router\s+\S+\s+v1\s+new_data,drift\S*\s+train\s+v2/);
  assert.match(table.stdout, /train \(dry run\)/);
  const raw = await runCliInProcess([
    "retrain",
    "--history",
    "--json",
    "--model",
    "synergy-gnn",
    "--models",
    models,
  ]);
  const entries = JSON.parse(raw.stdout);
  assert.equal(
    entries.map((e: { model: string }) => e.model),
    ["synergy-gnn"],
  );
  const bad = await runCliInProcess(["retrain", "--models", models]);
  assert.is.not(bad.code, 0);
  assert.match(bad.stderr, "--dataset");
});

test.run();
