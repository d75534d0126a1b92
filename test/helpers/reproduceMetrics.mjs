// Scores registry model versions on their recorded test homes in a fresh process, with only
// @tensorflow/tfjs (its default cpu backend) and homeforge's plain-TypeScript preprocessing.
// Prints one JSON line per version, in order (the backends registered as of that version).
// Usage: node --import tsx test/helpers/reproduceMetrics.mjs <version dir>... <dataset dir>
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { calibratorFromJSON } from "../../lib/models/evaluation/calibration.js";
import { binaryMetrics } from "../../lib/models/evaluation/metrics.js";
import { buildFeatures } from "../../lib/models/failure/features.js";
import { Standardizer } from "../../lib/models/failure/standardizer.js";
import { registerFileSystemRouter } from "../../lib/models/registry/fileIO.js";
import { readTableFile } from "../../lib/pipeline/storage/tableIO.js";
import { TELEMETRY_SCHEMA } from "../../lib/pipeline/storage/tables.js";

registerFileSystemRouter(tf); // file:// URLs without tfjs-node

const versionDirs = process.argv.slice(2, -1);
const datasetDir = process.argv.at(-1);
const json = (path) => JSON.parse(readFileSync(path, "utf8"));
const manifest = json(join(datasetDir, "manifest.json"));
const table = await readTableFile(
  join(datasetDir, manifest.tables.telemetry.files[0].path),
  TELEMETRY_SCHEMA,
);

for (const versionDir of versionDirs) {
  const pre = json(join(versionDir, "preprocess.json"));
  const split = json(join(versionDir, "split.json"));
  const recorded = json(join(versionDir, "metrics.json"));
  const set = buildFeatures(table, pre.feature_spec);
  const testHomes = new Set(split.homes.test);
  // right-censored rows (label unknown) are never scored; their features still feed the windows
  const censored = table.columns.censored;
  const rows = [];
  for (let i = 0; i < set.rows; i++) {
    const typeMatches = recorded.home_type === "all" || set.homeTypes[i] === recorded.home_type;
    if (testHomes.has(set.homeIds[i]) && typeMatches && censored[i] !== 1) rows.push(i);
  }
  const columns = pre.features.map((name) => set.columns[set.names.indexOf(name)]);
  const x = new Standardizer(pre.standardizer).transformRows(columns, rows);

  const model = await tf.loadLayersModel(`file://${join(versionDir, "model.json")}`);
  const raw = model.predict(tf.tensor2d(x, [rows.length, columns.length])).dataSync();
  // the saved calibrator (preprocess.json format_version 2), as FailureClassifier.predictProba applies it
  const proba = pre.calibrator ? Float32Array.from(calibratorFromJSON(pre.calibrator).transform(raw)) : raw;
  const metrics = binaryMetrics(
    rows.map((r) => set.labels[r]),
    proba,
    pre.threshold,
  );
  console.log(
    JSON.stringify({
      backend: tf.getBackend(),
      registered: Object.keys(tf.engine().registryFactory),
      metrics,
    }),
  );
}
