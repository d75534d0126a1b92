import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Version of the generated data. Bump it whenever the same config would produce different
 * bytes: it is part of every dataset id, so old caches are never mistaken for new output.
 */
export const GENERATOR_VERSION = "5";

let cachedRoot: string | undefined;

/** The homeforge package root (where its package.json is), from source or from dist/. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate) && JSON.parse(readFileSync(candidate, "utf8")).name === "homeforge") {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the homeforge package.json");
    dir = parent;
  }
}

export function packageVersion(): string {
  return JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")).version;
}

/** Installed version of a dependency, or null when it is not installed. */
export function dependencyVersion(name: string): string | null {
  try {
    const path = join(packageRoot(), "node_modules", name, "package.json");
    return JSON.parse(readFileSync(path, "utf8")).version;
  } catch {
    return null;
  }
}
