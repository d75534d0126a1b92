#!/usr/bin/env node
// `npm test`: type check, lint, then every uvu test (TypeScript through tsx).
// Ends with the line `N passed, N failed` that CI reads; exits non-zero on any failure.
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
const only = args.find((a) => !a.startsWith("--"));
const skipStatic = args.includes("--no-static") || only !== undefined;
const bin = (name) => `node_modules/.bin/${name}`;

const steps = skipStatic
  ? []
  : [
      ["type check", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]],
      ["lint", bin("biome"), ["check", "--diagnostic-level=error"]],
    ];

let staticFailures = 0;
for (const [name, cmd, cmdArgs] of steps) {
  process.stdout.write(`== ${name}\n`);
  const r = spawnSync(cmd, cmdArgs, { stdio: "inherit" });
  if (r.status !== 0) {
    staticFailures++;
    process.stdout.write(`${name} failed\n`);
  }
}

process.stdout.write("== tests\n");
const uvuArgs = [
  "--import",
  "tsx",
  "node_modules/uvu/bin.js",
  "test",
  only ?? "\\.test\\.ts$",
  "--color",
  "false",
];
const r = spawnSync(process.execPath, uvuArgs, {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, FORCE_COLOR: "0" },
  maxBuffer: 256 * 1024 * 1024,
});
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
const out = (r.stdout ?? "").replace(/\x1b\[[0-9;]*m/g, "");
process.stdout.write(out);
const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? 0);
const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? 0);
const skipped = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
// A crash before uvu's summary counts as one failure, so it can never read as green.
const failed =
  total - passed - skipped + (r.status !== 0 && total === passed + skipped ? 1 : 0) + staticFailures;
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
process.exit(failed > 0 || r.status !== 0 ? 1 : 0);
