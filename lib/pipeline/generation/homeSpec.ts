import type { HomeGenerationSpec } from "../../synth/homes.js";
import { type GenerationConfig, homeTypeMixVector, sizeMixVector } from "./config.js";

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
