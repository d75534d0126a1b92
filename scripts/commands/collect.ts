import type { Command } from "commander";
import { HomeforgeError } from "../../lib/core/errors.js";
import { defaultDataRoot } from "../../lib/core/paths.js";
import type { TrainingSetKind } from "../../lib/pipeline/analysis/collector.js";
import { checkOutFile, NO_VERIFY_HELP, writeAtomically, writeTextAtomically } from "../cliSupport.js";
import { TRAINING_SET_NAMES, withLineage } from "./shared.js";

/** `homeforge collect`: a model's training set through the quality filters. */
export function register(program: Command): Command {
  return program
    .command("collect")
    .description(
      "assemble a model's training set through quality filters and print its statistics (what each filter dropped, rows per home type, label balance)",
    )
    .requiredOption("--dataset <id>", "dataset id or directory")
    .requiredOption("--for <kind>", `training set: ${TRAINING_SET_NAMES.join(", ")}`)
    .option(
      "--thresholds <file>",
      "JSON or YAML file of thresholds, e.g. {telemetry: {maxMissingShare: 0.3}}",
    )
    .option("--out <file>", "write the training set as Parquet, and its statistics as <file>.stats.json")
    .option("--no-verify", NO_VERIFY_HELP)
    .option("--lineage-db <file>", "lineage SQLite file")
    .option("--no-lineage", "do not record lineage")
    .option("--quiet", "print nothing but errors")
    .action(async (opts) => {
      const [
        { collectTrainingData, parseCollectorThresholds, TRAINING_SETS },
        { writeParquet },
        { readConfigFile },
        { openDataset, resolveDatasetDir },
        { collectStats, formatCollectStats },
        { trainingSetMetadata },
      ] = await Promise.all([
        import("../../lib/pipeline/analysis/collector.js"),
        import("../../lib/pipeline/exports/formats.js"),
        import("../../lib/pipeline/generation/config.js"),
        import("../../lib/pipeline/storage/openDataset.js"),
        import("../../lib/pipeline/analysis/collectStats.js"),
        import("../../lib/pipeline/analysis/trainingSetFile.js"),
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
      const statsOut = out !== undefined ? checkOutFile("--out", `${out}.stats.json`) : undefined;
      const datasetDir = resolveDatasetDir(opts.dataset, defaultDataRoot());
      const thresholds =
        opts.thresholds !== undefined ? readConfigFile(opts.thresholds, "--thresholds") : undefined;
      parseCollectorThresholds(thresholds); // bad thresholds fail before a lineage run is opened
      await withLineage(opts, async (lineage) => {
        const ds = openDataset(datasetDir, "--dataset", { verify: opts.verify });
        const set = await collectTrainingData(ds, opts.for as TrainingSetKind, {
          thresholds,
          lineage,
          log: opts.quiet ? () => {} : (line) => console.log(line),
        });
        const stats = collectStats(set, await ds.table("homes"));
        if (!opts.quiet) for (const line of formatCollectStats(stats)) console.log(line);
        if (out && statsOut) {
          // the stats land (atomically) inside the output's write, so a failed write leaves neither
          await writeAtomically("--out", out, async (tmp) => {
            // the footer says what the set is and which dataset it came from (train --training-set reads it)
            await writeParquet(tmp, set.table, trainingSetMetadata(set));
            await writeTextAtomically("--out", statsOut, `${JSON.stringify(stats, null, 2)}\n`);
          });
          if (!opts.quiet) console.log(`training set ${set.id} written to ${out}, statistics to ${statsOut}`);
        }
      });
    });
}
