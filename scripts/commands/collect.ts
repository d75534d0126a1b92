import type { Command } from "commander";
import { HomeforgeError } from "../../lib/core/errors.js";
import { defaultDataRoot } from "../../lib/core/paths.js";
import type { TrainingSetKind } from "../../lib/pipeline/analysis/collector.js";
import { checkOutFile, NO_VERIFY_HELP, writeAtomically } from "../cliSupport.js";
import { TRAINING_SET_NAMES, withLineage } from "./shared.js";

/** `homeforge collect`: a model's training set through the quality filters. */
export function register(program: Command): Command {
  return program
    .command("collect")
    .description("assemble a model's training set through quality filters and print what each dropped")
    .requiredOption("--dataset <id>", "dataset id or directory")
    .requiredOption("--for <kind>", `training set: ${TRAINING_SET_NAMES.join(", ")}`)
    .option(
      "--thresholds <file>",
      "JSON or YAML file of thresholds, e.g. {telemetry: {maxMissingShare: 0.3}}",
    )
    .option("--out <file>", "write the training set as Parquet")
    .option("--no-verify", NO_VERIFY_HELP)
    .option("--lineage-db <file>", "lineage SQLite file")
    .option("--no-lineage", "do not record lineage")
    .option("--quiet", "print nothing but errors")
    .action(async (opts) => {
      const [
        { collectTrainingData, parseCollectorThresholds, TRAINING_SETS },
        { writeParquet },
        { readConfigFile },
        { resolveDatasetDir },
      ] = await Promise.all([
        import("../../lib/pipeline/analysis/collector.js"),
        import("../../lib/pipeline/exports/formats.js"),
        import("../../lib/pipeline/generation/config.js"),
        import("../../lib/pipeline/storage/openDataset.js"),
      ]);
      // bad values and a bad destination fail before the collect work, and before lineage
      if (!Object.hasOwn(TRAINING_SETS, opts.for)) {
        throw new HomeforgeError(
          "--for",
          `"${opts.for}" is not a training set`,
          `use one of ${Object.keys(TRAINING_SETS).join(", ")}`,
        );
      }
      const out = opts.out !== undefined ? checkOutFile("--out", opts.out) : undefined;
      const datasetDir = resolveDatasetDir(opts.dataset, defaultDataRoot());
      const thresholds =
        opts.thresholds !== undefined ? readConfigFile(opts.thresholds, "--thresholds") : undefined;
      parseCollectorThresholds(thresholds); // bad thresholds fail before a lineage run is opened
      await withLineage(opts, async (lineage) => {
        const set = await collectTrainingData(datasetDir, opts.for as TrainingSetKind, {
          thresholds,
          lineage,
          verify: opts.verify,
          log: opts.quiet ? () => {} : (line) => console.log(line),
        });
        if (out) {
          await writeAtomically("--out", out, (tmp) => writeParquet(tmp, set.table));
          if (!opts.quiet) console.log(`training set ${set.id} written to ${out}`);
        }
      });
    });
}
