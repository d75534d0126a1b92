// A consumer's TypeScript script (run by tsx, type-checked by tsc): the same job, typed.
import {
  type DataFrame,
  FailureClassifier,
  generateDataset,
  loadDataFrame,
  parseGenerationConfig,
} from "homeforge";

const config = parseGenerationConfig({ homes: 8, days: 14, seed: 1 });
const { dir } = await generateDataset(config, { outDir: "data/demo-ts" });
const telemetry: DataFrame = await loadDataFrame(dir, "telemetry");
const rows: number = telemetry.shape[0];
const model = await new FailureClassifier({ seed: 1, epochs: 2 }).fit(telemetry);
const proba: Float32Array = model.predictProba(telemetry);
console.log(`ts: ${rows} telemetry rows, ${proba.length} scores`);
