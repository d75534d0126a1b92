#!/usr/bin/env node
import { Command } from "commander";
import { trainFailureModels } from "../lib/models/failure/trainFailureModels.js";
import { formatComparisonTable } from "../lib/models/failure/trainHomeTypes.js";
import { applyCliConventions, refuseEmptyValues, reportError, runIfEntry } from "./cliSupport.js";
import { addTrainingOptions, readTrainingFlags } from "./trainingFlags.js";

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
    },
  );
  applyCliConventions(program, "homeforge train");
  try {
    program.parse(argv, { from: "user" });
    refuseEmptyValues(program);
    const { dir, modelsDir, seed, epochs, bootstrapResamples, verify, log, lineage } = readTrainingFlags(
      program.opts(),
    );
    const { result } = await trainFailureModels(dir, {
      modelsDir,
      seed,
      epochs,
      bootstrapResamples,
      verify,
      onProgress: log,
      lineage: lineage("train-home-types"),
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
