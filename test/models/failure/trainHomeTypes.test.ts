import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { tableSha256 } from "../../../lib/core/manifest.js";
import { COMPARISON_FILE, type HomeTypesResult } from "../../../lib/models/failure/trainHomeTypes.js";
import { ModelRegistry } from "../../../lib/models/registry/registry.js";
import { LineageStore } from "../../../lib/pipeline/lineage/lineageStore.js";
import { runCliInProcess } from "../../helpers/cliInProcess.js";
import { makeTelemetryFixture, writeTelemetryDataset } from "../../helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const TYPES = ["single_family_house", "apartment", "condo"];
const root = tempDir();
const datasetDir = join(root, "dataset");
const modelsDir = join(root, "models");
const lineageDb = join(root, "lineage.sqlite");
const fixture = makeTelemetryFixture({ seed: 31, homes: 45, days: 24, devicesPerHome: 5, homeTypes: TYPES });
writeTelemetryDataset(datasetDir, fixture);

function node(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "true", HOMEFORGE_LINEAGE_DB: lineageDb, HOMEFORGE_DATA_DIR: root },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `homeforge train …` in this process (no tsx start-up per run), with the env the script reads. */
async function train(args: string[]) {
  const r = await runCliInProcess(["train", ...args], {
    env: { CI: "true", HOMEFORGE_LINEAGE_DB: lineageDb, HOMEFORGE_DATA_DIR: root },
  });
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

let run: Awaited<ReturnType<typeof train>>;

test.before(async () => {
  // by dataset id (the directory's name under HOMEFORGE_DATA_DIR): the "--dataset takes a
  // dataset id" test reads this run instead of training a second time
  run = await train([
    "--dataset",
    "dataset",
    "--models",
    modelsDir,
    "--seed",
    "5",
    "--epochs",
    "5",
    "--bootstrap-resamples",
    "200",
  ]);
});

test.after(() => removeDir(root));

test("the script trains per-type + global models and prints the comparison table", () => {
  assert.is(run.status, 0, run.stderr);
  assert.match(
    run.stdout,
    /home type\s+model\s+homes\s+samples\s+positives\s+accuracy\s+precision\s+recall\s+F1\s+ROC-AUC\s+PR-AUC/,
  );
  for (const type of TYPES) assert.match(run.stdout, new RegExp(`^${type}\\s+per-type`, "m"));
  assert.match(run.stdout, /^all\s+routed\s/m, "the all row's per-type column is the routed model");
  assert.match(run.stdout, /^\s+logistic \(11 raw\)\s/m);
  assert.match(run.stdout, /^\s+logistic \(matched\)\s/m);
  assert.match(run.stdout, /^\s+boosted trees \(matched\)\s/m);
  assert.match(
    run.stdout,
    /^ {2}all \(\d+ of \d+ positives left out\): .*boosted trees \(matched\) \d\.\d{3} \[\d\.\d{2},\d\.\d{2}\]/m,
    "a without-sudden line with intervals",
  );
  assert.match(run.stdout, /PR-AUC/);
  assert.match(run.stdout, /\d\.\d{3} \[\d\.\d{2},\d\.\d{2}\]/, "metrics carry intervals");
  assert.match(
    run.stdout,
    /all: global vs logistic \(matched\): ΔPR-AUC [+-]\d\.\d{3}.* → (global beats logistic \(matched\)|logistic \(matched\) beats global|no detectable difference|too few homes\/positives to compare)$/m,
  );
  assert.match(run.stdout, /per-type model(s)? beats? the global model \(PR-AUC\) for/);
  assert.match(run.stdout, /failure-global v1: /);
  const result = JSON.parse(readFileSync(join(modelsDir, COMPARISON_FILE), "utf8")) as HomeTypesResult;
  const c = result.censored;
  assert.match(
    run.stdout,
    new RegExp(
      `^censored rows left out \\(label window past the horizon\\): ${c.total} \\(train ${c.train}, validation ${c.validation}, test ${c.test}\\)$`,
      "m",
    ),
  );
});

test("censored rows are counted per split and never trained on or scored", () => {
  const result = JSON.parse(readFileSync(join(modelsDir, COMPARISON_FILE), "utf8")) as HomeTypesResult;
  const homes = fixture.columns.home_id as string[];
  const censored = fixture.columns.censored as Uint8Array;
  const splitOf = new Map<string, "train" | "validation" | "test">();
  const split = JSON.parse(readFileSync(join(modelsDir, "failure-global", "v1", "split.json"), "utf8"))
    .homes as Record<"train" | "validation" | "test", string[]>;
  for (const name of ["train", "validation", "test"] as const)
    for (const h of split[name]) splitOf.set(h, name);
  const expected = { total: 0, train: 0, validation: 0, test: 0, unsplit: 0 };
  const kept = { train: 0, validation: 0, test: 0 };
  for (let i = 0; i < fixture.rows; i++) {
    const name = splitOf.get(homes[i])!;
    if (censored[i] === 1) {
      expected.total++;
      expected[name]++;
    } else kept[name]++;
  }
  assert.ok(expected.total > 0 && expected.test > 0, "the fixture has censored test rows");
  assert.equal(result.censored, expected);
  // the rows every model trained, validated and was scored on are exactly the uncensored ones
  assert.equal(result.rows, kept);
  assert.is(result.comparison.at(-1)!.samples, kept.test);
  assert.is(result.dataset.rows, fixture.rows);
});

test("comparison_results.json: per type samples, positives, six metrics for six models with intervals, paired verdicts", () => {
  const result = JSON.parse(readFileSync(join(modelsDir, COMPARISON_FILE), "utf8")) as HomeTypesResult;
  assert.equal(
    result.comparison.map((c) => c.home_type),
    [...[...TYPES].sort(), "all"],
  );
  for (const c of result.comparison) {
    for (const model of ["per_type", "global", "rule", "logistic", "logistic_matched", "ensemble"] as const) {
      const m = c.models[model]!;
      const iv = c.intervals[model]!;
      for (const k of ["pr_auc", "roc_auc", "f1", "recall", "precision"] as const) {
        assert.ok(
          Math.abs(iv[k].estimate - m[k]) < 1e-9,
          `${c.home_type} ${model} ${k}: interval of the reported value`,
        );
        if (iv[k].resamples > 0) assert.ok(iv[k].lo <= iv[k].hi, `${c.home_type} ${model} ${k}`);
      }
      assert.is(m.samples, c.samples, `${c.home_type} ${model}: same test rows for every model`);
      assert.is(m.positives, c.positives);
      for (const k of ["accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc"] as const) {
        assert.type(m[k], "number", `${c.home_type} ${model} ${k}`);
      }
    }
    const vsGlobal = c.verdicts.find((v) => v.a === "per_type" && v.b === "global")!;
    assert.is(c.per_type_beats_global, vsGlobal.verdict === "a_beats_b");
    if (vsGlobal.verdict === "a_beats_b") assert.ok(vsGlobal.lo > 0);
    if (c.homes < 5 || c.positives < 10) assert.is(vsGlobal.verdict, "too_few");
    if (c.home_type !== "all")
      assert.is(result.per_type_beats_global.includes(c.home_type), c.per_type_beats_global);
    assert.equal(
      c.verdicts.map((v) => `${v.a}-${v.b}`),
      [
        "per_type-global",
        ...["per_type", "global"].flatMap((a) =>
          ["rule", "logistic", "logistic_matched", "ensemble"].map((b) => `${a}-${b}`),
        ),
      ],
    );
    assert.ok(
      Math.abs(c.lift.per_type!.over_rule.pr_auc - (c.models.per_type!.pr_auc - c.models.rule!.pr_auc)) <
        1e-12,
    );
    assert.ok(
      Math.abs(c.lift.global!.over_logistic.f1 - (c.models.global!.f1 - c.models.logistic!.f1)) < 1e-12,
    );
  }
  const all = result.comparison.at(-1)!;
  assert.ok(all.models.ensemble!.pr_auc > all.models.rule!.pr_auc, "boosted trees beat the fixed rule");
  assert.ok(
    all.models.global!.pr_auc > all.models.rule!.pr_auc,
    "global model beats the fixed rule on PR-AUC",
  );
  assert.ok(all.models.global!.f1 > all.models.rule!.f1, "global model beats the fixed rule on F1");
  assert.is(result.bootstrap.resamples, 200, "--bootstrap-resamples reaches the comparison");
  assert.is(result.bootstrap.level, 0.95);
  const total = Object.values(result.split.counts).reduce((n, c) => n + c.train + c.validation + c.test, 0);
  assert.is(total, 45);
});

test("without_sudden: the same models on the test rows less the sudden-failure positives, with intervals", () => {
  const result = JSON.parse(readFileSync(join(modelsDir, COMPARISON_FILE), "utf8")) as HomeTypesResult;
  const split = JSON.parse(readFileSync(join(modelsDir, "failure-global", "v1", "split.json"), "utf8"))
    .homes as Record<"test", string[]>;
  const testHomes = new Set(split.test);
  const homes = fixture.columns.home_id as string[];
  const types = fixture.columns.home_type as string[];
  const censored = fixture.columns.censored as Uint8Array;
  const labels = fixture.columns.fails_within_7d as Int32Array;
  const scenario = fixture.columns.failure_scenario as (string | null)[];
  for (const c of result.comparison) {
    let sudden = 0;
    for (let i = 0; i < fixture.rows; i++) {
      if (!testHomes.has(homes[i]) || censored[i] === 1) continue;
      if (c.home_type !== "all" && types[i] !== c.home_type) continue;
      if (labels[i] === 1 && scenario[i] === "sudden") sudden++;
    }
    const w = c.without_sudden!;
    assert.is(w.removed_positives, sudden, `${c.home_type}: sudden positives counted from the truth`);
    assert.is(w.samples, c.samples - sudden, "negatives are kept");
    assert.is(w.positives, c.positives - sudden);
    if (c.home_type === "all") assert.ok(sudden > 0, "the fixture has sudden failures among test positives");
    for (const model of ["per_type", "global", "rule", "logistic", "logistic_matched", "ensemble"] as const) {
      const m = w.models[model]!;
      const iv = w.intervals[model]!;
      assert.is(m.samples, w.samples);
      assert.ok(Math.abs(iv.pr_auc.estimate - m.pr_auc) < 1e-9, `${c.home_type} ${model}`);
      if (iv.pr_auc.resamples > 0) assert.ok(iv.pr_auc.lo <= iv.pr_auc.hi);
    }
    if (sudden > 0) assert.is.not(w.models.global!.pr_auc, c.models.global!.pr_auc);
  }
});

test("every model is registered with meta, metrics, card and split; what passes is promoted", () => {
  const registry = new ModelRegistry(modelsDir);
  assert.equal(registry.names(), [
    "failure-apartment",
    "failure-condo",
    "failure-global",
    "failure-router",
    "failure-single_family_house",
  ]);
  assert.is(registry.show("failure-router", "production").meta.kind, "failure_router");
  const global = registry.show("failure-global", "v1");
  assert.is(global.meta.dataset.id, "ds_fixture");
  assert.is(global.meta.seed, 5);
  assert.match(global.meta.dataset.hash!, /^[0-9a-f]{64}$/);
  const evaluation = global.metrics.evaluation as { passed: boolean; checks: unknown[] };
  assert.ok(evaluation.checks.length > 0);
  assert.is(global.aliases.includes("production"), evaluation.passed);
  const card = readFileSync(join(global.dir, "card.md"), "utf8");
  for (const section of ["## Intended use", "## Data", "## Metrics", "## Limits"])
    assert.ok(card.includes(section));
  const split = JSON.parse(readFileSync(join(global.dir, "split.json"), "utf8"));
  assert.is(split.homes.train.length + split.homes.validation.length + split.homes.test.length, 45);
});

test("a registered model loads in a fresh process with only @tensorflow/tfjs and reproduces its test metrics", () => {
  const registry = new ModelRegistry(modelsDir);
  const names = ["failure-global", "failure-condo"];
  const infos = names.map((name) => registry.show(name, "v1"));
  // one fresh process scores both versions (a process start with TensorFlow.js is ~5 s);
  // each loads from its own files, and the backends are checked after each load
  const r = node(["test/helpers/reproduceMetrics.mjs", ...infos.map((i) => i.dir), datasetDir]);
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"));
  assert.is(lines.length, names.length, r.stdout);
  for (const [n, name] of names.entries()) {
    const info = infos[n];
    const out = JSON.parse(lines[n]);
    assert.is(out.backend, "cpu");
    assert.not.ok(
      out.registered.includes("wasm") || out.registered.includes("tensorflow"),
      out.registered.join(),
    );
    const recorded = info.metrics.test as Record<string, number>;
    assert.ok(recorded.samples > 0);
    for (const k of ["samples", "positives", "tp", "fp", "tn", "fn"])
      assert.is(out.metrics[k], recorded[k], `${name} ${k}`);
    for (const k of ["accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc"]) {
      assert.ok(
        Math.abs(out.metrics[k] - recorded[k]) < 1e-6,
        `${name} ${k}: ${out.metrics[k]} vs ${recorded[k]}`,
      );
    }
  }
});

test("lineage: the run reads the dataset and its telemetry (manifest and table hashes) and outputs every version", () => {
  const manifestBytes = readFileSync(join(datasetDir, "manifest.json"));
  const manifest = JSON.parse(manifestBytes.toString("utf8"));
  const lineage = LineageStore.open(lineageDb);
  try {
    const [run] = lineage.runs({ job: "train-home-types" });
    assert.is(run?.status, "completed");
    const record = lineage.run(run.run_id)!;
    const dataset = record.inputs.find((i) => i.id === manifest.dataset_id);
    assert.is(dataset?.sha256, createHash("sha256").update(manifestBytes).digest("hex"));
    const telemetry = record.inputs.find((i) => i.id === `${manifest.dataset_id}/telemetry`);
    assert.is(telemetry?.sha256, tableSha256(manifest.tables.telemetry));
    const versions = new ModelRegistry(modelsDir).list().map((m) => `model:${m.name}@${m.versions.at(-1)}`);
    assert.equal(record.outputs.map((o) => o.id).sort(), versions.sort());
    // each version's registry kind (meta.json's) is recorded with it, so `lineage runs --kind` finds the run
    const registry = new ModelRegistry(modelsDir);
    const recordedKinds = new Map(lineage.exportJson().artifacts.map((a) => [a.id, a.model_kind]));
    for (const m of registry.list()) {
      const version = m.versions.at(-1)!;
      const kind = registry.show(m.name, version).meta.kind;
      assert.is(recordedKinds.get(`model:${m.name}@${version}`), kind, m.name);
      assert.ok(lineage.runs({ model: { modelKind: kind } }).some((r) => r.run_id === run.run_id));
    }
    assert.equal(
      lineage
        .trainedOn(manifest.dataset_id)
        .flatMap((t) => t.models.map((m) => m.id))
        .sort(),
      versions.sort(),
    );
  } finally {
    lineage.close();
  }
});

test("--dataset takes a dataset id under the data root as well as a directory", async () => {
  // the run above passed the id "dataset" (no such path here, so only the data root has it)
  assert.not.ok(existsSync("dataset"), "the id is not also a path from the working directory");
  assert.is(run.status, 0, run.stderr);
  assert.ok(new ModelRegistry(modelsDir).list().some((m) => m.name === "failure-global"));
  // a directory is read as given: the next test's directory without a manifest is named for
  // what it lacks (an id lookup would say "no dataset")
  const other = join(root, "models-by-id");
  const missing = await train(["--dataset", "ds_nope", "--models", other]);
  assert.is(missing.status, 2);
  assert.match(missing.stderr, /^error: --dataset: no dataset "ds_nope" \(looked in /);
});

test("bad flags and a dataset without telemetry are one-line errors with exit 2", async () => {
  const r = await train(["--dataset", root, "--models", modelsDir]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /^error: --dataset: .* holds no manifest\.json; point at a dataset directory/);
  const e = await train(["--dataset", datasetDir, "--epochs", "0"]);
  assert.is(e.status, 2);
  assert.match(e.stderr, /^error: --epochs: 0 is below 1; pass a whole number between 1 and 10000$/m);
});

test.run();
