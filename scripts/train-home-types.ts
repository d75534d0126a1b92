#!/usr/bin/env node
import { Command } from "commander";
import { HomeforgeError } from "../lib/core/errors.js";
import { trainFailureModels } from "../lib/models/failure/trainFailureModels.js";
import { formatComparisonTable } from "../lib/models/failure/trainHomeTypes.js";
import { applyCliConventions, refuseEmptyValues, reportError, runIfEntry } from "./cliSupport.js";
import { addTrainingOptions, datasetDirFlag, readCommonTrainingFlags } from "./trainingFlags.js";

/** `npm run train:home-types`: per-home-type + global failure classifiers on a dataset. */
export async function main(argv: string[]): Promise<number> {
  const program = addTrainingOptions(
    new Command("train-home-types").description(
      "train one failure classifier per home type plus a global one; compare with baselines; register",
    ),
    {
      epochs: "maximum epochs per model (default 30; early stopping may end sooner)",
      bootstrap:
        "bootstrap resamples over test homes for the comparison's 95 % intervals, at least 100 (default 1000)",
      dataset: "; with --training-set optional (the set names its dataset) and, if given, must be that one",
    },
  ).option(
    "--training-set <file>",
    "train on a failure training set `homeforge collect --for failure --out FILE` wrote (its filtered rows) instead of the dataset's telemetry",
  );
  applyCliConventions(program, "homeforge train");
  try {
    program.parse(argv, { from: "user" });
    refuseEmptyValues(program);
    const opts = program.opts();
    const { modelsDir, seed, epochs, bootstrapResamples, verify, log, lineage } =
      readCommonTrainingFlags(opts);
    const source = await trainingSource(opts.dataset, opts.trainingSet, verify);
    const { result } = await trainFailureModels(source, {
      modelsDir,
      seed,
      epochs,
      bootstrapResamples,
      verify,
      onProgress: log,
      lineage: lineage("train-home-types"),
      onReady: ({ telemetry, backend }) => {
        log(`backend: ${backend.backend}${backend.forced ? " (HOMEFORGE_BACKEND)" : ""}`);
        const set = telemetry.trainingSet;
        log(
          set
            ? `training set ${set.id} (dataset ${telemetry.dataset.id}): ${telemetry.table.rows} telemetry rows`
            : `dataset ${telemetry.dataset.id}: ${telemetry.table.rows} telemetry rows`,
        );
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

/** The dataset directory, or with `--training-set` the set read (and its dataset resolved and checked). */
async function trainingSource(dataset: string | undefined, trainingSet: string | undefined, verify: boolean) {
  if (trainingSet === undefined) {
    if (dataset === undefined) {
      throw new HomeforgeError(
        "--dataset",
        "no dataset given",
        "pass --dataset ID|DIR, or --training-set FILE from `homeforge collect --for failure --out FILE`",
      );
    }
    return datasetDirFlag(dataset);
  }
  const { readTrainingSetTelemetry } = await import("../lib/models/failure/trainingSetInput.js");
  return readTrainingSetTelemetry(trainingSet, {
    datasetDir: dataset === undefined ? undefined : datasetDirFlag(dataset),
    verify,
  });
}

runIfEntry(/train-home-types\.(ts|js)$/, main);
