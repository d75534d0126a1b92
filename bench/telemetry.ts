/**
 * Telemetry benchmark (a script, not a test): device-day rows per second on one core,
 * next to a "raw floor" measured in the same run — filling the same number of rows of
 * typed arrays (entity, day, 11 features, 2 label columns) straight from the seeded
 * generator — and the ratio of the two. Each figure is the best of three interleaved rounds.
 *
 *   npx tsx bench/telemetry.ts [homes=200] [days=90]
 */
import { pathToFileURL } from "node:url";
import { Rng } from "../lib/core/random.js";
import { parseGenerationConfig } from "../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../lib/pipeline/generation/homeSpec.js";
import { telemetryTable } from "../lib/pipeline/generation/telemetryTable.js";
import { HEALTH_FEATURES } from "../lib/synth/catalog/health.js";
import { type GeneratedHome, generateHome } from "../lib/synth/homes.js";
import { generateHomeTelemetry } from "../lib/synth/telemetry.js";

export interface TelemetryBenchResult {
  homes: number;
  days: number;
  rows: number;
  /** Generation only: HomeTelemetry columns. */
  rowsPerSecond: number;
  /** Generation plus the TELEMETRY_SCHEMA column table (string key columns). */
  tableRowsPerSecond: number;
  floorRowsPerSecond: number;
  /** rowsPerSecond / floorRowsPerSecond. */
  ratio: number;
}

const ROUNDS = 3;

export function run(homes = 200, days = 90, seed = 42): TelemetryBenchResult {
  const config = parseGenerationConfig({ seed, homes, days });
  const spec = homeGenerationSpec(config);
  const generated: GeneratedHome[] = Array.from({ length: homes }, (_, i) => generateHome(spec, i));
  // warm-up, so the JIT has compiled the hot loops before timing
  for (let i = 0; i < Math.min(50, homes); i++) generateHomeTelemetry(generated[i], config);
  rawFloor(100_000, seed);

  let rows = 0;
  for (const g of generated) rows += generateHomeTelemetry(g, config).rows;
  // the machine may be shared: each figure is the best of ROUNDS, the rounds interleaved
  let generationMs = Infinity;
  let tableMs = Infinity;
  let floorMs = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    let t0 = performance.now();
    for (const g of generated) generateHomeTelemetry(g, config);
    generationMs = Math.min(generationMs, performance.now() - t0);
    t0 = performance.now();
    for (const g of generated) telemetryTable(generateHomeTelemetry(g, config), g);
    tableMs = Math.min(tableMs, performance.now() - t0);
    t0 = performance.now();
    rawFloor(rows, seed);
    floorMs = Math.min(floorMs, performance.now() - t0);
  }

  const result: TelemetryBenchResult = {
    homes,
    days,
    rows,
    rowsPerSecond: (rows / generationMs) * 1000,
    tableRowsPerSecond: (rows / tableMs) * 1000,
    floorRowsPerSecond: (rows / floorMs) * 1000,
    ratio: floorMs / generationMs,
  };
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(`telemetry: ${homes} homes × ${days} days = ${fmt(rows)} device-day rows (one core)`);
  console.log(`  generation            ${fmt(result.rowsPerSecond)} rows/s`);
  console.log(`  generation + table    ${fmt(result.tableRowsPerSecond)} rows/s`);
  console.log(
    `  raw floor             ${fmt(result.floorRowsPerSecond)} rows/s (typed arrays from the seeded generator)`,
  );
  console.log(`  ratio                 ${result.ratio.toFixed(3)} of the floor`);
  return result;
}

/** The floor: the same row count written into the same typed columns, one seeded draw per cell. */
function rawFloor(rows: number, seed: number): number {
  const rng = Rng.derive(seed, "bench_floor");
  const entity = new Int32Array(rows);
  const day = new Int32Array(rows);
  const features = HEALTH_FEATURES.map(() => new Float64Array(rows));
  const label = new Int32Array(rows);
  const daysToFailure = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    entity[i] = (rng.next() * 64) | 0;
    day[i] = (rng.next() * 90) | 0;
    for (let f = 0; f < features.length; f++) features[f][i] = rng.next();
    label[i] = rng.next() < 0.01 ? 1 : 0;
    daysToFailure[i] = (rng.next() * 90) | 0;
  }
  return entity[rows - 1] + features[0][rows - 1];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 90));
}
