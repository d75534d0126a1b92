import { CommanderError } from "commander";
import { numberFlag } from "../lib/config.js";
import { HomeforgeError, isHomeforgeError } from "../lib/errors.js";

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

/** A whole-number flag of at least `min`, or undefined when absent. */
export function wholeNumberFlag(field: string, text: string | undefined, min: number): number | undefined {
  const value = numberFlag(field, text);
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new HomeforgeError(
      field,
      `"${text}" is not a whole number ≥ ${min}`,
      `pass e.g. ${field} ${min + 1}`,
    );
  }
  return value;
}

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
