import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { chooseBackend } from "../../../lib/models/backend.js";
import { FailureClassifier } from "../../../lib/models/failure/failureClassifier.js";
import { FAILURE_CLASSIFIER_KIND } from "../../../lib/models/failure/failureKind.js";
import { ModelRegistry } from "../../../lib/models/registry/registry.js";
import { runCliInProcess } from "../../helpers/cliInProcess.js";
import { makeTelemetryFixture } from "../../helpers/telemetryFixture.js";
import { dirHashes, removeDir, tempDir } from "../../helpers/tmp.js";

const table = makeTelemetryFixture({ seed: 4, homes: 10, days: 16, devicesPerHome: 4 });
let classifier: FailureClassifier;
const info = { metrics: { test: { f1: 0.5 } }, dataset: { id: "ds_test", hash: "abc" } };

async function expectError(fn: () => unknown, pattern: RegExp): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.instance(e, HomeforgeError, `expected a HomeforgeError, got ${(e as Error).message}`);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
}

/** A registry with two saved versions of "m". */
async function twoVersions(): Promise<{ root: string; registry: ModelRegistry; warnings: string[] }> {
  const root = tempDir();
  const warnings: string[] = [];
  const registry = new ModelRegistry(root, { onWarning: (m) => warnings.push(m) });
  await registry.saveClassifier("m", classifier, info);
  await registry.saveClassifier("m", classifier, info);
  return { root, registry, warnings };
}

test.before(async () => {
  await chooseBackend();
  classifier = await new FailureClassifier({ epochs: 2, seed: 1, hiddenUnits: [4] }).fit(table);
});

test("save writes an immutable, verifiable version directory and makes it the candidate", async () => {
  const { root, registry } = await twoVersions();
  try {
    assert.equal(registry.versions("m"), ["v1", "v2"]);
    const files = readdirSync(join(root, "m", "v1")).sort();
    for (const f of [
      "card.md",
      "meta.json",
      "metrics.json",
      "model.json",
      "preprocess.json",
      "weights.bin",
    ]) {
      assert.ok(files.includes(f), `${f} written`);
    }
    const meta = registry.show("m", "v1").meta;
    assert.is(meta.version, "v1");
    assert.is(meta.signature.inputs.features.length, classifier.featureNames.length);
    assert.equal(meta.dataset, info.dataset);
    assert.is(meta.backend, classifier.training!.backend);
    assert.ok(meta.library_versions["@tensorflow/tfjs"]);
    assert.match(meta.weights_sha256 ?? "", /^[0-9a-f]{64}$/);
    assert.is(registry.aliases("m").candidate, "v2");
    assert.is(
      readdirSync(join(root, "m")).filter((f) => f.startsWith(".")).length,
      0,
      "no temp dirs or lock left",
    );
    const loaded = await registry.load("m", "candidate", FAILURE_CLASSIFIER_KIND);
    assert.is(loaded.version, "v2");
    assert.equal(Array.from(loaded.model.predictProba(table)), Array.from(classifier.predictProba(table)));
    loaded.model.dispose();
  } finally {
    removeDir(root);
  }
});

test("promote, rollback to the previous production, delete a non-production version", async () => {
  const { root, registry } = await twoVersions();
  try {
    await expectError(() => registry.load("m"), /has no production version/);
    await registry.promote("m", "v1");
    await registry.promote("m"); // the candidate, v2
    assert.equal([registry.aliases("m").production, registry.aliases("m").candidate], ["v2", null]);
    await registry.rollback("m");
    assert.is(registry.aliases("m").production, "v1");
    await expectError(() => registry.rollback("m"), /no earlier production version/);
    await expectError(() => registry.delete("m", "v1"), /v1 is the production version/);
    const v1 = dirHashes(join(root, "m", "v1"));
    await registry.delete("m", "v2");
    assert.equal(registry.versions("m"), ["v1"]);
    assert.equal(dirHashes(join(root, "m", "v1")), v1);
    const next = await registry.saveClassifier("m", classifier, info);
    assert.is(next.version, "v3", "version numbers are never reused");
  } finally {
    removeDir(root);
  }
});

test("a save that throws half-way leaves no version, no temp dir, no lock; existing versions intact", async () => {
  const { root, registry } = await twoVersions();
  try {
    const before = { v1: dirHashes(join(root, "m", "v1")), v2: dirHashes(join(root, "m", "v2")) };
    const aliases = readFileSync(join(root, "m", "aliases.json"), "utf8");
    try {
      await registry.save("m", {
        ...dummyRequest(),
        write: (dir) => {
          writeFileSync(join(dir, "model.json"), "{}");
          throw new Error("disk full (simulated)");
        },
      });
      assert.unreachable();
    } catch (e) {
      assert.match((e as Error).message, /disk full/);
    }
    assert.equal(registry.versions("m"), ["v1", "v2"]);
    assert.equal(
      readdirSync(join(root, "m")).filter((f) => f.startsWith(".")),
      [],
    );
    assert.is(readFileSync(join(root, "m", "aliases.json"), "utf8"), aliases);
    assert.equal(dirHashes(join(root, "m", "v1")), before.v1);
    assert.equal(dirHashes(join(root, "m", "v2")), before.v2);
    assert.equal(registry.check("m"), []);
  } finally {
    removeDir(root);
  }
});

test("a save killed half-way (leftover temp dir + stale lock) is reported, ignored, then cleaned", async () => {
  const { root, registry, warnings } = await twoVersions();
  try {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!; // a pid that has exited
    const leftover = join(root, "m", `.tmp-${dead}-v3`);
    mkdirSync(leftover);
    writeFileSync(join(leftover, "weights.bin"), "half");
    writeFileSync(
      join(root, "m", ".lock"),
      JSON.stringify({ pid: dead, host: (await import("node:os")).hostname(), token: "x" }),
    );
    const summary = registry.list().find((m) => m.name === "m")!;
    assert.equal(summary.versions, ["v1", "v2"]);
    assert.match(
      summary.problems.join("\n"),
      new RegExp(`incomplete save left at models/m/\\.tmp-${dead}-v3 \\(process ${dead} is not running\\)`),
    );
    const saved = await registry.saveClassifier("m", classifier, info);
    assert.is(saved.version, "v3");
    assert.ok(
      warnings.some((w) => /broke a stale lock .* process \d+, is no longer running/.test(w)),
      warnings.join("\n"),
    );
    assert.ok(
      warnings.some((w) => /removed an incomplete save/.test(w)),
      warnings.join("\n"),
    );
    assert.not.ok(existsSync(leftover));
    assert.equal(registry.check("m"), []);
  } finally {
    removeDir(root);
  }
});

test("a corrupted weights.bin is detected on load with a clear message; nothing is deleted", async () => {
  const { root, registry } = await twoVersions();
  try {
    const weights = join(root, "m", "v1", "weights.bin");
    const bytes = readFileSync(weights);
    bytes[10] ^= 0xff;
    writeFileSync(weights, bytes);
    await expectError(
      () => registry.load("m", "v1"),
      /models\/m\/v1\/weights\.bin: does not match its sha256 in checksums\.json .*restore .* or delete it/,
    );
    await expectError(() => registry.promote("m", "v1"), /weights\.bin: does not match/);
    assert.match(registry.check("m").join("\n"), /v1\/weights\.bin: does not match/);
    assert.equal(registry.versions("m"), ["v1", "v2"]);
    assert.ok(existsSync(weights));
    const v2 = await registry.load("m", "v2", FAILURE_CLASSIFIER_KIND);
    assert.is(v2.version, "v2", "the other version still loads");
    v2.model.dispose();
  } finally {
    removeDir(root);
  }
});

test("an alias pointing at a missing version is reported; versions intact; promote repairs it; hand edits are damage", async () => {
  const { root, registry } = await twoVersions();
  try {
    await registry.promote("m", "v1");
    await registry.promote("m", "v2");
    rmSync(join(root, "m", "v2"), { recursive: true }); // removed by hand, behind the registry's back
    await expectError(
      () => registry.load("m"),
      /aliases\.json: production points at v2, which does not exist \(versions: v1\); promote an existing version/,
    );
    assert.match(registry.list()[0].problems.join("\n"), /production points at v2/);
    assert.match(registry.check("m").join("\n"), /production points at v2/);
    assert.equal(registry.versions("m"), ["v1"]);
    await registry.promote("m", "v1");
    const loaded = await registry.load("m", "production", FAILURE_CLASSIFIER_KIND);
    assert.is(loaded.version, "v1");
    loaded.model.dispose();
    const path = join(root, "m", "aliases.json");
    const edited = { ...JSON.parse(readFileSync(path, "utf8")), production: "v9" };
    writeFileSync(path, JSON.stringify(edited, null, 2));
    await expectError(
      () => registry.load("m"),
      /aliases\.json: is damaged: its contents do not match its sha256 .*delete it and promote a version again/,
    );
    writeFileSync(path, JSON.stringify({ ...edited, production: 7 }));
    await expectError(
      () => registry.load("m"),
      /aliases\.json: is damaged: production must be a version name/,
    );
    writeFileSync(path, "{ not json");
    await expectError(() => registry.load("m"), /aliases\.json: is damaged: it is not valid JSON/);
  } finally {
    removeDir(root);
  }
});

test("missing model and missing version are clear errors", async () => {
  const { root, registry } = await twoVersions();
  try {
    await expectError(() => registry.load("nope"), /no model named "nope" .*known models: m/);
    await expectError(
      () => registry.load("m", "v7"),
      /m has no version v7; use production, candidate or one of: v1, v2/,
    );
    await expectError(() => registry.load("../etc"), /not a valid model name/);
  } finally {
    removeDir(root);
  }
});

test("the models CLI lists, promotes, rolls back and reports errors in one line", async () => {
  const { root } = await twoVersions();
  // `homeforge models …` in this process: five tsx start-ups fewer than spawning scripts/models.ts
  const cli = async (...args: string[]) => {
    const r = await runCliInProcess(["models", "--models", root, ...args]);
    return { status: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  try {
    assert.match((await cli("promote", "m", "v1")).stdout, /m: production v1, candidate v2/);
    assert.match((await cli("promote", "m")).stdout, /m: production v2, candidate -/);
    assert.match((await cli("rollback", "m")).stdout, /m: production v1/);
    assert.match((await cli("list")).stdout, /^m {2}versions v1, v2 {2}production v1 {2}candidate -$/m);
    const missing = await cli("show", "m", "v9");
    assert.is(missing.status, 2);
    assert.match(
      missing.stderr,
      /^error: version: m has no version v9; use production, candidate or one of: v1, v2\n$/,
    );
  } finally {
    removeDir(root);
  }
});

/** Starts the save child; resolves `ready` once it waits at the barrier, `done` when it exits. */
function saveChild(root: string, barrier: string) {
  const p = spawn(
    process.execPath,
    ["--import", "tsx", "test/helpers/registrySaveChild.ts", root, "m", barrier],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  const ready = new Promise<void>((resolveReady) => {
    p.stdout.on("data", (d) => {
      out += d;
      if (out.includes("ready")) resolveReady();
    });
  });
  p.stderr.on("data", (d) => {
    out += d;
  });
  const done = new Promise<{ out: string; code: number | null }>((resolveDone) =>
    p.on("close", (code) => resolveDone({ out, code })),
  );
  return { ready, done };
}

test("two processes saving at once both succeed, with distinct versions", async () => {
  const root = tempDir();
  const barrier = join(root, "go");
  try {
    const children = [saveChild(root, barrier), saveChild(root, barrier)];
    await Promise.all(children.map((c) => c.ready));
    writeFileSync(barrier, "");
    const results = await Promise.all(children.map((c) => c.done));
    for (const r of results) assert.is(r.code, 0, r.out);
    const versions = results.map((r) => JSON.parse(r.out.trim().split("\n").at(-1)!).version).sort();
    assert.equal(versions, ["v1", "v2"]);
    const registry = new ModelRegistry(root);
    assert.equal(registry.versions("m"), ["v1", "v2"]);
    assert.equal(registry.check("m"), []);
    assert.is(registry.aliases("m").last_version, 2);
    const writers = versions.map(
      (v) => JSON.parse(readFileSync(join(root, "m", v, "model.json"), "utf8")).writer,
    );
    assert.is(new Set(writers).size, 2, "each version holds one process's files");
  } finally {
    removeDir(root);
  }
});

function dummyRequest() {
  return {
    kind: "dummy",
    write: () => {},
    signature: {
      inputs: { name: "x", dtype: "float32" as const, shape: [null, 1], features: ["x"] },
      outputs: { name: "y", dtype: "float32" as const, shape: [null, 1], description: "dummy" },
    },
    dataset: { id: null, hash: null },
    seed: 0,
    params: {},
    backend: "none",
    training: { duration_ms: null },
    metrics: {},
    card: () => "# dummy\n",
  };
}

test.after(() => classifier.dispose());

test.run();
