/**
 * `homeforge/models`: every estimator, feature, split, metric, registry and evaluation
 * building block. The root (`homeforge`) re-exports the few a user calls; this is the rest.
 * TensorFlow.js is loaded by the functions that need it, not by importing this module.
 */

export * from "./backend.js";
export * from "./evaluation/calibration.js";
export * from "./evaluation/drift.js";
export * from "./evaluation/evaluator.js";
export * from "./evaluation/metrics.js";
export * from "./evaluation/synergyEvaluator.js";
export * from "./failure/baselines.js";
export * from "./failure/ensembleBaseline.js";
export * from "./failure/failureClassifier.js";
export * from "./failure/failureRouter.js";
export * from "./failure/features.js";
export * from "./failure/modelCard.js";
export * from "./failure/predictFailures.js";
export * from "./failure/registerFailureRouter.js";
export * from "./failure/routerKind.js";
export * from "./failure/standardizer.js";
export * from "./failure/telemetryDataset.js";
export * from "./failure/trainHomeTypes.js";
export * from "./failure/trainingLineage.js";
export * from "./failure/trainingSetInput.js";
export * from "./lifecycle/abDecision.js";
export * from "./lifecycle/abTypes.js";
export * from "./lifecycle/failureAb.js";
export { formatAbReport } from "./lifecycle/formatAbReport.js";
export * from "./lifecycle/freshHomes.js";
export * from "./lifecycle/heldOutHomes.js";
export * from "./lifecycle/mcnemar.js";
export * from "./lifecycle/modelHealth.js";
export * from "./lifecycle/modelStatus.js";
export * from "./lifecycle/modelVersion.js";
export * from "./lifecycle/offlineAb.js";
export type { HeadlineMetrics, MetricBlock } from "./lifecycle/reportSupport.js";
export * from "./lifecycle/retrain.js";
export * from "./lifecycle/retrainingHistory.js";
export type { GatheredChecks, ServedVersion } from "./lifecycle/servedChecks.js";
export * from "./lifecycle/snapshotColumns.js";
export * from "./lifecycle/sufficiency.js";
export * from "./lifecycle/synergyAb.js";
export * from "./lifecycle/trainingSnapshot.js";
export * from "./lifecycle/triggers.js";
export * from "./registry/fileIO.js";
export * from "./registry/registry.js";
export * from "./split.js";
export * from "./synergy/evaluateSynergyScorers.js";
export * from "./synergy/formatSynergyTable.js";
export * from "./synergy/gnnCard.js";
export { homeSynergyGraph, homeSynergyGraphs } from "./synergy/homeSynergyGraph.js";
export { type LoadSynergyGraphsOptions, loadSynergyGraphs } from "./synergy/loadSynergyGraphs.js";
export { CO_ACTIVATION_WINDOW_MS } from "./synergy/messageAdjacency.js";
export { NODE_FEATURE_NAMES, type NodeDescription, nodeFeatureMatrix } from "./synergy/nodeFeatures.js";
export { hourlyOnsetRate, pairEvidence } from "./synergy/pairEvidence.js";
export { PAIR_FEATURE_NAMES, pairFeatureMatrix } from "./synergy/pairFeatures.js";
export * from "./synergy/rankingMetrics.js";
export * from "./synergy/synergyBaselines.js";
export * from "./synergy/synergyBootstrap.js";
export * from "./synergy/synergyGnn.js";
export * from "./synergy/synergyGnnKind.js";
export type {
  SynergyArea,
  SynergyDevice,
  SynergyEvents,
  SynergyHomeData,
  SynergyTruthRow,
} from "./synergy/synergyHome.js";
export * from "./synergy/synergyTypes.js";
export * from "./tableInput.js";
