import { existsSync } from "node:fs";
import { type Command, Option } from "commander";
import { DEFAULTS } from "../../lib/core/defaults.js";
import { HomeforgeError } from "../../lib/core/errors.js";
import { defaultDataRoot } from "../../lib/core/paths.js";
import {
  BOOTSTRAP_RESAMPLE_BOUNDS,
  EPOCH_BOUNDS,
  LINEAGE_DB_HELP,
  modelsRootOption,
  NO_VERIFY_HELP,
  SEED_BOUNDS,
} from "../cliSupport.js";
import { withLineage } from "./shared.js";

/** The served things `retrain --model` takes (lib/models/lifecycle/retrain.ts RETRAINABLE_MODELS). */
const MODELS = ["failure-router", "synergy-gnn"] as const;

/** `homeforge retrain`: check sufficiency and triggers, train a candidate where one fired, record it. */
export function register(program: Command): Command {
  return program
    .command("retrain")
    .description(
      "check data sufficiency and the retraining triggers (new data, drift, metric floor, age); train, judge on validation homes and record where one fired",
    )
    .addOption(new Option("--model <name>", "the served model to check and retrain").choices([...MODELS]))
    .option("--all", "every served model (the default when --model is left out)")
    .option("--dataset <id|dir>", "the new dataset: id (under $HOMEFORGE_DATA_DIR or ./data) or directory")
    .option("--dry-run", "check and record the decision, train nothing")
    .option("--history", "print the retraining history (of --model, else every model) and exit")
    .option("--models <dir>", "model registry root (default: $HOMEFORGE_MODELS_DIR or ./models)")
    .option("--seed <n>", `seed for the split, training and bootstrap (default ${DEFAULTS.seed})`)
    .option("--epochs <n>", "maximum epochs per trained model (default: the training defaults)")
    .option("--bootstrap-resamples <n>", "bootstrap resamples for intervals, at least 100 (default 1000)")
    .option("--no-verify", NO_VERIFY_HELP)
    .option("--lineage-db <file>", LINEAGE_DB_HELP)
    .option("--no-lineage", "do not record lineage")
    .option("--json", "print JSON (the decisions, or the raw history)")
    .option("--quiet", "print only the result")
    .action(async (opts) => {
      const { wholeNumberFlag } = await import("../../lib/pipeline/generation/config.js");
      const modelsDir = modelsRootOption(opts.models);
      if (opts.model && opts.all) {
        throw new HomeforgeError("--model", "cannot be combined with --all", "pass one of them");
      }
      const models = opts.model ? [opts.model as (typeof MODELS)[number]] : [...MODELS];
      if (opts.history) {
        const { formatRetrainingHistory, readRetrainingHistory } = await import(
          "../../lib/models/lifecycle/retrainingHistory.js"
        );
        const history = readRetrainingHistory(modelsDir, opts.model);
        if (opts.json) {
          for (const note of history.notes) console.error(`note: ${note}`);
          console.log(JSON.stringify(history.entries, null, 2));
        } else process.stdout.write(formatRetrainingHistory(history));
        return;
      }
      if (opts.dataset === undefined) {
        throw new HomeforgeError(
          "--dataset",
          "is required to check for retraining",
          "pass a dataset id or directory (or --history to print the history)",
        );
      }
      const seed = wholeNumberFlag("--seed", opts.seed, SEED_BOUNDS);
      const epochs = wholeNumberFlag("--epochs", opts.epochs, EPOCH_BOUNDS);
      const bootstrapResamples = wholeNumberFlag(
        "--bootstrap-resamples",
        opts.bootstrapResamples,
        BOOTSTRAP_RESAMPLE_BOUNDS,
      );
      const { resolveDatasetDir } = await import("../../lib/pipeline/storage/openDataset.js");
      const dataset = existsSync(opts.dataset)
        ? opts.dataset
        : resolveDatasetDir(opts.dataset, defaultDataRoot());
      const log =
        opts.quiet || !process.stderr.isTTY || process.env.CI ? () => {} : (m: string) => console.error(m);
      const { retrain } = await import("../../lib/models/lifecycle/retrain.js");
      const entries = await withLineage(opts, (lineage) =>
        retrain({
          modelsDir,
          dataset,
          models,
          dryRun: opts.dryRun === true,
          seed,
          epochs,
          bootstrapResamples,
          verify: opts.verify !== false,
          lineage,
          onProgress: log,
        }),
      );
      if (opts.json) {
        console.log(JSON.stringify(entries, null, 2));
        return;
      }
      for (const e of entries) {
        console.log(
          `${e.model} (served ${e.served_before?.version ?? "nothing"}) on dataset ${e.dataset.id}:`,
        );
        console.log(`  sufficiency: ${e.sufficiency.summary}`);
        for (const t of e.triggers)
          console.log(`  ${t.fired ? "FIRED" : "quiet"} ${t.trigger}: ${t.explanation}`);
        console.log(
          `  decision: ${e.decision}${e.dry_run ? " (dry run: nothing trained)" : ""} — ${e.reason}`,
        );
        if (e.candidate && e.verdict) {
          console.log(
            `  candidate ${e.candidate.name} ${e.candidate.version}: ${e.verdict.outcome} — ${e.verdict.reason}`,
          );
          console.log(
            `  served now: ${e.served_after ? `${e.served_after.name} ${e.served_after.version}` : "nothing"}`,
          );
        }
        if (e.lineage_run_id) console.log(`  lineage run ${e.lineage_run_id}`);
      }
    });
}
