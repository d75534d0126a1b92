import type { ModelRegistry } from "../registry/registry.js";
import type { SufficiencyReport } from "./sufficiency.js";
import type { DriftThresholds } from "./trainingSnapshot.js";
import type { MetricFloorInput, NewDataInput, VersionDrift } from "./triggers.js";

/**
 * What a model kind's check gathers for the triggers (failureChecks.ts, synergyChecks.ts):
 * the served version, the data's sufficiency, and the inputs of the new-data, drift and
 * metric-floor triggers. The age trigger reads `served.created_at`.
 */
export interface ServedVersion {
  name: string;
  version: string;
  dir: string;
  dataset_id: string | null;
  dataset_rows: number | null;
  created_at: string;
}

export interface GatheredChecks {
  served: ServedVersion | null;
  sufficiency: SufficiencyReport;
  drift: VersionDrift[];
  newData: NewDataInput;
  floor: MetricFloorInput;
  /** How fresh homes were told from seen ones (freshHomes.ts). */
  notes: string[];
  /** Whether equal home ids are the homes the served version saw (false: another generator seed). */
  sameHomes: boolean;
}

export interface CheckContext {
  modelsDir: string;
  dataset: { id: string; dir: string; seed: number };
  /** Where the served version's dataset may be found, to tell whether home ids are the same homes. */
  dataRoots: readonly string[];
  seed: number;
  fractions?: { train: number; validation: number; test: number };
  driftThresholds?: DriftThresholds;
  /** Bootstrap resamples for the metric floor's interval (default 1000). */
  bootstrapResamples?: number;
}

/** The interval the floor reads when nothing could be scored. */
export function unscored(metric: string, reference: number | null): MetricFloorInput {
  return { metric, interval: null, homes: 0, reference };
}

/** What a check gathers when nothing is served as `name` yet: only sufficiency and the new data. */
export function nothingServed(
  name: string,
  metric: string,
  sufficiency: SufficiencyReport,
  newData: NewDataInput,
): GatheredChecks {
  return {
    served: null,
    sufficiency,
    drift: [],
    newData,
    floor: unscored(metric, null),
    notes: [`nothing served as ${name} yet`],
    sameHomes: true,
  };
}

/** The production version of `name` with what the triggers read from its meta; null when none. */
export function servedVersion(registry: ModelRegistry, name: string): ServedVersion | null {
  if (registry.versions(name).length === 0 || !registry.aliases(name).production) return null;
  const v = registry.show(name, "production");
  return {
    name,
    version: v.version,
    dir: v.dir,
    dataset_id: v.meta.dataset.id,
    dataset_rows: v.meta.dataset.rows ?? null,
    created_at: v.meta.created_at,
  };
}
