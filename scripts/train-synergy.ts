#!/usr/bin/env node
import { existsSync } from "node:fs";
import { Command } from "commander";
import { DEFAULTS } from "../lib/core/defaults.js";
import { defaultDataRoot, defaultLineagePath } from "../lib/core/paths.js";
import { formatSynergyTable } from "../lib/models/synergy/formatSynergyTable.js";
import { trainSynergyFromDataset } from "../lib/models/synergy/trainSynergyFromDataset.js";
import { formatSynergyClaims } from "../lib/models/synergy/trainSynergyModel.js";
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

/** `homeforge train-synergy`: the graph synergy model on a dataset, against its baselines; registered. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command("train-synergy")
    .description(
      "train the graph synergy model (GNN) on a dataset's homes at several amounts of history; compare with baselines; register",
    )
    .requiredOption("--dataset <id|dir>", "dataset id (under $HOMEFORGE_DATA_DIR or ./data) or directory")
    .option("--models <dir>", "model registry root (default: $HOMEFORGE_MODELS_DIR or ./models)")
    .option("--seed <n>", `seed for the split, initialisers and shuffling (default ${DEFAULTS.seed})`)
    .option("--epochs <n>", "maximum epochs (default 60; early stopping on validation homes may end sooner)")
    .option(
      "--bootstrap-resamples <n>",
      "bootstrap resamples over test homes for the 95 % intervals, at least 100 (default 1000)",
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
  applyCliConventions(program, "homeforge train-synergy");
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
    const log =
      opts.quiet || !process.stderr.isTTY || process.env.CI ? () => {} : (m: string) => console.error(m);
    const dir = existsSync(opts.dataset) ? opts.dataset : resolveDatasetDir(opts.dataset, defaultDataRoot());
    const { result } = await trainSynergyFromDataset(dir, {
      modelsDir,
      seed,
      epochs,
      bootstrapResamples,
      verify: opts.verify,
      onProgress: log,
      lineage:
        opts.lineage === false
          ? undefined
          : { job: "train-synergy", open: () => LineageStore.open(opts.lineageDb ?? defaultLineagePath()) },
    });
    console.log(formatSynergyTable(result.evaluation));
    console.log(formatSynergyClaims(result.claims));
    const r = result.registered;
    if (r) {
      console.log(
        `${r.name} ${r.version}: ${r.promoted ? "promoted to production" : `kept as candidate: ${r.blocked_by.join("; ")}`}`,
      );
    }
    return 0;
  } catch (e) {
    return reportError(e);
  }
}

runIfEntry(/train-synergy\.(ts|js)$/, main);
