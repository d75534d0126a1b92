import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../lib/core/errors.js";
import { chooseBackend } from "../../lib/models/backend.js";

test("the best present backend is chosen: tensorflow if installed, else wasm", async () => {
  const choice = await chooseBackend({ env: {} });
  const native = choice.candidates.find((c) => c.name === "tensorflow")!;
  assert.is(choice.backend, native.available ? "tensorflow" : "wasm");
  assert.is(choice.tf.getBackend(), choice.backend);
  assert.ok(choice.candidates.find((c) => c.name === "cpu")!.available);
  assert.equal(Array.from(choice.tf.tensor([1, 2, 3]).sum().dataSync()), [6]);
});

test("HOMEFORGE_BACKEND forces a backend", async () => {
  const choice = await chooseBackend({ env: { HOMEFORGE_BACKEND: "cpu" } });
  assert.is(choice.backend, "cpu");
  assert.ok(choice.forced);
  assert.is(choice.tf.getBackend(), "cpu");
});

test("a forced backend that is unknown or absent is a clear error", async () => {
  try {
    await chooseBackend({ env: { HOMEFORGE_BACKEND: "gpu" } });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, HomeforgeError);
    assert.match((e as Error).message, /HOMEFORGE_BACKEND: "gpu" is not a backend/);
  }
  const choice = await chooseBackend({ env: {} });
  if (!choice.candidates.find((c) => c.name === "tensorflow")!.available) {
    try {
      await chooseBackend({ env: { HOMEFORGE_BACKEND: "tensorflow" } });
      assert.unreachable();
    } catch (e) {
      assert.match(
        (e as Error).message,
        /tensorflow is not available: @tensorflow\/tfjs-node is not installed/,
      );
    }
  }
});

test.run();
