// A consumer's TypeScript script (run by tsx, type-checked by tsc): the same job, typed,
// plus one call through each sub-path a notebook reaches for.
import {
  type DataFrame,
  FailureClassifier,
  generateDataset,
  loadDataFrame,
  loadTable,
  parseGenerationConfig,
} from "homeforge";
import { toDataFrame } from "homeforge/frames";
import { type GeneratedHome, generateHome } from "homeforge/synth";

const config = parseGenerationConfig({ homes: 8, days: 14, seed: 1 });
const { dir } = await generateDataset(config, { outDir: "data/demo-ts" });
const telemetry: DataFrame = await loadDataFrame(dir, "telemetry");
const rows: number = telemetry.shape[0];
const model = await new FailureClassifier({ seed: 1, epochs: 2 }).fit(telemetry);
const proba: Float32Array = model.predictProba(telemetry);
const devices: DataFrame = toDataFrame(await loadTable(dir, "devices"));
const home: GeneratedHome = generateHome({ seed: 1, days: 1, mix: [1, 0, 0, 0, 0, 0, 0, 0] }, 0);
console.log(
  `ts: ${rows} telemetry rows, ${proba.length} scores, ${devices.shape[0]} devices, ${home.devices.length} in one home`,
);
