import type { ColumnTable } from "../../core/columnTable.js";
import { DEFAULTS } from "../../core/defaults.js";
import { censoredMask } from "../../pipeline/storage/censoring.js";
import { type SplitFractions, type SplitName, splitHomes } from "../split.js";
import type { SynergyGraph } from "../synergy/synergyTypes.js";

/**
 * Data sufficiency per model kind: is there enough data to train a candidate worth judging?
 * Each requirement is a count with a minimum; the report lists every one with the value
 * found and, when it falls short, what is missing in words. Counts are taken the way
 * training takes them: uncensored rows, positives = fails_within_7d = 1, homes split by the
 * same seeded rule (splitHomes) training uses, so "homes per split" is what training gets.
 *
 * Defaults: the default dataset (200 homes × 60 days: ~240 000 rows, ~2 000 positive
 * device-days) clears them by a wide margin, a 40-home × 21-day dataset (the scenario test)
 * still does, a handful of homes over a week does not.
 */

export interface Requirement {
  /** What is counted, e.g. "positives" or "validation homes". */
  name: string;
  required: number;
  found: number;
  met: boolean;
  /** What is missing, in words; null when met. */
  missing: string | null;
}

export interface HomeTypeSufficiency {
  home_type: string;
  /** Enough for a model of its own; otherwise the router serves it the global model. */
  own_model: boolean;
  requirements: Requirement[];
  note: string;
}

export interface SufficiencyReport {
  model: string;
  sufficient: boolean;
  requirements: Requirement[];
  /** Failure models only: per home type, whether it gets its own model or falls back to the global one. */
  home_types?: HomeTypeSufficiency[];
  /** One line: "sufficient" or what is missing. */
  summary: string;
}

export interface FailureSufficiencyThresholds {
  minRows: number;
  minPositives: number;
  minHomes: number;
  /** Train, validation and test homes each. */
  minHomesPerSplit: number;
  /** A home type's own model needs this many positives in its training homes (fitFailureModels' minTrainPositives)… */
  perTypeMinTrainPositives: number;
  /** …and this many validation homes (routing and promotion compare on them). */
  perTypeMinValidationHomes: number;
}

export const DEFAULT_FAILURE_SUFFICIENCY: Readonly<FailureSufficiencyThresholds> = Object.freeze({
  minRows: 5000,
  minPositives: 50,
  minHomes: 20,
  minHomesPerSplit: 3,
  perTypeMinTrainPositives: 10,
  perTypeMinValidationHomes: 1,
});

export interface SynergySufficiencyThresholds {
  minHomes: number;
  minHomesPerSplit: number;
  /** Planted links (label 1) over every home's candidate pairs. */
  minLinkedPairs: number;
  /** Planted links in the validation homes: early stopping, the threshold and promotion read them. */
  minValidationLinkedPairs: number;
}

export const DEFAULT_SYNERGY_SUFFICIENCY: Readonly<SynergySufficiencyThresholds> = Object.freeze({
  minHomes: 20,
  minHomesPerSplit: 3,
  minLinkedPairs: 50,
  minValidationLinkedPairs: 10,
});

export interface SplitOptions {
  seed?: number;
  fractions?: SplitFractions;
}

function requirement(name: string, found: number, required: number, unit = name): Requirement {
  const met = found >= required;
  return {
    name,
    required,
    found,
    met,
    missing: met ? null : `${required - found} more ${unit} needed (${found} of ${required})`,
  };
}

function report(
  model: string,
  requirements: Requirement[],
  homeTypes?: HomeTypeSufficiency[],
): SufficiencyReport {
  const short = requirements.filter((r) => !r.met);
  return {
    model,
    sufficient: short.length === 0,
    requirements,
    ...(homeTypes ? { home_types: homeTypes } : {}),
    summary:
      short.length === 0
        ? "sufficient: every requirement met"
        : `insufficient: ${short.map((r) => `${r.name}: ${r.missing}`).join("; ")}`,
  };
}

/**
 * Sufficiency of a telemetry table for the failure models (global, per home type, router).
 * Needs home_id, home_type and fails_within_7d; a `censored` column, when present, drops
 * the censored rows as training does.
 */
export function failureSufficiency(
  table: ColumnTable,
  options: SplitOptions & { thresholds?: Partial<FailureSufficiencyThresholds>; model?: string } = {},
): SufficiencyReport {
  const t = { ...DEFAULT_FAILURE_SUFFICIENCY, ...options.thresholds };
  const censored = censoredMask(table);
  const homeIds: (string | null)[] = [];
  const homeTypes: (string | null)[] = [];
  const labels: number[] = [];
  const ids = table.columns.home_id as ArrayLike<string | null>;
  const types = table.columns.home_type as ArrayLike<string | null>;
  const label = table.columns.fails_within_7d as ArrayLike<number | null>;
  for (let i = 0; i < table.rows; i++) {
    if (censored[i] === 1 || label[i] === null || Number.isNaN(label[i])) continue;
    homeIds.push(ids[i]);
    homeTypes.push(types[i]);
    labels.push(label[i] === 1 ? 1 : 0);
  }
  const homes = new Set(homeIds.filter((h) => h !== null)).size;
  const positives = labels.reduce((n, v) => n + v, 0);
  const requirements = [
    requirement("rows", labels.length, t.minRows, "uncensored telemetry rows"),
    requirement("positives", positives, t.minPositives, "failing device-days (fails_within_7d = 1)"),
    requirement("homes", homes, t.minHomes),
  ];
  if (homeIds.length === 0) return report(options.model ?? "failure-router", requirements, []);
  const split = splitHomes(homeIds, homeTypes, {
    seed: options.seed ?? DEFAULTS.seed,
    fractions: options.fractions,
  });
  const splitOf = new Map<string, SplitName>();
  for (const name of ["train", "validation", "test"] as const) {
    for (const h of split.homes[name]) splitOf.set(h, name);
    requirements.push(requirement(`${name} homes`, split.homes[name].length, t.minHomesPerSplit));
  }
  const trainPositives = new Map<string, number>();
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1 && splitOf.get(homeIds[i] ?? "") === "train") {
      const type = homeTypes[i] ?? "";
      trainPositives.set(type, (trainPositives.get(type) ?? 0) + 1);
    }
  }
  const perType = Object.keys(split.counts)
    .sort()
    .map((type): HomeTypeSufficiency => {
      const reqs = [
        requirement(
          "training positives",
          trainPositives.get(type) ?? 0,
          t.perTypeMinTrainPositives,
          "failing device-days in its training homes",
        ),
        requirement("validation homes", split.counts[type].validation, t.perTypeMinValidationHomes),
      ];
      const own = reqs.every((r) => r.met);
      return {
        home_type: type,
        own_model: own,
        requirements: reqs,
        note: own
          ? "enough for a model of its own (routing still decides on validation homes)"
          : `falls back to the global model: ${reqs
              .filter((r) => !r.met)
              .map((r) => `${r.name}: ${r.missing}`)
              .join("; ")}`,
      };
    });
  return report(options.model ?? "failure-router", requirements, perType);
}

/** One home's contribution to the synergy model's data: its planted links. */
export interface SynergyHomeCount {
  homeId: string;
  homeType: string;
  linkedPairs: number;
}

/** Per home, the planted links among its full-history candidate pairs (homes without labels count 0). */
export function synergyHomeCounts(graphs: readonly SynergyGraph[]): SynergyHomeCount[] {
  const out = new Map<string, SynergyHomeCount>();
  for (const g of graphs) {
    if (out.has(g.homeId) && g.historyDays !== null) continue;
    let linked = 0;
    if (g.labels) for (const v of g.labels) linked += v;
    out.set(g.homeId, { homeId: g.homeId, homeType: g.homeType, linkedPairs: linked });
  }
  return [...out.values()];
}

/** Sufficiency of a dataset's homes for the synergy GNN. */
export function synergySufficiency(
  homes: readonly SynergyHomeCount[],
  options: SplitOptions & { thresholds?: Partial<SynergySufficiencyThresholds>; model?: string } = {},
): SufficiencyReport {
  const t = { ...DEFAULT_SYNERGY_SUFFICIENCY, ...options.thresholds };
  const linked = homes.reduce((n, h) => n + h.linkedPairs, 0);
  const requirements = [
    requirement("homes", homes.length, t.minHomes),
    requirement("linked pairs", linked, t.minLinkedPairs, "planted links among the candidate pairs"),
  ];
  if (homes.length > 0) {
    const split = splitHomes(
      homes.map((h) => h.homeId),
      homes.map((h) => h.homeType),
      { seed: options.seed ?? DEFAULTS.seed, fractions: options.fractions },
    );
    for (const name of ["train", "validation", "test"] as const)
      requirements.push(requirement(`${name} homes`, split.homes[name].length, t.minHomesPerSplit));
    const validation = new Set(split.homes.validation);
    const validationLinked = homes
      .filter((h) => validation.has(h.homeId))
      .reduce((n, h) => n + h.linkedPairs, 0);
    requirements.push(
      requirement(
        "validation linked pairs",
        validationLinked,
        t.minValidationLinkedPairs,
        "planted links in validation homes",
      ),
    );
  }
  return report(options.model ?? "synergy-gnn", requirements);
}
