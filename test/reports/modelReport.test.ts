/**
 * The model report on one small trained registry, built once for the file: a failure router
 * over a global and per-type classifiers (trainHomeTypes, 2 epochs), a synergy GNN (2 epochs
 * on fixture graphs, two history cuts, the same-area rule as baseline), and a retraining
 * entry with the drift of shifted telemetry against the global model's snapshot. Every chart
 * drawn must have marks, and the numbers drawn must be the numbers saved.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../lib/core/errors.js";
import { EVALUATION_CURVES_FILE, type EvaluationCurves } from "../../lib/models/failure/evaluationCurves.js";
import { trainHomeTypes } from "../../lib/models/failure/trainHomeTypes.js";
import { appendRetrainingEntry, type RetrainingEntry } from "../../lib/models/lifecycle/retrainingHistory.js";
import { readTrainingSnapshot, snapshotDrift } from "../../lib/models/lifecycle/trainingSnapshot.js";
import {
  CHECKSUMS_FILE,
  checksumsText,
  ModelRegistry,
  sha256Text,
} from "../../lib/models/registry/registry.js";
import { TELEMETRY_FEATURES } from "../../lib/pipeline/storage/tables.js";
import type { ReportPage } from "../../lib/reports/htmlPage.js";
import { buildModelReport, writeModelReport } from "../../lib/reports/index.js";
import { dropVersionFile } from "../helpers/forgeVersion.js";
import { registerFixtureSynergyModel } from "../helpers/synergyModelFixture.js";
import { makeTelemetryFixture } from "../helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../helpers/tmp.js";
import { toyModelVersion } from "../helpers/toyModel.js";

const TYPES = ["single_family_house", "apartment"];
const root = tempDir("homeforge-model-report-");
const modelsDir = join(root, "models");
const registry = new ModelRegistry(modelsDir);
const fixture = makeTelemetryFixture({ seed: 31, homes: 20, days: 20, devicesPerHome: 4, homeTypes: TYPES });

/** A retraining check on telemetry with one feature shifted, measured against failure-global v1's snapshot. */
function recordRetrainingCheck(): void {
  const info = registry.show("failure-global", "v1");
  const snapshot = readTrainingSnapshot(info.dir)!;
  const columns: Record<string, ArrayLike<number>> = {};
  for (const f of TELEMETRY_FEATURES) columns[f] = fixture.columns[f] as Float64Array;
  columns.signal_strength = Float64Array.from(columns.signal_strength, (v) => v - 25);
  const report = snapshotDrift(snapshot, columns);
  const entry: RetrainingEntry = {
    format: "homeforge-retraining",
    format_version: 1,
    model: "failure-router",
    at: "2026-01-02T03:04:05.000Z",
    dry_run: true,
    dataset: { id: "ds_shifted", dir: join(root, "shifted") },
    served_before: {
      name: "failure-router",
      version: "v1",
      dataset_id: null,
      created_at: info.meta.created_at,
    },
    served_after: null,
    sufficiency: {} as RetrainingEntry["sufficiency"],
    triggers: [],
    drift: [{ model: "failure-global", version: "v1", report }],
    decision: "train",
    reason: "drift on signal_strength",
    candidate: null,
    verdict: null,
    lineage_run_id: null,
  };
  appendRetrainingEntry(modelsDir, entry);
}

test.before(async () => {
  await trainHomeTypes(fixture, { modelsDir, seed: 5, epochs: 2, bootstrapResamples: 20 });
  // the fixture's graphs stand for two history cuts (a 7-day one and the full history)
  await registerFixtureSynergyModel(modelsDir, {
    homes: 20,
    resamples: 30,
    cuts: [7, null],
    withBaseline: true,
  });
  recordRetrainingCheck();
});
test.after(() => removeDir(root));

const chartIds = (page: ReportPage) => page.sections.flatMap((s) => (s.charts ?? []).map((c) => c.id));
const chart = (page: ReportPage, id: string) =>
  page.sections.flatMap((s) => s.charts ?? []).find((c) => c.id === id)!;
const section = (page: ReportPage, heading: RegExp) => page.sections.find((s) => heading.test(s.heading))!;
const marks = (svg: string) => (svg.match(/<path|<rect|<line|<text/g) ?? []).length;
const curvesOf = (name: string, version: string): EvaluationCurves =>
  JSON.parse(readFileSync(join(modelsDir, name, version, EVALUATION_CURVES_FILE), "utf8"));

function assertChartsDrawn(page: ReportPage, expected: string[]): void {
  assert.equal(chartIds(page), expected);
  for (const id of expected) {
    const svg = chart(page, id).svg;
    assert.match(svg, /^<svg/, id);
    assert.match(svg, /class="mark-/, `${id} has vega marks`);
    assert.ok(marks(svg) > 10, `${id}: ${marks(svg)} drawn elements`);
  }
}

test("training saves evaluation_curves.json: ROC ends at (1, 1), the confusion counts are the test rows, the area matches", () => {
  const info = registry.show("failure-global", "v1");
  const curves = curvesOf("failure-global", "v1");
  const test = info.metrics.test as Record<string, number>;
  const { tp, fp, tn, fn } = curves.confusion;
  assert.is(tp + fp + tn + fn, test.samples, "every test row counted once");
  assert.is(tp + fn, test.positives);
  assert.equal(
    [tp, fp, tn, fn],
    [test.tp, test.fp, test.tn, test.fn],
    "the metrics' counts at the same threshold",
  );
  assert.is(curves.confusion.threshold, info.meta.signature.threshold);
  assert.equal(
    curves.scorers.map((s) => s.key),
    ["model", "rule", "logistic", "logistic_matched", "ensemble"],
  );
  for (const s of curves.scorers) {
    assert.ok(s.roc && s.pr, s.key);
    assert.equal([s.roc.fpr[0], s.roc.tpr[0]], [0, 0], `${s.key} starts at (0, 0)`);
    assert.equal([s.roc.fpr.at(-1), s.roc.tpr.at(-1)], [1, 1], `${s.key} ends at (1, 1)`);
    assert.is(s.pr.recall.at(-1), 1);
    assert.ok(Math.abs(s.pr.precision.at(-1)! - test.positives / test.samples) < 1e-6, "all rows alerted");
    assert.ok(s.roc.fpr.length <= 402, `${s.roc.fpr.length} points`);
  }
  const model = curves.scorers[0];
  assert.ok(Math.abs(model.roc_auc! - test.roc_auc) < 1e-9, "the saved ROC-AUC is the metrics' one");
  assert.ok(Math.abs(model.average_precision! - test.pr_auc) < 1e-9);
  // the trapezoid area under the stored points is the ROC-AUC (ties are straight segments)
  let area = 0;
  for (let i = 1; i < model.roc!.fpr.length; i++)
    area += ((model.roc!.fpr[i] - model.roc!.fpr[i - 1]) * (model.roc!.tpr[i] + model.roc!.tpr[i - 1])) / 2;
  assert.ok(Math.abs(area - test.roc_auc) < 0.02, `${area} vs ${test.roc_auc}`);
  const training = info.meta.training as unknown as {
    train_loss: number[];
    validation_loss: number[];
    epochs_run: number;
  };
  assert.is(training.train_loss.length, training.epochs_run, "one training loss per epoch");
  assert.ok(training.train_loss.every((l) => Number.isFinite(l) && l > 0));
});

test("the classifier report: every chart drawn, the numbers drawn are the saved ones", async () => {
  const page = await buildModelReport("failure-global@v1", { modelsDir });
  assertChartsDrawn(page, ["loss", "roc", "pr", "calibration", "confusion", "drift:failure-global@v1"]);
  const facts = Object.fromEntries(page.facts!);
  const info = registry.show("failure-global", "v1");
  assert.is(facts.version, "v1");
  assert.is(facts.kind, "failure_classifier");
  assert.is(facts.trained, info.meta.created_at, "meta.json's date, not now");
  assert.is(facts.threshold, (info.meta.signature.threshold as number).toFixed(4));
  assert.is(facts.backend, info.meta.backend);
  const curves = curvesOf("failure-global", "v1");
  const svg = chart(page, "confusion").svg;
  for (const n of [curves.confusion.tp, curves.confusion.fp, curves.confusion.tn, curves.confusion.fn])
    assert.match(svg, new RegExp(`>${n}<`), `count ${n} drawn`);
  const ranking = section(page, /^Ranking/).tables![0];
  assert.equal(
    ranking.rows.map((r) => r[2]),
    curves.scorers.map((s) => s.average_precision!.toFixed(3)),
  );
  const training = info.meta.training as unknown as { validation_loss: number[] };
  assert.match(chart(page, "loss").caption!, /kept/);
  assert.ok(training.validation_loss.length >= 1);
  assert.match(section(page, /^Drift/).intro!, /on dataset ds_shifted/);
});

test("the router report: routed curves, per home type with intervals and the routing decision, drift of what it serves", async () => {
  const page = await buildModelReport("failure-router", { modelsDir });
  assertChartsDrawn(page, [
    "loss",
    "roc",
    "pr",
    "calibration",
    "confusion",
    "home-types",
    "drift:failure-global@v1",
  ]);
  const info = registry.show("failure-router", "production");
  const report = info.metrics.test_report as {
    curves: EvaluationCurves;
    home_types: { home_type: string }[];
  };
  const { tp, fp, tn, fn } = report.curves.confusion;
  const comparison = JSON.parse(readFileSync(join(modelsDir, "comparison_results.json"), "utf8"));
  assert.is(tp + fp + tn + fn, comparison.rows.test, "every test row, each scored by its served model");
  assert.equal(
    [tp, fp, tn, fn],
    [
      comparison.routing.served_on_all_test.tp,
      comparison.routing.served_on_all_test.fp,
      comparison.routing.served_on_all_test.tn,
      comparison.routing.served_on_all_test.fn,
    ],
  );
  assert.equal(report.curves.scorers[0].key, "routed");
  assert.equal(
    report.home_types.map((t) => t.home_type),
    comparison.comparison.map((c: { home_type: string }) => c.home_type),
  );
  const perType = section(page, /^Per home type/);
  const routes = perType.tables!.find((t) => t.id === "routes")!;
  assert.equal(
    routes.rows.map((r) => r[0]),
    [...TYPES.sort(), "(default)"],
  );
  const vs = perType.tables!.find((t) => t.id === "per-type-vs-global")!;
  const all = comparison.comparison.find((c: { home_type: string }) => c.home_type === "all");
  const row = vs.rows.find((r) => r[0] === "all")!;
  assert.ok(String(row[4]).startsWith(all.models.global.pr_auc.toFixed(3)), `${row[4]}`);
  assert.match(chart(page, "loss").caption!, /One line pair per classifier/);
  const drift = chart(page, "drift:failure-global@v1");
  assert.match(drift.svg, /signal_strength/);
  assert.match(drift.caption!, /ds_shifted/);
  assert.match(section(page, /^Drift/).intro!, /2026-01-02T03:04:05/);
});

test("the synergy report: AP by history cut against the baselines, with the saved means and the loss curves", async () => {
  const page = await buildModelReport("synergy-gnn@production", { modelsDir });
  assertChartsDrawn(page, ["loss", "synergy-ap-by-history"]);
  const info = registry.show("synergy-gnn", "production");
  const cuts = (
    info.metrics.test as { cuts: { scorers: { scorer: string; averagePrecision: { mean: number } }[] }[] }
  ).cuts;
  const table = section(page, /^Average precision/).tables!.find((t) => t.id === "synergy-ap")!;
  assert.equal(
    table.rows.map((r) => [r[0], r[1]]),
    [
      ["7 d", "gnn"],
      ["7 d", "same_area_rule"],
      ["full history", "gnn"],
      ["full history", "same_area_rule"],
    ],
  );
  assert.equal(
    cuts[0].scorers.map((s) => s.scorer),
    ["gnn", "same_area_rule"],
  );
  assert.ok(String(table.rows[0][2]).startsWith(cuts[0].scorers[0].averagePrecision.mean.toFixed(3)));
  assert.match(chart(page, "synergy-ap-by-history").svg, /same_area_rule/);
  assert.is(Object.fromEntries(page.facts!).kind, "synergy_gnn");
});

test("a version saved before the curves: those sections say not recorded, the rest still draws", async () => {
  const copy = join(root, "old-models");
  cpSync(modelsDir, copy, { recursive: true });
  const oldDir = join(copy, "failure-global", "v1");
  dropVersionFile(oldDir, EVALUATION_CURVES_FILE);
  // and saved before the training loss was recorded
  const meta = JSON.parse(readFileSync(join(oldDir, "meta.json"), "utf8"));
  delete meta.training.train_loss;
  const metaText = `${JSON.stringify(meta, null, 2)}\n`;
  writeFileSync(join(oldDir, "meta.json"), metaText);
  const listed = JSON.parse(readFileSync(join(oldDir, CHECKSUMS_FILE), "utf8")).files;
  writeFileSync(
    join(oldDir, CHECKSUMS_FILE),
    checksumsText({ ...listed, "meta.json": sha256Text(metaText) }),
  );
  const oldRegistry = new ModelRegistry(copy);
  await oldRegistry.updateMetrics("failure-router", "v1", ({ test_report: _dropped, ...m }) => m);
  const classifier = await buildModelReport("failure-global@1", { modelsDir: copy });
  assert.match(section(classifier, /^Ranking/).empty!, /not recorded/);
  // reliability bins and counts were in metrics.json already
  assert.equal(chartIds(classifier), ["loss", "calibration", "confusion", "drift:failure-global@v1"]);
  assert.match(chart(classifier, "loss").caption!, /Training loss not recorded for failure-global v1/);
  assert.match(chart(classifier, "loss").svg, /validation/);
  assert.not.match(chart(classifier, "loss").svg, />training</, "no training line or legend entry");
  const router = await buildModelReport("failure-router@v1", { modelsDir: copy });
  for (const heading of [/^Ranking/, /^Calibration/, /^Confusion/, /^Per home type/])
    assert.match(section(router, heading).empty!, /not recorded/, String(heading));
  assert.ok(
    section(router, /^Per home type/).tables!.some((t) => t.id === "routes"),
    "the routing decision stays",
  );
  assert.equal(chartIds(router), ["loss", "drift:failure-global@v1"]);
});

test("writeModelReport: one offline HTML file under <models>/reports, every chart a figure", async () => {
  const result = await writeModelReport("synergy-gnn", { modelsDir });
  assert.is(
    result.path,
    join(modelsDir, "reports", "synergy-gnn@v1.html"),
    "beside the registry, not in the version",
  );
  assert.equal(result.charts, ["loss", "synergy-ap-by-history"]);
  assert.equal(result.tables, ["synergy-ap-differences", "synergy-ap"]);
  const html = readFileSync(result.path, "utf8");
  for (const id of result.charts) assert.ok(html.includes(`data-chart="${id}"`), id);
  for (const id of result.tables) assert.ok(html.includes(`data-table="${id}"`), id);
  assert.not.match(html, /<script|https?:\/\/(?!www\.w3\.org)/, "no script, nothing from the network");
  assert.equal(registry.check("synergy-gnn"), [], "the version is untouched");
  const out = join(root, "elsewhere.html");
  assert.is((await writeModelReport("synergy-gnn@v1", { modelsDir, out })).path, out);
  assert.is(readFileSync(out, "utf8"), html, "the same bytes: nothing of the wall clock in the page");
});

test("bad references: one-line HomeforgeErrors naming the field", async () => {
  const cases: [string, RegExp][] = [
    ["failure-router@latest", /^--model: "latest" in "failure-router@latest" is not a version reference/],
    ["no-such-model", /^--model: no model named "no-such-model"/],
    ["failure-router@v9", /failure-router has no version v9/],
    ["bad name!", /^--model: "bad name!" is not a model reference/],
  ];
  for (const [ref, pattern] of cases) {
    try {
      await buildModelReport(ref, { modelsDir });
      assert.unreachable(ref);
    } catch (e) {
      assert.instance(e, HomeforgeError, String(e));
      assert.match((e as Error).message, pattern);
      assert.not.match((e as Error).message, /\n/);
    }
  }
  toyModelVersion(join(modelsDir, "toy-model", "v1"));
  try {
    await buildModelReport("toy-model@v1", { modelsDir });
    assert.unreachable("toy");
  } catch (e) {
    assert.instance(e, HomeforgeError);
    assert.match(
      (e as Error).message,
      /^--model: toy-model v1 is a toy model, which the report does not describe/,
    );
  }
});

test.run();
