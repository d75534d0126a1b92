import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chooseBackend } from "../../../lib/models/backend.js";
import { fileSystemIO, MODEL_JSON, WEIGHTS_BIN } from "../../../lib/models/registry/fileIO.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

function tinyModel(): tf.Sequential {
  const model = tf.sequential({ name: "tiny" });
  model.add(
    tf.layers.dense({
      units: 3,
      inputShape: [4],
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: 1,
      activation: "sigmoid",
      kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    }),
  );
  return model;
}

const input = () =>
  tf.tensor2d([
    [0.1, -2, 3, 0.5],
    [1, 1, 1, 1],
  ]);

test("a handler saves model.json + weights.bin and loads them back", async () => {
  await chooseBackend();
  const dir = tempDir();
  try {
    const model = tinyModel();
    await model.save(fileSystemIO(dir));
    assert.ok(existsSync(join(dir, MODEL_JSON)) && existsSync(join(dir, WEIGHTS_BIN)));
    const json = JSON.parse(readFileSync(join(dir, MODEL_JSON), "utf8"));
    assert.equal(json.weightsManifest[0].paths, [`./${WEIGHTS_BIN}`]);
    assert.is(readFileSync(join(dir, WEIGHTS_BIN)).byteLength, (4 * 3 + 3 + 3 * 1 + 1) * 4);
    const loaded = await tf.loadLayersModel(fileSystemIO(join(dir, MODEL_JSON)));
    const a = (model.predict(input()) as tf.Tensor).dataSync();
    const b = (loaded.predict(input()) as tf.Tensor).dataSync();
    assert.equal(Array.from(b), Array.from(a));
  } finally {
    removeDir(dir);
  }
});

test("file:// URLs work with plain tf.loadLayersModel and model.save (router registered)", async () => {
  const dir = tempDir();
  try {
    const model = tinyModel();
    await model.save(`file://${dir}`);
    const loaded = await tf.loadLayersModel(`file://${join(dir, MODEL_JSON)}`);
    const a = (model.predict(input()) as tf.Tensor).dataSync();
    const b = (loaded.predict(input()) as tf.Tensor).dataSync();
    assert.equal(Array.from(b), Array.from(a));
  } finally {
    removeDir(dir);
  }
});

test.run();
