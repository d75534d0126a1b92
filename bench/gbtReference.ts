/**
 * Gradient-boosted-trees reference (a benchmark, not a test; issue 12's quality target: the
 * served model's test PR-AUC within 0.02 of a well-tuned gradient-boosted trees model on the
 * same features and split).
 *
 * Builds the exact features and home split of the training run (splitForTraining on the
 * uncensored telemetry rows, as trainHomeTypes does), writes train / validation / test
 * matrices (raw features, NaN where missing) to a temp dir, runs bench/gbt_reference.py —
 * scikit-learn's HistGradientBoostingClassifier tuned on the VALIDATION homes only — and
 * reports its test PR-AUC with a 95 % bootstrap interval over test homes next to the global
 * MLP's and the boosted-trees baseline's (trained here on the same split, or read from a
 * models dir's comparison_results.json), the paired MLP − HGB difference, and each without
 * the sudden-failure positives. Intervals use the comparison's own bootstrap code and stream.
 *
 *   npm run bench:gbt -- --dataset DIR [--models DIR] [--seed 42] [--epochs 12] [--keep DIR] [--quick]
 *
 * Needs Debian's scikit-learn for /usr/bin/python3 (apt-get install -y python3-sklearn); the
 * bench installs nothing itself. It exports no run(), so `npm run bench` skips it (it needs a
 * dataset and Python).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command } from "commander";
import { DEFAULTS } from "../lib/core/defaults.js";
import { Rng } from "../lib/core/random.js";
import {
  type BootstrapRows,
  bootstrapInterval,
  type Interval,
  pairedDifference,
  type ScoredColumn,
  verdictText,
} from "../lib/models/evaluation/bootstrap.js";
import { BoostedTreesBaseline } from "../lib/models/failure/ensembleBaseline.js";
import { DEFAULT_CLASSIFIER_PARAMS, FailureClassifier } from "../lib/models/failure/failureClassifier.js";
import { featureIndices, isContextFeature } from "../lib/models/failure/features.js";
import { readTelemetryDataset } from "../lib/models/failure/telemetryDataset.js";
import { COMPARISON_FILE, type HomeTypesResult } from "../lib/models/failure/trainHomeTypes.js";
import { splitForTraining, type TrainingSplit } from "../lib/models/failure/trainingSplit.js";
import { selectRows } from "../lib/models/tableInput.js";
import { uncensoredRows } from "../lib/pipeline/storage/censoring.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "gbt_reference.py");
const INSTALL = "apt-get update && apt-get install -y python3-sklearn";
const RESAMPLES = 1000;

interface GbtScores {
  library: string;
  chosen: Record<string, number>;
  tried: Record<string, number>[];
  test_scores: number[];
}

interface Row {
  model: string;
  pr_auc: Interval;
  without_sudden: Interval;
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  const opts = new Command()
    .requiredOption("--dataset <dir>", "dataset directory (manifest.json + telemetry)")
    .option("--models <dir>", "read the MLP's numbers from this models dir's comparison_results.json")
    .option("--seed <n>", "split and training seed", String(DEFAULTS.seed))
    .option("--epochs <n>", "MLP epochs when trained here", String(DEFAULTS.pipeline.epochs))
    .option("--keep <dir>", "write the matrices here and keep them (default: a temp dir, removed)")
    .option("--quick", "tune learning_rate 0.1 only (6 fits instead of 12)")
    .parse(argv, { from: "user" })
    .opts<{
      dataset: string;
      models?: string;
      seed: string;
      epochs: string;
      keep?: string;
      quick?: boolean;
    }>();
  const seed = Number(opts.seed);
  const sklearn = spawnSync(PYTHON, ["-c", "import sklearn, numpy"], { encoding: "utf8" });
  if (sklearn.status !== 0) {
    console.error(`bench:gbt: ${PYTHON} has no scikit-learn; install it with: ${INSTALL}`);
    return 2;
  }

  const { table, dataset } = await readTelemetryDataset(opts.dataset);
  const kept = selectRows(table, uncensoredRows(table));
  const split = splitForTraining(kept, { seed });
  const { rows } = split;
  // the served classifier's own features (context columns only when it reads them)
  const features = matchedFeatures(split, DEFAULT_CLASSIFIER_PARAMS.context);
  console.log(
    `gbt reference: dataset ${dataset.id}, seed ${seed}, ${features.length} features (the classifier's), ${rows.train.length} train / ${rows.validation.length} validation / ${rows.test.length} test rows (${table.rows - kept.rows} censored left out)`,
  );

  const dir = opts.keep ? resolve(opts.keep) : mkdtempSync(join(tmpdir(), "homeforge-gbt-"));
  mkdirSync(dir, { recursive: true });
  try {
    writeMatrices(dir, split, features);
    console.log("HistGradientBoostingClassifier grid on validation homes:");
    const started = performance.now();
    const py = spawnSync(PYTHON, [SCRIPT, dir, "--seed", String(seed), ...(opts.quick ? ["--quick"] : [])], {
      stdio: "inherit",
    });
    if (py.status !== 0) {
      console.error(`bench:gbt: ${SCRIPT} failed (exit ${py.status})`);
      return 1;
    }
    const gbt = JSON.parse(readFileSync(join(dir, "gbt_scores.json"), "utf8")) as GbtScores;
    console.log(
      `chosen on validation: ${JSON.stringify(gbt.chosen)} (${gbt.library}, grid ${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );

    const report = new Report(split, seed);
    const results: Row[] = [report.row("HistGradientBoosting (sklearn)", Float32Array.from(gbt.test_scores))];
    if (opts.models) {
      results.push(...fromComparison(resolve(opts.models), dataset.id, seed));
    } else {
      const trained = await trainHere(split, seed, Number(opts.epochs));
      for (const [name, scores] of trained) results.push(report.row(name, scores));
      const mlp = trained.get("global MLP")!;
      const d = report.paired(mlp, Float32Array.from(gbt.test_scores));
      console.log(
        `paired ΔPR-AUC global MLP − HGB: ${d.estimate.toFixed(3)} [${d.lo.toFixed(3)},${d.hi.toFixed(3)}] → ${verdictText(d.verdict, "global MLP", "HGB")}`,
      );
    }
    const gap = results[0].pr_auc.estimate - results[1].pr_auc.estimate;
    printRows(results);
    console.log(
      `target (served within 0.02 of HGB): ${results[1].model} is ${gap.toFixed(3)} below HGB → ${gap <= 0.02 ? "met" : "not met"}`,
    );
    return 0;
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** The feature names a FailureClassifier with these params reads from the split's set. */
function matchedFeatures(split: TrainingSplit, context: boolean): string[] {
  return split.set.names.filter((name) => context || !isContextFeature(name));
}

/** x_<part>.f32 (row-major, NaN where missing), y_<part>.u8 and meta.json. */
function writeMatrices(dir: string, split: TrainingSplit, features: readonly string[]): void {
  const { set } = split;
  const columns = featureIndices(set, features).map((i) => set.columns[i]);
  const d = columns.length;
  const counts: Record<string, number> = {};
  for (const part of ["train", "validation", "test"] as const) {
    const r = split.rows[part];
    const x = new Float32Array(r.length * d);
    for (let j = 0; j < d; j++) for (let k = 0; k < r.length; k++) x[k * d + j] = columns[j][r[k]];
    writeFileSync(join(dir, `x_${part}.f32`), new Uint8Array(x.buffer));
    writeFileSync(join(dir, `y_${part}.u8`), split.labelsOf(r));
    counts[part] = r.length;
  }
  writeFileSync(join(dir, "meta.json"), JSON.stringify({ features, rows: counts }));
}

/** The global MLP and the boosted-trees baseline, trained as trainHomeTypes trains them. */
async function trainHere(split: TrainingSplit, seed: number, epochs: number) {
  const train = split.at(split.rows.train);
  const validation = split.at(split.rows.validation);
  const out = new Map<string, Float32Array>();
  let t = performance.now();
  const mlp = await new FailureClassifier({ seed, epochs }).fitFeatures(train, validation);
  console.log(`global MLP trained in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  out.set("global MLP", mlp.predictProba(split.set, split.rows.test));
  mlp.dispose();
  t = performance.now();
  const trees = await new BoostedTreesBaseline({ seed }).fitFeatures(train, validation);
  console.log(
    `boosted-trees baseline (ml-xgboost) trained in ${((performance.now() - t) / 1000).toFixed(0)} s`,
  );
  out.set("boosted trees (ml-xgboost)", trees.predictProba(split.set, split.rows.test));
  trees.dispose();
  return out;
}

/** PR-AUC with the comparison's bootstrap (same stream as its "all" row), with and without sudden positives. */
class Report {
  readonly all: BootstrapRows;
  readonly keep: number[];
  readonly withoutSudden: BootstrapRows;

  constructor(
    readonly split: TrainingSplit,
    readonly seed: number,
  ) {
    const test = split.rows.test;
    const labels = split.labelsOf(test);
    const scenario = split.table.columns.failure_scenario as ArrayLike<string | null>;
    this.all = { labels, homes: Array.from(test, (i) => split.set.homeIds[i]) };
    this.keep = [];
    for (let k = 0; k < test.length; k++)
      if (!(labels[k] === 1 && scenario[test[k]] === "sudden")) this.keep.push(k);
    this.withoutSudden = {
      labels: Uint8Array.from(this.keep, (k) => labels[k]),
      homes: this.keep.map((k) => this.all.homes[k]),
    };
  }

  row(model: string, scores: Float32Array): Row {
    const column = (s: ArrayLike<number>): ScoredColumn => ({ scores: s, threshold: 0.5 });
    const draw = (stream: string) => ({ rng: Rng.derive(this.seed, stream, "all"), resamples: RESAMPLES });
    return {
      model,
      pr_auc: bootstrapInterval(this.all, column(scores), "pr_auc", draw("comparison-bootstrap")),
      without_sudden: bootstrapInterval(
        this.withoutSudden,
        column(Float32Array.from(this.keep, (k) => scores[k])),
        "pr_auc",
        draw("comparison-bootstrap-without-sudden"),
      ),
    };
  }

  paired(a: Float32Array, b: Float32Array) {
    return pairedDifference(
      this.all,
      { scores: a, threshold: 0.5 },
      { scores: b, threshold: 0.5 },
      "pr_auc",
      {
        rng: Rng.derive(this.seed, "comparison-bootstrap", "all"),
        resamples: RESAMPLES,
      },
    );
  }
}

/** The "all" row of a training run's comparison: the served (routed) models, global MLP and boosted trees. */
function fromComparison(modelsDir: string, datasetId: string, seed: number): Row[] {
  const file = join(modelsDir, COMPARISON_FILE);
  if (!existsSync(file))
    throw new Error(`--models: no ${COMPARISON_FILE} in ${modelsDir}; run the main job first`);
  const result = JSON.parse(readFileSync(file, "utf8")) as HomeTypesResult;
  if (result.dataset.id !== datasetId || result.seed !== seed)
    throw new Error(
      `--models: ${file} is of dataset ${result.dataset.id} seed ${result.seed}, not ${datasetId} seed ${seed}`,
    );
  const all = result.comparison.find((c) => c.home_type === "all")!;
  const rows: Row[] = [];
  for (const [key, name] of [
    ["global", "global MLP (comparison)"],
    ["per_type", "routed per-type/global (comparison)"],
    ["ensemble", "boosted trees (comparison)"],
  ] as const) {
    const interval = all.intervals[key]?.pr_auc;
    const without = all.without_sudden?.intervals[key]?.pr_auc;
    if (interval && without) rows.push({ model: name, pr_auc: interval, without_sudden: without });
  }
  return rows;
}

function printRows(rows: Row[]): void {
  const f = (i: Interval) => `${i.estimate.toFixed(3)} [${i.lo.toFixed(3)},${i.hi.toFixed(3)}]`;
  const width = Math.max(...rows.map((r) => r.model.length));
  console.log(`${"model".padEnd(width)}  test PR-AUC            without sudden`);
  for (const r of rows) console.log(`${r.model.padEnd(width)}  ${f(r.pr_auc)}  ${f(r.without_sudden)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main();
}
