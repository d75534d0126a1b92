import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HomeforgeError } from "../../core/errors.js";
import {
  DEFAULT_DRIFT_BINS,
  type DriftSnapshot,
  driftSnapshot,
  type FeatureDrift,
  featureDrift,
} from "../evaluation/drift.js";

/**
 * The training snapshot stored with a model version (training_snapshot.json): the
 * distribution of each input feature on the rows the model was trained on, binned by
 * quantile (evaluation/drift.ts). Retraining triggers and `models health` compare new data
 * with it; a version saved without one has no drift to report.
 */
export const TRAINING_SNAPSHOT_FILE = "training_snapshot.json";
export const TRAINING_SNAPSHOT_FORMAT = "homeforge-training-snapshot";

export interface TrainingSnapshot {
  format: typeof TRAINING_SNAPSHOT_FORMAT;
  format_version: 1;
  /** What a row is: "telemetry row" for the failure classifiers, "candidate pair" for synergy. */
  unit: string;
  /** Always the training split: drift is measured against what the model learned from. */
  split: "train";
  rows: number;
  features: DriftSnapshot[];
}

/** Drift thresholds: a feature drifts when either statistic reaches its threshold. */
export interface DriftThresholds {
  /** Population stability index; 0.25 is the classic "major shift" line. */
  psi: number;
  /** Jensen–Shannon divergence, bits. */
  jsDivergence: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: Readonly<DriftThresholds> = Object.freeze({
  psi: 0.25,
  jsDivergence: 0.1,
});

export interface FeatureDriftVerdict extends FeatureDrift {
  drifted: boolean;
}

export interface DriftReport {
  unit: string;
  rows: number;
  thresholds: DriftThresholds;
  /** Every snapshot feature, largest PSI first. */
  features: FeatureDriftVerdict[];
  /** Names of the drifted features, largest PSI first. */
  drifted: string[];
}

/** Snapshots every column of `columns` (feature name → values on training rows, NaN = missing). */
export function trainingSnapshot(
  unit: string,
  columns: Readonly<Record<string, ArrayLike<number>>>,
  bins = DEFAULT_DRIFT_BINS,
): TrainingSnapshot {
  const names = Object.keys(columns);
  const rows = names.length > 0 ? columns[names[0]].length : 0;
  for (const name of names) {
    if (columns[name].length !== rows) {
      throw new HomeforgeError(
        `snapshot.${name}`,
        `has ${columns[name].length} values, the other features ${rows}`,
        "pass one value per training row for every feature",
      );
    }
  }
  return {
    format: TRAINING_SNAPSHOT_FORMAT,
    format_version: 1,
    unit,
    split: "train",
    rows,
    features: names.map((name) => driftSnapshot(name, columns[name], bins)),
  };
}

/** training_snapshot.json as text (what a registry save writes via extraFiles). */
export function trainingSnapshotText(snapshot: TrainingSnapshot): string {
  return `${JSON.stringify(snapshot)}\n`;
}

/** The snapshot stored in a version directory; null when it was saved without one. */
export function readTrainingSnapshot(versionDir: string): TrainingSnapshot | null {
  const path = join(versionDir, TRAINING_SNAPSHOT_FILE);
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new HomeforgeError(
      path,
      `is not JSON (${(e as Error).message})`,
      "retrain the model to rewrite it",
    );
  }
  const s = raw as Partial<TrainingSnapshot>;
  if (s.format !== TRAINING_SNAPSHOT_FORMAT || s.format_version !== 1 || !Array.isArray(s.features)) {
    throw new HomeforgeError(
      path,
      `is not a ${TRAINING_SNAPSHOT_FORMAT} v1 file`,
      "retrain the model to rewrite it",
    );
  }
  return s as TrainingSnapshot;
}

/**
 * Drift of new data against a snapshot, per feature. `columns` must hold every snapshot
 * feature (a missing one is an error naming it: a renamed feature must not pass as stable).
 */
export function snapshotDrift(
  snapshot: TrainingSnapshot,
  columns: Readonly<Record<string, ArrayLike<number>>>,
  thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): DriftReport {
  let rows = 0;
  const features = snapshot.features.map((s): FeatureDriftVerdict => {
    const values = columns[s.feature];
    if (!values) {
      throw new HomeforgeError(
        `drift.${s.feature}`,
        "is in the training snapshot but not in the new data",
        "pass the same features the model was trained on",
      );
    }
    const drift = featureDrift(s, values);
    rows = Math.max(rows, drift.rows);
    return {
      ...drift,
      drifted: drift.psi >= thresholds.psi || drift.jsDivergence >= thresholds.jsDivergence,
    };
  });
  features.sort((a, b) => b.psi - a.psi || a.feature.localeCompare(b.feature));
  return {
    unit: snapshot.unit,
    rows,
    thresholds: { ...thresholds },
    features,
    drifted: features.filter((f) => f.drifted).map((f) => f.feature),
  };
}
