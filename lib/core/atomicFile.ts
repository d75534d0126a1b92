import { existsSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { HomeforgeError } from "./errors.js";

/*
 * Output files written whole: checked before any work, filled in a hidden temp sibling and
 * renamed into place, so a reader never sees half a file. The CLI (scripts/cliSupport.ts)
 * and lib (reports) share these.
 */

/**
 * Checks an output file's destination before any work: its directory must exist and it
 * must not be a directory itself. Returns the absolute path.
 */
export function checkOutFile(field: string, path: string): string {
  const full = resolve(path);
  const dir = dirname(full);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new HomeforgeError(
      field,
      `cannot write ${full}: ${dir} ${existsSync(dir) ? "is a file, not a directory" : "does not exist"}`,
      "create the directory first or pass a path in an existing one",
    );
  }
  if (existsSync(full) && statSync(full).isDirectory()) {
    throw new HomeforgeError(field, `${full} is a directory`, "pass a file path, e.g. <dir>/out.json");
  }
  return full;
}

/** A hidden temporary sibling of `path` (`.<name>.tmp-<pid>`), renamed over it when complete. */
export function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
}

/**
 * Writes an output file atomically: `write` fills a temporary sibling that is renamed over
 * `path` only when complete, so a failure leaves neither a half-written file nor the temp.
 */
export async function writeAtomically(
  field: string,
  path: string,
  write: (tmp: string) => void | Promise<void>,
): Promise<void> {
  const full = checkOutFile(field, path);
  const tmp = tempSibling(full);
  try {
    await write(tmp);
    renameSync(tmp, full);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code && /^E[A-Z]+$/.test(code)) {
      throw new HomeforgeError(field, `cannot write ${full} (${code})`, "pass a writable file path");
    }
    throw e;
  }
}

/** writeAtomically for text. */
export function writeTextAtomically(field: string, path: string, text: string): Promise<void> {
  return writeAtomically(field, path, (tmp) => writeFileSync(tmp, text));
}
