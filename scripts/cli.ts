#!/usr/bin/env node
import { Command } from "commander";
import { packageVersion } from "../lib/core/version.js";
import { applyCliConventions, quietOnClosedPipe, reportError } from "./cliSupport.js";
import * as ab from "./commands/ab.js";
import * as collect from "./commands/collect.js";
import * as delegated from "./commands/delegated.js";
import * as exportCommand from "./commands/export.js";
import * as generate from "./commands/generate.js";
import * as info from "./commands/info.js";
import * as lineage from "./commands/lineage.js";
import * as merge from "./commands/merge.js";
import * as predict from "./commands/predict.js";
import * as report from "./commands/report.js";
import * as retrain from "./commands/retrain.js";
import * as serve from "./commands/serve.js";
import * as synergies from "./commands/synergies.js";

/**
 * The `homeforge` command line: one module per command under scripts/commands/, assembled
 * here in the order `--help` lists them. Parses flags, calls lib/, prints. Each command
 * imports the lib/ code it runs inside its action, so `--version` and `--help` load
 * commander and a few small lib/core modules only.
 */
export function buildCli(): Command {
  const program = new Command("homeforge")
    .description("Seeded synthetic smart homes, tidy datasets and honest TensorFlow.js models")
    .version(packageVersion());
  for (const command of [
    generate,
    merge,
    exportCommand,
    collect,
    lineage,
    predict,
    synergies,
    report,
    retrain,
    ab,
    serve,
    info,
    delegated,
  ])
    command.register(program);
  return applyCliConventions(program);
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    return reportError(e);
  }
}

const invokedDirectly = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  quietOnClosedPipe();
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
