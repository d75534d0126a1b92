import { calibrationReport } from "../evaluation/calibration.js";
import { type PolicyCheck, promoteIfPassed } from "../evaluation/evaluator.js";
import { telemetrySnapshot } from "../lifecycle/snapshotColumns.js";
import { TRAINING_SNAPSHOT_FILE, trainingSnapshotText } from "../lifecycle/trainingSnapshot.js";
import { ModelRegistry } from "../registry/registry.js";
import { selectRows } from "../tableInput.js";
import { FIXED_RULE } from "./baselines.js";
import { EVALUATION_CURVES_FILE, evaluationCurvesText } from "./evaluationCurves.js";
import type { FailureClassifier } from "./failureClassifier.js";
import { FAILURE_CLASSIFIER_KIND } from "./failureKind.js";
import type { FittedFailureModels } from "./fitFailureModels.js";
import { ROUTING_METRIC, type RoutingDecision, TRAINING_DECISIONS } from "./routing.js";
import { classifierTestCurves } from "./testCurves.js";
import type { TrainingSplit } from "./trainingSplit.js";
import type { RegisteredModel, RegisterStepOptions } from "./trainingTypes.js";

/**
 * Step 4 of trainHomeTypes: saves `<prefix>-global` and `<prefix>-<home type>` with their
 * metrics (test and validation, next to the baselines), the split, the dataset, which split
 * each decision read (`decisions`) and, per type, the routing decision; evaluates each
 * against its production version (what is served today) on the same VALIDATION homes and
 * promotes what passes. A per-type candidate also needs routing to serve it (it beats the
 * global model on its type's validation homes). Test rows are only scored for the report
 * (metrics.json test, evaluation_curves.json).
 */
export async function registerFailureModels(
  split: TrainingSplit,
  fitted: FittedFailureModels,
  routing: readonly RoutingDecision[],
  options: RegisterStepOptions,
): Promise<RegisteredModel[]> {
  const progress = options.onProgress ?? (() => {});
  const { global, rule, logistic, perType } = fitted;
  const { seed } = options;
  const splitJson = `${JSON.stringify(split.split, null, 2)}\n`;
  const registry = new ModelRegistry(options.modelsDir, { onWarning: (m) => progress(`registry: ${m}`) });
  const jobs = [
    { name: `${options.prefix}-global`, model: global, ms: fitted.globalMs, type: null as string | null },
    ...[...perType].map(([type, { model, ms }]) => ({ name: `${options.prefix}-${type}`, model, ms, type })),
  ];
  const registered: RegisteredModel[] = [];
  for (const job of jobs) {
    const test = split.rowsOf("test", job.type);
    const validation = split.rowsOf("validation", job.type);
    const route = job.type ? routing.find((r) => r.home_type === job.type) : undefined;
    const metrics = {
      home_type: job.type ?? "all",
      decisions: TRAINING_DECISIONS,
      ...(route ? { routing: route } : {}),
      test: scoredWithCalibration(split, job.model, test),
      validation: scoredWithCalibration(split, job.model, validation),
      baselines: {
        fixed_rule: split.score(rule, test),
        logistic_regression: split.score(logistic, test),
        logistic_regression_matched: split.score(fitted.logisticMatched, test),
        boosted_trees_matched: split.score(fitted.ensemble, test),
        ...(job.type ? { global_model: split.score(global, test) } : {}),
      },
      fixed_rule: FIXED_RULE,
      split: { seed, fractions: split.split.fractions, counts: split.split.counts },
    };
    const saved = await registry.saveModel(job.name, FAILURE_CLASSIFIER_KIND, job.model, {
      metrics,
      dataset: options.dataset,
      extraFiles: {
        "split.json": splitJson,
        // the raw telemetry of the rows it was trained on, for drift checks (retraining, health)
        [TRAINING_SNAPSHOT_FILE]: trainingSnapshotText(
          telemetrySnapshot(split.table, split.rowsOf("train", job.type)),
        ),
        // ROC / PR points, reliability bins, confusion counts on test homes: for the report only
        [EVALUATION_CURVES_FILE]: evaluationCurvesText(
          classifierTestCurves(split, fitted, job.model, job.name, job.type),
        ),
      },
      lineageRunId: options.lineageRunId ?? null,
      trainingDurationMs: Math.round(job.ms),
    });
    const extraChecks: PolicyCheck[] = route
      ? [
          {
            kind: "routing",
            metric: ROUTING_METRIC,
            candidate: route.validation.per_type?.[ROUTING_METRIC] ?? Number.NaN,
            production: null,
            limit: route.validation.global[ROUTING_METRIC],
            passed: route.served === "per_type",
            message: `routing (validation homes): ${route.served === "per_type" ? "served" : "the global model is served"}: ${route.reason}`,
          },
        ]
      : [];
    const { verdict, promoted } = await promoteIfPassed({
      registry,
      name: job.name,
      candidate: saved.version,
      data: selectRows(split.table, validation),
      features: split.at(validation),
      split: "validation",
      extraChecks,
      description: `validation homes of ${job.type ?? "every home type"} (seed ${seed}), candidate vs what is served today`,
      policy: options.policy,
      lineageRunId: options.lineageRunId ?? null,
      onVerdict: options.onVerdict,
    });
    progress(
      `${job.name} ${saved.version}: ${promoted ? "promoted to production" : `not promoted (${verdict.blocked_by.join("; ")})`}`,
    );
    const entry: RegisteredModel = {
      name: job.name,
      version: saved.version,
      promoted,
      passed: verdict.passed,
      blocked_by: verdict.blocked_by,
    };
    registered.push(entry);
    await options.onRegistered?.({
      ...entry,
      dir: saved.dir,
      weights_sha256: saved.meta.weights_sha256 ?? "",
      kind: saved.meta.kind,
    });
  }
  return registered;
}

/**
 * The model's metrics on `rows` plus its calibration there: method, Brier score, ECE (also
 * of the raw network output) and the reliability points. On test rows: reported only.
 */
function scoredWithCalibration(split: TrainingSplit, model: FailureClassifier, rows: Int32Array) {
  const labels = split.labelsOf(rows);
  const calibration = calibrationReport(
    labels,
    model.predictProba(split.set, rows),
    model.calibrator?.method ?? "none",
    model.predictRaw(split.set, rows),
  );
  return { ...split.score(model, rows), calibration };
}
