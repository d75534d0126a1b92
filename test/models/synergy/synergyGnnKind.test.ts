import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DEFAULT_MODEL_KINDS } from "../../../lib/models/registry/defaultKinds.js";
import {
  CHECKSUMS_FILE,
  checksumsText,
  ModelRegistry,
  sha256Text,
} from "../../../lib/models/registry/registry.js";
import { GNN_FILE, SynergyGnn } from "../../../lib/models/synergy/synergyGnn.js";
import { SYNERGY_GNN_KIND } from "../../../lib/models/synergy/synergyGnnKind.js";
import { makeSynergyGraphs } from "../../helpers/synergyGraphFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const train = makeSynergyGraphs({ task: "pair", homes: 30, seed: 2 });
const validation = makeSynergyGraphs({ task: "pair", homes: 10, seed: 2, firstHome: 100 });
const unseen = makeSynergyGraphs({ task: "pair", homes: 10, seed: 2, firstHome: 200 });
const featureNames = { node: ["a", "b", "c", "d"], pair: ["follow_share_30s", "same_area", "rel_x"] };
const NO_DATA = { dataset: { id: null, hash: null } };

function bytes(scores: Float32Array[]): Buffer {
  return Buffer.concat(scores.map((s) => Buffer.from(s.buffer, s.byteOffset, s.byteLength)));
}

/** Rewrites a version's file and makes meta.json and checksums.json agree with it (only the kind's check can object). */
function forge(dir: string, file: string, text: string | Buffer): void {
  const metaPath = join(dir, "meta.json");
  const meta = JSON.parse(readFileSync(metaPath, "utf8"));
  writeFileSync(join(dir, file), text);
  meta.files[file] = sha256Text(text);
  if (file === "weights.bin") meta.weights_sha256 = meta.files[file];
  const metaText = `${JSON.stringify(meta, null, 2)}\n`;
  writeFileSync(metaPath, metaText);
  const files = JSON.parse(readFileSync(join(dir, CHECKSUMS_FILE), "utf8")).files;
  writeFileSync(
    join(dir, CHECKSUMS_FILE),
    checksumsText({ ...files, [file]: sha256Text(text), "meta.json": sha256Text(metaText) }),
  );
}

test("synergy_gnn is a default kind: save → registry → load gives identical scores; meta and card describe it", async () => {
  assert.ok(DEFAULT_MODEL_KINDS.includes(SYNERGY_GNN_KIND));
  const root = tempDir();
  const model = await new SynergyGnn({ hidden: 8, layers: 1, epochs: 6, seed: 3 }).fit(train, {
    validation,
    featureNames,
  });
  try {
    const registry = new ModelRegistry(root);
    const saved = await registry.saveModel("synergy", "synergy_gnn", model, {
      ...NO_DATA,
      metrics: { test: { mean_ap: 0.71, hits_at_3: 0.5 } },
    });
    const meta = saved.meta;
    assert.is(meta.kind, "synergy_gnn");
    assert.equal(Object.keys(meta.files).sort(), [GNN_FILE, "weights.bin"]);
    assert.is(meta.weights_sha256, meta.files["weights.bin"]);
    assert.equal(meta.signature.inputs.features, [
      "node.a",
      "node.b",
      "node.c",
      "node.d",
      "pair.follow_share_30s",
      "pair.same_area",
      "pair.rel_x",
    ]);
    assert.is(meta.signature.outputs.name, "link_probability");
    assert.is(meta.signature.threshold, model.threshold);
    assert.is(meta.seed, 3);
    assert.is(meta.params.hidden, 8);
    assert.is(meta.backend, model.training!.backend);
    const card = readFileSync(join(saved.dir, "card.md"), "utf8");
    assert.match(card, /hidden 8/);
    assert.match(card, /1 message-passing layer \(GraphSAGE mean aggregation\)/);
    assert.match(
      card,
      new RegExp(`best epoch ${model.training!.best_epoch} of ${model.training!.epochs_run}`),
    );
    assert.match(card, /\| test \| mean_ap 0\.710, hits_at_3 0\.500 \|/);
    assert.equal(registry.check("synergy"), []);
    const loaded = await registry.load<SynergyGnn>("synergy", "candidate", SYNERGY_GNN_KIND);
    try {
      assert.ok(bytes(loaded.model.score(unseen)).equals(bytes(model.score(unseen))));
      assert.equal(loaded.model.featureNames, featureNames);
    } finally {
      loaded.model.dispose();
    }
  } finally {
    model.dispose();
    removeDir(root);
  }
});

test("a tampered weights.bin and a gnn.json that disagrees with meta.json or its weights are caught", async () => {
  const root = tempDir();
  const model = await new SynergyGnn({ hidden: 8, layers: 1, epochs: 2, seed: 3 }).fit(train, { validation });
  try {
    const registry = new ModelRegistry(root);
    const { dir } = await registry.saveModel("synergy", SYNERGY_GNN_KIND, model, { ...NO_DATA, metrics: {} });
    const weights = join(dir, "weights.bin");
    const original = readFileSync(weights);
    const flipped = Buffer.from(original);
    flipped[5] ^= 0x01;
    writeFileSync(weights, flipped);
    assert.match(registry.check("synergy").join("\n"), /v1\/weights\.bin: does not match its sha256/);
    writeFileSync(weights, original);
    assert.equal(registry.check("synergy"), []);

    const gnnText = readFileSync(join(dir, GNN_FILE), "utf8");
    const file = JSON.parse(gnnText);
    // hashes made to agree: only the kind's own check can see these
    forge(
      dir,
      GNN_FILE,
      JSON.stringify({ ...file, features: { ...file.features, node: ["x", "y", "z", "w"] } }),
    );
    assert.match(
      registry.check("synergy").join("\n"),
      /gnn\.json: lists other features than meta\.json's signature/,
    );
    forge(dir, GNN_FILE, JSON.stringify({ ...file, widths: { ...file.widths, node: 5 } }));
    assert.match(
      registry.check("synergy").join("\n"),
      /gnn\.json: names 4 node and 3 pair features for widths 5 and 3/,
    );
    forge(dir, GNN_FILE, JSON.stringify({ ...file, params: { ...file.params, hidden: 9 } }));
    assert.match(
      registry.check("synergy").join("\n"),
      /gnn\.json: lists weights that do not fit its params and widths/,
    );
    forge(dir, GNN_FILE, gnnText);
    forge(dir, "weights.bin", original.subarray(4));
    assert.match(
      registry.check("synergy").join("\n"),
      /weights\.bin: holds \d+ bytes, gnn\.json's weights need \d+/,
    );
  } finally {
    model.dispose();
    removeDir(root);
  }
});

test.run();
