import { FixedRuleBaseline, LogisticRegressionBaseline } from "./baselines.js";
import { BoostedTreesBaseline } from "./ensembleBaseline.js";
import { FailureClassifier, type FailureClassifierParams } from "./failureClassifier.js";
import type { TrainingSplit } from "./trainingSplit.js";

export type PerTypeTraining = "fine_tune" | "from_scratch";

/** Step 2 of trainHomeTypes: the global model, the baselines and one model per home type. */
export interface FittedFailureModels {
  global: FailureClassifier;
  globalMs: number;
  rule: FixedRuleBaseline;
  logistic: LogisticRegressionBaseline;
  /** Logistic regression on the classifier's own features (the feature-matched baseline). */
  logisticMatched: LogisticRegressionBaseline;
  /** Gradient-boosted trees on the classifier's own features (the non-neural matched baseline). */
  ensemble: BoostedTreesBaseline;
  /** Home types with enough training failures, with their model and fit time. */
  perType: Map<string, { model: FailureClassifier; ms: number }>;
  /** Why a home type has no model of its own. */
  notes: Map<string, string>;
}

export interface FitFailureModelsOptions {
  params: Partial<FailureClassifierParams>;
  /** A home type needs this many failing device-days in its training homes for its own model. */
  minTrainPositives?: number;
  /**
   * How a home type's own model is built: "fine_tune" (default) starts from the global model's
   * network and standardizer and trains on the type's training homes at the params'
   * fineTuneLearningRate, early-stopped on the type's validation homes; "from_scratch" trains
   * a fresh network on the type's homes only.
   */
  perType?: PerTypeTraining;
  onProgress?: (message: string) => void;
}

/** Fits, in this order (which the seeded results do not depend on, but keep it): global, logistic, boosted trees, per type. */
export async function fitFailureModels(
  split: TrainingSplit,
  options: FitFailureModelsOptions,
): Promise<FittedFailureModels> {
  const progress = options.onProgress ?? (() => {});
  const { rows, at } = split;
  const timed = async (
    c: FailureClassifier,
    train: Int32Array,
    validation: Int32Array,
    warmStart?: { model: FailureClassifier; from: string },
  ) => {
    const started = performance.now();
    await c.fitFeatures(at(train), at(validation), { warmStart });
    return performance.now() - started;
  };

  progress("training the global model");
  const global = new FailureClassifier(options.params);
  const globalMs = await timed(global, rows.train, rows.validation);
  progress("training the logistic-regression baseline");
  const logistic = new LogisticRegressionBaseline({ ...options.params, features: "today" });
  await timed(logistic, rows.train, rows.validation);
  progress("training the feature-matched logistic-regression baseline");
  const logisticMatched = new LogisticRegressionBaseline({
    ...options.params,
    features: options.params.features ?? "full",
  });
  await timed(logisticMatched, rows.train, rows.validation);
  progress("training the gradient-boosted-trees baseline");
  const ensemble = new BoostedTreesBaseline({
    features: options.params.features ?? "full",
    context: global.usesContext,
    ...(options.params.seed !== undefined ? { seed: options.params.seed } : {}),
  });
  await ensemble.fitFeatures(at(rows.train), at(rows.validation));
  const rule = await new FixedRuleBaseline().fit(split.table);

  const perType = new Map<string, { model: FailureClassifier; ms: number }>();
  const notes = new Map<string, string>();
  const minPositives = options.minTrainPositives ?? 10;
  for (const type of split.types) {
    const train = split.rowsOf("train", type);
    const validation = split.rowsOf("validation", type);
    const positives = split.labelsOf(train).reduce((n, v) => n + v, 0);
    if (positives < minPositives || validation.length === 0) {
      const counts = split.split.counts[type];
      notes.set(
        type,
        `no per-type model: ${positives} failing device-days in ${counts.train} training homes (need ${minPositives}) and ${counts.validation} validation homes`,
      );
      continue;
    }
    const fineTune = (options.perType ?? "fine_tune") === "fine_tune";
    progress(`${fineTune ? "fine-tuning the global model for" : "training"} the ${type} model`);
    const model = new FailureClassifier(options.params);
    const warmStart = fineTune ? { model: global, from: "global" } : undefined;
    perType.set(type, { model, ms: await timed(model, train, validation, warmStart) });
  }
  return { global, globalMs, rule, logistic, logisticMatched, ensemble, perType, notes };
}

/** Frees every fitted model's tensors. */
export function disposeFailureModels(fitted: FittedFailureModels): void {
  fitted.global.dispose();
  fitted.logistic.dispose();
  fitted.logisticMatched.dispose();
  fitted.ensemble.dispose();
  for (const { model } of fitted.perType.values()) model.dispose();
}
