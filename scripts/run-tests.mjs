#!/usr/bin/env node
// `npm test`: type check, lint and every uvu test (TypeScript through tsx), all at once
// (independent processes: the checks, and the test files in two uvu shards, so both cores
// work). Each output is printed whole, checks first, so nothing interleaves.
// Ends with the line `N passed, N failed` that CI reads (a failed check counts as one
// failure); exits non-zero on any failure.
//   npm test -- [pattern] [--no-static] [--serial] [--times]
//   --serial  run the checks before the tests, one at a time, the tests in one uvu process
//   --times   print each test file's wall and CPU time at the end (scripts/uvu-timed.mjs)
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { sep } from "node:path";

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

// Two uvu processes, each with half the files (balanced by the slow files' measured CPU
// times), use both cores: most files keep one core busy, so one process left the other idle.
// Every test makes its own temp dirs and sets its env per process, so shards cannot collide.
const SHARDS = serial ? 1 : 2;
/**
 * CPU seconds of the slow files, children included (in-process CPU from `npm test -- --times`
 * plus each spawning file's child processes, measured alone); the rest count 1. CPU, not
 * wall: under load the wall times of one run say more about the other jobs than the files.
 */
const SLOW = {
  "pipeline/generation/manager.test.ts": 23,
  "pipelineMain.test.ts": 19,
  "models/lifecycle/retrainScenario.test.ts": 15,
  "models/failure/failureClassifier.test.ts": 13,
  "models/failure/validationOnly.test.ts": 11,
  "pipeline/cli.test.ts": 11,
  "models/failure/failureRouter.test.ts": 11,
  "pipeline/generation/shards.test.ts": 11,
  "synth/events.test.ts": 9,
  "synth/failures.test.ts": 8,
  "models/failure/trainHomeTypes.test.ts": 8,
  "architecture.test.ts": 8,
  "models/synergy/synergyGnn.test.ts": 6,
  "synth/telemetry.test.ts": 6,
  "models/lazyTf.test.ts": 6,
  "models/synergy/trainSynergyModel.test.ts": 6,
  "package.test.ts": 5,
  "synth/failureContext.test.ts": 5,
  "cli.test.ts": 4,
  "models/evaluation/evaluator.test.ts": 4,
  "badInput.test.ts": 4,
  "models/evaluation/synergyEvaluator.test.ts": 4,
  "models/registry/registry.test.ts": 3,
  "reports/modelReport.test.ts": 3,
  "models/synergy/generatedGraphs.test.ts": 3,
  "pipeline/exports/exports.test.ts": 3,
  "reports/datasetReport.test.ts": 3,
  "synth/confounders.test.ts": 3,
  "models/failure/trainFromTrainingSet.test.ts": 3,
  "serving/hotSwap.test.ts": 3,
  "pipeline/generation/generate.test.ts": 3,
  "models/failure/ensembleBaseline.test.ts": 3,
};
const pattern = new RegExp(only ?? "\\.test\\.ts$");
const files = readdirSync("test", { recursive: true })
  .map((f) => String(f).split(sep).join("/"))
  .filter((f) => pattern.test(f))
  .sort();
const shards = Array.from({ length: SHARDS }, () => ({ files: [], seconds: 0 }));
for (const f of [...files].sort((a, b) => (SLOW[b] ?? 1) - (SLOW[a] ?? 1) || a.localeCompare(b))) {
  const lightest = shards.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  lightest.files.push(f);
  lightest.seconds += SLOW[f] ?? 1;
}
const escapeRegExp = (f) => f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const uvuArgs = (shardFiles) => [
  "--import",
  "tsx",
  times ? "scripts/uvu-timed.mjs" : "node_modules/uvu/bin.js",
  "test",
  `^(${shardFiles.map(escapeRegExp).join("|")})$`,
  "--color",
  "false",
];
const startTests = async () => {
  const runs = await Promise.all(
    shards
      .filter((s) => s.files.length > 0)
      .map((s) => run(process.execPath, uvuArgs(s.files), { env: { ...process.env, FORCE_COLOR: "0" } })),
  );
  return {
    status: runs.some((r) => r.status !== 0) ? 1 : 0,
    error: runs.find((r) => r.error)?.error,
    stdout: runs.map((r) => r.stdout).join("\n"),
    stderr: runs.map((r) => r.stderr).join(""),
    seconds: Math.max(0, ...runs.map((r) => r.seconds)),
    runs,
  };
};

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
const sum = (re) => [...out.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
const total = sum(/Total:\s+(\d+)/g);
const passed = sum(/Passed:\s+(\d+)/g);
const skipped = sum(/Skipped:\s+(\d+)/g);
// A shard that crashed before uvu's summary counts as one failure, so it can never read as green.
const crashed = tests.runs.filter((r) => {
  if (r.status === 0) return false;
  const t = /Total:\s+(\d+)/.exec(r.stdout);
  const p = /Passed:\s+(\d+)/.exec(r.stdout);
  const k = /Skipped:\s+(\d+)/.exec(r.stdout);
  return !t || Number(t[1]) === Number(p?.[1] ?? 0) + Number(k?.[1] ?? 0);
}).length;
const failed = total - passed - skipped + crashed + staticFailures;
process.stdout.write(`(npm test took ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
process.exit(failed > 0 || tests.status !== 0 ? 1 : 0);
