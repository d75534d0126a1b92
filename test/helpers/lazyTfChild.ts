// Imports every module under lib/models, reports whether @tensorflow/tfjs got loaded, then
// fits a tiny classifier and reports again. Usage: node --import tsx lazyTfChild.ts
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const tfjsLoaded = () =>
  Object.keys(require.cache).filter((k) => k.includes(`${sep}@tensorflow${sep}`)).length;

const root = join(import.meta.dirname, "../../lib/models");
const modules = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).sort();
for (const file of modules) await import(pathToFileURL(join(root, file)).href);
const afterImports = tfjsLoaded();

const { FailureClassifier } = await import("../../lib/models/failure/failureClassifier.js");
const { requireTf } = await import("../../lib/models/tf.js");
const { makeTelemetryFixture } = await import("./telemetryFixture.js");
let beforeFit = "";
try {
  requireTf("the probe");
} catch (e) {
  beforeFit = (e as Error).message;
}
const table = makeTelemetryFixture({ seed: 3, homes: 8, days: 12, devicesPerHome: 3 });
const model = await new FailureClassifier({ epochs: 1, seed: 1, hiddenUnits: [4] }).fit(table);
const proba = model.predictProba(table);
console.log(
  JSON.stringify({
    modules,
    afterImports,
    beforeFit,
    afterFit: tfjsLoaded(),
    rows: table.rows,
    scores: proba.length,
    backend: model.training?.backend,
  }),
);
