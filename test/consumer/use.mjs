// A consumer's plain ESM script: generate a small dataset, load it as a DataFrame, train.
import { FailureClassifier, generateDataset, loadDataFrame, parseGenerationConfig } from "homeforge";
import { DataFrame } from "homeforge/danfo";
import { fromDataFrame } from "homeforge/frames";
import { rhythmAt } from "homeforge/synth";

const config = parseGenerationConfig({ homes: 8, days: 14, seed: 1 });
const { dir } = await generateDataset(config, { outDir: "data/demo-js" });
const telemetry = await loadDataFrame(dir, "telemetry");
if (!(telemetry instanceof DataFrame)) throw new Error("loadDataFrame did not return a danfo DataFrame");
const model = new FailureClassifier({ seed: 1, epochs: 2 });
await model.fit(telemetry);
const proba = model.predictProba(telemetry);
const back = fromDataFrame(telemetry);
if (back.numRows !== telemetry.shape[0]) throw new Error("fromDataFrame lost rows");
if (!(rhythmAt("daily", Date.UTC(2025, 0, 1, 8), { timezone: "UTC", latitude: 50 }) > 0))
  throw new Error("rhythmAt");
console.log(`js: ${telemetry.shape[0]} telemetry rows, ${proba.length} scores`);
