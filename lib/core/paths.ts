import { join, resolve } from "node:path";

/**
 * Where homeforge reads and writes by default, in one place. Each is relative to the working
 * directory unless its environment variable names another place.
 */

/** Datasets: `$HOMEFORGE_DATA_DIR`, else `./data`. */
export function defaultDataRoot(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HOMEFORGE_DATA_DIR || "data");
}

/** The model registry: `$HOMEFORGE_MODELS_DIR`, else `./models`. */
export function defaultModelsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HOMEFORGE_MODELS_DIR || "models");
}

/** The lineage store: `$HOMEFORGE_LINEAGE_DB`, else `lineage.sqlite` in the data root. */
export function defaultLineagePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HOMEFORGE_LINEAGE_DB) return resolve(env.HOMEFORGE_LINEAGE_DB);
  return join(defaultDataRoot(env), "lineage.sqlite");
}
