import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { HomeforgeError } from "../errors.js";
import { MANIFEST_FILE } from "./manifest.js";

/**
 * Checks, before any work, that `dir` can be written as a dataset directory: its nearest
 * existing ancestor is a writable directory, and `dir` itself is absent, empty, or an
 * earlier dataset (which is then replaced whole). Creates nothing.
 */
export function assertWritableDatasetDir(dir: string, field = "--out"): void {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) {
      throw new HomeforgeError(field, `${dir} is a file`, "choose a directory path for the dataset");
    }
    const entries = readdirSync(target);
    if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
      throw new HomeforgeError(
        field,
        `${dir} is not empty and holds no homeforge dataset`,
        "choose a new or empty directory, so nothing of yours is overwritten",
      );
    }
  }
  let ancestor = dirname(target);
  while (!existsSync(ancestor)) ancestor = dirname(ancestor);
  const reason = unwritableReason(ancestor);
  if (reason)
    throw new HomeforgeError(
      field,
      `cannot write under ${ancestor} (${reason})`,
      "choose a directory you can write to",
    );
}

function unwritableReason(dir: string): string | null {
  try {
    if (!statSync(dir).isDirectory()) return "it is a file, not a directory";
    accessSync(dir, constants.W_OK);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? "not writable";
  }
  return null;
}

/**
 * Builds a directory atomically: `build` writes into a hidden temporary sibling, which is
 * renamed into place only when it finishes. An interrupted or failed build leaves no
 * directory that looks complete, and a dataset being replaced stays intact until then.
 */
export async function writeDirAtomically<T>(
  dir: string,
  build: (tmpDir: string) => Promise<T> | T,
): Promise<T> {
  const target = resolve(dir);
  const parent = dirname(target);
  const tmp = join(parent, `.${basename(target)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  let result: T;
  // the first directory mkdir creates: on failure everything from there down is ours to remove
  let created: string | undefined;
  try {
    created = mkdirSync(tmp, { recursive: true });
    result = await build(tmp);
  } catch (e) {
    rmSync(created ?? tmp, { recursive: true, force: true });
    throw e;
  }
  if (existsSync(target)) {
    const old = join(parent, `.${basename(target)}.old-${process.pid}`);
    renameSync(target, old);
    renameSync(tmp, target);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(tmp, target);
  }
  return result;
}
