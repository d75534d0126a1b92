/** Reading a verified registry version's report inputs: optional JSON files and meta.json's training summary. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HomeforgeError } from "../../core/errors.js";
import {
  EVALUATION_CURVES_FILE,
  EVALUATION_CURVES_FORMAT,
  type EvaluationCurves,
} from "../../models/failure/evaluationCurves.js";
import type { VersionInfo } from "../../models/registry/types.js";
import type { LossHistory } from "../modelCharts/lossChart.js";

export const obj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

const numbers = (v: unknown): number[] | null =>
  Array.isArray(v) ? v.map((x) => (typeof x === "number" ? x : Number.NaN)) : null;

/** Where a version's file is, as errors name it. */
export function versionPath(info: VersionInfo, file: string): string {
  return `models/${info.name}/${info.version}/${file}`;
}

/** evaluation_curves.json of a classifier version; null when it was saved before training wrote one. */
export function readEvaluationCurves(info: VersionInfo): EvaluationCurves | null {
  const path = join(info.dir, EVALUATION_CURVES_FILE);
  if (!existsSync(path)) return null;
  const where = versionPath(info, EVALUATION_CURVES_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new HomeforgeError(
      where,
      `is not JSON (${(e as Error).message})`,
      "retrain the model to rewrite it",
    );
  }
  return evaluationCurvesOf(parsed, where);
}

/** A router's curves live in metrics.json test_report (added after the run's comparison). */
export function routerCurves(info: VersionInfo): EvaluationCurves | null {
  const curves = obj(obj(info.metrics.test_report)?.curves);
  return curves
    ? evaluationCurvesOf(curves, `${versionPath(info, "metrics.json")} test_report.curves`)
    : null;
}

function evaluationCurvesOf(parsed: unknown, where: string): EvaluationCurves {
  const c = obj(parsed);
  if (c?.format !== EVALUATION_CURVES_FORMAT || c.format_version !== 1 || !Array.isArray(c.scorers))
    throw new HomeforgeError(
      where,
      `is not a ${EVALUATION_CURVES_FORMAT} v1 record`,
      "retrain the model to rewrite it",
    );
  return c as unknown as EvaluationCurves;
}

/** The loss history meta.json's training summary holds (failure classifier and synergy GNN alike). */
export function lossHistoryOf(model: string, training: Record<string, unknown>): LossHistory | null {
  const validation = numbers(training.validation_loss);
  if (!validation || validation.length === 0) return null;
  const best = training.best_epoch;
  return {
    model,
    train: numbers(training.train_loss),
    validation,
    bestEpoch: typeof best === "number" ? best : null,
  };
}
