import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Command, CommanderError } from "commander";
import { HomeforgeError, isHomeforgeError } from "../lib/core/errors.js";
import { defaultModelsRoot } from "../lib/core/paths.js";

/** Code a command that delegated to another script exits with; that script printed its own error. */
export const DELEGATE_EXIT = "homeforge.delegate";

/**
 * Prints an error the homeforge way and returns the exit code: commander's own usage errors
 * (already printed) exit 2, a HomeforgeError prints its one line and exits with its code,
 * anything else is a bug and prints its stack (exit 1).
 */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === DELEGATE_EXIT) return e.exitCode;
    return e.exitCode === 0 ? 0 : 2;
  }
  if (isHomeforgeError(e)) {
    console.error(`error: ${e.message}`);
    return e.exitCode;
  }
  console.error(`error: ${(e as Error)?.stack ?? e}`);
  return 1;
}

/** A seed: what the generation config accepts (0 … 2^32 − 1). */
/** Help of `--no-verify`, the same on every command that reads a dataset. */
export const NO_VERIFY_HELP =
  "read the dataset's files without checking them against the manifest's sha256 (damaged data goes through)";
/** Help of `--lineage-db`, the same on every command that records lineage. */
export const LINEAGE_DB_HELP = "lineage SQLite file (default $HOMEFORGE_LINEAGE_DB or <data>/lineage.sqlite)";

export const SEED_BOUNDS = { min: 0, max: 2 ** 32 - 1 } as const;
/** Training epochs. */
export const EPOCH_BOUNDS = { min: 1, max: 10_000 } as const;
/** Bootstrap resamples of the comparison's intervals: fewer than 100 gives no usable 95 % interval. */
export const BOOTSTRAP_RESAMPLE_BOUNDS = { min: 100, max: 1_000_000 } as const;
/** How many rows `lineage runs --limit` may ask for. */
export const LIMIT_BOUNDS = { min: 1, max: 1_000_000 } as const;

/** Runs `main` when this file is the process entry point (not when imported). */
export function runIfEntry(scriptPattern: RegExp, main: (argv: string[]) => Promise<number>): void {
  if (process.argv[1] && scriptPattern.test(process.argv[1])) {
    quietOnClosedPipe();
    main(process.argv.slice(2)).then((code) => {
      process.exitCode = code;
    });
  }
}

/** `homeforge models list | head` closes stdout early: that is the reader's choice, not an error. */
export function quietOnClosedPipe(): void {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

/**
 * Makes commander's own errors homeforge errors, on `cmd` and every subcommand: one line on
 * stderr (a "Did you mean …?" hint joined onto it) pointing at the command's help, exit 2;
 * a missing subcommand prints the help on stdout and a one-line error; an empty option value
 * (`--out ""`) or argument is refused instead of being read as absent.
 * `rootName` is how the user typed the root command (e.g. "homeforge models").
 */
export function applyCliConventions(cmd: Command, rootName?: string): Command {
  const path = commandPath(cmd, rootName);
  cmd.exitOverride((err) => {
    if (err.code === "commander.help" && err.exitCode !== 0) {
      throw new HomeforgeError(
        path,
        "no command given",
        `pass one of ${cmd.commands.map((c) => c.name()).join(", ")} (see \`${path} --help\`)`,
      );
    }
    throw err;
  });
  cmd.configureOutput({
    // only help reaches writeErr (outputError below writes errors itself): help is output, not an error
    writeErr: (str) => process.stdout.write(str),
    // "error: unknown option '--nope'" → "error: homeforge generate: unknown option '--nope'; see …"
    outputError: (str) =>
      process.stderr.write(
        `error: ${path}: ${oneLine(str).replace(/^error: /, "")}; see \`${path} --help\`\n`,
      ),
  });
  if (!cmd.parent) cmd.hook("preAction", (_root, action) => refuseEmptyValues(action, rootName));
  for (const sub of cmd.commands) applyCliConventions(sub, rootName);
  return cmd;
}

/**
 * Refuses an empty option value (`--out ""`) or argument of `action` and its parents, which
 * would otherwise read as absent. Runs before every action; call it yourself after `parse`
 * for a program without actions.
 */
export function refuseEmptyValues(action: Command, rootName?: string): void {
  for (let c: Command | null = action; c; c = c.parent) {
    for (const o of c.options) {
      if (c.getOptionValue(o.attributeName()) === "") {
        throw new HomeforgeError(
          o.long ?? o.flags,
          "the value is empty",
          "pass a value or leave the option out",
        );
      }
    }
  }
  action.registeredArguments.forEach((arg, i) => {
    if (action.processedArgs[i] === "") {
      const path = commandPath(action, rootName);
      throw new HomeforgeError(
        `${path} <${arg.name()}>`,
        "the value is empty",
        `pass a value (see \`${path} --help\`)`,
      );
    }
  });
}

function commandPath(cmd: Command, rootName: string | undefined): string {
  return cmd.parent ? `${commandPath(cmd.parent, rootName)} ${cmd.name()}` : (rootName ?? cmd.name());
}

function oneLine(text: string): string {
  return text
    .trim()
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ")
    .replace(/\.$/, "");
}

/**
 * A directory option (a model registry root …): if it exists it must be a directory, and if
 * not, the nearest existing ancestor must be one, so it can be created later.
 */
export function checkDirOption(field: string, path: string): string {
  const full = resolve(path);
  let p = full;
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  if (existsSync(p) && !statSync(p).isDirectory()) {
    throw new HomeforgeError(
      field,
      p === full ? `${full} is a file, not a directory` : `cannot create ${full}: ${p} is a file`,
      "pass a directory path",
    );
  }
  return full;
}

/** Output files: checked before any work, written through a temp sibling (shared with lib). */
export { checkOutFile, tempSibling, writeAtomically, writeTextAtomically } from "../lib/core/atomicFile.js";

/** The model registry root from `--models`, else $HOMEFORGE_MODELS_DIR or ./models; checked to be a directory. */
export function modelsRootOption(flag: string | undefined): string {
  if (flag !== undefined) return checkDirOption("--models", flag);
  return checkDirOption(
    process.env.HOMEFORGE_MODELS_DIR ? "HOMEFORGE_MODELS_DIR" : "--models",
    defaultModelsRoot(),
  );
}
