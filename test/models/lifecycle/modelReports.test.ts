/**
 * models status / version / health (issue 14) on one small trained registry: a failure
 * router over a global and per-type classifiers (trainHomeTypes, 2 epochs), a synergy GNN
 * (2 epochs on fixture graphs of the real feature widths), and a failure-global candidate
 * saved with a snapshot of its own (raw features + a window feature). Damage is done to
 * copies of the registry, one per test.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ColumnTable } from "../../../lib/core/columnTable.js";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { FailureClassifier } from "../../../lib/models/failure/failureClassifier.js";
import type { FailureRouterSpec } from "../../../lib/models/failure/failureRouter.js";
import { buildFeatures } from "../../../lib/models/failure/features.js";
import { trainHomeTypes } from "../../../lib/models/failure/trainHomeTypes.js";
import { modelHealth } from "../../../lib/models/lifecycle/modelHealth.js";
import { modelsStatus } from "../../../lib/models/lifecycle/modelStatus.js";
import { modelVersion } from "../../../lib/models/lifecycle/modelVersion.js";
import {
  TRAINING_SNAPSHOT_FILE,
  trainingSnapshot,
  trainingSnapshotText,
} from "../../../lib/models/lifecycle/trainingSnapshot.js";
import { ModelRegistry } from "../../../lib/models/registry/registry.js";
import { NODE_FEATURE_NAMES } from "../../../lib/models/synergy/nodeFeatures.js";
import { PAIR_FEATURE_NAMES } from "../../../lib/models/synergy/pairFeatures.js";
import { selectRows } from "../../../lib/models/tableInput.js";
import { TELEMETRY_FEATURES } from "../../../lib/pipeline/storage/tables.js";
import { runCliInProcess } from "../../helpers/cliInProcess.js";
import { dropVersionFile, forgeVersionFile } from "../../helpers/forgeVersion.js";
import { registerFixtureSynergyModel } from "../../helpers/synergyModelFixture.js";
import { makeTelemetryFixture, writeTelemetryDataset } from "../../helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const TYPES = ["single_family_house", "apartment", "condo"];
const root = tempDir("homeforge-reports-");
const modelsDir = join(root, "models");
const registry = new ModelRegistry(modelsDir);
const fixture = makeTelemetryFixture({ seed: 31, homes: 24, days: 20, devicesPerHome: 5, homeTypes: TYPES });
const stableDir = join(root, "stable");
const shiftedDir = join(root, "shifted");
let copies = 0;

/** A fresh copy of the trained registry to damage. */
function registryCopy(): string {
  const dir = join(root, `copy-${++copies}`);
  cpSync(modelsDir, dir, { recursive: true });
  return dir;
}

const routerSpec = (dir = modelsDir): FailureRouterSpec =>
  JSON.parse(readFileSync(join(dir, "failure-router", "v1", "router.json"), "utf8"));

/** The training snapshot the other half of issue 14 will have training write: raw features + one window feature, train rows. */
async function saveSnapshotCandidate(): Promise<void> {
  const info = registry.show("failure-global", "production");
  const classifier = await FailureClassifier.load(info.dir);
  const splitText = readFileSync(join(info.dir, "split.json"), "utf8");
  const train = new Set<string>(JSON.parse(splitText).homes.train);
  const ids = fixture.columns.home_id as string[];
  const censored = fixture.columns.censored as Uint8Array;
  const rows = ids.flatMap((h, i) => (train.has(h) && !censored[i] ? [i] : []));
  const table = selectRows(fixture, rows);
  const features = buildFeatures(table, classifier.featureSpec!);
  const columns: Record<string, ArrayLike<number>> = {};
  for (const f of TELEMETRY_FEATURES) columns[f] = table.columns[f] as Float64Array;
  columns.signal_strength_mean_7d = features.columns[features.names.indexOf("signal_strength_mean_7d")];
  const snapshot = trainingSnapshot("telemetry row", columns);
  await registry.saveClassifier("failure-global", classifier, {
    metrics: info.metrics,
    dataset: info.meta.dataset,
    extraFiles: { "split.json": splitText, [TRAINING_SNAPSHOT_FILE]: trainingSnapshotText(snapshot) },
  });
  classifier.dispose();
}

/** The fixture's telemetry with `shift` added to one feature (a worse radio environment). */
function shifted(table: ColumnTable, feature: string, shift: number): ColumnTable {
  const values = Float64Array.from(table.columns[feature] as Float64Array, (v) => v + shift);
  return { ...table, columns: { ...table.columns, [feature]: values } };
}

test.before(async () => {
  await trainHomeTypes(fixture, { modelsDir, seed: 5, epochs: 2, bootstrapResamples: 20 });
  await registerFixtureSynergyModel(modelsDir, { homes: 24, resamples: 50 });
  await saveSnapshotCandidate();
  const unseen = makeTelemetryFixture({ seed: 77, homes: 24, days: 20, devicesPerHome: 5, homeTypes: TYPES });
  writeTelemetryDataset(stableDir, unseen, "ds_stable");
  writeTelemetryDataset(shiftedDir, shifted(unseen, "signal_strength", -20), "ds_shifted");
});
test.after(() => removeDir(root));

test("status: the served classifier per home type through the production router, the synergy model, their metrics and inputs", () => {
  const status = modelsStatus(modelsDir);
  assert.is(status.routers.length, 1);
  const router = status.routers[0];
  const spec = routerSpec();
  assert.is(router.version, "v1");
  assert.equal(
    router.routes.map((r) => r.home_type),
    [...TYPES].sort(),
  );
  for (const r of router.routes) {
    const route = spec.routes[r.home_type];
    assert.equal(r.served, { name: route.name, version: route.version }, r.home_type);
    assert.is(r.routing, route.decision.served);
    assert.is(r.metric, "pr_auc");
    assert.is(r.per_type, route.decision.validation.per_type?.pr_auc ?? null);
  }
  assert.equal(router.default_route, { name: "failure-global", version: "v1" });
  const served = router.served.map((s) => `${s.name}@${s.version}`);
  assert.ok(served.length >= 2, `the fixture should route to two classifiers: ${served}`);
  for (const r of router.routes) assert.ok(served.includes(`${r.served.name}@${r.served.version}`));
  for (const s of router.served) {
    const info = registry.show(s.name, s.version);
    assert.equal(s.feature_columns, info.meta.signature.inputs.features);
    assert.is(s.metrics.test?.values.pr_auc, (info.metrics.test as { pr_auc: number }).pr_auc);
    assert.is(s.metrics.validation?.values.samples, (info.metrics.validation as { samples: number }).samples);
    assert.is(s.last_updated.created_at, info.meta.created_at);
  }
  // every classifier in production is routed here, so none is listed apart
  assert.equal(status.classifiers, []);
  assert.equal(status.problems, []);

  assert.is(status.synergy.length, 1);
  const synergy = status.synergy[0];
  assert.is(synergy.name, "synergy-gnn");
  assert.is(synergy.feature_columns.length, NODE_FEATURE_NAMES.length + PAIR_FEATURE_NAMES.length);
  const test = synergy.metrics.test!;
  const ap = test.values.average_precision!;
  const interval = test.intervals!.average_precision;
  assert.ok(interval.lo! <= ap && ap <= interval.hi!, `AP ${ap} in [${interval.lo}, ${interval.hi}]`);
  assert.is(test.level, 0.95);
  assert.equal(JSON.parse(JSON.stringify(status)), status, "JSON-serialisable as is");
});

test("status narrows to one model; an unknown name is a one-line error naming the known ones", () => {
  const one = modelsStatus(modelsDir, "failure-global");
  assert.equal(one.routers, []);
  assert.equal(
    one.classifiers.map((c) => c.version),
    ["v1"],
  );
  assert.is(modelsStatus(modelsDir, "synergy-gnn").synergy[0].version, "v1");
  try {
    modelsStatus(modelsDir, "failure-castle");
    assert.unreachable();
  } catch (e) {
    assert.instance(e, HomeforgeError);
    assert.match(
      (e as Error).message,
      /no model named "failure-castle".*known models: .*failure-global.*failure-router.*synergy-gnn/,
    );
  }
});

test("version: dataset, training data per split as recorded, backend, libraries; a router with the versions it routes to", () => {
  const report = modelVersion(modelsDir, "failure-router");
  const router = report.versions[0];
  assert.is(router.kind, "failure_router");
  const spec = routerSpec();
  assert.equal(router.routes!.default, { name: spec.default.name, version: spec.default.version });
  const global = router.routes_to!.find((v) => v.name === "failure-global")!;
  const info = registry.show("failure-global", "v1");
  assert.is(global.dataset.hash, info.meta.dataset.hash);
  assert.is(global.training_date, info.meta.created_at);
  assert.is(global.backend, info.meta.backend);
  assert.equal(global.library_versions, info.meta.library_versions);
  const split = JSON.parse(readFileSync(join(info.dir, "split.json"), "utf8")).homes;
  const training = info.meta.training as unknown as { train_rows: number; train_positives: number };
  const stats = global.training_data!;
  assert.is(stats.home_type, "all");
  assert.equal(stats.splits.train, {
    rows: training.train_rows,
    homes: split.train.length,
    positives: training.train_positives,
  });
  assert.is(stats.splits.test.rows, (info.metrics.test as { samples: number }).samples);
  assert.is(stats.splits.validation.homes, split.validation.length);
  assert.is(global.evaluation?.passed, true);

  // a per-type model counts its own type's homes only
  const perType = router.routes_to!.find((v) => v.name !== "failure-global")!;
  const type = perType.training_data!.home_type!;
  const counts = (
    registry.show(perType.name, perType.version).metrics.split as {
      counts: Record<string, Record<string, number>>;
    }
  ).counts;
  assert.is(perType.training_data!.splits.train.homes, counts[type].train);

  const all = modelVersion(modelsDir);
  assert.equal(
    all.versions.map((v) => v.name),
    registry.names().filter((n) => registry.aliases(n).production !== null),
  );
  const candidate = modelVersion(modelsDir, "failure-global", "candidate").versions[0];
  assert.is(candidate.version, "v2");
  assert.equal(JSON.parse(JSON.stringify(all)), all);
});

test("health: a served router, every classifier it routes to and the synergy model load, predict probabilities and verify", async () => {
  const created = Date.parse(registry.show("failure-router", "v1").meta.created_at);
  const report = await modelHealth(modelsDir, undefined, { now: new Date(created + 3 * 86_400_000) });
  assert.ok(report.healthy, report.problems.join("\n"));
  const checked = report.versions.map((v) => `${v.name}@${v.version}`);
  for (const r of Object.values(routerSpec().routes)) assert.ok(checked.includes(`${r.name}@${r.version}`));
  assert.ok(checked.includes("synergy-gnn@v1"));
  for (const v of report.versions) {
    assert.ok(v.hashes_match && v.loads, v.name);
    assert.ok(v.probe?.ok, `${v.name} probe`);
    assert.ok(v.files.length >= 5 && v.files.every((f) => f.bytes !== null && f.bytes > 0 && f.listed));
    assert.ok(Math.abs(v.age_days! - 3) < 0.01, `${v.name} age ${v.age_days}`);
    assert.is(v.drift, null);
    assert.match(v.drift_note, /--dataset|router reads no features/);
  }
  const global = report.versions.find((v) => v.name === "failure-global")!;
  assert.match(global.role, /the default route/);
  assert.ok(global.probe!.outputs > 100 && global.probe!.min! >= 0 && global.probe!.max! <= 1);
  assert.match(report.versions.find((v) => v.name === "synergy-gnn")!.probe!.input, /1 candidate pair/);

  const empty = await modelHealth(join(root, "no-models"));
  assert.is(empty.healthy, false, "nothing to serve is not healthy");
  assert.match(empty.problems[0], /no model in .* has a production version/);
});

test("health catches a flipped byte in a served classifier's weights (through the router) and names the file", async () => {
  const dir = registryCopy();
  const served = Object.values(routerSpec(dir).routes).find((r) => r.name !== "failure-global")!;
  const weights = join(dir, served.name, served.version, "weights.bin");
  const bytes = readFileSync(weights);
  bytes[100] ^= 0xff;
  writeFileSync(weights, bytes);
  const report = await modelHealth(dir, "failure-router");
  assert.is(report.healthy, false);
  const damaged = report.versions.find((v) => v.name === served.name)!;
  assert.is(damaged.hashes_match, false);
  assert.is(damaged.loads, null, "a damaged version is not loaded");
  assert.ok(
    damaged.problems.some((p) =>
      p.startsWith(`models/${served.name}/${served.version}/weights.bin: does not match`),
    ),
    damaged.problems.join("\n"),
  );
  assert.ok(
    report.versions.find((v) => v.name === "failure-global")!.healthy,
    "the other classifier is fine",
  );
  assert.ok(report.problems.some((p) => p.startsWith("models/failure-router/v1") && p.includes(served.name)));
  // status reads the damage as a problem line, not an exception
  assert.ok(modelsStatus(dir).problems.some((p) => p.includes("weights.bin")));
});

test("health catches a missing file, and a model whose weights pass every hash but fail the probe", async () => {
  const missing = registryCopy();
  rmSync(join(missing, "failure-global", "v1", "preprocess.json"));
  const a = await modelHealth(missing, "failure-global");
  assert.is(a.healthy, false);
  assert.ok(
    a.problems.some((p) => /^models\/failure-global\/v1\/preprocess\.json: is missing/.test(p)),
    a.problems.join("\n"),
  );
  assert.is(a.versions[0].files.find((f) => f.file === "preprocess.json")?.bytes, null);

  const forged = registryCopy();
  const dir = join(forged, "failure-global", "v1");
  const nan = Buffer.from(
    new Float32Array(readFileSync(join(dir, "weights.bin")).byteLength / 4).fill(Number.NaN).buffer,
  );
  forgeVersionFile(dir, "weights.bin", nan);
  assert.equal(
    new ModelRegistry(forged).check("failure-global").filter((p) => p.includes("/v1/")),
    [],
    "every hash matches",
  );
  const b = await modelHealth(forged, "failure-global");
  assert.is(b.healthy, false);
  const v1 = b.versions[0];
  assert.ok(v1.hashes_match && v1.loads);
  assert.is(v1.probe?.ok, false);
  assert.is(v1.probe?.invalid, v1.probe?.outputs);
  assert.match(
    b.problems[0],
    /^models\/failure-global\/v1\/weights\.bin: the probe .* not finite probabilities in \[0, 1\]; .*rollback failure-global/,
  );
});

test("drift: a shifted feature of --dataset is flagged against the version's training snapshot; none without a snapshot", async () => {
  const shiftedReport = await modelHealth(modelsDir, "failure-global", {
    ref: "candidate",
    dataset: shiftedDir,
  });
  const v2 = shiftedReport.versions[0];
  assert.is(v2.version, "v2");
  assert.ok(v2.drift, v2.drift_note);
  assert.ok(v2.drift.drifted.includes("signal_strength"), `drifted: ${v2.drift.drifted}`);
  assert.ok(v2.drift.drifted.includes("signal_strength_mean_7d"));
  assert.not.ok(v2.drift.drifted.includes("error_rate"));
  assert.ok(v2.warnings.some((w) => w.includes("feature signal_strength drifted on dataset ds_shifted")));
  assert.ok(shiftedReport.healthy, "drift is a warning: the model still serves");
  assert.equal(shiftedReport.dataset?.id, "ds_shifted");

  const stable = await modelHealth(modelsDir, "failure-global", { ref: "candidate", dataset: stableDir });
  assert.equal(stable.versions[0].drift?.drifted, [], "new homes of the same world do not drift");

  const trained = await modelHealth(modelsDir, "failure-global", { dataset: stableDir });
  assert.equal(trained.versions[0].drift?.drifted, [], "training wrote v1's snapshot; same world, no drift");
  const legacy = registryCopy();
  dropVersionFile(join(legacy, "failure-global", "v1"), TRAINING_SNAPSHOT_FILE);
  const old = await modelHealth(legacy, "failure-global", { dataset: stableDir });
  assert.ok(old.healthy, old.problems.join("; "));
  assert.is(old.versions[0].drift, null);
  assert.match(old.versions[0].drift_note, /has no training_snapshot\.json/);
});

test("CLI: models status, version and health print the JSON; health exits 1 with one line; an unknown name exits 2", async () => {
  const cli = (args: string[]) => runCliInProcess(["models", "--models", modelsDir, ...args]);
  const status = await cli(["status"]);
  assert.is(status.code, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout), JSON.parse(JSON.stringify(modelsStatus(modelsDir))));
  const version = await cli(["version", "failure-global", "--ref", "candidate"]);
  assert.is(version.code, 0, version.stderr);
  assert.is(JSON.parse(version.stdout).versions[0].version, "v2");
  const health = await cli(["health", "failure-global", "--ref", "candidate", "--dataset", shiftedDir]);
  assert.is(health.code, 0, health.stderr);
  assert.ok(JSON.parse(health.stdout).versions[0].drift.drifted.includes("signal_strength"));

  const dir = registryCopy();
  rmSync(join(dir, "synergy-gnn", "v1", "gnn.json"));
  const sick = await runCliInProcess(["models", "--models", dir, "health", "synergy-gnn"]);
  assert.is(sick.code, 1);
  assert.is(JSON.parse(sick.stdout).healthy, false);
  assert.is(sick.stderr.trim().split("\n").length, 1, sick.stderr);
  assert.match(sick.stderr, /^error: synergy-gnn: unhealthy, 1 problem .*gnn\.json: is missing/);

  const unknown = await cli(["version", "nosuch"]);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr.trim(), /^error: model: no model named "nosuch" in .*; known models: /);
  assert.is(unknown.stderr.trim().split("\n").length, 1);
});

test.run();
