// A child process that saves one dummy model version once `<barrier>` exists, for the
// concurrent-save test. Usage: node --import tsx registrySaveChild.ts <root> <name> <barrier>
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ModelRegistry } from "../../lib/models/registry/registry.js";

const [root, name, barrier] = process.argv.slice(2);
console.log("ready");
while (!existsSync(barrier)) await sleep(5);
const saved = await new ModelRegistry(root).save(name, {
  kind: "dummy",
  write: async (dir) => {
    writeFileSync(join(dir, "model.json"), JSON.stringify({ writer: process.pid }));
    await sleep(150); // widen the window in which the other process tries to save
    writeFileSync(join(dir, "weights.bin"), Buffer.from(String(process.pid)));
  },
  signature: {
    inputs: { name: "x", dtype: "float32", shape: [null, 1], features: ["x"] },
    outputs: { name: "y", dtype: "float32", shape: [null, 1], description: "dummy" },
  },
  dataset: { id: null, hash: null },
  seed: 0,
  params: {},
  backend: "none",
  training: { duration_ms: null },
  metrics: { writer: process.pid },
  card: () => "# dummy\n",
});
console.log(JSON.stringify({ version: saved.version, pid: process.pid }));
