import { existsSync } from "node:fs";
import type { Command } from "commander";
import { defaultDataRoot } from "../../lib/core/paths.js";
import { checkOutFile, modelsRootOption, NO_VERIFY_HELP, writeAtomically } from "../cliSupport.js";

/** `homeforge predict`: failure probabilities for every telemetry row, served per home type. */
export function register(program: Command): Command {
  return program
    .command("predict")
    .description(
      "score a dataset's telemetry with the served failure models (routed per home type by failure-router@production) into a Parquet file",
    )
    .requiredOption("--dataset <id|dir>", "dataset id (under $HOMEFORGE_DATA_DIR or ./data) or directory")
    .option(
      "--model <name[@ref]>",
      "a failure router or classifier, ref production (default), candidate or a version (default failure-router@production)",
    )
    .option("--models <dir>", "model registry root (default: $HOMEFORGE_MODELS_DIR or ./models)")
    .requiredOption(
      "--out <file>",
      "Parquet file to write: home_id, entity_id, day, split, probability, served_model, served_version (+ censored)",
    )
    .option("--no-verify", NO_VERIFY_HELP)
    .option("--quiet", "print nothing but errors")
    .action(async (opts) => {
      const [
        { predictFailures, resolvePredictionModel },
        { readTelemetryDataset },
        { writeParquet },
        { openDataset, resolveDatasetDir },
      ] = await Promise.all([
        import("../../lib/models/failure/predictFailures.js"),
        import("../../lib/models/failure/telemetryDataset.js"),
        import("../../lib/pipeline/exports/formats.js"),
        import("../../lib/pipeline/storage/openDataset.js"),
      ]);
      // every cheap check before the data is read: destination, registry, dataset, model
      const out = checkOutFile("--out", opts.out);
      const modelsDir = modelsRootOption(opts.models);
      // an existing directory is read as given, so a wrong one is named for what it lacks
      const dir = existsSync(opts.dataset)
        ? opts.dataset
        : resolveDatasetDir(opts.dataset, defaultDataRoot());
      openDataset(dir, "--dataset", { verify: opts.verify }); // the manifest, before the model
      const request = { modelsDir, model: opts.model as string | undefined, field: "--model" };
      const model = resolvePredictionModel(request);
      const telemetry = await readTelemetryDataset(dir, "--dataset", { verify: opts.verify });
      const predictions = await predictFailures(telemetry.table, request);
      await writeAtomically("--out", out, (tmp) => writeParquet(tmp, predictions.table));
      if (!opts.quiet) {
        const served = predictions.served.map((s) => `${s.name} ${s.version} (${s.rows} rows)`).join(", ");
        console.log(
          `${predictions.table.rows} rows of ${predictions.homes} homes scored by ${model.name} ${model.version} → ${out}; served: ${served}`,
        );
      }
    });
}
