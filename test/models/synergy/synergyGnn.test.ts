import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GNN_FILE, meanGraphAp, SynergyGnn } from "../../../lib/models/synergy/synergyGnn.js";
import type { SynergyGraph } from "../../../lib/models/synergy/synergyTypes.js";
import { loadTf } from "../../../lib/models/tf.js";
import { expectHomeforgeError } from "../../helpers/expectError.js";
import { makeSynergyGraphs, positiveShare } from "../../helpers/synergyGraphFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

// small and quick: 1–2 s per fit on wasm
const PARAMS = {
  hidden: 16,
  layers: 2,
  epochs: 30,
  patience: 6,
  batchGraphs: 8,
  // the fixture has no noise to overfit; the default 0.7 (chosen on real graphs) needs more epochs than a test affords
  messageDropout: 0.3,
  learningRate: 0.01,
  seed: 5,
};

function sets(task: "neighbour" | "pair") {
  return {
    train: makeSynergyGraphs({ task, homes: 80, seed: 1 }),
    validation: makeSynergyGraphs({ task, homes: 30, seed: 1, firstHome: 1000 }),
    test: makeSynergyGraphs({ task, homes: 30, seed: 1, firstHome: 2000 }),
  };
}
const neighbour = sets("neighbour");
const pair = sets("pair");
const labelsOf = (graphs: readonly SynergyGraph[]) => graphs.map((g) => g.labels!);
const testAp = (model: SynergyGnn, graphs: readonly SynergyGraph[]) =>
  meanGraphAp(labelsOf(graphs), model.predict(graphs));

/** Mean per-graph AP of a scorer that ranks at random (seeded), as the floor to beat. */
function randomAp(graphs: readonly SynergyGraph[]): number {
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return meanGraphAp(
    labelsOf(graphs),
    graphs.map((g) => Float32Array.from({ length: g.pairCount }, next)),
  );
}

function bytes(scores: Float32Array[]): Buffer {
  return Buffer.concat(scores.map((s) => Buffer.from(s.buffer, s.byteOffset, s.byteLength)));
}

let gnn: SynergyGnn;

test("learns the neighbour task; only message passing can, and the ablation stays near chance", async () => {
  gnn = await new SynergyGnn(PARAMS).fit(neighbour.train, { validation: neighbour.validation });
  const ablation = await new SynergyGnn({ ...PARAMS, messagePassing: false }).fit(neighbour.train, {
    validation: neighbour.validation,
  });
  try {
    const t = gnn.training!;
    const floor = randomAp(neighbour.validation);
    assert.ok(positiveShare(neighbour.train) < 0.4, "a minority of pairs is linked");
    assert.ok(
      t.best_validation_ap! > floor + 0.3,
      `validation AP ${t.best_validation_ap} vs random ${floor}`,
    );
    const gnnAp = testAp(gnn, neighbour.test);
    const ablationAp = testAp(ablation, neighbour.test);
    assert.ok(gnnAp > 0.9, `GNN test AP ${gnnAp}`);
    assert.ok(gnnAp > ablationAp + 0.3, `GNN ${gnnAp} vs no message passing ${ablationAp}`);
    assert.ok(
      ablationAp < randomAp(neighbour.test) + 0.2,
      `the ablation cannot see neighbours (${ablationAp})`,
    );
    assert.is(gnn.name, "gnn");
    assert.is(ablation.name, "gnn_no_message_passing");
  } finally {
    ablation.dispose();
  }
});

test("fit records the curves, the best epoch's weights are the ones kept, and the threshold comes from validation", () => {
  const t = gnn.training!;
  assert.is(t.selection, "validation_mean_graph_ap");
  assert.is(t.train_loss.length, t.epochs_run);
  assert.is(t.validation_ap.length, t.epochs_run);
  assert.is(t.validation_loss.length, t.epochs_run);
  assert.ok(t.train_loss[t.train_loss.length - 1] < t.train_loss[0], "training loss falls");
  assert.is(t.best_validation_ap, Math.max(...t.validation_ap));
  assert.is(t.validation_ap[t.best_epoch - 1], t.best_validation_ap);
  // the weights kept reproduce the best epoch's validation AP
  assert.ok(Math.abs(testAp(gnn, neighbour.validation) - t.best_validation_ap!) < 1e-9);
  assert.is(t.validation_graphs, 30);
  assert.ok(t.threshold && gnn.threshold === t.threshold.threshold && gnn.threshold > 0 && gnn.threshold < 1);
});

test("the pair task: every variant learns it, the pair-features-only baseline included", async () => {
  const floor = randomAp(pair.test);
  for (const variant of [
    {},
    { aggregation: "gcn" as const },
    { messagePassing: false },
    { messagePassing: false, nodeInputs: false },
  ]) {
    const model = await new SynergyGnn({ ...PARAMS, ...variant }).fit(pair.train, {
      validation: pair.validation,
    });
    try {
      const ap = testAp(model, pair.test);
      assert.ok(
        ap > floor + 0.2,
        `${model.name} ${JSON.stringify(variant)}: test AP ${ap} vs random ${floor}`,
      );
    } finally {
      model.dispose();
    }
  }
  assert.is(new SynergyGnn({ messagePassing: false, nodeInputs: false }).name, "pair_mlp");
});

test("reproducible: the same seed gives byte-identical predictions, another seed does not", async () => {
  const small = { ...PARAMS, epochs: 4, patience: 4, dropout: 0.2 };
  const train = neighbour.train.slice(0, 40);
  const validation = neighbour.validation.slice(0, 10);
  const a = await new SynergyGnn(small).fit(train, { validation });
  const b = await new SynergyGnn(small).fit(train, { validation });
  const c = await new SynergyGnn({ ...small, seed: 6 }).fit(train, { validation });
  try {
    assert.ok(bytes(a.predict(neighbour.test)).equals(bytes(b.predict(neighbour.test))));
    assert.equal(a.training, b.training);
    assert.not.ok(bytes(a.predict(neighbour.test)).equals(bytes(c.predict(neighbour.test))));
  } finally {
    a.dispose();
    b.dispose();
    c.dispose();
  }
});

test("no tensor leaks: predict leaves none, fit leaves only the variables, dispose frees them", async () => {
  const tf = await loadTf();
  const before = tf.memory().numTensors;
  const model = await new SynergyGnn({ ...PARAMS, epochs: 2 }).fit(neighbour.train.slice(0, 20), {
    validation: neighbour.validation.slice(0, 5),
  });
  const variables = model.toFile().weights.length;
  assert.is(tf.memory().numTensors, before + variables);
  model.predict(neighbour.test);
  assert.is(tf.memory().numTensors, before + variables);
  model.dispose();
  assert.is(tf.memory().numTensors, before);
});

test("save → load gives identical predictions; gnn.json records widths, names, scalers and weights", async () => {
  const dir = tempDir();
  try {
    await gnn.save(dir);
    assert.equal(readdirSync(dir).sort(), [GNN_FILE, "weights.bin"]);
    const file = JSON.parse(readFileSync(join(dir, GNN_FILE), "utf8"));
    assert.equal(file.widths, { node: 4, pair: 3, edgeTypes: 3 });
    assert.equal(file.features.node, ["node_0", "node_1", "node_2", "node_3"]);
    assert.equal(file.edge_types, ["same_area", "adjacent_area", "co_activation"]);
    assert.is(file.scalers.node.mean.length, 4);
    const loaded = await SynergyGnn.load(dir);
    try {
      assert.ok(bytes(loaded.predict(neighbour.test)).equals(bytes(gnn.predict(neighbour.test))));
      assert.equal(loaded.params, gnn.params);
      assert.is(loaded.threshold, gnn.threshold);
      assert.equal(loaded.score(neighbour.test), gnn.predict(neighbour.test));
    } finally {
      loaded.dispose();
    }
    writeFileSync(join(dir, "weights.bin"), readFileSync(join(dir, "weights.bin")).subarray(8));
    await expectHomeforgeError(
      () => SynergyGnn.load(dir),
      /weights\.bin: holds \d+ bytes, gnn\.json's weights need \d+/,
    );
  } finally {
    removeDir(dir);
  }
});

test("predict cuts each graph's pairs back out of the padded batch, in pair order", () => {
  const graphs = neighbour.test;
  const together = gnn.predict(graphs);
  graphs.forEach((g, k) => {
    assert.is(together[k].length, g.pairCount);
    // alone, the graph is padded differently: the scores are the same up to float rounding
    const alone = gnn.predict([g])[0];
    for (let i = 0; i < g.pairCount; i++) assert.ok(Math.abs(alone[i] - together[k][i]) < 1e-5);
  });
});

test("bad input: one-line errors naming the field and the fix", async () => {
  await expectHomeforgeError(
    () => new SynergyGnn({ messagePassing: true, nodeInputs: false }),
    /^nodeInputs: .*messagePassing: false/,
  );
  await expectHomeforgeError(() => new SynergyGnn({ hidden: 0 }), /^hidden: is 0; give a positive integer/);
  await expectHomeforgeError(() => new SynergyGnn({ dropout: 1 }), /^dropout: /);
  await expectHomeforgeError(() => new SynergyGnn({ messageDropout: -0.1 }), /^messageDropout: /);
  const [g] = neighbour.test;
  const narrow = { ...g, nodeFeatures: g.nodeFeatures.subarray(0, g.nodeCount * 3) };
  await expectHomeforgeError(
    () => gnn.predict([narrow]),
    /^graphs \(home home_2000, full days\): has 3 node features, the model was fitted on 4; /,
  );
  await expectHomeforgeError(
    () => new SynergyGnn(PARAMS).fit([{ ...g, labels: null }]),
    /^graphs \(home home_2000\): has no labels for its pairs; /,
  );
  await expectHomeforgeError(
    () => new SynergyGnn(PARAMS).fit(neighbour.train, { featureNames: { node: ["a"] } }),
    /^featureNames\.node: names 1 features, the graphs have 4; /,
  );
  const outside = { ...g, trigger: Int32Array.from(g.trigger, () => g.nodeCount) };
  await expectHomeforgeError(() => gnn.predict([outside]), /pair 0 points at node \d+ → \d+, outside 0…/);
  await expectHomeforgeError(() => new SynergyGnn().predict([g]), /^model: the synergy GNN is not fitted; /);
});

test("no tf.gather in lib/models/synergy (wasm has no gradient for it)", () => {
  const dir = join(process.cwd(), "lib/models/synergy");
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), "utf8").replace(/\/\/.*|\/\*[\s\S]*?\*\//g, "");
    assert.not.match(text, /\bgather(ND)?\s*\(|\.gather\b|unsortedSegmentSum/i, name);
  }
});

test.after(() => gnn?.dispose());

test.run();
