#!/usr/bin/env node
// Installs homeforge as a user would and uses it: `npm pack`, then plain `npm install <tgz>`
// in a fresh project (no overrides), then the scripts in test/consumer/ — plain ESM
// JavaScript (node), TypeScript through tsx, and tsc over the same TypeScript. Also checks
// that the consumer's tree holds exactly one TensorFlow.js and no danfojs/xlsx.
// Run by .ci/run; takes a few minutes (the install compiles better-sqlite3).
//
//   node scripts/check-consumer.mjs [--keep]
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fixtures = join(root, "test", "consumer");
const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "homeforge-consumer-"));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

const run = (cmd, args, cwd, { echo = true } = {}) => {
  const started = Date.now();
  process.stdout.write(`$ ${cmd} ${args.join(" ")}\n`);
  const out = execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  process.stdout.write(
    `${out.trim() ? `${out.trim()}\n` : ""}  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
  return out;
};

let failed = false;
try {
  // dist/ is already built (npm ci ran prepare); pack it as it is
  const packed = JSON.parse(
    run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], root, { echo: false }),
  );
  const tarball = join(work, packed[0].filename);
  const project = join(work, "project");
  execFileSync("mkdir", ["-p", project]);
  writeFileSync(
    join(project, "package.json"),
    `${JSON.stringify({ name: "homeforge-consumer", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  for (const f of ["use.mjs", "use.ts", "tsconfig.json"]) copyFileSync(join(fixtures, f), join(project, f));
  const dev = pkg.devDependencies;
  run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      tarball,
      `tsx@${dev.tsx}`,
      `typescript@${dev.typescript}`,
      `@types/node@${dev["@types/node"]}`,
    ],
    project,
  );

  const tree = JSON.parse(run("npm", ["ls", "--all", "--json", "--long=false"], project, { echo: false }));
  const copies = { "@tensorflow/tfjs": new Set(), danfojs: new Set(), xlsx: new Set() };
  const walk = (deps) => {
    for (const [name, node] of Object.entries(deps ?? {})) {
      if (name in copies && node.version) copies[name].add(node.version);
      walk(node.dependencies);
    }
  };
  walk(tree.dependencies);
  if (copies["@tensorflow/tfjs"].size !== 1)
    throw new Error(
      `expected one @tensorflow/tfjs, found ${[...copies["@tensorflow/tfjs"]].join(", ") || "none"}`,
    );
  for (const name of ["danfojs", "xlsx"])
    if (copies[name].size > 0) throw new Error(`the consumer tree holds ${name} (${[...copies[name]]})`);

  run("node", ["use.mjs"], project);
  run(join(project, "node_modules", ".bin", "tsx"), ["use.ts"], project);
  run(join(project, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], project);
  process.stdout.write("consumer check: installed from the tarball and ran the JS and TS scripts\n");
} catch (e) {
  failed = true;
  const err = /** @type {any} */ (e);
  process.stderr.write(`consumer check failed: ${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}\n`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else process.stdout.write(`kept ${work}\n`);
}
process.exit(failed ? 1 : 0);
