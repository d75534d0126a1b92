import type { Interval } from "../evaluation/bootstrap.js";
import { ModelRegistry } from "../registry/registry.js";
import { modelLabel } from "./compareFailureModels.js";
import type { EvaluationCurves } from "./evaluationCurves.js";
import type { FittedFailureModels } from "./fitFailureModels.js";
import type { RoutingDecision } from "./routing.js";
import { routedTestCurves } from "./testCurves.js";
import type { TrainingSplit } from "./trainingSplit.js";
import { COMPARED_MODELS, type ComparedModel, type HomeTypeComparison } from "./trainingTypes.js";

/**
 * A router version's test-home report (metrics.json `test_report`), added once the run's
 * comparison is done, after every decision: the routed model's curves next to the baselines,
 * and per home type each model's PR-AUC with its bootstrap interval and the paired per-type
 * vs global verdict. Reported only; nothing reads it to decide.
 */
export interface RouterTestReport {
  split: "test";
  note: string;
  curves: EvaluationCurves;
  home_types: HomeTypeIntervals[];
}

export interface HomeTypeIntervals {
  /** A home type, or "all" (its per_type is the routed model). */
  home_type: string;
  homes: number;
  samples: number;
  positives: number;
  /** Each compared model's PR-AUC and ROC-AUC with their intervals (null: no such model for the type). */
  models: Partial<Record<ComparedModel, ModelIntervals | null>>;
  /** The paired PR-AUC difference per-type − global, and what it says. */
  per_type_vs_global: (Pick<Interval, "estimate" | "lo" | "hi" | "level"> & { text: string }) | null;
  note?: string;
}

export interface ModelIntervals {
  label: string;
  pr_auc: Pick<Interval, "estimate" | "lo" | "hi">;
  roc_auc: Pick<Interval, "estimate" | "lo" | "hi">;
}

const span = (i: Interval | undefined, estimate: number) => ({
  estimate,
  lo: i?.lo ?? Number.NaN,
  hi: i?.hi ?? Number.NaN,
});

/** The comparison rows, cut to what the report draws. */
function homeTypeIntervals(comparison: readonly HomeTypeComparison[]): HomeTypeIntervals[] {
  return comparison.map((c) => {
    const models: HomeTypeIntervals["models"] = {};
    for (const key of COMPARED_MODELS) {
      const m = c.models[key];
      const i = c.intervals[key];
      models[key] = m
        ? {
            label: modelLabel(key, c.home_type),
            pr_auc: span(i?.pr_auc, m.pr_auc),
            roc_auc: span(i?.roc_auc, m.roc_auc),
          }
        : null;
    }
    const v = c.verdicts.find((x) => x.a === "per_type" && x.b === "global");
    return {
      home_type: c.home_type,
      homes: c.homes,
      samples: c.samples,
      positives: c.positives,
      models,
      per_type_vs_global: v
        ? { estimate: v.estimate, lo: v.lo, hi: v.hi, level: v.level, text: v.text }
        : null,
      ...(c.note ? { note: c.note } : {}),
    };
  });
}

export function routerTestReport(
  split: TrainingSplit,
  fitted: FittedFailureModels,
  routing: readonly RoutingDecision[],
  comparison: readonly HomeTypeComparison[],
): RouterTestReport {
  return {
    split: "test",
    note: "this run's routing decision over this run's candidates, on its test homes; a route the router kept from an earlier version serves another model than scored here",
    curves: routedTestCurves(split, fitted, routing),
    home_types: homeTypeIntervals(comparison),
  };
}

/** Adds the report to the router version's metrics.json (checksums kept in step). */
export async function attachRouterTestReport(
  modelsDir: string,
  name: string,
  version: string,
  report: RouterTestReport,
): Promise<void> {
  await new ModelRegistry(modelsDir).updateMetrics(name, version, (m) => ({ ...m, test_report: report }));
}
