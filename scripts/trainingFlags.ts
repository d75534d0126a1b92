import { existsSync } from "node:fs";
import type { Command } from "commander";
import { DEFAULTS } from "../lib/core/defaults.js";
import { defaultDataRoot, defaultLineagePath } from "../lib/core/paths.js";
import { wholeNumberFlag } from "../lib/pipeline/generation/config.js";
import { LineageStore } from "../lib/pipeline/lineage/lineageStore.js";
import { resolveDatasetDir } from "../lib/pipeline/storage/openDataset.js";
import {
  BOOTSTRAP_RESAMPLE_BOUNDS,
  EPOCH_BOUNDS,
  LINEAGE_DB_HELP,
  modelsRootOption,
  NO_VERIFY_HELP,
  SEED_BOUNDS,
} from "./cliSupport.js";

const DATASET_HELP = "dataset id (under $HOMEFORGE_DATA_DIR or ./data) or directory";

/**
 * The flags every training script takes (`train`, `train-synergy`); `help` words its epochs
 * and resamples flags, and `help.dataset`, when given, makes `--dataset` optional with that help.
 */
export function addTrainingOptions(
  program: Command,
  help: { epochs: string; bootstrap: string; dataset?: string },
): Command {
  const withDataset =
    help.dataset !== undefined
      ? program.option("--dataset <id|dir>", `${DATASET_HELP}${help.dataset}`)
      : program.requiredOption("--dataset <id|dir>", DATASET_HELP);
  return withDataset
    .option("--models <dir>", "model registry root (default: $HOMEFORGE_MODELS_DIR or ./models)")
    .option("--seed <n>", `seed for the split, initialisers and shuffling (default ${DEFAULTS.seed})`)
    .option("--epochs <n>", help.epochs)
    .option("--bootstrap-resamples <n>", help.bootstrap)
    .option("--no-verify", NO_VERIFY_HELP)
    .option("--lineage-db <file>", LINEAGE_DB_HELP)
    .option("--no-lineage", "do not record lineage")
    .option("--quiet", "print only the comparison table");
}

/** The parsed training flags but the dataset, checked: one-line errors name the flag. */
export interface CommonTrainingFlags {
  modelsDir: string;
  seed: number;
  epochs: number | undefined;
  bootstrapResamples: number | undefined;
  verify: boolean;
  /** Progress on a terminal only: quiet in CI and in pipes. */
  log: (message: string) => void;
  /** Lineage for a run recorded as `job`, or undefined with --no-lineage. */
  lineage: (job: string) => { job: string; open: () => LineageStore } | undefined;
}

export interface TrainingFlags extends CommonTrainingFlags {
  /** The dataset directory (`--dataset` as a directory, else an id under the data root). */
  dir: string;
}

export function readTrainingFlags(opts: Record<string, unknown>): TrainingFlags {
  return { ...readCommonTrainingFlags(opts), dir: datasetDirFlag(opts.dataset as string) };
}

/** `--dataset` as a directory: an existing directory as given (so a wrong one is named for what it lacks), else an id under the data root. */
export function datasetDirFlag(dataset: string): string {
  return existsSync(dataset) ? dataset : resolveDatasetDir(dataset, defaultDataRoot());
}

export function readCommonTrainingFlags(opts: Record<string, unknown>): CommonTrainingFlags {
  const seed = wholeNumberFlag("--seed", opts.seed as string | undefined, SEED_BOUNDS) ?? DEFAULTS.seed;
  const epochs = wholeNumberFlag("--epochs", opts.epochs as string | undefined, EPOCH_BOUNDS);
  const bootstrapResamples = wholeNumberFlag(
    "--bootstrap-resamples",
    opts.bootstrapResamples as string | undefined,
    BOOTSTRAP_RESAMPLE_BOUNDS,
  );
  const modelsDir = modelsRootOption(opts.models as string | undefined);
  const log =
    opts.quiet || !process.stderr.isTTY || process.env.CI ? () => {} : (m: string) => console.error(m);
  const lineageDb = opts.lineageDb as string | undefined;
  return {
    modelsDir,
    seed,
    epochs,
    bootstrapResamples,
    verify: opts.verify !== false,
    log,
    lineage: (job) =>
      opts.lineage === false
        ? undefined
        : { job, open: () => LineageStore.open(lineageDb ?? defaultLineagePath()) },
  };
}
