#!/usr/bin/env node
import { Command } from "commander";
import { DEFAULTS } from "../lib/core/defaults.js";
import { defaultLineagePath } from "../lib/core/paths.js";
import { createProgress } from "../lib/core/progress.js";
import { trainFailureModels } from "../lib/models/failure/trainFailureModels.js";
import {
  formatComparisonTable,
  trainingModelNames,
  verifyTrainingTargets,
} from "../lib/models/failure/trainHomeTypes.js";
import { formatSynergyTable } from "../lib/models/synergy/formatSynergyTable.js";
import { trainSynergyFromDataset } from "../lib/models/synergy/trainSynergyFromDataset.js";
import { formatSynergyClaims } from "../lib/models/synergy/trainSynergyModel.js";
import { resolveGenerationConfig, wholeNumberFlag } from "../lib/pipeline/generation/config.js";
import { generateDataset } from "../lib/pipeline/generation/generate.js";
import { LineageStore } from "../lib/pipeline/lineage/lineageStore.js";
import { HOME_TYPES } from "../lib/synth/catalog/homeTypes.js";
import {
  applyCliConventions,
  BOOTSTRAP_RESAMPLE_BOUNDS,
  EPOCH_BOUNDS,
  modelsRootOption,
  refuseEmptyValues,
  reportError,
  runIfEntry,
  SEED_BOUNDS,
} from "./cliSupport.js";

/**
 * The main job (`npm run pipeline`): generate the default dataset → train the per-home-type
 * and global failure classifiers → train the graph synergy model → evaluate each against its
 * production version → register, promote what passes → print a summary and where everything
 * was written.
 */
/** The main job's defaults (lib/core/defaults.ts says why they differ from generate's). */
export const PIPELINE_DEFAULTS = DEFAULTS.pipeline;

export async function main(argv: string[]): Promise<number> {
  const program = new Command("pipeline")
    .description("generate the default dataset, train and evaluate failure classifiers, register what passes")
    .option("--homes <n>", `homes to generate (default ${PIPELINE_DEFAULTS.homes})`)
    .option("--days <d>", `days per home (default ${PIPELINE_DEFAULTS.days})`)
    .option("--seed <s>", `root seed for data and training (default ${DEFAULTS.seed}, env HOMEFORGE_SEED)`)
    .option("--epochs <n>", `maximum epochs per failure classifier (default ${PIPELINE_DEFAULTS.epochs})`)
    .option(
      "--synergy-epochs <n>",
      `maximum epochs of each synergy model (default ${PIPELINE_DEFAULTS.synergyEpochs}; early stopping on validation homes ends most sooner)`,
    )
    .option(
      "--bootstrap-resamples <n>",
      "bootstrap resamples over test homes for the comparison's 95 % intervals, at least 100 (default 1000)",
    )
    .option("--workers <n>", "generation worker threads (default: one per core)")
    .option("--models <dir>", "model registry root (default $HOMEFORGE_MODELS_DIR or ./models)")
    .option(
      "--no-verify",
      "read the generated dataset's telemetry without checking it against the manifest's sha256 (damaged data goes through)",
    )
    .option("--no-reports", "skip the HTML reports of the dataset and the new models")
    .option("--quiet", "print only the summary");
  applyCliConventions(program, "homeforge pipeline");
  let lineage: LineageStore | undefined;
  try {
    program.parse(argv, { from: "user" });
    refuseEmptyValues(program);
    const opts = program.opts();
    const started = performance.now();
    const config = resolveGenerationConfig({
      env: process.env,
      flags: {
        homes: wholeNumberFlag("--homes", opts.homes, { min: 1 }) ?? PIPELINE_DEFAULTS.homes,
        days: wholeNumberFlag("--days", opts.days, { min: 1 }) ?? PIPELINE_DEFAULTS.days,
        seed: wholeNumberFlag("--seed", opts.seed, SEED_BOUNDS),
        workers: wholeNumberFlag("--workers", opts.workers, { min: 1 }),
      },
    });
    const epochs = wholeNumberFlag("--epochs", opts.epochs, EPOCH_BOUNDS) ?? PIPELINE_DEFAULTS.epochs;
    const synergyEpochs =
      wholeNumberFlag("--synergy-epochs", opts.synergyEpochs, EPOCH_BOUNDS) ??
      PIPELINE_DEFAULTS.synergyEpochs;
    const bootstrapResamples = wholeNumberFlag(
      "--bootstrap-resamples",
      opts.bootstrapResamples,
      BOOTSTRAP_RESAMPLE_BOUNDS,
    );
    const modelsDir = modelsRootOption(opts.models);
    const say = opts.quiet ? () => {} : (m: string) => console.log(m);

    // what training will compare against is checked before anything is generated or written
    // (trainHomeTypes checks again with the home types the dataset really has)
    const homeTypes = HOME_TYPES.filter((t) => (config.homeTypeMix[t] ?? 0) > 0);
    verifyTrainingTargets(modelsDir, trainingModelNames("failure", homeTypes));

    say(`1/4 generate ${config.homes} homes × ${config.days} days (seed ${config.seed})`);
    lineage = LineageStore.open(defaultLineagePath());
    const progress = createProgress("homes", config.homes, { quiet: opts.quiet });
    const generated = await generateDataset(config, { lineage, onProgress: progress.update });
    progress.done();
    say(
      `    dataset ${generated.manifest.dataset_id}${generated.cached ? " (cached)" : ""}: ${generated.dir}`,
    );

    say("2/4 train per-home-type and global failure classifiers, with baselines");
    const log =
      opts.quiet || !process.stderr.isTTY || process.env.CI ? () => {} : (m: string) => console.error(m);
    // one lineage run for training, completed or failed by trainFailureModels
    const { result, runId } = await trainFailureModels(generated.dir, {
      modelsDir,
      seed: config.seed,
      epochs,
      bootstrapResamples,
      verify: opts.verify,
      onProgress: log,
      lineage: { store: lineage, job: "pipeline:train-home-types" },
      onReady: ({ telemetry, backend }) =>
        say(`    backend ${backend.backend}; ${telemetry.table.rows} telemetry rows`),
    });

    say("3/4 train the graph synergy model (GNN), with baselines, at 1/3/7/14/all days of history");
    const synergy = await trainSynergyFromDataset(generated.dir, {
      modelsDir,
      seed: config.seed,
      epochs: synergyEpochs,
      bootstrapResamples,
      verify: opts.verify,
      onProgress: log,
      lineage: { store: lineage, job: "pipeline:train-synergy" },
      onReady: ({ graphs, homes }) => say(`    ${graphs} graphs of ${homes} homes`),
    });

    const reports: [string, string][] = [];
    if (opts.reports) {
      say("    reports: the dataset, the failure router and the synergy model (HTML, offline)");
      const { writeDatasetReport, writeModelReport } = await import("../lib/reports/index.js");
      reports.push([
        "dataset report:",
        (await writeDatasetReport(generated.dir, { verify: opts.verify })).path,
      ]);
      const router = result.registered.find((r) => r.name === "failure-router");
      for (const [label, model] of [
        ["model report:", router],
        ["synergy report:", synergy.result.registered],
      ] as const) {
        if (model)
          reports.push([
            label,
            (await writeModelReport(`${model.name}@${model.version}`, { modelsDir })).path,
          ]);
      }
    }

    say("4/4 summary");
    console.log(formatComparisonTable(result));
    for (const r of result.registered) {
      console.log(
        `  ${r.name} ${r.version}: ${r.promoted ? "promoted to production" : `kept as candidate (${r.blocked_by.join("; ")})`}`,
      );
    }
    console.log(formatSynergyTable(synergy.result.evaluation));
    console.log(formatSynergyClaims(synergy.result.claims));
    const s = synergy.result.registered;
    if (s) {
      console.log(
        `  ${s.name} ${s.version}: ${s.promoted ? "promoted to production" : `kept as candidate (${s.blocked_by.join("; ")})`}`,
      );
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(`dataset:     ${generated.dir}`);
    console.log(`models:      ${modelsDir}`);
    console.log(`comparison:  ${result.comparison_file}`);
    console.log(`synergy:     ${synergy.result.results_file}`);
    console.log(`lineage:     ${lineage.path} (runs ${runId}, ${synergy.runId})`);
    for (const [label, path] of reports) console.log(`${label.padEnd(16)} ${path}`);
    console.log(`done in ${seconds} s`);
    return 0;
  } catch (e) {
    return reportError(e);
  } finally {
    lineage?.close();
  }
}

runIfEntry(/pipeline\.(ts|js)$/, main);
