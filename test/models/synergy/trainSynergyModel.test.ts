import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chooseBackend } from "../../../lib/models/backend.js";
import { ModelRegistry } from "../../../lib/models/registry/registry.js";
import { loadSynergyGraphs } from "../../../lib/models/synergy/loadSynergyGraphs.js";
import { SYNERGY_GNN_KIND } from "../../../lib/models/synergy/synergyGnnKind.js";
import type { SynergyGraph } from "../../../lib/models/synergy/synergyTypes.js";
import { trainSynergyFromDataset } from "../../../lib/models/synergy/trainSynergyFromDataset.js";
import {
  SYNERGY_RESULTS_FILE,
  splitSynergyGraphs,
  trainSynergyModel,
} from "../../../lib/models/synergy/trainSynergyModel.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { generateDataset } from "../../../lib/pipeline/generation/generate.js";
import { LineageStore } from "../../../lib/pipeline/lineage/lineageStore.js";
import { openDataset } from "../../../lib/pipeline/storage/openDataset.js";
import { runCliInProcess } from "../../helpers/cliInProcess.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const models = join(root, "models");
const FAST = { epochs: 4, bootstrapResamples: 100, params: { patience: 2 } };
let trainDir: string;
let unseenDir: string;
/** The first test's result: the same training (graphs, seed 7, FAST) as a direct run. */
let trained: Awaited<ReturnType<typeof trainSynergyModel>> | undefined;

test.before(async () => {
  await chooseBackend({ force: "wasm" });
  trainDir = (
    await generateDataset(parseGenerationConfig({ seed: 42, homes: 16, days: 7, workers: 1 }), {
      outDir: join(root, "train"),
    })
  ).dir;
  unseenDir = (
    await generateDataset(parseGenerationConfig({ seed: 99, homes: 4, days: 3, workers: 1 }), {
      outDir: join(root, "unseen"),
    })
  ).dir;
});

test("train → evaluate by history cut → register, promote and record lineage", async () => {
  const lineage = LineageStore.open(join(root, "lineage.sqlite"));
  let runId: string | null = null;
  try {
    const out = await trainSynergyFromDataset(trainDir, {
      modelsDir: models,
      seed: 7,
      ...FAST,
      lineage: { store: lineage, job: "train-synergy" },
    });
    runId = out.runId;
    const { result } = out;
    trained = result;
    const cuts = result.evaluation.cuts.map((c) => c.historyDays);
    assert.equal(cuts, [1, 3, 7, 14, null]);
    for (const cut of result.evaluation.cuts) {
      assert.equal(cut.scorers.map((s) => s.scorer).sort(), [
        "co_occurrence_30s",
        "gnn",
        "gnn_no_message_passing",
        "lagged_statistic",
        "pair_mlp",
        "same_area_rule",
      ]);
      assert.is(cut.apDifferences.length, 5);
      const gnn = cut.scorers.find((s) => s.scorer === "gnn")!;
      assert.ok(gnn.averagePrecision.mean! > 0 && gnn.averagePrecision.mean! <= 1);
      assert.ok(gnn.averagePrecision.lo! <= gnn.averagePrecision.mean!);
    }
    assert.type(result.claims.beats_every_baseline_at_3_days, "boolean");
    assert.type(result.claims.not_worse_than_best_at_full_history, "boolean");
    assert.ok(existsSync(join(models, SYNERGY_RESULTS_FILE)));
    // the GNN is saved as a synergy_gnn version, with its test table and its verdict
    const r = result.registered!;
    const registry = new ModelRegistry(models);
    const shown = registry.show(r.name, r.version);
    assert.is(shown.meta.kind, SYNERGY_GNN_KIND.name);
    const metrics = shown.metrics as {
      test: unknown;
      evaluation: { data: { split: string } };
      decisions: unknown;
    };
    assert.ok(metrics.test);
    assert.is(metrics.evaluation.data.split, "validation");
    assert.is(registry.aliases(r.name).production, r.promoted ? r.version : null);
    assert.ok(existsSync(join(shown.dir, "split.json")));
  } finally {
    lineage.close();
  }
  const store = LineageStore.open(join(root, "lineage.sqlite"));
  try {
    const record = store.run(runId!)!;
    assert.is(record.run.status, "completed");
    assert.ok(record.transformations.some((t) => t.name === "evaluate"));
    assert.ok(record.inputs.some((i) => i.kind === "dataset"));
    assert.ok(record.inputs.some((i) => i.id.endsWith("/events") && i.sha256));
    assert.ok(record.outputs.some((o) => o.id.startsWith("model:synergy-gnn@")));
    const kinds = store.exportJson().artifacts.filter((a) => a.id.startsWith("model:synergy-gnn@"));
    assert.ok(kinds.length > 0 && kinds.every((a) => a.model_kind === "synergy_gnn"));
    assert.equal(
      store.runs({ model: { modelKind: "synergy_gnn" } }).map((r) => r.run_id),
      [runId],
    );
  } finally {
    store.close();
  }
});

test("test homes decide nothing: flipping their labels changes no weight, threshold or verdict, only the report", async () => {
  const graphs = await loadSynergyGraphs(openDataset(trainDir, "dataset"));
  const testHomes = new Set(splitSynergyGraphs(graphs, { seed: 7 }).split.homes.test);
  const flipped: SynergyGraph[] = graphs.map((g) =>
    testHomes.has(g.homeId) ? { ...g, labels: g.labels!.map((l) => 1 - l) } : g,
  );
  const run = (gs: SynergyGraph[], dir: string) =>
    trainSynergyModel(gs, { modelsDir: join(root, dir), seed: 7, ...FAST, register: false });
  // the unflipped run is the first test's (trainSynergyFromDataset trains these graphs with
  // the same seed and options; registering and lineage come after training)
  const a = trained ?? (await run(graphs, "a"));
  const b = await run(flipped, "b");
  assert.equal(b.training, a.training); // loss curves, best epochs, validation AP, thresholds
  const thresholds = (r: typeof a) => r.evaluation.cuts.map((c) => c.scorers.map((s) => s.threshold));
  assert.equal(thresholds(b), thresholds(a));
  const ap = (r: typeof a) =>
    r.evaluation.cuts[1].scorers.find((s) => s.scorer === "gnn")!.averagePrecision.mean;
  assert.is.not(ap(b), ap(a));
});

test("homeforge synergies ranks a home of a dataset the model never saw, with reasons", async () => {
  const home = "home_000001";
  const run = await runCliInProcess([
    "synergies",
    "--dataset",
    unseenDir,
    "--home",
    home,
    "--top",
    "3",
    "--models",
    models,
  ]);
  assert.is(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split("\n");
  assert.match(
    lines[0],
    new RegExp(`^${home} \\(\\w+\\): \\d+ candidate pairs over 3 days, ranked by synergy-gnn v1`),
  );
  const ranked = lines.filter((l) => /^\s+\d+ [* ] \d\.\d{3} /.test(l));
  assert.ok(ranked.length >= 1 && ranked.length <= 3, run.stdout);
  assert.match(run.stdout, /action followed trigger within|trigger never entered its state/);
  const json = await runCliInProcess([
    "synergies",
    "--dataset",
    unseenDir,
    "--home",
    home,
    "--json",
    "--top",
    "0",
    "--models",
    models,
  ]);
  const detected = JSON.parse(json.stdout) as {
    pairs: { rank: number; score: number; linked: boolean | null }[];
  };
  const scores = detected.pairs.map((p) => p.score);
  assert.equal(
    scores,
    [...scores].sort((x, y) => y - x),
  );
  assert.ok(detected.pairs.every((p) => typeof p.linked === "boolean"));
  const bad = await runCliInProcess([
    "synergies",
    "--dataset",
    unseenDir,
    "--home",
    "home_999999",
    "--models",
    models,
  ]);
  assert.is.not(bad.code, 0);
  assert.match(bad.stderr, /^error: --home: dataset ds_\w+ has no home home_999999/);
  assert.is(bad.stderr.trim().split("\n").length, 1, bad.stderr);
});

test("homeforge train-synergy: bad flags and a missing dataset are one-line errors, nothing written", async () => {
  const fresh = join(root, "models-none");
  const epochs = await runCliInProcess([
    "train-synergy",
    "--dataset",
    trainDir,
    "--models",
    fresh,
    "--epochs",
    "0",
  ]);
  assert.is(epochs.code, 2);
  assert.match(epochs.stderr, /^error: --epochs: 0 is below 1/);
  const missing = await runCliInProcess(["train-synergy", "--dataset", "ds_nope", "--models", fresh]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /^error: --dataset: no dataset "ds_nope"/);
  assert.is(missing.stderr.trim().split("\n").length, 1);
  assert.not.ok(existsSync(fresh));
});

test.run();
