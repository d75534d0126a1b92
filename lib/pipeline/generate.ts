import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type GenerationConfig, homeTypeMixVector } from "../config.js";
import { type GeneratedHome, generateHome, type HomeGenerationSpec } from "../synth/homes.js";
import { GENERATOR_VERSION } from "../version.js";
import { homeTables } from "./homeTables.js";
import { FORMAT_EXTENSION, writeTableFile } from "./io.js";
import {
  datasetId,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type Manifest,
  type ManifestTable,
  manifestJson,
  sha256,
} from "./manifest.js";
import { assertWritableDatasetDir, writeDirAtomically } from "./outputDir.js";
import type { ColumnTable } from "./schema.js";

export interface GenerateOptions {
  /** Dataset directory. Default: `<dataRoot>/<dataset-id>`. */
  outDir?: string;
  /** Root for datasets when outDir is not given. Default: $HOMEFORGE_DATA_DIR or ./data. */
  dataRoot?: string;
  /** Called after each home with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface GeneratedDataset {
  dir: string;
  manifest: Manifest;
}

export function homeGenerationSpec(config: GenerationConfig): HomeGenerationSpec {
  return {
    seed: config.seed,
    days: config.days,
    mix: homeTypeMixVector(config),
    timezones: config.timezones,
  };
}

/** The part of the config that determines the data (and so the dataset id). */
export function dataConfig(config: GenerationConfig): Record<string, unknown> {
  // JSON round trip: drops unset optional fields, so the id and manifest see what the file holds
  return JSON.parse(JSON.stringify(config));
}

export function defaultDataRoot(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HOMEFORGE_DATA_DIR || "data");
}

/** Generates every home of the config, in index order. */
export function generateHomes(config: GenerationConfig, onProgress?: (done: number, total: number) => void) {
  const spec = homeGenerationSpec(config);
  const homes: GeneratedHome[] = [];
  for (let i = 0; i < config.homes; i++) {
    homes.push(generateHome(spec, i));
    onProgress?.(i + 1, config.homes);
  }
  return homes;
}

/**
 * Generates a dataset directory: manifest + tables. Validates the destination first and
 * writes atomically, so bad input or a crash leaves nothing behind.
 */
export async function generateDataset(
  config: GenerationConfig,
  options: GenerateOptions = {},
): Promise<GeneratedDataset> {
  const id = datasetId(dataConfig(config), GENERATOR_VERSION);
  const dir = resolve(options.outDir ?? join(options.dataRoot ?? defaultDataRoot(), id));
  assertWritableDatasetDir(dir, options.outDir ? "--out" : "HOMEFORGE_DATA_DIR");
  const homes = generateHomes(config, options.onProgress);
  const tables: Record<string, ColumnTable> = homeTables(homes);
  const manifest = await writeDirAtomically(dir, (tmp) => {
    const manifestTables: Record<string, ManifestTable> = {};
    for (const [name, table] of Object.entries(tables)) {
      const file = `${name}${FORMAT_EXTENSION[config.format]}`;
      const bytes = writeTableFile(join(tmp, file), table, config.format);
      manifestTables[name] = {
        format: config.format,
        rows: table.rows,
        files: [{ path: file, rows: table.rows, bytes: bytes.byteLength, sha256: sha256(bytes) }],
        schema: [...table.schema.columns],
      };
    }
    const m: Manifest = {
      format: MANIFEST_FORMAT,
      format_version: MANIFEST_FORMAT_VERSION,
      dataset_id: id,
      generator: { name: "homeforge", version: GENERATOR_VERSION },
      seed: config.seed,
      reference_date: config.start,
      config: dataConfig(config),
      tables: manifestTables,
    };
    writeFileSync(join(tmp, MANIFEST_FILE), manifestJson(m));
    return m;
  });
  return { dir, manifest };
}
