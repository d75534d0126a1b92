// Every file of a registry version is covered by a hash (checksums.json), aliases.json by its
// own; stale and live locks are reported; training refuses a damaged production model before
// it writes anything. Everything runs in-process on one tiny classifier.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { chooseBackend } from "../../../lib/models/backend.js";
import { FailureClassifier } from "../../../lib/models/failure/failureClassifier.js";
import { FAILURE_CLASSIFIER_KIND } from "../../../lib/models/failure/failureKind.js";
import { trainHomeTypes, verifyTrainingTargets } from "../../../lib/models/failure/trainHomeTypes.js";
import {
  CHECKSUMS_FILE,
  checksumsText,
  ModelRegistry,
  sha256Text,
} from "../../../lib/models/registry/registry.js";
import { main as modelsMain } from "../../../scripts/models.js";
import { main as pipelineMain } from "../../../scripts/pipeline.js";
import { main as trainMain } from "../../../scripts/train-home-types.js";
import { makeTelemetryFixture, writeTelemetryDataset } from "../../helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const table = makeTelemetryFixture({ seed: 4, homes: 10, days: 16, devicesPerHome: 4 });
const info = { metrics: { test: { f1: 0.5 } }, dataset: { id: "ds_test", hash: "abc" } };
const scratch = tempDir();
/** A registry with m/v1 (production, metrics updated by the evaluator path) and m/v2 (candidate). */
const base = join(scratch, "base");
let classifier: FailureClassifier;
let copies = 0;

/** A fresh copy of the base registry. */
function copyBase(): { root: string; registry: ModelRegistry; warnings: string[] } {
  const root = join(scratch, `copy-${copies++}`);
  cpSync(base, root, { recursive: true });
  const warnings: string[] = [];
  return { root, registry: new ModelRegistry(root, { onWarning: (m) => warnings.push(m) }), warnings };
}

function flipByte(path: string, at?: number, mask = 0x01): void {
  const bytes = readFileSync(path);
  const i = at ?? Math.floor(bytes.length / 2);
  bytes[i] ^= mask;
  writeFileSync(path, bytes);
}

/** Runs a CLI main(argv) in-process; returns its exit code and what it printed. */
async function capture(
  main: (argv: string[]) => Promise<number>,
  argv: string[],
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await main(argv);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

async function expectError(fn: () => unknown, pattern: RegExp): Promise<HomeforgeError> {
  try {
    await fn();
  } catch (e) {
    assert.instance(e, HomeforgeError, `expected a HomeforgeError, got ${(e as Error).stack}`);
    assert.match((e as Error).message, pattern);
    assert.not.match((e as Error).message, /\n/, "one line");
    return e as HomeforgeError;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
  throw new Error("unreachable");
}

const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

test.before(async () => {
  await chooseBackend();
  classifier = await new FailureClassifier({ epochs: 2, seed: 1, hiddenUnits: [4] }).fit(table);
  const registry = new ModelRegistry(base);
  await registry.saveClassifier("m", classifier, { ...info, extraFiles: { "split.json": "{}\n" } });
  await registry.promote("m", "v1");
  await registry.updateMetrics("m", "v1", (m) => ({ ...m, evaluation: { passed: true } }));
  await registry.saveClassifier("m", classifier, info);
});

test.after(() => {
  classifier.dispose();
  removeDir(scratch);
});

test("a saved version lists every file in checksums.json; metrics updated through updateMetrics verify", async () => {
  const { root, registry } = copyBase();
  const dir = join(root, "m", "v1");
  const checksums = JSON.parse(readFileSync(join(dir, CHECKSUMS_FILE), "utf8"));
  assert.equal(
    Object.keys(checksums.files),
    readdirSync(dir)
      .filter((f) => f !== CHECKSUMS_FILE)
      .sort(),
  );
  for (const f of ["card.md", "meta.json", "metrics.json", "model.json", "preprocess.json", "weights.bin"])
    assert.ok(f in checksums.files, f);
  assert.is(checksums.files["metrics.json"], sha256Text(readFileSync(join(dir, "metrics.json"))));
  assert.equal(JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")).evaluation, { passed: true });
  assert.is(readFileSync(join(dir, CHECKSUMS_FILE), "utf8"), checksumsText(checksums.files));
  assert.equal(registry.check("m"), []);
  assert.equal(
    readdirSync(dir).filter((f) => f.includes(".tmp-")),
    [],
    "no temp files",
  );
  const loaded = await registry.load("m", "production", FAILURE_CLASSIFIER_KIND);
  assert.is(loaded.version, "v1");
  loaded.model.dispose();
  const cli = await capture(modelsMain, ["--models", root, "check", "m"]);
  assert.is(cli.code, 0, cli.out + cli.err);
  assert.match(cli.out, /m: every version verified/);
});

const VERSION_FILES = [
  "model.json",
  "weights.bin",
  "preprocess.json",
  "split.json",
  "meta.json",
  "metrics.json",
  "card.md",
  CHECKSUMS_FILE,
];

for (const file of VERSION_FILES) {
  test(`one flipped byte in ${file} is reported by check, refused by load and fails models check`, async () => {
    const { root, registry } = copyBase();
    const path = join(root, "m", "v1", file);
    // meta.json: inside a feature name, so the JSON stays valid and only a hash can tell
    const at =
      file === "meta.json" ? readFileSync(path, "utf8").indexOf(classifier.featureNames[0]) + 1 : undefined;
    flipByte(path, at);
    if (file === "meta.json") JSON.parse(readFileSync(path, "utf8"));
    const label = new RegExp(`models/m/v1/${file.replace(".", "\\.")}: .*; `);
    const problems = registry.check("m");
    assert.is(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], label);
    assert.match(
      problems[0],
      /restore models\/m\/v1 from a backup, or delete it \(homeforge models delete m v1\)/,
    );
    await expectError(() => registry.load("m"), label);
    await expectError(() => registry.load("m", "v1"), label);
    await expectError(() => registry.updateMetrics("m", "v1", (m) => m), label);
    const cli = await capture(modelsMain, ["--models", root, "check", "m"]);
    assert.ok(cli.code !== 0, "models check exits non-zero");
    assert.match(cli.out, new RegExp(`^problem: models/m/v1/${file.replace(".", "\\.")}: `, "m"));
    assert.match(cli.err, /^error: m: 1 problem \(listed above\)$/);
    const v2 = await registry.load("m", "v2", FAILURE_CLASSIFIER_KIND);
    assert.is(v2.version, "v2", "the other version still loads");
    v2.model.dispose();
  });
}

test("one flipped byte in aliases.json is reported by check, refused by load and fails models check", async () => {
  const { root, registry } = copyBase();
  const path = join(root, "m", "aliases.json");
  // one bit turns `"production": "v1"` into `"v3"`: valid JSON, a valid name, only the hash can tell
  flipByte(path, readFileSync(path, "utf8").indexOf('"v1"') + 2, 0x02);
  assert.match(readFileSync(path, "utf8"), /"production": "v3"/);
  JSON.parse(readFileSync(path, "utf8"));
  const problems = registry.check("m");
  assert.match(
    problems.join("\n"),
    /models\/m\/aliases\.json: is damaged: its contents do not match its sha256/,
  );
  await expectError(() => registry.load("m"), /aliases\.json: is damaged/);
  const cli = await capture(modelsMain, ["--models", root, "check", "m"]);
  assert.ok(cli.code !== 0);
  assert.match(cli.out, /problem: models\/m\/aliases\.json: is damaged/);
  const list = await capture(modelsMain, ["--models", root, "list"]);
  assert.match(list.out, /problem: models\/m\/aliases\.json: is damaged/);
  // and a flip that breaks the JSON
  writeFileSync(path, readFileSync(path, "utf8").replace("{", "["));
  await expectError(() => registry.load("m"), /aliases\.json: is damaged: it is not valid JSON/);
  const show = await capture(modelsMain, ["--models", root, "show", "m"]);
  assert.is(show.code, 2);
  assert.match(
    show.err,
    /^error: models\/m\/aliases\.json: is damaged: it is not valid JSON; restore it from a backup, or delete it and promote a version again \(homeforge models promote m <version>\); the versions are untouched$/,
  );
});

test("a file added to a version after the save is reported; our own temp names are not", async () => {
  const { root, registry } = copyBase();
  writeFileSync(join(root, "m", "v1", "notes.txt"), "hi");
  writeFileSync(join(root, "m", "v1", `metrics.json.tmp-${process.pid}`), "{}"); // a live update's temp
  const problems = registry.check("m");
  assert.is(problems.length, 1, problems.join("\n"));
  assert.match(problems[0], /models\/m\/v1\/notes\.txt: is not listed in checksums\.json .*; remove it/);
  await expectError(() => registry.load("m"), /notes\.txt: is not listed/);
});

test("a version saved by an older homeforge (no checksums.json) is reported as unverifiable", async () => {
  const { root, registry, warnings } = copyBase();
  rmSync(join(root, "m", "v1", CHECKSUMS_FILE));
  const problems = registry.check("m");
  assert.is(problems.length, 1, problems.join("\n"));
  assert.match(
    problems[0],
    /^models\/m\/v1: unverifiable, saved by an older homeforge: it has no checksums\.json, so meta\.json, metrics\.json and card\.md are covered by no hash; train and save a new version, then delete this one/,
  );
  const cli = await capture(modelsMain, ["--models", root, "check", "m"]);
  assert.ok(cli.code !== 0);
  // its model files are still checked against meta.json, and it still loads (with a warning)
  const loaded = await registry.load("m", "production", FAILURE_CLASSIFIER_KIND);
  loaded.model.dispose();
  assert.match(warnings.join("\n"), /unverifiable, saved by an older homeforge/);
  flipByte(join(root, "m", "v1", "weights.bin"));
  await expectError(
    () => registry.load("m"),
    /models\/m\/v1\/weights\.bin: does not match its sha256 in meta\.json/,
  );
});

test("a metrics update killed between its two renames is recognised and finished by the next write", async () => {
  const { root, registry, warnings } = copyBase();
  const dir = join(root, "m", "v1");
  const dead = deadPid();
  const text = `${JSON.stringify({ updated: true }, null, 2)}\n`;
  const files = JSON.parse(readFileSync(join(dir, CHECKSUMS_FILE), "utf8")).files;
  writeFileSync(join(dir, CHECKSUMS_FILE), checksumsText({ ...files, "metrics.json": sha256Text(text) }));
  writeFileSync(join(dir, `metrics.json.tmp-${dead}`), text);
  assert.match(
    registry.check("m").join("\n"),
    new RegExp(`models/m/v1/metrics\\.json: an update by process ${dead} was interrupted before it finished`),
  );
  await registry.updateMetrics("m", "v1", (m) => ({ ...m, again: 1 }));
  assert.equal(JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")), { updated: true, again: 1 });
  assert.match(warnings.join("\n"), /finished an interrupted update of models\/m\/v1\/metrics\.json/);
  assert.equal(registry.check("m"), []);
});

test("a stale lock (dead pid, or unreadable and old) is reported by list and check; a live one is a note", async () => {
  const { root, registry } = copyBase();
  const lock = join(root, "m", ".lock");
  const dead = deadPid();
  writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), token: "x" }));
  const stale = new RegExp(
    `models/m/\\.lock: stale lock from pid ${dead} \\(process gone\\); the next save removes it, or delete ${lock.replaceAll(".", "\\.")}`,
  );
  assert.match(registry.list()[0].problems.join("\n"), stale);
  assert.match(registry.check("m").join("\n"), stale);
  const list = await capture(modelsMain, ["--models", root, "list"]);
  assert.match(list.out, new RegExp(`  problem: ${stale.source}`));
  const check = await capture(modelsMain, ["--models", root, "check", "m"]);
  assert.ok(check.code !== 0);
  assert.match(check.out, stale);

  writeFileSync(lock, "");
  const old = new Date(Date.now() - 60_000);
  utimesSync(lock, old, old);
  assert.match(
    registry.check("m").join("\n"),
    /models\/m\/\.lock: stale lock naming no owner \(unreadable, older than 10 s\); the next save removes it, or delete /,
  );

  writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: "y" }));
  assert.equal(registry.check("m"), []);
  const live = new RegExp(`models/m/\\.lock: a save is in progress \\(pid ${process.pid}\\)`);
  assert.match(registry.list()[0].notes.join("\n"), live);
  assert.equal(registry.list()[0].problems, []);
  const liveList = await capture(modelsMain, ["--models", root, "list"]);
  assert.match(liveList.out, new RegExp(`  note: ${live.source}`));
  const liveCheck = await capture(modelsMain, ["--models", root, "check", "m"]);
  assert.is(liveCheck.code, 0);
  assert.match(liveCheck.out, new RegExp(`note: ${live.source}`));

  // the next save breaks a stale lock and saves
  writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), token: "x" }));
  const saved = await registry.saveClassifier("m", classifier, info);
  assert.is(saved.version, "v3");
  assert.not.ok(existsSync(lock));
  assert.equal(registry.check("m"), []);
});

/** A registry whose failure-global production version has a flipped byte in weights.bin. */
async function damagedProduction(): Promise<{ root: string; before: string[] }> {
  const root = join(scratch, `train-${copies++}`);
  const registry = new ModelRegistry(root);
  await registry.saveClassifier("failure-global", classifier, info);
  await registry.promote("failure-global", "v1");
  flipByte(join(root, "failure-global", "v1", "weights.bin"));
  return { root, before: readdirSync(join(root, "failure-global")).sort() };
}

const REFUSED =
  /^models\/failure-global\/v1\/weights\.bin: the production version of failure-global \(v1\) is damaged: does not match its sha256 in checksums\.json .*; nothing was trained or registered; see every problem with: homeforge models check failure-global, then roll back \(homeforge models rollback failure-global\) or promote a sound version/;

test("training refuses a damaged production model before fitting or writing anything", async () => {
  const { root, before } = await damagedProduction();
  await expectError(() => verifyTrainingTargets(root, ["failure-global", "failure-condo"]), REFUSED);
  verifyTrainingTargets(root, ["failure-condo"]); // models not saved yet are fine
  await expectError(() => trainHomeTypes(table, { modelsDir: root, epochs: 1 }), REFUSED);
  assert.equal(readdirSync(join(root, "failure-global")).sort(), before, "nothing registered");
  assert.equal(readdirSync(root).sort(), ["failure-global"], "no comparison file, no other model");
  // a damaged candidate is refused too, naming the fix for a candidate
  const { root: root2 } = await damagedProduction();
  const registry = new ModelRegistry(root2);
  renameSync(join(root2, "failure-global", "v1"), join(scratch, `moved-${copies++}`));
  await expectError(
    () => verifyTrainingTargets(root2, ["failure-global"]),
    /models\/failure-global\/aliases\.json: failure-global's production points at v1, which does not exist/,
  );
  await registry.saveClassifier("failure-global", classifier, info);
  await registry.promote("failure-global", "v2");
  await registry.saveClassifier("failure-global", classifier, info);
  writeFileSync(join(root2, "failure-global", "v3", "card.md"), "edited\n");
  await expectError(
    () => verifyTrainingTargets(root2, ["failure-global"]),
    /^models\/failure-global\/v3\/card\.md: the candidate version of failure-global \(v3\) is damaged: .*then delete it \(homeforge models delete failure-global v3\)$/,
  );
});

test("homeforge train and the pipeline exit 2 with one line and register nothing when production is damaged", async () => {
  const { root, before } = await damagedProduction();
  const datasetDir = join(scratch, "dataset");
  writeTelemetryDataset(datasetDir, table);
  const lineageDb = join(scratch, "lineage.sqlite");
  const train = await capture(trainMain, [
    "--dataset",
    datasetDir,
    "--models",
    root,
    "--epochs",
    "1",
    "--lineage-db",
    lineageDb,
  ]);
  assert.is(train.code, 2, train.out + train.err);
  assert.is(train.err.split("\n").length, 1, train.err);
  assert.match(train.err.replace(/^error: /, ""), REFUSED);
  assert.is(train.out, "");
  assert.equal(readdirSync(join(root, "failure-global")).sort(), before, "nothing registered");
  assert.not.ok(existsSync(lineageDb), "no lineage run recorded");

  const dataDir = join(scratch, "pipeline-data");
  const saved = process.env.HOMEFORGE_DATA_DIR;
  process.env.HOMEFORGE_DATA_DIR = dataDir;
  try {
    const pipeline = await capture(pipelineMain, [
      "--models",
      root,
      "--homes",
      "2",
      "--days",
      "2",
      "--quiet",
    ]);
    assert.is(pipeline.code, 2, pipeline.out + pipeline.err);
    assert.match(pipeline.err.replace(/^error: /, ""), REFUSED);
    assert.not.ok(existsSync(dataDir), "nothing generated");
  } finally {
    if (saved === undefined) delete process.env.HOMEFORGE_DATA_DIR;
    else process.env.HOMEFORGE_DATA_DIR = saved;
  }
  assert.equal(readdirSync(join(root, "failure-global")).sort(), before, "nothing registered");
});

test.run();
