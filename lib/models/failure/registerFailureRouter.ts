import { DEFAULT_PROMOTION_POLICY, judge, type Verdict } from "../evaluation/evaluator.js";
import { type BinaryMetrics, binaryMetrics } from "../evaluation/metrics.js";
import { ModelRegistry } from "../registry/registry.js";
import { selectRows } from "../tableInput.js";
import type { FailureClassifier } from "./failureClassifier.js";
import { FAILURE_CLASSIFIER_KIND } from "./failureKind.js";
import {
  FailureRouter,
  type RoutePromotion,
  type RouterRoute,
  routerName,
  type ServedModel,
} from "./failureRouter.js";
import { splitOfHomes } from "./predictFailures.js";
import { FAILURE_ROUTER_KIND, ROUTER_FILE, type RouteSummary } from "./routerKind.js";
import { ROUTING_METRIC, type RoutingDecision, TRAINING_DECISIONS } from "./routing.js";
import type { TrainingSplit } from "./trainingSplit.js";
import type { RegisteredModel, RegisterStepOptions } from "./trainingTypes.js";

/** A router verdict: the evaluator's Verdict for one route, with the two models it compared. */
export interface RouteVerdict extends Verdict {
  /** The home type (null: the default route, judged on every validation home). */
  home_type: string | null;
  served_candidate: ServedModel;
  served_before: ServedModel | null;
  outcome: RoutePromotion["outcome"];
}

/**
 * Step 5 of trainHomeTypes, after the classifiers are registered: the new `<prefix>-router`
 * version. For each home type the candidate is what routing chose this run (the per-type
 * candidate, else the global candidate); it is compared with what the production router
 * serves for that type today on the type's VALIDATION homes with the promotion policy
 * (`judge`), and takes the route only if it passes — otherwise today's model keeps it, with
 * the reason. The default route (the global model) is judged the same way on every
 * validation home. With no production router yet every candidate is served. The version is
 * saved, promoted to production and each verdict goes to `onVerdict` (lineage).
 */
export async function registerFailureRouter(
  split: TrainingSplit,
  routing: readonly RoutingDecision[],
  registered: readonly RegisteredModel[],
  options: RegisterStepOptions,
): Promise<RegisteredModel> {
  const progress = options.onProgress ?? (() => {});
  const registry = new ModelRegistry(options.modelsDir, { onWarning: (m) => progress(`registry: ${m}`) });
  const name = routerName(options.prefix);
  const versionOf = (model: string): ServedModel | null => {
    const r = registered.find((x) => x.name === model);
    return r ? { name: r.name, version: r.version } : null;
  };
  const global = versionOf(`${options.prefix}-global`);
  if (!global) throw new Error(`registerFailureRouter: ${options.prefix}-global was not registered`);
  const today =
    registry.versions(name).length > 0 && registry.aliases(name).production
      ? await registry.load<FailureRouter>(name, "production", FAILURE_ROUTER_KIND)
      : null;
  const classifiers = new Map<string, FailureClassifier>();
  const load = async (m: ServedModel) => {
    const key = `${m.name}@${m.version}`;
    if (!classifiers.has(key))
      classifiers.set(
        key,
        (await registry.load<FailureClassifier>(m.name, m.version, FAILURE_CLASSIFIER_KIND)).model,
      );
    return classifiers.get(key)!;
  };
  const verdicts: RouteVerdict[] = [];
  try {
    const judgeRoute = async (
      type: string | null,
      candidate: ServedModel,
    ): Promise<RoutePromotion & { metrics: BinaryMetrics }> => {
      const before = today ? today.model.servedFor(type) : null;
      // homes today's model was trained on would flatter it (an earlier run may have split
      // the homes differently): both models are scored on the validation homes it did not see
      const splitBefore =
        before && options.servedHomesShareIds !== false
          ? splitOfHomes(registry.show(before.name, before.version).dir)
          : null;
      const seen = new Set([...(splitBefore ?? [])].filter(([, s]) => s === "train").map(([h]) => h));
      const all = split.rowsOf("validation", type);
      const rows = seen.size === 0 ? all : all.filter((i) => !seen.has(split.set.homeIds[i] ?? ""));
      const left =
        new Set(Array.from(all, (i) => split.set.homeIds[i])).size -
        new Set(Array.from(rows, (i) => split.set.homeIds[i])).size;
      const score = async (m: ServedModel) => scoreOn(await load(m), split, rows);
      const candidateMetrics = await score(candidate);
      const beforeMetrics = before ? await score(before) : null;
      const judged = before
        ? judge(candidateMetrics, beforeMetrics, options.policy)
        : { checks: [], passed: true };
      const outcome: RoutePromotion["outcome"] = judged.passed ? "candidate" : "kept";
      const blocked = judged.checks.filter((c) => !c.passed).map((c) => c.message);
      const where = type ?? "every home type";
      const reason = !before
        ? "no production router: the candidate is served"
        : all.length === 0
          ? `${label(before)} kept: this dataset has no validation homes of ${where} to compare on`
          : rows.length === 0
            ? `${label(before)} kept: no validation homes of ${where} it did not train on to compare on`
            : judged.passed
              ? `${label(candidate)} passes against ${label(before)} on the validation homes of ${where}`
              : `${label(before)} kept: ${label(candidate)} ${blocked.join("; ")}`;
      let positives = 0;
      for (const i of rows) positives += split.set.labels[i];
      verdicts.push({
        model: name,
        candidate: { version: "", metrics: candidateMetrics },
        production: before && today ? { version: today.version, metrics: beforeMetrics! } : null,
        data: {
          rows: rows.length,
          positives,
          split: "validation",
          description: `validation homes of ${where} (seed ${options.seed}${left > 0 ? `; ${left} homes ${label(before!)} trained on left out` : ""}): ${label(candidate)} vs ${before ? `${label(before)}, served today` : "nothing served today"}`,
        },
        policy: options.policy ?? DEFAULT_PROMOTION_POLICY,
        checks: judged.checks,
        passed: judged.passed,
        blocked_by: blocked,
        lineage_run_id: options.lineageRunId ?? null,
        home_type: type,
        served_candidate: candidate,
        served_before: before,
        outcome,
      });
      return {
        outcome,
        candidate,
        served_before: before,
        reason,
        metrics: judged.passed || !beforeMetrics ? candidateMetrics : beforeMetrics,
      };
    };

    const routes: Record<string, RouterRoute> = {};
    const summaries: RouteSummary[] = [];
    for (const decision of routing) {
      const type = decision.home_type;
      const own = versionOf(`${options.prefix}-${type}`);
      const candidate = decision.served === "per_type" && own ? own : global;
      const { metrics, ...promotion } = await judgeRoute(type, candidate);
      const served = promotion.outcome === "candidate" ? candidate : promotion.served_before!;
      routes[type] = { ...served, decision, promotion };
      summaries.push({
        home_type: type,
        served: label(served),
        routing: decision.served,
        validation_homes: decision.validation.homes,
        per_type_pr_auc: decision.validation.per_type?.[ROUTING_METRIC] ?? null,
        global_pr_auc: decision.validation.global[ROUTING_METRIC],
        served_pr_auc: metrics[ROUTING_METRIC],
        outcome: promotion.outcome,
        reason: promotion.reason,
      });
    }
    const { metrics: defaultMetrics, ...defaultPromotion } = await judgeRoute(null, global);
    const defaultServed = defaultPromotion.outcome === "candidate" ? global : defaultPromotion.served_before!;
    summaries.push({
      home_type: "(default)",
      served: label(defaultServed),
      routing: "default",
      validation_homes: split.split.homes.validation.length,
      per_type_pr_auc: null,
      global_pr_auc: null,
      served_pr_auc: defaultMetrics[ROUTING_METRIC],
      outcome: defaultPromotion.outcome,
      reason: defaultPromotion.reason,
    });
    const router = new FailureRouter({
      format: "homeforge-failure-router",
      format_version: 1,
      prefix: options.prefix,
      seed: options.seed,
      metric: ROUTING_METRIC,
      split: "validation",
      default: { ...defaultServed, promotion: defaultPromotion },
      routes,
    });
    const saved = await registry.saveModel(name, FAILURE_ROUTER_KIND, router, {
      metrics: {
        decisions: TRAINING_DECISIONS,
        routes: summaries,
        served_before: today ? { name, version: today.version } : null,
      },
      dataset: options.dataset,
      lineageRunId: options.lineageRunId ?? null,
    });
    const evaluation = verdicts.map((v) => ({ ...v, candidate: { ...v.candidate, version: saved.version } }));
    await registry.updateMetrics(name, saved.version, (m) => ({ ...m, evaluation }));
    await registry.promote(name, saved.version);
    const kept = summaries.filter((s) => s.outcome === "kept");
    progress(
      `${name} ${saved.version}: promoted to production (${summaries.length - kept.length} routes take this run's candidate, ${kept.length} kept)`,
    );
    for (const v of evaluation) await options.onVerdict?.(v);
    const entry: RegisteredModel = {
      name,
      version: saved.version,
      promoted: true,
      passed: kept.length === 0,
      blocked_by: kept.map((s) => `${s.home_type}: ${s.reason}`),
    };
    // a router has no weights: lineage records the sha256 of router.json
    await options.onRegistered?.({
      ...entry,
      dir: saved.dir,
      weights_sha256: saved.meta.files[ROUTER_FILE],
      kind: saved.meta.kind,
    });
    return entry;
  } finally {
    for (const c of classifiers.values()) c.dispose();
  }
}

function label(m: ServedModel): string {
  return `${m.name} ${m.version}`;
}

/** A classifier's metrics on split rows: the run's shared features when it reads only those, else the raw rows. */
function scoreOn(classifier: FailureClassifier, split: TrainingSplit, rows: Int32Array): BinaryMetrics {
  const names = new Set(split.set.names);
  const proba = classifier.featureNames.every((n) => names.has(n))
    ? classifier.predictProba(split.set, rows)
    : classifier.predictProba(selectRows(split.table, rows));
  return binaryMetrics(split.labelsOf(rows), proba, classifier.threshold);
}
