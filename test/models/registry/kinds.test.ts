import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { FAILURE_CLASSIFIER_KIND } from "../../../lib/models/failure/failureKind.js";
import { DEFAULT_MODEL_KINDS } from "../../../lib/models/registry/defaultKinds.js";
import { defineModelKind, ModelRegistry } from "../../../lib/models/registry/registry.js";
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

async function expectError(fn: () => unknown, pattern: RegExp): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.instance(e, HomeforgeError, (e as Error).message);
    assert.not.match((e as Error).message, /\n/, "one line");
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
}

test("the failure classifier is a default kind", () => {
  assert.ok(DEFAULT_MODEL_KINDS.includes(FAILURE_CLASSIFIER_KIND));
  assert.equal(
    new ModelRegistry(tempDir()).kinds().map((k) => k.name),
    ["failure_classifier"],
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
      /^models\/t\/v1: "toy" is not a model kind this registry knows; known kinds: failure_classifier/,
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

test.run();
