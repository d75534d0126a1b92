#!/usr/bin/env node
// `npm test`: type check, lint and every uvu test (TypeScript through tsx), the three at once
// (independent processes; on 2 cores the checks overlap the tests' start-up and I/O). The
// checks' output is printed whole, before the tests', so nothing interleaves.
// Ends with the line `N passed, N failed` that CI reads (a failed check counts as one
// failure); exits non-zero on any failure.
//   npm test -- [pattern] [--no-static] [--serial] [--times]
//   --serial  run the checks before the tests, one at a time (as before; to compare)
//   --times   print each test file's wall and CPU time at the end (scripts/uvu-timed.mjs)
import { spawn } from "node:child_process";

const args = process.argv.slice(2);
const only = args.find((a) => !a.startsWith("--"));
const skipStatic = args.includes("--no-static") || only !== undefined;
const serial = args.includes("--serial");
const times = args.includes("--times") || process.env.HOMEFORGE_TEST_TIMES === "1";
const bin = (name) => `node_modules/.bin/${name}`;
const started = performance.now();

/** Runs a command with its output captured; resolves to its exit code, output and seconds. */
function run(cmd, cmdArgs, options = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, cmdArgs, { stdio: ["ignore", "pipe", "pipe"], ...options });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    const done = (status, error) =>
      resolve({
        status,
        error,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        seconds: (performance.now() - t0) / 1000,
      });
    child.on("error", (e) => done(null, e));
    child.on("close", (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

const steps = skipStatic
  ? []
  : [
      ["type check", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]],
      ["lint", bin("biome"), ["check", "--diagnostic-level=error", "--colors=off"]],
    ];

const uvuArgs = [
  "--import",
  "tsx",
  times ? "scripts/uvu-timed.mjs" : "node_modules/uvu/bin.js",
  "test",
  only ?? "\\.test\\.ts$",
  "--color",
  "false",
];
const startTests = () => run(process.execPath, uvuArgs, { env: { ...process.env, FORCE_COLOR: "0" } });

let checks;
let tests;
if (serial) {
  checks = [];
  for (const [, cmd, cmdArgs] of steps) checks.push(await run(cmd, cmdArgs));
  tests = await startTests();
} else {
  const testsRun = startTests();
  checks = await Promise.all(steps.map(([, cmd, cmdArgs]) => run(cmd, cmdArgs)));
  tests = await testsRun;
}

let staticFailures = 0;
steps.forEach(([name], i) => {
  const r = checks[i];
  process.stdout.write(`== ${name} (${r.seconds.toFixed(1)} s)\n${r.stdout}`);
  process.stderr.write(r.stderr);
  if (r.error) process.stdout.write(`${r.error.message}\n`);
  if (r.status !== 0) {
    staticFailures++;
    process.stdout.write(`${name} failed\n`);
  }
});

process.stdout.write(`== tests (${tests.seconds.toFixed(1)} s)\n`);
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
const out = tests.stdout.replace(/\x1b\[[0-9;]*m/g, "");
process.stdout.write(out);
process.stderr.write(tests.stderr);
const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? 0);
const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? 0);
const skipped = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
// A crash before uvu's summary counts as one failure, so it can never read as green.
const failed =
  total - passed - skipped + (tests.status !== 0 && total === passed + skipped ? 1 : 0) + staticFailures;
process.stdout.write(`(npm test took ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
process.exit(failed > 0 || tests.status !== 0 ? 1 : 0);
