import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { DEFAULTS } from "../../core/defaults.js";
import { HomeforgeError } from "../../core/errors.js";
import { deriveSeed, Rng } from "../../core/random.js";
import {
  type Calibrator,
  type CalibratorJSON,
  calibratorFromJSON,
  makeCalibrator,
  PlattCalibrator,
} from "../evaluation/calibration.js";
import { chooseThreshold, type ThresholdChoice } from "../evaluation/metrics.js";
import { fileSystemIO } from "../registry/fileIO.js";
import { type TelemetryInput, toColumnTable } from "../tableInput.js";
import { loadTf, requireTf, type Tf } from "../tf.js";
import { averagePrecision, type FailureEstimator, isFeatureSet, labelsOf } from "./estimator.js";
import {
  buildFeatures,
  DEFAULT_WINDOW,
  type FeatureSet,
  type FeatureSpec,
  featureIndices,
  isContextFeature,
  TODAY_FEATURES,
  withoutContext,
} from "./features.js";
import { Standardizer, type StandardizerState } from "./standardizer.js";
import { allRows, type FeatureRows, tableFitRows } from "./tableFitRows.js";

export interface FailureClassifierParams {
  /** Hidden layer sizes; [] is logistic regression. */
  hiddenUnits: number[];
  /** "full": today + rolling windows + one-hots (+ context); "today": the 11 telemetry features only. */
  features: "full" | "today";
  /**
   * With "full" features: also read the home's context (home_type, size_category,
   * climate_zone one-hots and floors). Off by default: on the default dataset it lowered
   * validation PR-AUC, before and after failures came to depend on the home
   * (docs/notes/context.md, docs/notes/measure.md). Models saved before this param load with false.
   */
  context: boolean;
  /** Rolling window in days. */
  window: number;
  learningRate: number;
  /** L2 penalty on kernels (instead of dropout, whose seeded masks repeat every batch in tfjs). */
  l2: number;
  epochs: number;
  /** Rows per step; "auto" scales with the training rows (about 100 steps an epoch, 64…2048). */
  batchSize: number | "auto";
  /** Epochs without validation-loss improvement before stopping. */
  patience: number;
  /**
   * "none" by default: on the default dataset (generator v3) plain cross-entropy beat balanced
   * weights on validation homes for every seed tried (docs/notes/measure.md); the calibrator
   * maps either onto failure rates.
   */
  classWeight: "balanced" | "none";
  /** Training loss: binary cross-entropy, or focal loss (down-weights easy rows by (1 − p_t)^focalGamma). */
  loss: "cross_entropy" | "focal";
  focalGamma: number;
  /** Learning rate when fit starts from another fitted classifier's weights (FitOptions.warmStart). */
  fineTuneLearningRate: number;
  /** Share of homes held out for validation when fit() is given no validation data. */
  validationFraction: number;
  seed: number;
  /**
   * How fit calibrates the network's output on the validation rows: "platt" (default;
   * strictly increasing, so ranking metrics stay as they are), "isotonic" (any monotone
   * distortion, but it creates ties) or "none".
   */
  calibration: CalibrationChoice;
}

export type CalibrationChoice = "platt" | "isotonic" | "none";
export const CALIBRATION_CHOICES: readonly CalibrationChoice[] = ["platt", "isotonic", "none"];

export const DEFAULT_CLASSIFIER_PARAMS: FailureClassifierParams = {
  hiddenUnits: [32, 16],
  features: "full",
  context: false,
  window: DEFAULT_WINDOW,
  learningRate: 0.003,
  l2: 1e-4,
  epochs: DEFAULTS.classifierEpochs,
  batchSize: "auto",
  patience: 4,
  classWeight: "none",
  loss: "cross_entropy",
  focalGamma: 2,
  fineTuneLearningRate: 0.001,
  validationFraction: 0.2,
  seed: DEFAULTS.seed,
  calibration: "platt",
};

export interface TrainingSummary {
  backend: string;
  train_rows: number;
  train_positives: number;
  validation_rows: number;
  validation_positives: number;
  class_weight: { 0: number; 1: number };
  batch_size: number;
  epochs_run: number;
  best_epoch: number;
  stopped_early: boolean;
  validation_loss: number[];
  /**
   * Training loss per epoch as fit reports it: the running mean over the epoch's batches,
   * class-weighted, with the L2 penalty (free to record; absent in models saved before it was).
   */
  train_loss?: number[];
  /** The decision threshold, chosen for best F1 on the calibrated validation probabilities. */
  threshold: ThresholdChoice;
  /** The calibration fitted on the validation rows ("none" with a note when it could not be). */
  calibration?: { method: CalibrationChoice; note?: string };
  /** Set when fit started from another classifier's network and standardizer (fine-tuning). */
  warm_start?: WarmStartSummary | null;
}

/** How a fine-tuned model started: from whom, at which learning rate, at which loss. */
export interface WarmStartSummary {
  from: string;
  learning_rate: number;
  /** Validation loss of the copied network before any fine-tuning step (epoch 0). */
  initial_validation_loss: number;
  /** Fine-tuning never beat the copied network on validation, so its weights were kept. */
  kept_initial_weights: boolean;
}

export const PREPROCESS_FILE = "preprocess.json";
export const PREPROCESS_FORMAT = "homeforge-failure-classifier";

/** preprocess.json: everything besides the network needed to score telemetry. */
export interface FailurePreprocess {
  format: typeof PREPROCESS_FORMAT;
  /** 2 adds `calibrator`; version 1 files load as uncalibrated. */
  format_version: 1 | 2;
  label: "fails_within_7d";
  feature_spec: FeatureSpec;
  features: string[];
  standardizer: StandardizerState;
  threshold: number;
  params: FailureClassifierParams;
  training: TrainingSummary | null;
  /** Maps the network's output to calibrated probabilities (null: the output is served as is). */
  calibrator: CalibratorJSON | null;
}

export type { FeatureRows } from "./tableFitRows.js";

export interface FitOptions {
  /** Validation data; by default a seeded, home-stratified share of `data`'s homes. */
  validation?: TelemetryInput;
  onEpoch?: (epoch: number, validationLoss: number) => void;
  /**
   * Fine-tune: start from this fitted classifier's network weights and standardizer (same
   * features and hidden units) and train at `fineTuneLearningRate`. Early stopping counts the
   * copied network as epoch 0, so a fine-tune that never helps on validation keeps its weights.
   */
  warmStart?: { model: FailureClassifier; from: string };
}

const PREDICT_BATCH = 8192;

/**
 * Predicts whether a device fails within 7 days, from telemetry. scikit-learn style (see
 * FailureEstimator): `await new FailureClassifier(params).fit(telemetry)`, then
 * `predictProba`, `predict`, `score` (average precision), `save(dir)`,
 * `FailureClassifier.load(dir)`. A TensorFlow.js MLP with seeded initialisers, seeded
 * shuffling, class weighting and early stopping on validation loss (best weights restored);
 * the decision threshold is chosen on validation data, never test data. Learned state is
 * read-only: fit and load set it.
 *
 * TensorFlow.js loads on the first fit or load (see ../tf.ts), which also picks the backend
 * unless chooseBackend() already did; constructing one loads nothing.
 */
export class FailureClassifier implements FailureEstimator<FailureClassifierParams> {
  readonly params: Readonly<FailureClassifierParams>;
  #model: tf.LayersModel | null = null;
  #featureSpec: FeatureSpec | null = null;
  #featureNames: string[] = [];
  #standardizer: Standardizer | null = null;
  #threshold = 0.5;
  #training: TrainingSummary | null = null;
  #calibrator: Calibrator | null = null;

  constructor(params: Partial<FailureClassifierParams> = {}) {
    this.params = Object.freeze({ ...DEFAULT_CLASSIFIER_PARAMS, ...params });
    if (!CALIBRATION_CHOICES.includes(this.params.calibration))
      throw new HomeforgeError(
        "calibration",
        `is ${JSON.stringify(this.params.calibration)}`,
        `use one of ${CALIBRATION_CHOICES.map((c) => `"${c}"`).join(", ")}`,
      );
  }

  /** The fitted network (null before fit or load). */
  get network(): tf.LayersModel | null {
    return this.#model;
  }
  get featureSpec(): FeatureSpec | null {
    return this.#featureSpec;
  }
  /** The features the network reads, in order. */
  get featureNames(): readonly string[] {
    return this.#featureNames;
  }
  get standardizer(): Standardizer | null {
    return this.#standardizer;
  }
  /** Maps the network's output to predictProba's probabilities (null: uncalibrated). */
  get calibrator(): Calibrator | null {
    return this.#calibrator;
  }
  /** The decision threshold, best F1 on the calibrated validation probabilities (0.5 before fit). */
  get threshold(): number {
    return this.#threshold;
  }
  /** What fit did (null before fit; a loaded model carries its saved summary). */
  get training(): TrainingSummary | null {
    return this.#training;
  }
  get fitted(): boolean {
    return this.#model !== null && this.#standardizer !== null;
  }
  /** Whether fit reads the home's context features ("full" features with context on). */
  get usesContext(): boolean {
    return this.params.features === "full" && this.params.context;
  }

  /** Fits on a telemetry table: a ColumnTable, an apache-arrow Table or a danfo DataFrame. */
  async fit(data: TelemetryInput, options: FitOptions = {}): Promise<this> {
    const rows = tableFitRows(data, options.validation, { ...this.params, context: this.usesContext });
    return this.fitFeatures(rows.train, rows.validation, options);
  }

  /** Fits on prepared feature rows (the train and validation rows of a home split). */
  async fitFeatures(
    train: FeatureRows,
    validation: FeatureRows,
    options: Pick<FitOptions, "onEpoch" | "warmStart"> = {},
  ): Promise<this> {
    const tf = await loadTf();
    await tf.ready();
    const p = this.params;
    const warm = options.warmStart ? warmStartOf(options.warmStart.model, p) : null;
    if (warm) {
      this.#featureSpec = warm.featureSpec;
      this.#featureNames = [...warm.featureNames];
    } else {
      if (this.usesContext && !train.set.spec.context)
        throw new HomeforgeError(
          "context",
          "the feature set has no context features",
          "build it with featureSpecFor(table, { context: true }), or fit with context: false",
        );
      this.#featureSpec = this.usesContext ? train.set.spec : withoutContext(train.set.spec);
      this.#featureNames =
        p.features === "today"
          ? [...TODAY_FEATURES]
          : train.set.names.filter((name) => this.usesContext || !isContextFeature(name));
    }
    const trainColumns = this.columnsOf(train.set);
    const validationColumns = this.columnsOf(validation.set);
    const standardizer = warm
      ? new Standardizer(warm.standardizer.toJSON())
      : Standardizer.fit(trainColumns, train.rows);
    this.#standardizer = standardizer;

    const trainLabels = labelsAt(train.set, train.rows);
    const positives = count(trainLabels);
    const negatives = trainLabels.length - positives;
    if (positives === 0 || negatives === 0) {
      throw new HomeforgeError(
        "data",
        `the training rows hold ${positives} failing and ${negatives} healthy device-days; both classes are needed`,
        "train on more homes or more days, so some devices fail within the window",
      );
    }
    const classWeight =
      p.classWeight === "balanced"
        ? { 0: trainLabels.length / (2 * negatives), 1: trainLabels.length / (2 * positives) }
        : { 0: 1, 1: 1 };

    this.#model?.dispose();
    const model = buildNetwork(
      tf,
      this.featureNames.length,
      p,
      warm ? p.fineTuneLearningRate : p.learningRate,
    );
    this.#model = model;
    const d = this.featureNames.length;
    const validationX = standardizer.transformRows(validationColumns, validation.rows);
    const validationLabels = labelsAt(validation.set, validation.rows);
    const canStopEarly = validation.rows.length > 0;

    const batchSize = resolveBatchSize(p.batchSize, trainLabels.length);
    const losses: number[] = [];
    const trainLosses: number[] = [];
    let best = Number.POSITIVE_INFINITY;
    let bestEpoch = -1;
    let bestWeights: tf.Tensor[] | null = null;
    let warmStart: WarmStartSummary | null = null;
    if (warm && options.warmStart) {
      // the copied network is epoch 0: fine-tuning must beat it on validation to replace it
      model.setWeights(warm.network.getWeights());
      const initial = canStopEarly
        ? weightedLogLoss(validationLabels, this.predictMatrix(validationX), classWeight)
        : Number.NaN;
      warmStart = {
        from: options.warmStart.from,
        learning_rate: p.fineTuneLearningRate,
        initial_validation_loss: initial,
        kept_initial_weights: false,
      };
      if (canStopEarly) {
        best = initial;
        bestWeights = model.getWeights().map((w) => w.clone());
      }
    }
    let stale = 0;
    let epoch = 0;
    for (; epoch < p.epochs; epoch++) {
      const order = Uint32Array.from(train.rows);
      shuffleInPlace(order, Rng.derive(p.seed, "shuffle", epoch));
      const x = tf.tensor2d(standardizer.transformRows(trainColumns, order), [order.length, d]);
      const y = tf.tensor2d(labelsAt(train.set, order), [order.length, 1]);
      try {
        const history = await model.fit(x, y, {
          epochs: 1,
          batchSize,
          shuffle: false,
          classWeight,
          verbose: 0,
        });
        trainLosses.push(Number(history.history.loss[0]));
      } finally {
        x.dispose();
        y.dispose();
      }
      if (!canStopEarly) continue;
      const loss = weightedLogLoss(validationLabels, this.predictMatrix(validationX), classWeight);
      losses.push(loss);
      options.onEpoch?.(epoch, loss);
      if (loss < best - 1e-5) {
        best = loss;
        bestEpoch = epoch;
        stale = 0;
        for (const w of bestWeights ?? []) w.dispose();
        bestWeights = model.getWeights().map((w) => w.clone());
      } else if (++stale >= p.patience) {
        epoch++;
        break;
      }
    }
    if (bestWeights) {
      model.setWeights(bestWeights);
      for (const w of bestWeights) w.dispose();
    }
    if (warmStart) warmStart.kept_initial_weights = canStopEarly && bestEpoch === -1;
    // calibrate on the validation rows, then choose the threshold on the calibrated probabilities
    const validationRaw = this.predictMatrix(validationX);
    const calibration = this.fitCalibration(validationLabels, validationRaw);
    const choice = chooseThreshold(validationLabels, this.calibrate(validationRaw));
    this.#threshold = choice.threshold;
    this.#training = {
      backend: tf.getBackend(),
      train_rows: trainLabels.length,
      train_positives: positives,
      validation_rows: validationLabels.length,
      validation_positives: count(validationLabels),
      class_weight: classWeight,
      batch_size: batchSize,
      epochs_run: epoch,
      best_epoch: canStopEarly ? bestEpoch + 1 : epoch,
      stopped_early: epoch < p.epochs,
      validation_loss: losses,
      train_loss: trainLosses,
      threshold: choice,
      calibration,
      warm_start: warmStart,
    };
    return this;
  }

  /**
   * Learns the calibrator on the validation rows (those of early stopping and the threshold).
   * Skipped, with a note, when they hold only one class, or when Platt's slope comes out ≤ 0
   * (that would reverse the ranking the network learned).
   */
  private fitCalibration(
    labels: Float32Array,
    raw: Float32Array,
  ): NonNullable<TrainingSummary["calibration"]> {
    this.#calibrator = null;
    const method = this.params.calibration;
    if (method === "none") return { method };
    const positives = count(labels);
    if (positives === 0 || positives === labels.length)
      return {
        method: "none",
        note: `the validation rows hold ${positives} of ${labels.length} positives: not calibrated`,
      };
    const calibrator = makeCalibrator(method).fit(labels, raw);
    if (calibrator instanceof PlattCalibrator && !(calibrator.slope > 0))
      return {
        method: "none",
        note: `Platt slope ${calibrator.slope} ≤ 0 on the validation rows: not calibrated`,
      };
    this.#calibrator = calibrator;
    return { method };
  }

  /** The calibrated probabilities of raw network output (the output itself when uncalibrated). */
  private calibrate(raw: Float32Array): Float32Array {
    return this.#calibrator ? Float32Array.from(this.#calibrator.transform(raw)) : raw;
  }

  /** Probability of failure within 7 days, per row (all rows, or `rows` of a feature set), calibrated. */
  predictProba(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): Float32Array {
    return this.calibrate(this.predictRaw(data, rows));
  }

  /** The network's own output, before calibration (what predictProba was before issue 12). */
  predictRaw(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): Float32Array {
    const { model, standardizer } = this.learned();
    if (isFeatureSet(data)) {
      const columns = this.columnsOf(data);
      return this.predictMatrix(standardizer.transformRows(columns, rows ?? allRows(data.rows)), model);
    }
    const table = toColumnTable(data, undefined, { labelOptional: true });
    const set = buildFeatures(table, this.featureSpec!);
    return this.predictMatrix(
      standardizer.transformRows(this.columnsOf(set), rows ?? allRows(set.rows)),
      model,
    );
  }

  /** 0/1 per row: probability ≥ the threshold chosen on validation data. */
  predict(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): Uint8Array {
    const proba = this.predictProba(data, rows);
    return Uint8Array.from(proba, (v) => (v >= this.threshold ? 1 : 0));
  }

  /** Average precision (PR-AUC) of predictProba against `fails_within_7d` on the given rows. */
  score(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): number {
    return averagePrecision(labelsOf(data, rows), this.predictProba(data, rows));
  }

  /** Writes model.json + weights.bin (tf.loadLayersModel format) and preprocess.json into `dir`. */
  async save(dir: string): Promise<void> {
    const { model } = this.learned();
    await loadTf();
    mkdirSync(dir, { recursive: true });
    await model.save(fileSystemIO(dir));
    writeFileSync(join(dir, PREPROCESS_FILE), `${JSON.stringify(this.preprocess(), null, 2)}\n`);
  }

  preprocess(): FailurePreprocess {
    const { standardizer } = this.learned();
    return {
      format: PREPROCESS_FORMAT,
      format_version: 2,
      label: "fails_within_7d",
      feature_spec: this.featureSpec!,
      features: [...this.featureNames],
      standardizer: standardizer.toJSON(),
      threshold: this.threshold,
      params: { ...this.params },
      training: this.training,
      calibrator: this.#calibrator?.toJSON() ?? null,
    };
  }

  /** A classifier saved by `save` (or a registry version's directory). */
  static async load(dir: string): Promise<FailureClassifier> {
    const pre = readPreprocess(dir);
    return new FailureClassifier(pre.params).restore(dir, pre);
  }

  /** Sets the learned state from a saved directory; for load() and subclasses' loaders. */
  protected async restore(dir: string, pre: FailurePreprocess): Promise<this> {
    const tf = await loadTf();
    this.#model?.dispose();
    this.#model = await tf.loadLayersModel(fileSystemIO(dir));
    this.#featureSpec = pre.feature_spec;
    this.#featureNames = pre.features;
    this.#standardizer = new Standardizer(pre.standardizer);
    this.#threshold = pre.threshold;
    this.#training = pre.training;
    this.#calibrator = pre.calibrator ? calibratorFromJSON(pre.calibrator) : null;
    return this;
  }

  dispose(): void {
    this.#model?.dispose();
    this.#model = null;
  }

  private learned(): { model: tf.LayersModel; standardizer: Standardizer } {
    if (!this.#model || !this.#standardizer) {
      throw new HomeforgeError("model", "the classifier is not fitted", "call fit() or load() first");
    }
    return { model: this.#model, standardizer: this.#standardizer };
  }

  private columnsOf(set: FeatureSet): Float32Array[] {
    return featureIndices(set, this.featureNames).map((i) => set.columns[i]);
  }

  private predictMatrix(x: Float32Array, model = this.#model!): Float32Array {
    const tf = requireTf("the failure classifier");
    const d = this.featureNames.length;
    const n = x.length / d;
    const out = new Float32Array(n);
    for (let start = 0; start < n; start += PREDICT_BATCH) {
      const end = Math.min(n, start + PREDICT_BATCH);
      tf.tidy(() => {
        const input = tf.tensor2d(x.subarray(start * d, end * d), [end - start, d]);
        // predict's own default batch of 32 rows is ~20× slower than one call per chunk
        out.set(
          (model.predict(input, { batchSize: end - start }) as tf.Tensor).dataSync() as Float32Array,
          start,
        );
      });
    }
    return out;
  }
}

/** preprocess.json of a saved classifier, checked to be one. */
export function readPreprocess(dir: string): FailurePreprocess {
  let pre: FailurePreprocess;
  try {
    pre = JSON.parse(readFileSync(join(dir, PREPROCESS_FILE), "utf8"));
  } catch (e) {
    throw new HomeforgeError(
      "model",
      `cannot read ${join(dir, PREPROCESS_FILE)} (${(e as Error).message.split("\n")[0]})`,
      "point at a directory written by FailureClassifier.save or the model registry",
    );
  }
  if (pre?.format !== PREPROCESS_FORMAT) {
    throw new HomeforgeError(
      "model",
      `${join(dir, PREPROCESS_FILE)} is not a failure-classifier preprocess file`,
      "load it with the loader of its model kind",
    );
  }
  // saved before the context param: its features hold no context, which context: false says
  if (pre.params && pre.params.context === undefined) pre.params = { ...pre.params, context: false };
  if (pre.format_version === 1) {
    // before calibration: served uncalibrated, and its params say so
    return { ...pre, format_version: 1, params: { ...pre.params, calibration: "none" }, calibrator: null };
  }
  if (pre.format_version !== 2) {
    throw new HomeforgeError(
      "model",
      `${join(dir, PREPROCESS_FILE)} has format_version ${JSON.stringify(pre.format_version)}, which this homeforge does not read (1 or 2)`,
      "load it with the homeforge version that saved it, or train the model again",
    );
  }
  return pre;
}

/** The fitted classifier a fine-tune starts from, checked to fit the new model's shape. */
function warmStartOf(
  source: FailureClassifier,
  p: FailureClassifierParams,
): {
  network: tf.LayersModel;
  standardizer: Standardizer;
  featureSpec: FeatureSpec;
  featureNames: readonly string[];
} {
  const network = source.network;
  const standardizer = source.standardizer;
  const featureSpec = source.featureSpec;
  if (!network || !standardizer || !featureSpec)
    throw new HomeforgeError(
      "warmStart",
      "the classifier to start from is not fitted",
      "fit or load it first",
    );
  const units = source.params.hiddenUnits;
  if (units.length !== p.hiddenUnits.length || units.some((u, k) => u !== p.hiddenUnits[k]))
    throw new HomeforgeError(
      "warmStart",
      `the classifier to start from has hidden units [${units.join(", ")}], this one [${p.hiddenUnits.join(", ")}]`,
      "give both the same hiddenUnits",
    );
  return { network, standardizer, featureSpec, featureNames: source.featureNames };
}

function buildNetwork(
  tf: Tf,
  inputs: number,
  p: FailureClassifierParams,
  learningRate: number,
): tf.Sequential {
  const model = tf.sequential({ name: "failure_classifier" });
  const regularizer = p.l2 > 0 ? () => tf.regularizers.l2({ l2: p.l2 }) : () => undefined;
  p.hiddenUnits.forEach((units, k) => {
    model.add(
      tf.layers.dense({
        units,
        activation: "relu",
        name: `hidden_${k + 1}`,
        ...(k === 0 ? { inputShape: [inputs] } : {}),
        kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(p.seed, "init", k) }),
        biasInitializer: tf.initializers.zeros(),
        kernelRegularizer: regularizer(),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: 1,
      activation: "sigmoid",
      name: "failure_probability",
      ...(p.hiddenUnits.length === 0 ? { inputShape: [inputs] } : {}),
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(p.seed, "init", "output") }),
      biasInitializer: tf.initializers.zeros(),
      kernelRegularizer: regularizer(),
    }),
  );
  model.compile({
    optimizer: tf.train.adam(learningRate),
    loss: p.loss === "focal" ? focalLoss(tf, p.focalGamma) : "binaryCrossentropy",
  });
  return model;
}

/**
 * Focal loss (Lin et al. 2017) per row: −(1 − p_t)^γ · log p_t, p_t the probability of the
 * true class; class weights still apply on top (fit's classWeight), as α does in the paper.
 */
function focalLoss(tf: Tf, gamma: number): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
      const pt = tf.add(tf.mul(yTrue, p), tf.mul(tf.sub(1, yTrue), tf.sub(1, p)));
      return tf.mean(tf.mul(tf.neg(tf.log(pt)), tf.pow(tf.sub(1, pt), gamma)), -1);
    });
}

/** "auto": the power of two nearest rows/100, within 64…2048. */
export function resolveBatchSize(batchSize: number | "auto", rows: number): number {
  if (batchSize !== "auto") return batchSize;
  const target = Math.max(1, rows / 100);
  return Math.min(2048, Math.max(64, 2 ** Math.round(Math.log2(target))));
}

function shuffleInPlace(a: Uint32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** Class-weighted mean log loss: the early-stopping criterion on validation rows. */
export function weightedLogLoss(
  labels: ArrayLike<number>,
  proba: ArrayLike<number>,
  w: { 0: number; 1: number },
): number {
  let total = 0;
  let weight = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, proba[i]));
    const wi = labels[i] === 1 ? w[1] : w[0];
    total -= wi * (labels[i] === 1 ? Math.log(p) : Math.log(1 - p));
    weight += wi;
  }
  return weight > 0 ? total / weight : Number.NaN;
}

function labelsAt(set: FeatureSet, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = set.labels[rows[k]];
  return out;
}

function count(labels: Float32Array): number {
  let n = 0;
  for (const v of labels) if (v === 1) n++;
  return n;
}
