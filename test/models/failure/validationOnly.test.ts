import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ColumnTable } from "../../../lib/core/columnTable.js";
import {
  COMPARISON_FILE,
  type HomeTypesResult,
  trainHomeTypes,
} from "../../../lib/models/failure/trainHomeTypes.js";
import { splitForTraining } from "../../../lib/models/failure/trainingSplit.js";
import { ModelRegistry } from "../../../lib/models/registry/registry.js";
import { makeTelemetryFixture } from "../../helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

/**
 * Issue 12 point 1: the test set never chooses. The same data is trained twice with the same
 * seed, the second time with the TEST homes' labels flipped. Every decision (thresholds,
 * epochs run and best epoch, promotion verdicts, routing) must come out identical; only the
 * reported test metrics may change. Two rounds into one registry, so the second round's
 * candidates are judged against the first round's production versions.
 */
const SEED = 11;
const root = tempDir();
const clean = makeTelemetryFixture({ seed: 17, homes: 30, days: 22, devicesPerHome: 5 });
const testRows = splitForTraining(clean, { seed: SEED }).rows.test;
const poisoned = flipLabels(clean, testRows);

function flipLabels(table: ColumnTable, rows: Int32Array): ColumnTable {
  const labels = Int32Array.from(table.columns.fails_within_7d as Int32Array);
  for (const i of rows) labels[i] = 1 - labels[i];
  return { ...table, columns: { ...table.columns, fails_within_7d: labels } };
}

interface Run {
  results: HomeTypesResult[];
  registry: ModelRegistry;
  file: HomeTypesResult;
}

async function trainTwice(table: ColumnTable, dir: string): Promise<Run> {
  const modelsDir = join(root, dir);
  const results: HomeTypesResult[] = [];
  for (const epochs of [3, 5]) {
    results.push(
      await trainHomeTypes(table, {
        modelsDir,
        seed: SEED,
        epochs,
        minTrainPositives: 3,
        params: { patience: 1 },
      }),
    );
  }
  return {
    results,
    registry: new ModelRegistry(modelsDir),
    file: JSON.parse(readFileSync(join(modelsDir, COMPARISON_FILE), "utf8")),
  };
}

/** Everything a run decided, per model version and per home type. */
function decisionsOf(run: Run) {
  const versions: Record<string, unknown> = {};
  for (const { name, versions: vs } of run.registry.list()) {
    for (const v of vs) {
      const info = run.registry.show(name, v);
      if (info.meta.kind === "failure_router") {
        // the router: every route and every verdict behind it (validation homes only)
        const router = JSON.parse(readFileSync(join(info.dir, "router.json"), "utf8"));
        versions[`${name}@${v}`] = { router, evaluation: info.metrics.evaluation, aliases: info.aliases };
        continue;
      }
      const pre = JSON.parse(readFileSync(join(info.dir, "preprocess.json"), "utf8"));
      const evaluation = info.metrics.evaluation as Record<string, unknown>;
      versions[`${name}@${v}`] = {
        threshold: pre.threshold,
        threshold_choice: pre.training.threshold,
        epochs_run: pre.training.epochs_run,
        best_epoch: pre.training.best_epoch,
        validation_loss: pre.training.validation_loss,
        calibrator: pre.calibrator,
        evaluation: { ...evaluation, lineage_run_id: null },
        routing: info.metrics.routing ?? null,
        decisions: info.metrics.decisions,
        aliases: info.aliases,
      };
    }
  }
  const rounds = run.results.map((r) => ({
    registered: r.registered,
    routing: r.routing.per_type.map(({ test_of_served: _t, ...decision }) => decision),
    // the baselines' thresholds (chosen on validation) as the comparison applied them
    baseline_thresholds: r.comparison.map((c) => ({
      logistic_matched: c.models.logistic_matched!.threshold,
      ensemble: c.models.ensemble!.threshold,
    })),
  }));
  return { versions, rounds };
}

let cleanRun: Run;
let poisonedRun: Run;

test.before(async () => {
  cleanRun = await trainTwice(clean, "clean");
  poisonedRun = await trainTwice(poisoned, "poisoned");
});

test.after(() => removeDir(root));

test("the fixture has test homes, per-type models and both rounds registered", () => {
  assert.ok(testRows.length > 0);
  const names = cleanRun.registry.names();
  assert.ok(names.length >= 2, names.join());
  assert.ok(cleanRun.results[1].registered.every((r) => r.version === "v2"));
});

test("poisoning the test homes' labels changes no decision", () => {
  const a = decisionsOf(cleanRun);
  const b = decisionsOf(poisonedRun);
  assert.ok(Object.keys(a.versions).length >= 4);
  const calibrated = Object.values(a.versions).filter(
    (v) => (v as { calibrator: { method?: string } | null }).calibrator?.method === "platt",
  );
  assert.ok(calibrated.length >= 4, "every version carries a Platt calibrator fitted on validation rows");
  assert.equal(b, a);
});

test("…but it does change the reported test metrics (the poison reached the report)", () => {
  const testPr = (r: Run) => r.file.comparison.map((c) => c.models.global!.pr_auc);
  assert.not.equal(testPr(poisonedRun), testPr(cleanRun));
  const ensemblePr = (r: Run) => r.file.comparison.map((c) => c.models.ensemble!.pr_auc);
  assert.not.equal(ensemblePr(poisonedRun), ensemblePr(cleanRun));
  const served = (r: Run) => r.file.routing.served_on_all_test.positives;
  assert.is.not(served(poisonedRun), served(cleanRun));
});

test("metrics.json and comparison_results.json record the split of every decision", () => {
  const expected = {
    threshold: "validation",
    early_stopping: "validation",
    promotion: "validation",
    routing: "validation",
    calibration: "validation",
  };
  assert.equal(cleanRun.file.decisions, expected);
  assert.is(cleanRun.file.routing.split, "validation");
  for (const r of cleanRun.file.routing.per_type) {
    assert.ok(r.served === "global" || r.served === "per_type");
    assert.is(r.split, "validation");
    assert.type(r.validation.global.pr_auc, "number");
    if (r.served === "per_type") assert.ok(r.validation.per_type!.pr_auc > r.validation.global.pr_auc);
  }
  for (const name of cleanRun.registry.names()) {
    const info = cleanRun.registry.show(name, "v1");
    assert.equal(info.metrics.decisions, expected);
    if (name === "failure-router") {
      const verdicts = info.metrics.evaluation as { data: { split: string; description: string } }[];
      assert.ok(verdicts.length > 0);
      for (const v of verdicts) {
        assert.is(v.data.split, "validation");
        assert.match(v.data.description, /^validation homes/);
      }
      assert.match(readFileSync(join(info.dir, "card.md"), "utf8"), /Test homes decide nothing here/);
      continue;
    }
    const evaluation = info.metrics.evaluation as { data: { split: string; description: string } };
    assert.is(evaluation.data.split, "validation");
    assert.match(evaluation.data.description, /^validation homes/);
    const card = readFileSync(join(info.dir, "card.md"), "utf8");
    assert.match(
      card,
      /promotion on validation, routing on validation, calibration on validation; test homes are only reported/,
    );
    if (name !== "failure-global") assert.match(card, /- routing \(validation homes\): /);
  }
});

test("a per-type model routing does not serve is not promoted", () => {
  for (const round of cleanRun.results) {
    for (const r of round.routing.per_type) {
      const reg = round.registered.find((m) => m.name === `failure-${r.home_type}`);
      if (reg && r.served === "global") assert.not.ok(reg.promoted, `${r.home_type}: ${r.reason}`);
    }
  }
});

test.run();
