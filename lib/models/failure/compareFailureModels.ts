import { type BinaryMetrics, binaryMetrics } from "../evaluation/metrics.js";
import type { FittedFailureModels } from "./fitFailureModels.js";
import type { TrainingSplit } from "./trainingSplit.js";
import type { ComparedModel, HomeTypeComparison, Lift } from "./trainingTypes.js";

/**
 * Step 3 of trainHomeTypes: every model and both baselines on the same test homes, per home
 * type and for all of them ("all", where per_type routes each row to its type's model).
 */
export function compareFailureModels(
  split: TrainingSplit,
  fitted: FittedFailureModels,
): HomeTypeComparison[] {
  const { global, rule, logistic, perType } = fitted;
  const notes = new Map(fitted.notes);
  const comparison: HomeTypeComparison[] = [];
  for (const type of split.types) {
    const test = split.rowsOf("test", type);
    if (test.length === 0) {
      notes.set(type, `${notes.get(type) ?? ""}${notes.has(type) ? "; " : ""}no test homes`);
      continue;
    }
    const own = perType.get(type)?.model;
    const models: Record<ComparedModel, BinaryMetrics | null> = {
      per_type: own ? split.score(own, test) : null,
      global: split.score(global, test),
      rule: split.score(rule, test),
      logistic: split.score(logistic, test),
    };
    comparison.push(comparisonRow(type, models, notes.get(type)));
  }
  comparison.push(
    comparisonRow(
      "all",
      allTypesScores(split, fitted),
      "per_type routes each test row to its home type's model (global where none)",
    ),
  );
  return comparison;
}

function allTypesScores(
  split: TrainingSplit,
  { global, rule, logistic, perType }: FittedFailureModels,
): Record<ComparedModel, BinaryMetrics | null> {
  const { set } = split;
  const test = split.rows.test;
  const proba = global.predictProba(set, test);
  const decided = new Uint8Array(test.length);
  decided.set(global.predict(set, test));
  for (const [type, { model }] of perType) {
    const idx: number[] = [];
    for (let k = 0; k < test.length; k++) if (set.homeTypes[test[k]] === type) idx.push(k);
    const p = model.predictProba(
      set,
      Int32Array.from(idx, (k) => test[k]),
    );
    idx.forEach((k, j) => {
      proba[k] = p[j];
      decided[k] = p[j] >= model.threshold ? 1 : 0;
    });
  }
  // the routed models keep their own thresholds: score decisions as 0/1 at 0.5, AUCs on probabilities
  const labels = split.labelsOf(test);
  const routed = binaryMetrics(labels, proba, 0.5);
  const atDecisions = binaryMetrics(labels, decided, 0.5);
  return {
    per_type:
      perType.size > 0
        ? { ...atDecisions, roc_auc: routed.roc_auc, pr_auc: routed.pr_auc, threshold: Number.NaN }
        : null,
    global: split.score(global, test),
    rule: split.score(rule, test),
    logistic: split.score(logistic, test),
  };
}

/** One comparison row: the metrics, the per-type-beats-global flag and each model's lift. */
export function comparisonRow(
  type: string,
  models: Record<ComparedModel, BinaryMetrics | null>,
  note?: string,
): HomeTypeComparison {
  const sub = (a: BinaryMetrics, b: BinaryMetrics) => ({ pr_auc: a.pr_auc - b.pr_auc, f1: a.f1 - b.f1 });
  const lift = (m: BinaryMetrics | null): Lift | null =>
    m ? { over_rule: sub(m, models.rule!), over_logistic: sub(m, models.logistic!) } : null;
  return {
    home_type: type,
    samples: models.global!.samples,
    positives: models.global!.positives,
    models,
    per_type_beats_global: models.per_type ? models.per_type.pr_auc > models.global!.pr_auc : null,
    lift: { per_type: lift(models.per_type), global: lift(models.global) },
    ...(note ? { note } : {}),
  };
}
