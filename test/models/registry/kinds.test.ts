import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FAILURE_CLASSIFIER_KIND } from "../../../lib/models/failure/failureKind.js";
import { DEFAULT_MODEL_KINDS } from "../../../lib/models/registry/defaultKinds.js";
import {
  CHECKSUMS_FILE,
  checksumsText,
  defineModelKind,
  ModelRegistry,
  sha256Text,
} from "../../../lib/models/registry/registry.js";
import { expectHomeforgeError as expectError } from "../../helpers/expectError.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

/** A kind needing no TensorFlow.js: the "model" is a JSON object. */
interface Toy {
  bias: number;
}
const TOY_KIND = defineModelKind<Toy>({
  name: "toy",
  label: "toy model",
  files: ["model.json", "weights.bin", "toy.json"],
  async save(model, dir) {
    writeFileSync(join(dir, "model.json"), "{}\n");
    writeFileSync(join(dir, "weights.bin"), Buffer.alloc(4));
    writeFileSync(join(dir, "toy.json"), JSON.stringify(model));
  },
  load: async (dir) => JSON.parse(readFileSync(join(dir, "toy.json"), "utf8")) as Toy,
  describe: (model) => ({
    signature: {
      inputs: { name: "x", dtype: "float32", shape: [null, 1], features: ["x"] },
      outputs: { name: "y", dtype: "float32", shape: [null, 1], description: "x + bias" },
    },
    seed: 0,
    params: { bias: model.bias },
    backend: "none",
    training: {},
  }),
  card: (meta) => `# ${meta.name} ${meta.version}\n`,
  check: (dir) =>
    JSON.parse(readFileSync(join(dir, "toy.json"), "utf8")).bias >= 0
      ? []
      : [{ file: "toy.json", problem: "has a negative bias" }],
});

test("the failure classifier is a default kind", () => {
  assert.ok(DEFAULT_MODEL_KINDS.includes(FAILURE_CLASSIFIER_KIND));
  assert.equal(
    new ModelRegistry(tempDir()).kinds().map((k) => k.name),
    ["failure_classifier", "failure_router", "synergy_gnn"],
  );
});

test("a registry given a kind saves, loads and checks by it; other kinds are one-line errors", async () => {
  const root = tempDir();
  try {
    const registry = new ModelRegistry(root, { kinds: [...DEFAULT_MODEL_KINDS, TOY_KIND] });
    const saved = await registry.saveModel(
      "t",
      "toy",
      { bias: 2 },
      { metrics: {}, dataset: { id: null, hash: null } },
    );
    assert.is(saved.meta.kind, "toy");
    const loaded = await registry.load("t", "candidate");
    assert.is(loaded.kind, "toy");
    assert.equal(loaded.model, { bias: 2 });
    assert.equal((await registry.load("t", "candidate", TOY_KIND)).model, { bias: 2 });
    await expectError(
      () => registry.load("t", "candidate", FAILURE_CLASSIFIER_KIND),
      /^models\/t\/v1: is a toy model, not a failure classifier; /,
    );
    assert.equal(registry.check("t"), []);
    // the kind's own check: its files verify, but the content is wrong for the kind
    await registry.saveModel("t", TOY_KIND, { bias: -1 }, { metrics: {}, dataset: { id: null, hash: null } });
    assert.match(registry.check("t").join("\n"), /models\/t\/v2\/toy\.json: has a negative bias/);
    // a registry that does not know the kind still lists and checks files, but will not load it
    const plain = new ModelRegistry(root);
    assert.equal(plain.versions("t"), ["v1", "v2"]);
    assert.equal(plain.check("t").length, 0);
    await expectError(
      () => plain.load("t", "v1"),
      /^models\/t\/v1: "toy" is not a model kind this registry knows; known kinds: failure_classifier, failure_router, synergy_gnn/,
    );
    await expectError(
      () => plain.saveModel("u", "toy", { bias: 1 }, { metrics: {}, dataset: { id: null, hash: null } }),
      /"toy" is not a model kind/,
    );
  } finally {
    removeDir(root);
  }
});

test("a kind's files must all be written", async () => {
  const root = tempDir();
  try {
    const lazy = defineModelKind<Toy>({
      ...TOY_KIND,
      save: async (_m, dir) => TOY_KIND.save({ bias: 0 }, dir).then(() => {}),
      files: [...TOY_KIND.files, "extra.bin"],
    });
    const registry = new ModelRegistry(root, { kinds: [lazy] });
    try {
      await registry.saveModel("t", lazy, { bias: 0 }, { metrics: {}, dataset: { id: null, hash: null } });
      assert.unreachable();
    } catch (e) {
      assert.match((e as Error).message, /wrote no extra\.bin/);
    }
    assert.equal(registry.versions("t"), []);
  } finally {
    removeDir(root);
  }
});

/** A kind without weights: one JSON file, like the failure router. */
const NOTE_KIND = defineModelKind<{ text: string }>({
  name: "note",
  label: "note",
  files: ["note.json"],
  async save(model, dir) {
    writeFileSync(join(dir, "note.json"), JSON.stringify(model));
  },
  load: async (dir) => JSON.parse(readFileSync(join(dir, "note.json"), "utf8")),
  describe: () => ({
    signature: {
      inputs: { name: "x", dtype: "string", shape: [null], features: ["x"] },
      outputs: { name: "y", dtype: "string", shape: [null], description: "the note" },
    },
    seed: 0,
    params: {},
    backend: "none",
    training: {},
  }),
  card: (meta) => `# ${meta.name} ${meta.version}\n`,
});
const NO_DATA = { metrics: {}, dataset: { id: null, hash: null } };

function weightless() {
  const root = tempDir();
  const warnings: string[] = [];
  const registry = new ModelRegistry(root, { kinds: [NOTE_KIND], onWarning: (m) => warnings.push(m) });
  return { root, registry, warnings };
}

test("a kind without weights: saved with its own files only, every file hashed, loads and verifies", async () => {
  const { root, registry } = weightless();
  try {
    const saved = await registry.saveModel("n", NOTE_KIND, { text: "a" }, NO_DATA);
    const dir = join(root, "n", "v1");
    assert.not.ok(existsSync(join(dir, "model.json")) || existsSync(join(dir, "weights.bin")));
    assert.is(saved.meta.weights_sha256, undefined, "no weights, no weights hash");
    assert.equal(Object.keys(saved.meta.files), ["note.json"]);
    const checksums = JSON.parse(readFileSync(join(dir, CHECKSUMS_FILE), "utf8")).files;
    assert.equal(Object.keys(checksums), ["card.md", "meta.json", "metrics.json", "note.json"]);
    assert.equal(registry.check("n"), []);
    assert.equal((await registry.load("n", "candidate")).model, { text: "a" });
    assert.is(registry.show("n", "v1").meta.kind, "note");
  } finally {
    removeDir(root);
  }
});

test("a kind without weights: a tampered file, a meta.json that disagrees and a dropped file are caught", async () => {
  const { root, registry } = weightless();
  try {
    await registry.saveModel("n", NOTE_KIND, { text: "a" }, NO_DATA);
    const dir = join(root, "n", "v1");
    const note = join(dir, "note.json");
    const original = readFileSync(note, "utf8");
    writeFileSync(note, original.replace('"a"', '"b"'));
    assert.match(
      registry.check("n").join("\n"),
      /models\/n\/v1\/note\.json: does not match its sha256 in checksums\.json/,
    );
    await expectError(() => registry.load("n", "v1"), /note\.json: does not match its sha256/);
    writeFileSync(note, original);
    assert.equal(registry.check("n"), []);
    // meta.json rewritten to claim weights, with checksums.json made to agree with it
    const files = JSON.parse(readFileSync(join(dir, CHECKSUMS_FILE), "utf8")).files;
    const metaPath = join(dir, "meta.json");
    const meta = readFileSync(metaPath, "utf8");
    const forged = `${JSON.stringify({ ...JSON.parse(meta), weights_sha256: "0".repeat(64) }, null, 2)}\n`;
    writeFileSync(metaPath, forged);
    writeFileSync(join(dir, CHECKSUMS_FILE), checksumsText({ ...files, "meta.json": sha256Text(forged) }));
    await expectError(() => registry.load("n", "v1"), /meta\.json: records two different weights hashes/);
    // the kind's file gone from the version and from checksums.json
    writeFileSync(metaPath, meta);
    const { "note.json": _dropped, ...rest } = files;
    rmSync(note);
    writeFileSync(join(dir, CHECKSUMS_FILE), checksumsText(rest));
    assert.match(
      registry.check("n").join("\n"),
      /meta\.json: records a sha256 of note\.json that checksums\.json does not/,
    );
  } finally {
    removeDir(root);
  }
});

test("a kind without weights: promote, rollback, and an older version without checksums.json", async () => {
  const { root, registry, warnings } = weightless();
  try {
    await registry.saveModel("n", NOTE_KIND, { text: "a" }, NO_DATA);
    await registry.saveModel("n", NOTE_KIND, { text: "b" }, NO_DATA);
    await registry.promote("n", "v1");
    await registry.promote("n", "v2");
    assert.equal((await registry.load("n")).model, { text: "b" });
    assert.is((await registry.rollback("n")).production, "v1");
    assert.equal((await registry.load("n")).model, { text: "a" });
    rmSync(join(root, "n", "v1", CHECKSUMS_FILE));
    assert.equal((await registry.load("n", "v1")).model, { text: "a" }, "checked against meta.json's hashes");
    assert.match(warnings.join("\n"), /unverifiable, saved by an older homeforge/);
    writeFileSync(join(root, "n", "v1", "note.json"), "{}");
    await expectError(() => registry.load("n", "v1"), /note\.json: does not match its sha256 in meta\.json/);
  } finally {
    removeDir(root);
  }
});

test.run();
