/**
 * Training benchmark (a script, not a test): failure-classifier training samples per second
 * on every TensorFlow.js backend present (cpu and wasm here; tensorflow when tfjs-node is
 * installed), at two batch sizes, on real generated telemetry. Samples/s = training rows ×
 * epochs / wall time of fitFeatures (which also scores a small validation split per epoch).
 *
 *   npx tsx bench/training.ts [homes=40] [days=30] [epochs=3]
 */
import { pathToFileURL } from "node:url";
import { concatTables, plainTable } from "../lib/core/columnTable.js";
import { chooseBackend } from "../lib/models/backend.js";
import { FailureClassifier } from "../lib/models/failure/failureClassifier.js";
import { buildFeatures } from "../lib/models/failure/features.js";
import { splitHomes, splitRows } from "../lib/models/split.js";
import { parseGenerationConfig } from "../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../lib/pipeline/generation/homeSpec.js";
import { telemetryTable } from "../lib/pipeline/generation/telemetryTable.js";
import { TELEMETRY_SCHEMA } from "../lib/pipeline/storage/tables.js";
import { generateHome } from "../lib/synth/homes.js";
import { generateHomeTelemetry } from "../lib/synth/telemetry.js";

export interface TrainingBenchRow {
  backend: string;
  batchSize: number;
  trainRows: number;
  epochs: number;
  samplesPerSecond: number;
}

const BATCH_SIZES = [256, 1024];

export async function run(homes = 40, days = 30, epochs = 3): Promise<TrainingBenchRow[]> {
  const config = parseGenerationConfig({ seed: 42, homes, days });
  const spec = homeGenerationSpec(config);
  const parts = [];
  for (let i = 0; i < homes; i++) {
    const g = generateHome(spec, i);
    parts.push(plainTable(telemetryTable(generateHomeTelemetry(g, config), g)));
  }
  const table = concatTables(TELEMETRY_SCHEMA, parts);
  const set = buildFeatures(table);
  const rows = splitRows(
    splitHomes(set.homeIds, set.homeTypes, { seed: 1, fractions: { train: 0.9, validation: 0.1, test: 0 } }),
    set.homeIds,
  );

  const first = await chooseBackend({ env: {} });
  const present = first.candidates.filter((c) => c.available).map((c) => c.name);
  const results: TrainingBenchRow[] = [];
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(
    `training: failure classifier [32, 16] on ${fmt(rows.train.length)} telemetry rows (${homes} homes × ${days} days), ${epochs} epochs, ${set.names.length} features`,
  );
  for (const backend of present) {
    await chooseBackend({ force: backend });
    for (const batchSize of BATCH_SIZES) {
      const model = new FailureClassifier({ epochs, batchSize, patience: epochs + 1, seed: 1 });
      // warm-up: kernels compile and allocate on the first steps
      await new FailureClassifier({ epochs: 1, batchSize, seed: 1 }).fitFeatures(
        { set, rows: rows.train.subarray(0, 2 * batchSize) },
        { set, rows: rows.validation },
      );
      const started = performance.now();
      await model.fitFeatures({ set, rows: rows.train }, { set, rows: rows.validation });
      const seconds = (performance.now() - started) / 1000;
      model.dispose();
      const row = {
        backend,
        batchSize,
        trainRows: rows.train.length,
        epochs,
        samplesPerSecond: (rows.train.length * epochs) / seconds,
      };
      results.push(row);
      console.log(
        `  ${backend.padEnd(10)} batch ${String(batchSize).padStart(4)}  ${fmt(row.samplesPerSecond).padStart(9)} samples/s`,
      );
    }
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run(Number(process.argv[2] ?? 40), Number(process.argv[3] ?? 30), Number(process.argv[4] ?? 3));
}
