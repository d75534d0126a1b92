import type { Interval } from "../evaluation/bootstrap.js";
import type { DriftReport } from "./trainingSnapshot.js";

/**
 * Retraining triggers: pure functions of numbers the retraining check gathers (checkRetraining
 * reads the registry and the dataset), each returning whether it fired and one line saying
 * why — or why not — so the history records the reason either way.
 */

export type TriggerName = "new_data" | "drift" | "metric_floor" | "age";

export interface TriggerResult {
  trigger: TriggerName;
  fired: boolean;
  /** One line: why it fired, or why it did not. */
  explanation: string;
}

export interface NewDataThresholds {
  /** Homes the served model never saw. */
  minNewHomes: number;
  /** Or rows it never saw (the same homes observed for longer count here). */
  minNewRows: number;
}

export const DEFAULT_NEW_DATA: Readonly<NewDataThresholds> = Object.freeze({
  minNewHomes: 10,
  minNewRows: 20_000,
});

export interface NewDataInput {
  servedDatasetId: string | null;
  datasetId: string;
  /** Homes of the dataset the served version did not train, validate or test on. */
  newHomes: number;
  /** Rows the served version did not see (rows of new homes, plus rows past its dataset's size for the same homes). */
  newRows: number;
  /** What a row is in the explanation (default "rows"; "candidate pairs" for synergy). */
  rowUnit?: string;
}

/** (a) New data: another dataset than the served one's, adding enough homes or rows. */
export function newDataTrigger(
  input: NewDataInput,
  thresholds: NewDataThresholds = DEFAULT_NEW_DATA,
): TriggerResult {
  const base = { trigger: "new_data" as const };
  if (input.servedDatasetId === input.datasetId) {
    return {
      ...base,
      fired: false,
      explanation: `dataset ${input.datasetId} is the one the served version was trained on`,
    };
  }
  const enough = input.newHomes >= thresholds.minNewHomes || input.newRows >= thresholds.minNewRows;
  const unit = input.rowUnit ?? "rows";
  const counts = `${input.newHomes} new homes, ${input.newRows} new ${unit} (need ${thresholds.minNewHomes} homes or ${thresholds.minNewRows} ${unit})`;
  return {
    ...base,
    fired: enough,
    explanation: enough
      ? `dataset ${input.datasetId} differs from the served ${input.servedDatasetId ?? "(unknown)"} and adds ${counts}`
      : `dataset ${input.datasetId} differs from the served ${input.servedDatasetId ?? "(unknown)"} but adds too little: ${counts}`,
  };
}

/** One served version's drift: null report when it was saved without a training snapshot. */
export interface VersionDrift {
  model: string;
  version: string;
  report: DriftReport | null;
}

const num = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : "n/a");

/** (b) Drift: any served version with a drifted feature (PSI or JS at its threshold) fires it. */
export function driftTrigger(drifts: readonly VersionDrift[]): TriggerResult {
  const base = { trigger: "drift" as const };
  const known = drifts.filter((d) => d.report !== null);
  if (known.length === 0) {
    return {
      ...base,
      fired: false,
      explanation:
        drifts.length === 0
          ? "no served version to compare with"
          : `no training snapshot stored with ${drifts.map((d) => `${d.model} ${d.version}`).join(", ")}: drift unknown (retrain to store one)`,
    };
  }
  const drifted = known.filter((d) => d.report!.drifted.length > 0);
  const t = known[0].report!.thresholds;
  if (drifted.length === 0) {
    return {
      ...base,
      fired: false,
      explanation: `no feature drifted (PSI < ${t.psi}, JS < ${t.jsDivergence} bits) against ${known.map((d) => `${d.model} ${d.version}`).join(", ")}`,
    };
  }
  const parts = drifted.map((d) => {
    const features = d.report!.features.filter((f) => f.drifted);
    return `${d.model} ${d.version}: ${features.map((f) => `${f.feature} (PSI ${num(f.psi)}, JS ${num(f.jsDivergence)})`).join(", ")}`;
  });
  return {
    ...base,
    fired: true,
    explanation: `features drifted against the training snapshot — ${parts.join("; ")}`,
  };
}

export interface MetricFloorInput {
  /** What was measured, e.g. "PR-AUC" or "mean per-home AP". */
  metric: string;
  /** The served model on fresh labelled homes, with its bootstrap interval over homes. */
  interval: Interval | null;
  /** Fresh homes scored. */
  homes: number;
  /** The served version's own validation value of the metric (null: unknown). */
  reference: number | null;
}

export interface MetricFloorThresholds {
  /** Floor = fraction × the served version's validation metric… */
  fraction: number;
  /** …or this absolute floor when given. */
  floor?: number;
  /** Below this many fresh homes the floor is not checked. */
  minHomes: number;
}

export const DEFAULT_METRIC_FLOOR: Readonly<MetricFloorThresholds> = Object.freeze({
  fraction: 0.8,
  minHomes: 5,
});

/**
 * (c) Metric floor: fires when the upper end of the served model's interval on fresh homes
 * lies below the floor — the model is worse than the floor with 95 % confidence, not just
 * on a noisy draw.
 */
export function metricFloorTrigger(
  input: MetricFloorInput,
  thresholds: MetricFloorThresholds = DEFAULT_METRIC_FLOOR,
): TriggerResult {
  const base = { trigger: "metric_floor" as const };
  const floor = thresholds.floor ?? (input.reference !== null ? thresholds.fraction * input.reference : null);
  if (floor === null || !Number.isFinite(floor)) {
    return {
      ...base,
      fired: false,
      explanation: `no floor: the served version records no validation ${input.metric}`,
    };
  }
  const i = input.interval;
  if (input.homes < thresholds.minHomes || !i || !Number.isFinite(i.hi)) {
    return {
      ...base,
      fired: false,
      explanation: `not checked: ${input.homes} fresh labelled homes the served version never trained or validated on (need ${thresholds.minHomes}${i && !Number.isFinite(i.hi) ? " with an interval" : ""})`,
    };
  }
  const where = `${input.metric} ${num(i.estimate)} [${num(i.lo)}, ${num(i.hi)}] on ${input.homes} fresh homes`;
  const floorText =
    thresholds.floor !== undefined
      ? `the floor ${num(floor)}`
      : `the floor ${num(floor)} (${thresholds.fraction} × validation ${num(input.reference!)})`;
  return i.hi < floor
    ? { ...base, fired: true, explanation: `${where}: even the upper bound is below ${floorText}` }
    : { ...base, fired: false, explanation: `${where}: the upper bound reaches ${floorText}` };
}

export interface AgeThresholds {
  maxAgeDays: number;
}

export const DEFAULT_AGE: Readonly<AgeThresholds> = Object.freeze({ maxAgeDays: 30 });

const DAY_MS = 86_400_000;

/** (d) Age: the served version was saved (meta.created_at) longer ago than the limit. */
export function ageTrigger(
  createdAt: string,
  now: Date,
  thresholds: AgeThresholds = DEFAULT_AGE,
): TriggerResult {
  const base = { trigger: "age" as const };
  const saved = Date.parse(createdAt);
  if (Number.isNaN(saved))
    return { ...base, fired: false, explanation: `created_at "${createdAt}" is not a date: age unknown` };
  const days = (now.getTime() - saved) / DAY_MS;
  const age = `${days.toFixed(1)} days old (saved ${createdAt}, limit ${thresholds.maxAgeDays} days)`;
  return days > thresholds.maxAgeDays
    ? { ...base, fired: true, explanation: `the served version is ${age}` }
    : { ...base, fired: false, explanation: `the served version is only ${age}` };
}
