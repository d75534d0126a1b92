import { existsSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { HomeforgeError } from "./errors.js";

/**
 * Checks an output file's destination before any work: its directory must exist and it
 * must not be a directory itself. Returns the absolute path.
 */
export function checkOutputFile(field: string, path: string): string {
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
    throw new HomeforgeError(field, `${full} is a directory`, "pass a file path, e.g. <dir>/report.html");
  }
  return full;
}

/**
 * Writes a text file atomically for lib code (scripts/ has its own CLI-flavoured helper):
 * the text goes to a hidden temp sibling `.<name>.tmp-<pid>` that is renamed over `path`
 * only when complete, so a reader never sees half a file and a failure leaves no temp.
 * The file's directory must exist. Returns the absolute path written.
 */
export function writeTextFileAtomically(field: string, path: string, text: string): string {
  const full = checkOutputFile(field, path);
  const dir = dirname(full);
  const tmp = join(dir, `.${basename(full)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, full);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code && /^E[A-Z]+$/.test(code)) {
      throw new HomeforgeError(field, `cannot write ${full} (${code})`, "pass a writable file path");
    }
    throw e;
  }
  return full;
}
