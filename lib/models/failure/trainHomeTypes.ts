import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ColumnTable } from "../../core/columnTable.js";
import { DEFAULTS } from "../../core/defaults.js";
import { censoredMask } from "../../pipeline/storage/censoring.js";
import { ModelRegistry } from "../registry/registry.js";
import { type HomeSplit, SPLIT_NAMES, type SplitName } from "../split.js";
import { selectRows, type TelemetryInput, tableHash, toColumnTable } from "../tableInput.js";
import { loadTf } from "../tf.js";
import { FIXED_RULE } from "./baselines.js";
import { COMPARISON_BOOTSTRAP, compareFailureModels, modelLabel } from "./compareFailureModels.js";
import type { FailureClassifierParams } from "./failureClassifier.js";
import { routerName } from "./failureRouter.js";
import { disposeFailureModels, fitFailureModels } from "./fitFailureModels.js";
import { registerFailureModels } from "./registerFailureModels.js";
import { registerFailureRouter } from "./registerFailureRouter.js";
import { attachRouterTestReport, routerTestReport } from "./routerTestReport.js";
import { reportRouting, routeFailureModels, TRAINING_DECISIONS } from "./routing.js";
import { splitForTraining } from "./trainingSplit.js";
import {
  type CensoredCounts,
  COMPARED_MODELS,
  type HomeTypeComparison,
  type HomeTypesResult,
  type RegisteredModel,
  type TrainHomeTypesOptions,
} from "./trainingTypes.js";

export type * from "./trainingTypes.js";

export const COMPARISON_FILE = "comparison_results.json";

/** The registry names a training run on data with these home types may touch. */
export function trainingModelNames(prefix: string, homeTypes: readonly string[]): string[] {
  return [`${prefix}-global`, ...homeTypes.map((t) => `${prefix}-${t}`), routerName(prefix)];
}

/** The distinct home types in a telemetry table, sorted. */
export function homeTypesOf(data: TelemetryInput): string[] {
  const column = (toColumnTable(data).columns.home_type ?? []) as ArrayLike<string | null>;
  return [...new Set(Array.from(column).filter((t): t is string => typeof t === "string"))].sort();
}

/**
 * What a training run depends on, checked before it writes anything: the production and
 * candidate versions of every model it may touch (`<prefix>-global` and `<prefix>-<home type>`
 * for every home type in the data, whether or not it gets its own model this run) must verify,
 * all files against their checksums, and their aliases.json must be sound. Throws a one-line
 * HomeforgeError naming the model, version, file and fix; models not yet saved are fine.
 */
export function verifyTrainingTargets(modelsDir: string, names: readonly string[]): void {
  new ModelRegistry(modelsDir).verifyTrainingTargets([...names]);
}

/**
 * Trains one failure classifier per home type plus a global one on a shared home split,
 * scores them and both baselines on the same test homes, registers each model, evaluates
 * it against its production version and promotes what passes, and writes the comparison
 * to `<modelsDir>/comparison_results.json`. The steps, each its own module:
 * splitForTraining → fitFailureModels → routeFailureModels → registerFailureModels →
 * registerFailureRouter → compareFailureModels.
 * For the whole flow from a dataset directory (verified read, lineage) see trainFailureModels.
 */
export async function trainHomeTypes(
  data: TelemetryInput,
  options: TrainHomeTypesOptions,
): Promise<HomeTypesResult> {
  const tf = await loadTf();
  await tf.ready();
  const progress = options.onProgress ?? (() => {});
  const seed = options.seed ?? DEFAULTS.seed;
  const params: Partial<FailureClassifierParams> = {
    ...options.params,
    seed,
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
  };
  const prefix = options.modelPrefix ?? "failure";
  const register = options.register ?? true;
  const table = toColumnTable(data);
  // before anything is fitted or written: every model this run may touch must verify
  if (register) verifyTrainingTargets(options.modelsDir, trainingModelNames(prefix, homeTypesOf(table)));
  const dataset = {
    id: options.dataset?.id ?? null,
    hash: options.dataset?.hash ?? tableHash(table),
    rows: table.rows,
  };

  // Censored rows leave here, before the split and the feature build, so every estimator,
  // baseline, comparison and evaluation sees the same uncensored rows. Windows only look back
  // and a device's censored rows are its last ones, so no kept row's features change.
  const { kept, censoredHomes } = withoutCensored(table);
  const split = splitForTraining(kept, {
    seed,
    fractions: options.fractions,
    window: params.window,
    homes: options.splitHomes,
  });
  const bootstrapResamples = options.bootstrapResamples ?? COMPARISON_BOOTSTRAP.resamples;
  const { rows } = split;
  const censored = censoredCounts(censoredHomes, split.split);
  progress(
    `split ${Object.keys(split.split.counts).length} home types: ${rows.train.length} train, ${rows.validation.length} validation, ${rows.test.length} test rows (${censored.total} censored rows left out)`,
  );
  const fitted = await fitFailureModels(split, {
    params,
    minTrainPositives: options.minTrainPositives,
    onProgress: progress,
  });
  let registered: RegisteredModel[] = [];
  let comparison: HomeTypesResult["comparison"];
  let routing: HomeTypesResult["routing"];
  try {
    // every decision first, on validation homes only: routing, then promotion (in register)
    const decisions = routeFailureModels(split, fitted);
    if (register) {
      const step = { ...options, seed, prefix, dataset };
      registered = await registerFailureModels(split, fitted, decisions, step);
      registered.push(await registerFailureRouter(split, decisions, registered, step));
    }
    // then the report on test homes, which no decision reads
    comparison = compareFailureModels(split, fitted, {
      seed,
      resamples: bootstrapResamples,
      routing: decisions,
    });
    const reported = reportRouting(split, fitted, decisions);
    routing = { split: "validation", per_type: reported.per_type, served_on_all_test: reported.all_test };
    const router = registered.find((r) => r.name === routerName(prefix));
    if (router) {
      const report = routerTestReport(split, fitted, decisions, comparison);
      await attachRouterTestReport(options.modelsDir, router.name, router.version, report);
    }
  } finally {
    disposeFailureModels(fitted);
  }

  const { homes: _homes, ...splitSummary } = split.split;
  const result: HomeTypesResult = {
    backend: tf.getBackend(),
    seed,
    dataset,
    fixed_rule: FIXED_RULE,
    split: splitSummary,
    rows: { train: rows.train.length, validation: rows.validation.length, test: rows.test.length },
    decisions: TRAINING_DECISIONS,
    censored,
    comparison,
    routing,
    bootstrap: {
      resamples: bootstrapResamples,
      level: COMPARISON_BOOTSTRAP.level,
      seed,
      metric_for_verdicts: "pr_auc",
    },
    per_type_beats_global: comparison
      .filter((c) => c.per_type_beats_global === true)
      .map((c) => c.home_type)
      .filter((t) => t !== "all"),
    registered,
    comparison_file: join(resolve(options.modelsDir), COMPARISON_FILE),
  };
  writeComparison(result);
  return result;
}

/** The table without its censored rows, and the home of every censored row. */
function withoutCensored(table: ColumnTable): { kept: ColumnTable; censoredHomes: (string | null)[] } {
  const mask = censoredMask(table);
  const homes = table.columns.home_id as (string | null)[];
  const keep: number[] = [];
  const censoredHomes: (string | null)[] = [];
  for (let i = 0; i < table.rows; i++) {
    if (mask[i] === 1) censoredHomes.push(homes[i]);
    else keep.push(i);
  }
  return { kept: censoredHomes.length === 0 ? table : selectRows(table, keep), censoredHomes };
}

/** Censored rows per split (by the row's home), and in total. */
function censoredCounts(homes: (string | null)[], split: HomeSplit): CensoredCounts {
  const splitOf = new Map<string, SplitName>();
  for (const name of SPLIT_NAMES) for (const h of split.homes[name]) splitOf.set(h, name);
  const counts: CensoredCounts = { total: homes.length, train: 0, validation: 0, test: 0, unsplit: 0 };
  for (const h of homes) {
    const name = h === null ? undefined : splitOf.get(h);
    if (name) counts[name]++;
    else counts.unsplit++;
  }
  return counts;
}

/** comparison_results.json, atomically (temp file + rename). */
function writeComparison(result: HomeTypesResult): void {
  mkdirSync(resolve(result.comparison_file, ".."), { recursive: true });
  const tmp = `${result.comparison_file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(tmp, result.comparison_file);
}

/**
 * The comparison as a plain-text table (one block per home type): each metric with its 95 %
 * bootstrap interval over test homes as `0.529 [0.47,0.58]`, then the paired PR-AUC verdicts.
 */
export function formatComparisonTable(
  result: Pick<HomeTypesResult, "comparison" | "per_type_beats_global"> & { censored?: CensoredCounts },
): string {
  const n = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : "  n/a");
  const ci = (v: number, i?: { lo: number; hi: number }) =>
    i && Number.isFinite(i.lo) ? `${n(v)} [${i.lo.toFixed(2)},${i.hi.toFixed(2)}]` : n(v);
  // Brier and ECE are small at a ~1 % failure rate: four decimals
  const ci4 = (v: number, i?: { lo: number; hi: number }) =>
    !Number.isFinite(v)
      ? "   n/a"
      : i && Number.isFinite(i.lo)
        ? `${v.toFixed(4)} [${i.lo.toFixed(4)},${i.hi.toFixed(4)}]`
        : v.toFixed(4);
  const header = [
    "home type",
    "model",
    "homes",
    "samples",
    "positives",
    "accuracy",
    "precision",
    "recall",
    "F1",
    "ROC-AUC",
    "PR-AUC",
    "Brier",
    "ECE",
  ];
  const lines: string[][] = [header];
  for (const c of result.comparison) {
    let first = true;
    for (const key of COMPARED_MODELS) {
      const m = c.models[key];
      if (!m) continue;
      const i = c.intervals?.[key] ?? undefined;
      lines.push([
        first ? c.home_type : "",
        modelLabel(key, c.home_type),
        first ? String(c.homes ?? "") : "",
        String(m.samples),
        String(m.positives),
        n(m.accuracy),
        ci(m.precision, i?.precision),
        ci(m.recall, i?.recall),
        ci(m.f1, i?.f1),
        ci(m.roc_auc, i?.roc_auc),
        ci(m.pr_auc, i?.pr_auc),
        ci4(c.calibration?.[key]?.brier ?? Number.NaN, i?.brier),
        ci4(c.calibration?.[key]?.ece ?? Number.NaN, i?.ece),
      ]);
      first = false;
    }
  }
  const widths = header.map((_, j) => Math.max(...lines.map((l) => l[j].length)));
  const text = lines.map((l) =>
    l.map((cell, j) => (j < 2 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join("  "),
  );
  text.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  text.push("");
  const c = result.censored;
  if (c) {
    const unsplit = c.unsplit > 0 ? `, ${c.unsplit} in no split` : "";
    text.push(
      `censored rows left out (label window past the horizon): ${c.total} (train ${c.train}, validation ${c.validation}, test ${c.test}${unsplit})`,
    );
  }
  text.push(
    "Brier, ECE (10 equal-width bins): calibration of the probabilities, lower is better; the all row's per-type pools the routed models",
  );
  text.push(
    "[lo,hi]: 95 % bootstrap interval over test homes; verdicts: paired PR-AUC difference, a beats b only when its interval excludes 0",
  );
  const beats = result.per_type_beats_global;
  text.push(
    beats.length > 0
      ? `per-type model beats the global model (PR-AUC) for: ${beats.join(", ")}`
      : "per-type models beat the global model (PR-AUC) for no home type",
  );
  for (const c of result.comparison) text.push(...verdictLines(c));
  const withoutSudden = result.comparison.filter((c) => c.without_sudden);
  if (withoutSudden.length > 0) {
    text.push("PR-AUC without the sudden-failure positives (no warning by design; negatives kept):");
    for (const c of withoutSudden) {
      const w = c.without_sudden!;
      const cells = COMPARED_MODELS.filter((key) => w.models[key]).map(
        (key) =>
          `${modelLabel(key, c.home_type)} ${ci(w.models[key]!.pr_auc, w.intervals[key]?.pr_auc).trim()}`,
      );
      text.push(
        `  ${c.home_type} (${w.removed_positives} of ${c.positives} positives left out): ${cells.join(", ")}`,
      );
    }
  }
  return `${text.join("\n")}\n`;
}

function verdictLines(c: HomeTypeComparison): string[] {
  const d = (v: number) => (v >= 0 ? `+${v.toFixed(3)}` : v.toFixed(3));
  return (c.verdicts ?? []).map((v) => {
    const interval = Number.isFinite(v.lo) ? ` [${d(v.lo)},${d(v.hi)}]` : "";
    return `  ${c.home_type}: ${modelLabel(v.a, c.home_type)} vs ${modelLabel(v.b, c.home_type)}: ΔPR-AUC ${d(v.estimate)}${interval} → ${v.text}`;
  });
}
