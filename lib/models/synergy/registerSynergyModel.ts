import { judge, type PromotionPolicy, type Verdict } from "../evaluation/evaluator.js";
import { type BinaryMetrics, binaryMetrics } from "../evaluation/metrics.js";
import { candidatePairSnapshot } from "../lifecycle/snapshotColumns.js";
import { TRAINING_SNAPSHOT_FILE, trainingSnapshotText } from "../lifecycle/trainingSnapshot.js";
import { ModelRegistry } from "../registry/registry.js";
import type { HomeSplit } from "../split.js";
import type { SynergyScorerEvaluation } from "./evaluateSynergyScorers.js";
import { pooledLabels, pooledScores } from "./synergyBaselines.js";
import type { SynergyGnn } from "./synergyGnn.js";
import { SYNERGY_GNN_KIND } from "./synergyGnnKind.js";
import type { SynergyGraph } from "./synergyTypes.js";

/** The registry name of the synergy model (`homeforge synergies` serves `synergy-gnn@production`). */
export const SYNERGY_MODEL_NAME = "synergy-gnn";

/**
 * Promotion of a synergy model, on the pooled candidate pairs of the validation homes (every
 * history cut): a floor on average precision and recall, and no regression against production.
 * The pairs are ~35 % links, so the floor sits well above a constant scorer's 0.35.
 */
export const SYNERGY_PROMOTION_POLICY: PromotionPolicy = {
  values: [
    { metric: "pr_auc", min: 0.5 },
    { metric: "recall", min: 0.3 },
  ],
  changes: [
    { metric: "pr_auc", direction: "higher_is_better", tolerance: 0.01 },
    { metric: "roc_auc", direction: "higher_is_better", tolerance: 0.01 },
    { metric: "f1", direction: "higher_is_better", tolerance: 0.02 },
  ],
};

export interface RegisteredSynergyModel {
  name: string;
  version: string;
  dir: string;
  promoted: boolean;
  blocked_by: string[];
  /** sha256 of weights.bin, for lineage. */
  weights_sha256: string;
  /** The registry kind (meta.json's), for lineage. */
  kind: string;
}

export interface RegisterSynergyOptions {
  modelsDir: string;
  name?: string;
  split: HomeSplit;
  /** The training homes' graphs: their candidate pairs become training_snapshot.json (drift checks). */
  train?: readonly SynergyGraph[];
  /** The validation homes' graphs: the promotion verdict reads these only. */
  validation: readonly SynergyGraph[];
  evaluation: SynergyScorerEvaluation;
  claims: unknown;
  decisions: Record<string, string>;
  dataset?: { id: string | null; hash: string | null };
  lineageRunId: string | null;
  trainingDurationMs: number;
  policy?: PromotionPolicy;
  onVerdict?: (verdict: Verdict) => void | Promise<void>;
  onProgress?: (message: string) => void;
}

/**
 * Saves the GNN as a new version of `synergy-gnn` (metrics: the test evaluation by history
 * cut, the validation numbers, the split, which split decided what), scores it and what is in
 * production today on the same validation graphs, judges it with the policy and promotes it
 * when it passes. The verdict goes into the version's metrics.json and to `onVerdict`.
 */
export async function registerSynergyModel(
  model: SynergyGnn,
  options: RegisterSynergyOptions,
): Promise<RegisteredSynergyModel> {
  const name = options.name ?? SYNERGY_MODEL_NAME;
  const progress = options.onProgress ?? (() => {});
  const policy = options.policy ?? SYNERGY_PROMOTION_POLICY;
  const registry = new ModelRegistry(options.modelsDir, { onWarning: (m) => progress(`registry: ${m}`) });
  const candidateMetrics = validationMetrics(model, options.validation);
  const saved = await registry.saveModel(name, SYNERGY_GNN_KIND, model, {
    metrics: {
      decisions: options.decisions,
      test: options.evaluation,
      claims: options.claims,
      validation: candidateMetrics,
      split: { seed: options.split.seed, fractions: options.split.fractions, counts: options.split.counts },
    },
    dataset: options.dataset ?? { id: null, hash: null },
    extraFiles: {
      "split.json": `${JSON.stringify(options.split, null, 2)}\n`,
      ...(options.train
        ? { [TRAINING_SNAPSHOT_FILE]: trainingSnapshotText(candidatePairSnapshot(options.train)) }
        : {}),
    },
    lineageRunId: options.lineageRunId,
    trainingDurationMs: options.trainingDurationMs,
  });

  const aliases = registry.aliases(name);
  let production: { version: string; metrics: BinaryMetrics } | null = null;
  if (aliases.production && aliases.production !== saved.version) {
    const loaded = await registry.load(name, "production", SYNERGY_GNN_KIND);
    try {
      production = { version: loaded.version, metrics: validationMetrics(loaded.model, options.validation) };
    } finally {
      loaded.model.dispose();
    }
  }
  const judged = judge(candidateMetrics, production?.metrics ?? null, policy);
  const verdict: Verdict = {
    model: name,
    candidate: { version: saved.version, metrics: candidateMetrics },
    production,
    data: {
      rows: candidateMetrics.samples,
      positives: candidateMetrics.positives,
      split: "validation",
      description: `candidate pairs of ${new Set(options.validation.map((g) => g.homeId)).size} validation homes at every history cut, pooled`,
    },
    policy,
    checks: judged.checks,
    passed: judged.passed,
    blocked_by: judged.checks.filter((c) => !c.passed).map((c) => c.message),
    lineage_run_id: options.lineageRunId,
  };
  await registry.updateMetrics(name, saved.version, (m) => ({ ...m, evaluation: verdict }));
  await options.onVerdict?.(verdict);
  if (verdict.passed) await registry.promote(name, saved.version);
  progress(
    `${name} ${saved.version}: ${verdict.passed ? "promoted to production" : `kept as candidate (${verdict.blocked_by.join("; ")})`}`,
  );
  return {
    name,
    version: saved.version,
    dir: saved.dir,
    promoted: verdict.passed,
    blocked_by: verdict.blocked_by,
    weights_sha256: saved.meta.weights_sha256 ?? "",
    kind: saved.meta.kind,
  };
}

/** Pooled metrics of a model on graphs, at its own threshold. */
function validationMetrics(model: SynergyGnn, graphs: readonly SynergyGraph[]): BinaryMetrics {
  return binaryMetrics(pooledLabels(graphs), pooledScores(model, graphs), model.threshold);
}
