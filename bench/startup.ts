/**
 * Start-up benchmark (a script, not a test): how long the compiled `homeforge` CLI and the
 * library take to load, each in a fresh child process, best of `rounds` wall times in ms.
 * Next to a bare `node -e ""`, which is Node's own start-up on this machine.
 * Measures dist/ as built: run `npm run build` first.
 *
 *   npx tsx bench/startup.ts [rounds=5]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "bin", "homeforge.js");

const CASES: Array<[label: string, args: string[]]> = [
  ["node -e ''", ["-e", ""]],
  ["homeforge --version", [bin, "--version"]],
  ["homeforge generate --help", [bin, "generate", "--help"]],
  ['import("homeforge")', ["--input-type=module", "-e", 'await import("homeforge");']],
];

/** Wall time of one child process in ms; throws when it fails. */
function timeChild(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr.trim()}`);
  return ms;
}

export async function run(rounds = 5) {
  if (
    !existsSync(join(root, "dist", "scripts", "cli.js")) ||
    !existsSync(join(root, "dist", "lib", "index.js"))
  )
    throw new Error("dist/ is missing: run `npm run build` first");
  console.log(`startup: best of ${rounds} child processes, wall time`);
  const best = new Map<string, number>(CASES.map(([label]) => [label, Number.POSITIVE_INFINITY]));
  // interleaved rounds, so a burst of load on a shared machine hits every case alike
  for (let i = 0; i < rounds; i++) {
    for (const [label, args] of CASES) best.set(label, Math.min(best.get(label)!, timeChild(args)));
  }
  for (const [label, ms] of best) console.log(`  ${label.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(Number(process.argv[2] ?? 5));
}
