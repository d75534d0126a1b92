#!/usr/bin/env node
import { Command } from "commander";
import { formatSynergyTable } from "../lib/models/synergy/formatSynergyTable.js";
import { trainSynergyFromDataset } from "../lib/models/synergy/trainSynergyFromDataset.js";
import { formatSynergyClaims } from "../lib/models/synergy/trainSynergyModel.js";
import { applyCliConventions, refuseEmptyValues, reportError, runIfEntry } from "./cliSupport.js";
import { addTrainingOptions, readTrainingFlags } from "./trainingFlags.js";

/** `homeforge train-synergy`: the graph synergy model on a dataset, against its baselines; registered. */
export async function main(argv: string[]): Promise<number> {
  const program = addTrainingOptions(
    new Command("train-synergy").description(
      "train the graph synergy model (GNN) on a dataset's homes at several amounts of history; compare with baselines; register",
    ),
    {
      epochs: "maximum epochs (default 60; early stopping on validation homes may end sooner)",
      bootstrap: "bootstrap resamples over test homes for the 95 % intervals, at least 100 (default 1000)",
    },
  );
  applyCliConventions(program, "homeforge train-synergy");
  try {
    program.parse(argv, { from: "user" });
    refuseEmptyValues(program);
    const { dir, modelsDir, seed, epochs, bootstrapResamples, verify, log, lineage } = readTrainingFlags(
      program.opts(),
    );
    const { result } = await trainSynergyFromDataset(dir, {
      modelsDir,
      seed,
      epochs,
      bootstrapResamples,
      verify,
      onProgress: log,
      lineage: lineage("train-synergy"),
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
