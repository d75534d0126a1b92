import type { FailureClassifier, FeatureRows } from "../failure/failureClassifier.js";
import { FAILURE_CLASSIFIER_KIND } from "../failure/failureKind.js";
import type { ModelRegistry } from "../registry/registry.js";
import { type TelemetryInput, toColumnTable } from "../tableInput.js";
import { type BinaryMetrics, binaryMetrics, type MetricName } from "./metrics.js";

/**
 * Candidate vs production on the same held-out data. Two kinds of checks:
 * - value thresholds: the candidate alone must reach a floor (or stay under a ceiling);
 * - change thresholds: per metric a direction and a tolerance; the candidate may not be
 *   worse than production by more than the tolerance.
 * Any failed check blocks promotion. The verdict, with every number, goes into the
 * candidate's metrics.json (`evaluation`) and to the optional lineage hook.
 */
export interface ValueThreshold {
  metric: MetricName;
  min?: number;
  max?: number;
}

export interface ChangeThreshold {
  metric: MetricName;
  direction: "higher_is_better" | "lower_is_better";
  /** Largest allowed step in the worse direction. */
  tolerance: number;
}

export interface PromotionPolicy {
  values: ValueThreshold[];
  changes: ChangeThreshold[];
}

export const DEFAULT_PROMOTION_POLICY: PromotionPolicy = {
  values: [
    { metric: "recall", min: 0.3 },
    { metric: "pr_auc", min: 0.1 },
  ],
  changes: [
    { metric: "pr_auc", direction: "higher_is_better", tolerance: 0.01 },
    { metric: "roc_auc", direction: "higher_is_better", tolerance: 0.01 },
    { metric: "f1", direction: "higher_is_better", tolerance: 0.02 },
  ],
};

export interface PolicyCheck {
  /** "routing": a per-type candidate must beat the global model on its validation homes. */
  kind: "value" | "change" | "routing";
  metric: MetricName;
  candidate: number;
  production: number | null;
  /** The bound the candidate had to meet. */
  limit: number;
  passed: boolean;
  message: string;
}

export interface Verdict {
  model: string;
  candidate: { version: string; metrics: BinaryMetrics };
  production: { version: string; metrics: BinaryMetrics } | null;
  data: { rows: number; positives: number; split: "validation" | "test"; description?: string };
  policy: PromotionPolicy;
  checks: PolicyCheck[];
  passed: boolean;
  /** Messages of the failed checks. */
  blocked_by: string[];
  lineage_run_id: string | null;
}

const f = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : "undefined");

/** Applies a policy to candidate (and production) metrics measured on the same data. */
export function judge(
  candidate: BinaryMetrics,
  production: BinaryMetrics | null,
  policy: PromotionPolicy = DEFAULT_PROMOTION_POLICY,
): { checks: PolicyCheck[]; passed: boolean } {
  const checks: PolicyCheck[] = [];
  for (const t of policy.values) {
    const value = candidate[t.metric];
    const bounds = [
      {
        limit: t.min,
        ok: (v: number, l: number) => v >= l,
        sign: "≥",
        broken: "is below the floor",
        noun: "floor",
        hint: " (no failing device-days?)",
      },
      {
        limit: t.max,
        ok: (v: number, l: number) => v <= l,
        sign: "≤",
        broken: "is above the ceiling",
        noun: "ceiling",
        hint: "",
      },
    ];
    for (const b of bounds) {
      if (b.limit === undefined) continue;
      const passed = Number.isFinite(value) && b.ok(value, b.limit);
      checks.push({
        kind: "value",
        metric: t.metric,
        candidate: value,
        production: production?.[t.metric] ?? null,
        limit: b.limit,
        passed,
        message: Number.isFinite(value)
          ? `${t.metric} ${f(value)} ${passed ? b.sign : b.broken} ${b.limit}`
          : `${t.metric} is undefined on this data${b.hint}, so the ${b.noun} ${b.limit} is not shown`,
      });
    }
  }
  if (production) {
    for (const t of policy.changes) {
      const c = candidate[t.metric];
      const p = production[t.metric];
      const sign = t.direction === "higher_is_better" ? 1 : -1;
      const limit = p - sign * t.tolerance;
      // an undefined production metric cannot be regressed from
      const passed = !Number.isFinite(p) || (Number.isFinite(c) && sign * (c - limit) >= 0);
      const delta = c - p;
      checks.push({
        kind: "change",
        metric: t.metric,
        candidate: c,
        production: p,
        limit,
        passed,
        message: passed
          ? `${t.metric} ${f(c)} vs production ${f(p)} (change ${f(delta)}, tolerance ${t.tolerance})`
          : `${t.metric} regressed: ${f(c)} vs production ${f(p)} (change ${f(delta)}, tolerance ${t.tolerance}, ${t.direction.replaceAll("_", " ")})`,
      });
    }
  }
  return { checks, passed: checks.every((c) => c.passed) };
}

export interface EvaluateOptions {
  registry: ModelRegistry;
  name: string;
  /** Candidate version or alias (default: candidate). */
  candidate?: string;
  /**
   * Held-out telemetry both models are scored on: validation homes, never test homes (the
   * verdict is a decision; test homes are for the final report only).
   */
  data: TelemetryInput;
  /** Which split `data` is, recorded in the verdict (default "validation"). */
  split?: "validation" | "test";
  /** The same rows with features already built: used when a model's features are all in it. */
  features?: FeatureRows;
  description?: string;
  policy?: PromotionPolicy;
  lineageRunId?: string | null;
  /** Lineage hook: receives the verdict after it is written. */
  onVerdict?: (verdict: Verdict) => void | Promise<void>;
  /** Further checks decided elsewhere on the same split (e.g. routing), judged with the policy. */
  extraChecks?: PolicyCheck[];
  /** Write the verdict into the candidate's metrics.json (default true). */
  write?: boolean;
}

/** Scores candidate and production on the same data and judges the candidate. */
export async function evaluateCandidate(options: EvaluateOptions): Promise<Verdict> {
  const { registry, name } = options;
  const policy = options.policy ?? DEFAULT_PROMOTION_POLICY;
  const table = toColumnTable(options.data);
  const labels = table.columns.fails_within_7d as ArrayLike<number>;
  const candidate = await registry.load(name, options.candidate ?? "candidate", FAILURE_CLASSIFIER_KIND);
  const aliases = registry.aliases(name);
  const production =
    aliases.production && aliases.production !== candidate.version
      ? await registry.load(name, "production", FAILURE_CLASSIFIER_KIND)
      : null;
  try {
    const score = (c: FailureClassifier) =>
      binaryMetrics(labels, scoreRows(c, table, options.features), c.threshold);
    const candidateMetrics = score(candidate.model);
    const productionMetrics = production ? score(production.model) : null;
    const judged = judge(candidateMetrics, productionMetrics, policy);
    const checks = [...judged.checks, ...(options.extraChecks ?? [])];
    const passed = checks.every((c) => c.passed);
    let positives = 0;
    for (let i = 0; i < table.rows; i++) if (labels[i] === 1) positives++;
    const verdict: Verdict = {
      model: name,
      candidate: { version: candidate.version, metrics: candidateMetrics },
      production: production ? { version: production.version, metrics: productionMetrics! } : null,
      data: {
        rows: table.rows,
        positives,
        split: options.split ?? "validation",
        ...(options.description ? { description: options.description } : {}),
      },
      policy,
      checks,
      passed,
      blocked_by: checks.filter((c) => !c.passed).map((c) => c.message),
      lineage_run_id: options.lineageRunId ?? null,
    };
    if (options.write ?? true) {
      await registry.updateMetrics(name, candidate.version, (m) => ({ ...m, evaluation: verdict }));
    }
    await options.onVerdict?.(verdict);
    return verdict;
  } finally {
    candidate.model.dispose();
    production?.model.dispose();
  }
}

function scoreRows(
  classifier: FailureClassifier,
  table: ReturnType<typeof toColumnTable>,
  features?: FeatureRows,
): Float32Array {
  if (features && classifier.featureNames.every((n) => features.set.names.includes(n))) {
    return classifier.predictProba(features.set, features.rows);
  }
  return classifier.predictProba(table);
}

/** Evaluates, then promotes the candidate if the verdict passed. */
export async function promoteIfPassed(
  options: EvaluateOptions,
): Promise<{ verdict: Verdict; promoted: boolean }> {
  const verdict = await evaluateCandidate(options);
  if (verdict.passed) await options.registry.promote(options.name, verdict.candidate.version);
  return { verdict, promoted: verdict.passed };
}
