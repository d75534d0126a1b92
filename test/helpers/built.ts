import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * The built package (dist/, `npm run build`; `npm ci` runs it through `prepare`). Tests that
 * run the built CLI or start worker threads from dist/ call this first: a dist/ older than its
 * sources would test yesterday's code, so it fails instead, naming the first stale file.
 */
let checked = false;

export function assertBuiltFresh(): void {
  if (checked) return;
  for (const dir of ["lib", "scripts"]) {
    for (const entry of readdirSync(dir, { recursive: true })) {
      const file = String(entry);
      if (!file.endsWith(".ts") || file.endsWith(".d.ts")) continue;
      const source = join(dir, file);
      const built = join("dist", dir, file.replace(/\.ts$/, ".js"));
      if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs)
        throw new Error(`dist/ is older than ${source}: run \`npm run build\` first`);
    }
  }
  checked = true;
}

/** Absolute path of the built CLI entry (bin/homeforge.js, which runs dist/scripts/cli.js). */
export function builtCli(): string {
  assertBuiltFresh();
  return join(process.cwd(), "bin/homeforge.js");
}
