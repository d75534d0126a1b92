import { spawnSync } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";

// One child process: importing lib/models loads no TensorFlow.js; the first fit does.
test("importing any module under lib/models loads no @tensorflow/tfjs; fit loads it and works", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "test/helpers/lazyTfChild.ts"], {
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  for (const m of ["failure/failureClassifier.ts", "registry/registry.ts", "tf.ts", "backend.ts"])
    assert.ok(out.modules.includes(m), `${m} imported`);
  assert.is(out.afterImports, 0, "no @tensorflow module in require.cache after importing lib/models");
  assert.match(
    out.beforeFit,
    /^model: the probe needs TensorFlow\.js, which is not loaded yet; call fit\(\) or load\(\) first/,
  );
  assert.ok(out.afterFit > 0, "fit loaded @tensorflow/tfjs");
  assert.is(out.scores, out.rows);
  assert.match(out.backend, /^(tensorflow|wasm|cpu)$/);
});

test.run();
