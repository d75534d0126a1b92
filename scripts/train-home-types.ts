#!/usr/bin/env node
import { existsSync } from "node:fs";
import { Command } from "commander";
import { DEFAULTS } from "../lib/core/defaults.js";
import { defaultDataRoot, defaultLineagePath } from "../lib/core/paths.js";
import { trainFailureModels } from "../lib/models/failure/trainFailureModels.js";
import { formatComparisonTable } from "../lib/models/failure/trainHomeTypes.js";
import { wholeNumberFlag } from "../lib/pipeline/generation/config.js";
import { LineageStore } from "../lib/pipeline/lineage/lineageStore.js";
import { resolveDatasetDir } from "../lib/pipeline/storage/openDataset.js";
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

/** `npm run train:home-types`: per-home-type + global failure classifiers on a dataset. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command("train-home-types")
    .description(
      "train one failure classifier per home type plus a global one; compare with baselines; register",
    )
    .requiredOption("--dataset <id|dir>", "dataset id (under $HOMEFORGE_DATA_DIR or ./data) or directory")
    .option("--models <dir>", "model registry root (default: $HOMEFORGE_MODELS_DIR or ./models)")
    .option("--seed <n>", `seed for the split, initialisers and shuffling (default ${DEFAULTS.seed})`)
    .option("--epochs <n>", "maximum epochs per model (default 30; early stopping may end sooner)")
    .option(
      "--bootstrap-resamples <n>",
      "bootstrap resamples over test homes for the comparison's 95 % intervals, at least 100 (default 1000)",
    )
    .option(
      "--no-verify",
      "read the dataset's files without checking them against the manifest's sha256 (damaged data goes through)",
    )
    .option(
      "--lineage-db <file>",
      "lineage SQLite file (default $HOMEFORGE_LINEAGE_DB or <data>/lineage.sqlite)",
    )
    .option("--no-lineage", "do not record lineage")
    .option("--quiet", "print only the comparison table");
  applyCliConventions(program, "homeforge train");
  try {
    program.parse(argv, { from: "user" });
    refuseEmptyValues(program);
    const opts = program.opts();
    const seed = wholeNumberFlag("--seed", opts.seed, SEED_BOUNDS) ?? DEFAULTS.seed;
    const epochs = wholeNumberFlag("--epochs", opts.epochs, EPOCH_BOUNDS);
    const bootstrapResamples = wholeNumberFlag(
      "--bootstrap-resamples",
      opts.bootstrapResamples,
      BOOTSTRAP_RESAMPLE_BOUNDS,
    );
    const modelsDir = modelsRootOption(opts.models);
    // progress on a terminal only: quiet in CI and in pipes
    const log =
      opts.quiet || !process.stderr.isTTY || process.env.CI ? () => {} : (m: string) => console.error(m);
    // an existing directory is read as given, so a wrong one is named for what it lacks
    const dir = existsSync(opts.dataset) ? opts.dataset : resolveDatasetDir(opts.dataset, defaultDataRoot());
    const { result } = await trainFailureModels(dir, {
      modelsDir,
      seed,
      epochs,
      bootstrapResamples,
      verify: opts.verify,
      onProgress: log,
      lineage:
        opts.lineage === false
          ? undefined
          : {
              job: "train-home-types",
              open: () => LineageStore.open(opts.lineageDb ?? defaultLineagePath()),
            },
      onReady: ({ telemetry, backend }) => {
        log(`backend: ${backend.backend}${backend.forced ? " (HOMEFORGE_BACKEND)" : ""}`);
        log(`dataset ${telemetry.dataset.id}: ${telemetry.table.rows} telemetry rows`);
      },
    });
    console.log(formatComparisonTable(result));
    for (const r of result.registered) {
      console.log(
        `${r.name} ${r.version}: ${r.promoted ? "promoted to production" : `kept as candidate: ${r.blocked_by.join("; ")}`}`,
      );
    }
    console.log(`comparison written to ${result.comparison_file}`);
    return 0;
  } catch (e) {
    return reportError(e);
  }
}

runIfEntry(/train-home-types\.(ts|js)$/, main);
