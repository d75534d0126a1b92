/**
 * `homeforge`: what a script or notebook calls — configure, generate, open and load a
 * dataset, train and compare failure classifiers, keep versions in the registry, query
 * lineage, evaluate, export. Every building block beyond these is a sub-path:
 *
 *   homeforge/synth     homes, catalog, rhythms, events, telemetry, synergies, random streams
 *   homeforge/pipeline  generation, storage, exports, analysis and lineage building blocks
 *   homeforge/models    estimators, features, splits, metrics, registry, evaluation
 *   homeforge/frames    the synchronous danfo conversions (toDataFrame, fromDataFrame)
 *   homeforge/danfo     the bundled danfo.js itself
 *
 * Importing this module loads neither TensorFlow.js nor danfo.js: training, the registry
 * and the backend load TensorFlow.js on first use, loadDataFrame loads danfo on its first
 * call. One TSDoc line per value; test/package.test.ts holds the exact list of names.
 */
// biome-ignore-all assist/source/organizeImports: grouped by what a user does, not by path

// ── config and errors ───────────────────────────────────────────────────────────────────
/** Validates a generation config object (defaults filled in); a bad field throws one HomeforgeError line. */
export { parseGenerationConfig } from "./pipeline/generation/config.js";
/** Merges config sources like the CLI does: defaults < file < environment (HOMEFORGE_SEED) < flags. */
export { resolveGenerationConfig } from "./pipeline/generation/config.js";
/** Reads a YAML or JSON config file into a plain object (for parseGenerationConfig). */
export { readConfigFile } from "./pipeline/generation/config.js";
export type { GenerationConfig, GenerationConfigInput } from "./pipeline/generation/config.js";
/** Every default homeforge applies (seed, dataset sizes, epochs, cache TTL), in one object. */
export { DEFAULTS } from "./core/defaults.js";
/** The error homeforge throws for input a user can fix: names what is wrong (`field`) and the `fix`, on one line. */
export { HomeforgeError } from "./core/errors.js";
/** Type guard for HomeforgeError. */
export { isHomeforgeError } from "./core/errors.js";

// ── generate ────────────────────────────────────────────────────────────────────────────
/** Generates a dataset directory (manifest + tables) or reuses a cached one; writes atomically. */
export { generateDataset } from "./pipeline/generation/generate.js";
/** Every home of a config, in memory and in index order (small runs, exploring). */
export { generateHomes } from "./pipeline/generation/generate.js";
export type { GeneratedDataset, GenerateOptions } from "./pipeline/generation/generate.js";
/** The generation run behind generateDataset: workers, cache, validation, lineage, progress. */
export { DataGenerationManager } from "./pipeline/generation/manager.js";
export type { DatasetManifest, GenerationResult, ManagerOptions } from "./pipeline/generation/manager.js";
/** Rows, bytes and memory a config will take, before generating it. */
export { estimateDatasetSize } from "./pipeline/generation/sizeEstimate.js";
export type { MemoryPlan, SizeEstimate } from "./pipeline/generation/sizeEstimate.js";
export type { GeneratedHome } from "./synth/homes.js";

// ── open and load a dataset ─────────────────────────────────────────────────────────────
/** Opens a dataset directory: its manifest and verified reads of its tables. */
export { openDataset } from "./pipeline/storage/openDataset.js";
/** Finds a dataset by id (under a data root) or by directory path. */
export { resolveDatasetDir } from "./pipeline/storage/openDataset.js";
export type { OpenDataset, OpenDatasetOptions } from "./pipeline/storage/openDataset.js";
/** Checks every file of a dataset against its manifest (size and sha256). */
export { verifyDataset } from "./pipeline/storage/cache.js";
/** Merge the shard directories of `generate --shard I/N` into one dataset (nothing copied). */
export { mergeShards } from "./pipeline/shards/mergeShards.js";
export type { MergedManifest, MergeOptions, MergeResult } from "./pipeline/shards/mergeShards.js";
export type { ShardSpec } from "./pipeline/shards/shardSpec.js";
export type { DatasetCheck } from "./pipeline/storage/cache.js";
/** The schema of every dataset table (homes, areas, devices, events, telemetry, synergies, patterns). */
export { TABLE_SCHEMAS } from "./pipeline/storage/tables.js";
export type { TableName } from "./pipeline/storage/tables.js";
export type { ColumnData, ColumnSpec, ColumnTable, ColumnType, TableSchema } from "./core/columnTable.js";
/** A dataset table as an apache-arrow Table (verified against the manifest). */
export { loadTable } from "./pipeline/analysis/datasetTables.js";
/** A dataset table as a danfo DataFrame; danfo.js is loaded on the first call. */
export { loadDataFrame } from "./pipeline/analysis/datasetTables.js";
export type { DataFrame, Series } from "./pipeline/analysis/datasetTables.js";

// ── training ────────────────────────────────────────────────────────────────────────────
/** The failure classifier: fit on a DataFrame, Arrow table or columns, then predictProba; saved through the registry. */
export { FailureClassifier } from "./models/failure/failureClassifier.js";
export type {
  FailureClassifierParams,
  FitOptions,
  TrainingSummary,
} from "./models/failure/failureClassifier.js";
/** The logistic-regression baseline, an estimator of the same shape as FailureClassifier (no hidden layer). */
export { LogisticRegressionBaseline } from "./models/failure/baselines.js";
/** The fixed-rule baseline (error_rate > 0.1 or battery_level < 20 or response_time > 2000) as an estimator. */
export { FixedRuleBaseline } from "./models/failure/baselines.js";
/** The fixed rule's scores on a telemetry table, as plain numbers (what FixedRuleBaseline predicts). */
export { fixedRuleScores } from "./models/failure/baselines.js";
export type { FixedRuleParams, LogisticRegressionParams } from "./models/failure/baselines.js";
/** The contract every failure estimator follows: fit → predictProba / predict / score, save / load. */
export type { FailureEstimator } from "./models/failure/estimator.js";
/** A dataset's telemetry table with the dataset id and verified hashes lineage records. */
export { readTelemetryDataset } from "./models/failure/telemetryDataset.js";
export type { TelemetryDataset } from "./models/failure/telemetryDataset.js";
export type { TelemetryInput } from "./models/tableInput.js";
/** The whole training job on a dataset directory: verified read, served-model check, train, compare, register, lineage. */
export { trainFailureModels } from "./models/failure/trainFailureModels.js";
export type { TrainFailureModelsOptions } from "./models/failure/trainFailureModels.js";
/** Scores every telemetry row through the production router (or one named model): probability, served model and version. */
export { predictFailures } from "./models/failure/predictFailures.js";
export type { FailurePredictions, PredictFailuresOptions } from "./models/failure/predictFailures.js";
/** Ranks a home's candidate trigger→action pairs with the registered synergy model: score, relationship, reason. */
export { detectSynergies } from "./models/synergy/detectSynergies.js";
export type {
  DetectedSynergies,
  DetectedSynergy,
  DetectSynergiesOptions,
} from "./models/synergy/detectSynergies.js";
/** A dataset's synergy graphs (one per home and amount of history): what the synergy model reads. */
export { loadSynergyGraphs } from "./models/synergy/loadSynergyGraphs.js";
/** One home's synergy graph from its own devices, areas and events (no dataset needed). */
export { homeSynergyGraph } from "./models/synergy/homeSynergyGraph.js";
export type { SynergyHomeData } from "./models/synergy/synergyHome.js";
export type { SynergyGraph } from "./models/synergy/synergyTypes.js";
/** The graph synergy model (GNN) as an estimator: fit on graphs, predict link probabilities, save / load. */
export { SynergyGnn } from "./models/synergy/synergyGnn.js";
/** Trains, evaluates (by amount of history, against baselines) and registers the synergy model on a dataset directory. */
export { trainSynergyFromDataset } from "./models/synergy/trainSynergyFromDataset.js";
export type { TrainSynergyFromDatasetOptions } from "./models/synergy/trainSynergyFromDataset.js";
/** Trains per-home-type and global classifiers on a telemetry table, compares them with the baselines, registers them. */
export { trainHomeTypes } from "./models/failure/trainHomeTypes.js";
export type {
  HomeTypeComparison,
  HomeTypesResult,
  TrainHomeTypesOptions,
} from "./models/failure/trainHomeTypes.js";

// ── registry and lineage ────────────────────────────────────────────────────────────────
/** Versioned model directories with production/candidate aliases, checksums and model cards. */
export { ModelRegistry } from "./models/registry/registry.js";
export type {
  AliasName,
  ModelMeta,
  ModelSummary,
  RegistryOptions,
  SavedVersion,
  SaveRequest,
  VersionInfo,
} from "./models/registry/registry.js";
/** The SQLite lineage store: runs, their inputs and outputs, and queries (producedBy, trainedOn, chain …). */
export { LineageStore } from "./pipeline/lineage/lineageStore.js";
export type { ArtifactRef, LineageOptions, RunRecord, RunRow } from "./pipeline/lineage/lineageStore.js";
/** Records a training run's dataset inputs and returns the trainHomeTypes hooks that record its models. */
export { recordTrainingLineage } from "./models/failure/trainingLineage.js";

// ── evaluation ──────────────────────────────────────────────────────────────────────────
/** Accuracy, precision, recall, F1, ROC AUC and PR AUC of scores at a threshold. */
export { binaryMetrics } from "./models/evaluation/metrics.js";
/** Area under the ROC curve (Mann–Whitney, tied scores counted half). */
export { rocAuc } from "./models/evaluation/metrics.js";
/** Area under the precision-recall curve, as average precision (scikit-learn's definition). */
export { prAuc } from "./models/evaluation/metrics.js";
/** The decision threshold with the best F1 on (validation) labels and scores. */
export { chooseThreshold } from "./models/evaluation/metrics.js";
export type { BinaryMetrics, MetricName, ThresholdChoice } from "./models/evaluation/metrics.js";
/** Scores a synergy detector's ranked pairs against the planted ground truth. */
export { evaluateSynergyRanking } from "./models/evaluation/synergyEvaluator.js";
export type {
  RankedPairs,
  SynergyEvaluation,
  SynergyEvaluationOptions,
} from "./models/evaluation/synergyEvaluator.js";
/** Scores candidate and production on the same data and judges the candidate under a promotion policy. */
export { evaluateCandidate } from "./models/evaluation/evaluator.js";
/** Applies a promotion policy to candidate (and production) metrics: the verdict and every check. */
export { judge } from "./models/evaluation/evaluator.js";
/** Evaluates, then promotes the candidate to production if the verdict passed. */
export { promoteIfPassed } from "./models/evaluation/evaluator.js";
/** The promotion policy used when none is given. */
export { DEFAULT_PROMOTION_POLICY } from "./models/evaluation/evaluator.js";
export type {
  EvaluateOptions,
  PolicyCheck,
  PromotionPolicy,
  Verdict,
} from "./models/evaluation/evaluator.js";

// ── exports and training sets ───────────────────────────────────────────────────────────
/** Exports part of a dataset (automations, soft prompts, GNN graph, patterns …) as JSON, Parquet, CSV or SQLite. */
export { exportDataset } from "./pipeline/exports/exportDataset.js";
export type { ExportOptions, ExportResult, ExportWhat } from "./pipeline/exports/exportDataset.js";
/** Builds a training set from a dataset through the quality filters, reporting what each dropped. */
export { collectTrainingData } from "./pipeline/analysis/collector.js";
export type {
  CollectOptions,
  CollectorThresholdsInput,
  TrainingSet,
  TrainingSetKind,
} from "./pipeline/analysis/collector.js";
/** Mines behaviour patterns (transitions, peak hours, sequences, co-occurrences) from an events table. */
export { extractPatterns } from "./pipeline/analysis/patternMining.js";
export type { PatternExtractionOptions } from "./pipeline/analysis/patternMining.js";

// ── environment: backend, info, paths, versions ─────────────────────────────────────────
/** Picks and initialises the best TensorFlow.js backend present (tensorflow → wasm → cpu; HOMEFORGE_BACKEND forces one). */
export { chooseBackend } from "./models/backend.js";
export type { BackendChoice, BackendName } from "./models/backend.js";
/** What `homeforge info` prints, as data: versions, backends, data and models directories. */
export { collectInfo } from "./info.js";
/** collectInfo's result as the lines `homeforge info` prints. */
export { formatInfo } from "./info.js";
export type { HomeforgeInfo } from "./info.js";
/** Where datasets go: $HOMEFORGE_DATA_DIR, else ./data. */
export { defaultDataRoot } from "./core/paths.js";
/** Where the model registry lives: $HOMEFORGE_MODELS_DIR, else ./models. */
export { defaultModelsRoot } from "./core/paths.js";
/** Where the lineage database lives: $HOMEFORGE_LINEAGE_DB, else lineage.sqlite in the data root. */
export { defaultLineagePath } from "./core/paths.js";
/** The generator's version: part of every dataset id, bumped whenever output bytes change. */
export { GENERATOR_VERSION } from "./core/version.js";
/** The installed homeforge version. */
export { packageVersion } from "./core/version.js";
