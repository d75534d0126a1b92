/**
 * `npm run bench`: runs every benchmark in bench/ (each module exports `run()`), one after
 * another on this one thread, and prints their numbers. Benchmarks are scripts, never tests.
 *
 *   npx tsx bench/index.ts [name …]   (e.g. `events` to run bench/events.ts only)
 */
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => /\.ts$/.test(f) && !f.endsWith(".d.ts") && f !== self)
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, "")))
  .sort();

console.log(`node ${process.version}, ${process.arch}, one thread`);
let failed = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => unknown };
  if (typeof mod.run !== "function") {
    console.log(`${file}: no run() export, skipped`);
    continue;
  }
  try {
    await mod.run();
  } catch (e) {
    failed++;
    console.error(`${file} failed: ${(e as Error).stack ?? e}`);
  }
  console.log("");
}
if (failed > 0) process.exit(1);
