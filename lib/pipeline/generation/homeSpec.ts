import {
  HOME_TYPES,
  type HomeType,
  SIZE_CATEGORIES,
  type SizeCategory,
} from "../../synth/catalog/homeTypes.js";
import type { HomeGenerationSpec } from "../../synth/homes.js";
// types only: config.ts validates with zod, which generation workers need not load
import type { GenerationConfig } from "./config.js";

export function homeGenerationSpec(config: GenerationConfig): HomeGenerationSpec {
  return {
    seed: config.seed,
    days: config.days,
    mix: homeTypeMixVector(config),
    timezones: config.timezones,
    ...(config.radioEnvironment !== undefined ? { radioEnvironment: config.radioEnvironment } : {}),
    ...(config.sizeMix !== undefined ? { sizeMix: sizeMixVector(config) } : {}),
  };
}

/**
 * The part of the config that determines the data, and so the dataset id: everything but
 * the run settings (worker count and heap cap, cache TTL, whether an invalid home fails the run).
 */
export function dataConfig(config: GenerationConfig): Record<string, unknown> {
  const { workers: _workers, workerHeapMb: _heap, cacheTtlHours: _ttl, ...data } = config;
  const { failOnInvalidHome: _fail, ...validation } = config.validation;
  // JSON round trip: drops unset optional fields, so the id and manifest see what the file holds
  return JSON.parse(JSON.stringify({ ...data, validation }));
}

/** The config's home type mix in HOME_TYPES order (absent types 0). */
export function homeTypeMixVector(config: GenerationConfig): number[] {
  return HOME_TYPES.map((t: HomeType) => config.homeTypeMix[t] ?? 0);
}

/** The config's size mix in SIZE_CATEGORIES order (absent categories 0); undefined when it sets none. */
export function sizeMixVector(config: GenerationConfig): number[] | undefined {
  const mix = config.sizeMix;
  return mix === undefined ? undefined : SIZE_CATEGORIES.map((s: SizeCategory) => mix[s] ?? 0);
}
