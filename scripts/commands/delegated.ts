import { type Command, CommanderError } from "commander";
import { DELEGATE_EXIT } from "../cliSupport.js";

/**
 * The model commands (`pipeline`, `train`, `train-synergy`, `models`) live in their own scripts, which import
 * TensorFlow.js, so they are loaded on demand, and keep their own flags: everything after the
 * command name is handed over unchanged.
 */
export function register(program: Command): Command {
  delegate(
    program,
    "pipeline",
    "main job: generate → train → evaluate → register (see --help)",
    async (argv) => (await import("../pipeline.js")).main(argv),
  );
  delegate(
    program,
    "train",
    "train per-home-type and global failure classifiers on a dataset (see --help)",
    async (argv) => (await import("../train-home-types.js")).main(argv),
  );
  delegate(
    program,
    "train-synergy",
    "train the graph synergy model (GNN) on a dataset, with baselines by amount of history (see --help)",
    async (argv) => (await import("../train-synergy.js")).main(argv),
  );
  delegate(
    program,
    "models",
    "the model registry: list, show, promote, rollback, delete, check, status, version, health",
    async (argv) => (await import("../models.js")).main(argv),
  );
  return program;
}

function delegate(
  program: Command,
  name: string,
  description: string,
  run: (argv: string[]) => Promise<number>,
): Command {
  return program
    .command(name)
    .description(description)
    .helpOption(false)
    .allowUnknownOption()
    .argument("[args...]")
    .action(async (args: string[]) => {
      const code = await run(args);
      if (code !== 0) throw new CommanderError(code, DELEGATE_EXIT, "");
    });
}
