// A consumer's plain ESM script: generate a small dataset, load it as a DataFrame, train.
import { FailureClassifier, generateDataset, loadDataFrame, parseGenerationConfig } from "homeforge";
import { DataFrame } from "homeforge/danfo";

const config = parseGenerationConfig({ homes: 8, days: 14, seed: 1 });
const { dir } = await generateDataset(config, { outDir: "data/demo-js" });
const telemetry = await loadDataFrame(dir, "telemetry");
if (!(telemetry instanceof DataFrame)) throw new Error("loadDataFrame did not return a danfo DataFrame");
const model = new FailureClassifier({ seed: 1, epochs: 2 });
await model.fit(telemetry);
const proba = model.predictProba(telemetry);
console.log(`js: ${telemetry.shape[0]} telemetry rows, ${proba.length} scores`);
