import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { HomeforgeError } from "../../core/errors.js";
import { Rng } from "../../core/random.js";
import { chooseThreshold, type ThresholdChoice } from "../evaluation/metrics.js";
import { type TelemetryInput, toColumnTable } from "../tableInput.js";
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

/**
 * The non-neural ensemble baseline: gradient-boosted trees (XGBoost compiled to wasm, the
 * `ml-xgboost` package of the ml.js family) on the classifier's own features, so the MLP has
 * to earn its place against a strong tabular model (issue 12 point 3). An estimator with the
 * classifier's shape (see FailureEstimator).
 *
 * - Feature-matched: `features: "full"` reads exactly the feature columns the classifier reads
 *   (today + rolling windows + one-hots of the same FeatureSet), standardised and
 *   mean-imputed by the same Standardizer (trees only need the imputation; scaling is
 *   monotone and changes no split).
 * - Training rows are subsampled, seeded: every positive and a `negativeShare` of the
 *   negatives (exact counts, a seeded draw), capped at `maxTrainRows` — boosting on all
 *   ~200k default rows takes minutes in wasm, and ml-xgboost passes the matrix on the wasm
 *   stack (5 MiB), so the cap keeps it inside. The probabilities are corrected for the
 *   sampling (odds × kept-negative rate / kept-positive rate), which changes no ranking.
 * - The decision threshold is chosen for best F1 on the validation rows (`chooseThreshold`),
 *   like the classifier's; the hyper-parameters were chosen on validation homes of the
 *   default dataset (docs/notes/ensemble.md). Nothing reads test rows.
 * - Deterministic: the subsample comes from `Rng.derive(seed, …)`, XGBoost's row and column
 *   sampling from its own `seed` parameter, single-threaded.
 *
 * ml-xgboost loads on the first fit or load, never on import.
 */
export interface BoostedTreesParams {
  /** "full": the classifier's features; "today": the 11 telemetry features only. */
  features: "full" | "today";
  /**
   * With "full" features: also read the home's context columns, as FailureClassifier's
   * `context` param does (the baseline is feature-matched: pass the classifier's value).
   */
  context: boolean;
  /** Rolling window in days (of the features built by `fit` from a table). */
  window: number;
  /** Boosting rounds (trees). */
  rounds: number;
  maxDepth: number;
  /** Shrinkage (XGBoost's eta). */
  learningRate: number;
  minChildWeight: number;
  /** Share of the sampled training rows each tree sees. */
  subsample: number;
  /** Share of the features each tree sees. */
  colsampleByTree: number;
  /** Share of training negatives kept (every positive is kept while the cap allows). */
  negativeShare: number;
  /** Most training rows after subsampling; "auto" fits the wasm stack (4 MiB of float32 rows). */
  maxTrainRows: number | "auto";
  /** Share of homes held out for validation when fit() is given no validation data. */
  validationFraction: number;
  seed: number;
}

export const DEFAULT_BOOSTED_TREES_PARAMS: BoostedTreesParams = {
  features: "full",
  context: false,
  window: DEFAULT_WINDOW,
  rounds: 200,
  maxDepth: 6,
  learningRate: 0.1,
  minChildWeight: 1,
  subsample: 0.8,
  colsampleByTree: 0.8,
  negativeShare: 0.1,
  maxTrainRows: "auto",
  validationFraction: 0.2,
  seed: 42,
};

export interface BoostedTreesTraining {
  library: string;
  train_rows: number;
  train_positives: number;
  /** The subsample the trees were grown on. */
  sampled_rows: number;
  sampled_positives: number;
  /** Scores are corrected by this factor on the odds (kept-negative rate / kept-positive rate). */
  odds_scale: number;
  validation_rows: number;
  validation_positives: number;
  threshold: ThresholdChoice;
}

export const BOOSTED_TREES_FILE = "boosted_trees.json";
export const BOOSTED_TREES_MODEL_FILE = "boosted_trees.xgb";
const FORMAT = "homeforge-boosted-trees";
const LIBRARY = "ml-xgboost";
const STACK_BUDGET_BYTES = 4 * 1024 * 1024;

interface BoostedTreesFile {
  format: typeof FORMAT;
  format_version: 1;
  label: "fails_within_7d";
  feature_spec: FeatureSpec;
  features: string[];
  standardizer: StandardizerState;
  threshold: number;
  odds_scale: number;
  /** The options ml-xgboost was trained with (its own serialised form). */
  booster_options: Record<string, unknown>;
  params: BoostedTreesParams;
  training: BoostedTreesTraining | null;
}

export class BoostedTreesBaseline implements FailureEstimator<BoostedTreesParams> {
  readonly params: Readonly<BoostedTreesParams>;
  #booster: XGBoostModel | null = null;
  #featureSpec: FeatureSpec | null = null;
  #featureNames: string[] = [];
  #standardizer: Standardizer | null = null;
  #threshold = 0.5;
  #oddsScale = 1;
  #training: BoostedTreesTraining | null = null;

  constructor(params: Partial<BoostedTreesParams> = {}) {
    this.params = Object.freeze({ ...DEFAULT_BOOSTED_TREES_PARAMS, ...params });
  }

  get threshold(): number {
    return this.#threshold;
  }
  /** Whether fit reads the home's context features ("full" features with context on). */
  get usesContext(): boolean {
    return this.params.features === "full" && this.params.context;
  }
  get fitted(): boolean {
    return this.#booster !== null && this.#standardizer !== null;
  }
  /** The features the trees read, in order. */
  get featureNames(): readonly string[] {
    return this.#featureNames;
  }
  get training(): BoostedTreesTraining | null {
    return this.#training;
  }

  /** Fits on a telemetry table; validation homes are a seeded share of its homes unless given. */
  async fit(data: TelemetryInput, options: { validation?: TelemetryInput } = {}): Promise<this> {
    const rows = tableFitRows(data, options.validation, { ...this.params, context: this.usesContext });
    return this.fitFeatures(rows.train, rows.validation);
  }

  /** Fits on prepared feature rows (the train and validation rows of a home split). */
  async fitFeatures(train: FeatureRows, validation: FeatureRows): Promise<this> {
    const XGBoost = await loadXGBoost();
    const p = this.params;
    this.#featureSpec = this.usesContext ? train.set.spec : withoutContext(train.set.spec);
    this.#featureNames =
      p.features === "today"
        ? [...TODAY_FEATURES]
        : train.set.names.filter((name) => this.usesContext || !isContextFeature(name));
    const trainColumns = this.columnsOf(train.set);
    const standardizer = Standardizer.fit(trainColumns, train.rows);
    this.#standardizer = standardizer;

    const d = this.#featureNames.length;
    const cap = p.maxTrainRows === "auto" ? Math.floor(STACK_BUDGET_BYTES / (4 * (d + 1))) : p.maxTrainRows;
    const sample = sampleTrainingRows(train.set.labels, train.rows, p.negativeShare, cap, p.seed);
    if (sample.positives === 0 || sample.rows.length === sample.positives) {
      const positives = train.rows.reduce((n, i) => n + train.set.labels[i], 0);
      throw new HomeforgeError(
        "data",
        `the training rows hold ${positives} failing and ${train.rows.length - positives} healthy device-days; both classes are needed`,
        "train on more homes or more days, so some devices fail within the window",
      );
    }
    const x = toRowArrays(standardizer.transformRows(trainColumns, sample.rows), d);
    const y = Array.from(sample.rows, (i) => train.set.labels[i]);
    this.#booster?.free();
    const booster = new XGBoost(boosterOptions(p));
    booster.train(x, y);
    this.#booster = booster;
    this.#oddsScale = sample.oddsScale;

    const validationLabels = labelsOf(validation.set, validation.rows);
    const choice = chooseThreshold(validationLabels, this.predictProba(validation.set, validation.rows));
    this.#threshold = choice.threshold;
    this.#training = {
      library: `${LIBRARY} ${libraryVersion()}`,
      train_rows: train.rows.length,
      train_positives: sample.trainPositives,
      sampled_rows: sample.rows.length,
      sampled_positives: sample.positives,
      odds_scale: sample.oddsScale,
      validation_rows: validationLabels.length,
      validation_positives: validationLabels.reduce((n, v) => n + v, 0),
      threshold: choice,
    };
    return this;
  }

  /** Probability of failure within 7 days, per row (all rows, or `rows` of a feature set). */
  predictProba(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): Float32Array {
    const { booster, standardizer } = this.learned();
    const set = isFeatureSet(data)
      ? data
      : buildFeatures(toColumnTable(data, undefined, { labelOptional: true }), this.#featureSpec!);
    const picked = rows ?? allRows(set.rows);
    const out = new Float32Array(picked.length);
    if (picked.length === 0) return out;
    const raw = booster.predict(
      toRowArrays(standardizer.transformRows(this.columnsOf(set), picked), this.#featureNames.length),
    );
    const s = this.#oddsScale;
    for (let k = 0; k < out.length; k++) out[k] = (raw[k] * s) / (raw[k] * s + 1 - raw[k]);
    return out;
  }

  /** 0/1 per row: probability ≥ the threshold chosen on validation data. */
  predict(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): Uint8Array {
    return Uint8Array.from(this.predictProba(data, rows), (v) => (v >= this.threshold ? 1 : 0));
  }

  /** Average precision (PR-AUC) of predictProba against `fails_within_7d` on the given rows. */
  score(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): number {
    return averagePrecision(labelsOf(data, rows), this.predictProba(data, rows));
  }

  /** Writes boosted_trees.json (features, standardiser, threshold, params) and the booster's bytes. */
  async save(dir: string): Promise<void> {
    const { booster, standardizer } = this.learned();
    const saved = booster.toJSON();
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, BOOSTED_TREES_MODEL_FILE),
      Uint8Array.from(saved.model, (b) => b & 0xff),
    );
    const body: BoostedTreesFile = {
      format: FORMAT,
      format_version: 1,
      label: "fails_within_7d",
      feature_spec: this.#featureSpec!,
      features: [...this.#featureNames],
      standardizer: standardizer.toJSON(),
      threshold: this.#threshold,
      odds_scale: this.#oddsScale,
      booster_options: saved.options,
      params: { ...this.params },
      training: this.#training,
    };
    writeFileSync(join(dir, BOOSTED_TREES_FILE), `${JSON.stringify(body, null, 2)}\n`);
  }

  static async load(dir: string): Promise<BoostedTreesBaseline> {
    const path = join(dir, BOOSTED_TREES_FILE);
    let body: BoostedTreesFile;
    let bytes: Uint8Array;
    try {
      body = JSON.parse(readFileSync(path, "utf8"));
      bytes = readFileSync(join(dir, BOOSTED_TREES_MODEL_FILE));
    } catch (e) {
      throw new HomeforgeError(
        "model",
        `cannot read the boosted trees in ${dir} (${(e as Error).message.split("\n")[0]})`,
        "point at a directory written by BoostedTreesBaseline.save",
      );
    }
    if (body?.format !== FORMAT)
      throw new HomeforgeError(
        "model",
        `${path} is not a boosted-trees file`,
        "load it with the loader of its kind",
      );
    const XGBoost = await loadXGBoost();
    const model = new BoostedTreesBaseline(body.params);
    model.#booster = XGBoost.load({ name: LIBRARY, model: bytes, options: body.booster_options });
    model.#featureSpec = body.feature_spec;
    model.#featureNames = body.features;
    model.#standardizer = new Standardizer(body.standardizer);
    model.#threshold = body.threshold;
    model.#oddsScale = body.odds_scale;
    model.#training = body.training;
    return model;
  }

  /** Frees the booster's wasm memory (not garbage-collected). */
  dispose(): void {
    this.#booster?.free();
    this.#booster = null;
  }

  private learned(): { booster: XGBoostModel; standardizer: Standardizer } {
    if (!this.#booster || !this.#standardizer)
      throw new HomeforgeError("model", "the boosted trees are not fitted", "call fit() or load() first");
    return { booster: this.#booster, standardizer: this.#standardizer };
  }

  private columnsOf(set: FeatureSet): Float32Array[] {
    return featureIndices(set, this.#featureNames).map((i) => set.columns[i]);
  }
}

/**
 * The training subsample: every positive and a seeded share of the negatives, at most `cap`
 * rows (positives get at most half of the cap), exact counts drawn without replacement, in
 * the input order. `oddsScale` undoes the sampling on the predicted odds.
 */
export function sampleTrainingRows(
  labels: ArrayLike<number>,
  rows: Int32Array,
  negativeShare: number,
  cap: number,
  seed: number,
): { rows: Int32Array; positives: number; trainPositives: number; oddsScale: number } {
  const pos: number[] = [];
  const neg: number[] = [];
  for (const i of rows) (labels[i] === 1 ? pos : neg).push(i);
  const keepPos = Math.min(pos.length, Math.floor(cap / 2));
  const keepNeg = Math.min(neg.length, Math.round(negativeShare * neg.length), cap - keepPos);
  const kept = [
    ...drawWithoutReplacement(pos, keepPos, Rng.derive(seed, "boosted-trees-sample", "positives")),
    ...drawWithoutReplacement(neg, keepNeg, Rng.derive(seed, "boosted-trees-sample", "negatives")),
  ].sort((a, b) => a - b);
  const rate = (k: number, n: number) => (n > 0 ? k / n : 1);
  return {
    rows: Int32Array.from(kept),
    positives: keepPos,
    trainPositives: pos.length,
    oddsScale: keepPos > 0 ? rate(keepNeg, neg.length) / rate(keepPos, pos.length) : 1,
  };
}

/** `k` of `items`, a seeded partial Fisher–Yates shuffle. */
function drawWithoutReplacement(items: number[], k: number, rng: Rng): number[] {
  if (k >= items.length) return items;
  const a = items.slice();
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.next() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

function boosterOptions(p: BoostedTreesParams): Record<string, string | number> {
  return {
    booster: "gbtree",
    objective: "binary:logistic",
    max_depth: p.maxDepth,
    eta: p.learningRate,
    min_child_weight: p.minChildWeight,
    subsample: p.subsample,
    colsample_bytree: p.colsampleByTree,
    seed: p.seed >>> 0,
    nthread: 1,
    silent: 1,
    iterations: p.rounds,
  };
}

function toRowArrays(flat: Float32Array, d: number): number[][] {
  const n = d > 0 ? flat.length / d : 0;
  return Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * d, (i + 1) * d)));
}

// ml-xgboost, loaded once on first use -------------------------------------------------------

interface XGBoostModel {
  train(x: number[][], y: number[]): void;
  predict(x: number[][]): number[];
  toJSON(): { name: string; model: number[]; options: Record<string, unknown> };
  free(): void;
}
interface XGBoostClass {
  new (options: Record<string, string | number>): XGBoostModel;
  load(model: { name: string; model: ArrayLike<number>; options: Record<string, unknown> }): XGBoostModel;
}

let loading: Promise<XGBoostClass> | undefined;

/**
 * The XGBoost class of ml-xgboost. Its emscripten loader, at require time, tries a streaming
 * wasm compile that cannot work on a file path (and prints two warning lines before falling
 * back) and installs an uncaughtException listener that only rethrows; we hide the streaming
 * API for that synchronous require and take the listener back off.
 */
function loadXGBoost(): Promise<XGBoostClass> {
  loading ??= (() => {
    const require = createRequire(import.meta.url);
    const wasm = (globalThis as { WebAssembly?: { instantiateStreaming?: unknown } }).WebAssembly ?? {};
    const streaming = wasm.instantiateStreaming;
    const listeners = new Set(process.listeners("uncaughtException"));
    let ready: Promise<XGBoostClass>;
    try {
      wasm.instantiateStreaming = undefined;
      ready = require(LIBRARY) as Promise<XGBoostClass>;
    } catch (e) {
      throw new HomeforgeError(
        "dependency",
        `cannot load ${LIBRARY} (${(e as Error).message.split("\n")[0]})`,
        `install the package's dependencies (npm install) so ${LIBRARY} is present`,
      );
    } finally {
      wasm.instantiateStreaming = streaming;
      for (const l of process.listeners("uncaughtException"))
        if (!listeners.has(l)) process.off("uncaughtException", l);
    }
    return ready;
  })();
  return loading;
}

function libraryVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${LIBRARY}/package.json`) as { version: string }).version;
  } catch {
    return "unknown";
  }
}
