/**
 * ModelSlot on a registry of toy versions (no TensorFlow.js): a swap waits for nothing, old
 * values live until their last request is done, failed loads keep the old value.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ModelRegistry } from "../../lib/models/registry/registry.js";
import { ServiceUnavailableError } from "../../lib/serving/httpErrors.js";
import { aliasesStamp, ModelSlot } from "../../lib/serving/modelSlot.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

const unavailable = (p: string) => new ServiceUnavailableError(p);

interface Toy {
  name: string;
  version: string;
  disposed: boolean;
  dispose(): void;
}

async function toyRegistry(root: string, versions: number): Promise<ModelRegistry> {
  const registry = new ModelRegistry(root);
  for (let v = 1; v <= versions; v++)
    await registry.save("toy", {
      kind: "toy",
      write: async (dir: string) => {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "toy.txt"), `toy ${v}\n`);
      },
      files: ["toy.txt"],
      signature: {
        inputs: { name: "x", dtype: "float32", shape: [null], features: [] },
        outputs: { name: "y", dtype: "float32", shape: [null] },
      },
      dataset: { id: null, hash: null },
      seed: 0,
      params: {},
      backend: "none",
      training: {},
      metrics: {},
      card: () => "toy\n",
    } as never);
  return registry;
}

function slotOver(root: string, options: { fail?: Set<string> } = {}) {
  const loads: string[] = [];
  const logs: string[] = [];
  const slot = new ModelSlot<Toy>(
    root,
    "toy",
    "production",
    async (version) => {
      loads.push(version);
      if (options.fail?.has(version)) throw new Error(`cannot read ${version}`);
      const toy: Toy = { name: "toy", version, disposed: false, dispose: () => (toy.disposed = true) };
      return toy;
    },
    (level, m) => logs.push(`${level}: ${m}`),
  );
  return { slot, loads, logs };
}

test("an absent model leaves the slot empty with the reason; when it appears it is served", async () => {
  const root = tempDir();
  try {
    const { slot } = slotOver(root);
    await slot.poll();
    assert.is(slot.current, null);
    assert.throws(
      () => slot.use(() => 1, unavailable),
      (e: Error) => e instanceof ServiceUnavailableError && /toy/.test(e.message),
    );
    assert.is(aliasesStamp(root, "toy"), "absent");
    const registry = await toyRegistry(root, 1);
    await registry.promote("toy", "v1");
    await slot.poll();
    assert.is(slot.current?.version, "v1");
  } finally {
    removeDir(root);
  }
});

test("a swap leaves requests in flight on the old value, disposed when the last one is done", async () => {
  const root = tempDir();
  try {
    const registry = await toyRegistry(root, 2);
    await registry.promote("toy", "v1");
    const { slot, loads } = slotOver(root);
    await slot.poll();
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let seen: Toy | null = null;
    const inFlight = slot.use(async (toy) => {
      seen = toy;
      await held;
      return toy.version;
    }, unavailable);
    await registry.promote("toy", "v2");
    await slot.poll();
    assert.is(slot.current?.version, "v2", "new requests get v2 at once");
    assert.is(seen!.disposed, false, "v1 still in use");
    release();
    assert.is(await inFlight, "v1");
    assert.is(seen!.disposed, true, "v1 disposed after its last request");
    await slot.poll();
    assert.equal(loads, ["v1", "v2"], "an unchanged aliases.json is not reloaded");
  } finally {
    removeDir(root);
  }
});

test("a failed load keeps serving the old version and logs why", async () => {
  const root = tempDir();
  try {
    const registry = await toyRegistry(root, 2);
    await registry.promote("toy", "v1");
    const { slot, logs } = slotOver(root, { fail: new Set(["v2"]) });
    await slot.poll();
    await registry.promote("toy", "v2");
    await slot.poll();
    assert.is(slot.current?.version, "v1");
    assert.is(slot.current?.disposed, false);
    assert.ok(
      logs.some((l) =>
        /^warn: toy@production: cannot load v2 of it \(cannot read v2\); still serving v1$/.test(l),
      ),
      logs.join("\n"),
    );
    slot.close();
    assert.is(slot.current, null);
  } finally {
    removeDir(root);
  }
});

test.run();
