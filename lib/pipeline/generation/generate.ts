import { type GeneratedHome, generateHome } from "../../synth/homes.js";
import type { GenerationConfig } from "./config.js";
import { homeGenerationSpec } from "./homeSpec.js";
import { DataGenerationManager, type DatasetManifest, type ManagerOptions } from "./manager.js";

export { defaultDataRoot } from "../../core/paths.js";
export { dataConfig, homeGenerationSpec } from "./homeSpec.js";

export type GenerateOptions = ManagerOptions;

export interface GeneratedDataset {
  dir: string;
  manifest: DatasetManifest;
  /** True when a valid, unexpired dataset with the same id was reused. */
  cached: boolean;
}

/** Generates every home of the config, in index order, in memory (for small runs and tests). */
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
 * Generates a dataset directory (manifest + tables), or reuses a cached one: see
 * DataGenerationManager for workers, cache, validation and lineage options. Validates the
 * destination first and writes atomically, so bad input or a crash leaves nothing behind.
 */
export async function generateDataset(
  config: GenerationConfig,
  options: GenerateOptions = {},
): Promise<GeneratedDataset> {
  const result = await new DataGenerationManager(config, options).run();
  return { dir: result.dir, manifest: result.manifest, cached: result.cached };
}
