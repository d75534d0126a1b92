import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { DataGenerationManager } from "../../lib/pipeline/generation/manager.js";
import { builtCli } from "../helpers/built.js";
import { runCliInProcess } from "../helpers/cliInProcess.js";
import { PIPELINE_PRODUCERS } from "../helpers/pipelineProducers.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const env = { HOMEFORGE_DATA_DIR: join(root, "data"), HOMEFORGE_LINEAGE_DB: join(root, "lineage.sqlite") };
const BIG = [
  "generate",
  "--homes",
  "400",
  "--days",
  "1",
  "--workers",
  "1",
  "--min-devices",
  "0",
  "--min-events",
  "0",
];

/** The built CLI (bin/homeforge.js, as installed) in a child process: no tsx start-up, ~1 CPU-s less. */
function startCli(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, [builtCli(), ...args], {
    env: { ...process.env, CI: "true", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stderr })),
  );
  return { child, done };
}

/** Waits until the run has a temp dir with table files in it: it is writing. */
async function waitUntilWriting(parent: string, name: string): Promise<string> {
  for (let i = 0; i < 1500; i++) {
    const tmp = existsSync(parent)
      ? readdirSync(parent).find((n) => n.startsWith(`.${name}.tmp-`))
      : undefined;
    if (tmp) {
      const files = readdirSync(join(parent, tmp), { withFileTypes: true }).filter((f) =>
        f.name.endsWith(".parquet"),
      );
      if (files.length > 0) return tmp;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the run never started writing");
}

test("a run killed half-way leaves no complete-looking dataset; the next run succeeds", async () => {
  const out = join(root, "killed");
  const { child, done } = startCli([...BIG, "--out", out]);
  await waitUntilWriting(root, "killed");
  child.kill("SIGKILL");
  await done;
  assert.ok(!existsSync(join(out, "manifest.json")), "no manifest");
  assert.ok(!existsSync(out), "no dataset directory");
  assert.ok(!existsSync(join(root, ".killed.cache.json")), "no cache entry");
  // the next run (in process, and smaller: what matters is that it finds the leftovers)
  const again = await cliHere([...BIG, "--homes", "8", "--out", out]);
  assert.is(again.status, 0, again.stderr);
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
  assert.is(manifest.tables.homes.rows, 8);
  assert.equal(
    readdirSync(root).filter((n) => n.startsWith(".killed.tmp-")),
    [],
    "the dead run's temp dir is swept",
  );
});

test("Ctrl-C stops a run cleanly: exit 130, one line, temp dir removed", async () => {
  const out = join(root, "interrupted");
  const { child, done } = startCli([...BIG, "--out", out]);
  await waitUntilWriting(root, "interrupted");
  child.kill("SIGINT");
  const { code, stderr } = await done;
  assert.is(code, 130);
  // the estimate header comes first; the error is one line
  assert.match(stderr, /^generating 400 homes × 1 days on \d+ worker\(s\): ≈ /);
  assert.equal(
    stderr
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("generating ")),
    ["error: generate: interrupted, nothing was written; run the command again"],
  );
  assert.equal(
    readdirSync(root).filter((n) => n.includes("interrupted")),
    [],
  );
});

/** Runs the CLI in this process (fast), with `env`; returns exit code and what it printed. */
async function cliHere(args: string[]) {
  const r = await runCliInProcess(args, { env: { CI: "true", ...env } });
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

test("generate reuses the cache, --no-cache regenerates, --quiet prints nothing", async () => {
  // 40 homes: without --workers this run would take one worker per 32 homes, 2 here on 2+
  // cores, so "by 1 worker(s)" shows the flag reached the run. The runs that generate use
  // one worker (in this thread: worker threads would add ~6 s CPU of start-up); the cached
  // run asks for 2, which starts none and shows the worker count is not in the dataset id.
  const args = ["generate", "--homes", "40", "--days", "2", "--workers", "1", "--min-devices", "0"];
  const first = await cliHere(args);
  assert.is(first.status, 0, first.stderr);
  assert.match(first.stdout, /written to .* by 1 worker\(s\)/);
  const second = await cliHere([...args, "--workers", "2"]);
  assert.match(second.stdout, /reused from the cache/);
  const third = await cliHere([...args, "--no-cache", "--quiet"]);
  assert.is(third.status, 0);
  assert.is(third.stdout, "");
  assert.is(third.stderr, "");
  const bad = await cliHere([...args, "--workers", "0"]);
  assert.is(bad.status, 2);
  assert.match(bad.stderr.trim(), /^error: config\.workers: must be at least 1/);
  const smallHeap = await cliHere([...args, "--worker-heap-mb", "16"]);
  assert.is(smallHeap.status, 2);
  assert.match(smallHeap.stderr.trim(), /^error: config\.workerHeapMb: must be at least 64 MB[^\n]*$/);
  const heap = await cliHere([...args, "--worker-heap-mb", "256"]);
  assert.is(heap.status, 0, heap.stderr);
  assert.match(heap.stdout, /reused from the cache/, "a run setting: same dataset id");
  const lineage = await cliHere(["lineage", "--json", "runs", "--limit", "3"]);
  assert.equal(
    JSON.parse(lineage.stdout).map((r: { job: string; status: string }) => `${r.job}:${r.status}`),
    ["generate:completed", "generate:completed", "generate:completed"],
  );
});

test("export, collect and lineage commands; bad flags fail in one line and write nothing", async () => {
  const config = parseGenerationConfig({
    seed: 3,
    homes: 6,
    days: 2,
    validation: { minDevices: 0, minEvents: 0 },
  });
  const ds = await new DataGenerationManager(config, {
    producerModule: PIPELINE_PRODUCERS,
    workers: 1,
    dataRoot: env.HOMEFORGE_DATA_DIR,
    lineage: env.HOMEFORGE_LINEAGE_DB,
  }).run();
  const id = ds.datasetId;
  const ok = await cliHere(["export", "--dataset", id, "--what", "soft-prompt", "--format", "sqlite"]);
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /pairs\.sqlite\s+\d+ rows/);
  assert.ok(existsSync(join(ds.dir, "exports", "soft-prompt", "sqlite", "pairs.sqlite")));

  const bad = await cliHere(["export", "--dataset", id, "--what", "gnn", "--format", "csv"]);
  assert.is(bad.status, 2);
  assert.equal(bad.stderr.trim().split("\n"), [
    'error: --format: "csv" is not a format of --what gnn; use json or parquet',
  ]);
  assert.ok(!existsSync(join(ds.dir, "exports", "gnn")));
  const missing = await cliHere(["export", "--dataset", "ds_nope", "--what", "gnn", "--format", "json"]);
  assert.is(missing.status, 2);
  assert.match(missing.stderr.trim(), /^error: --dataset: no dataset "ds_nope"/);

  const collect = await cliHere(["collect", "--dataset", id, "--for", "failure"]);
  assert.is(collect.status, 0, collect.stderr);
  assert.match(collect.stdout, /dropped \d+ of \d+ rows: device-days with impossible values/);

  const chain = await cliHere(["lineage", "chain", `export:${id}/soft-prompt/sqlite`]);
  assert.is(chain.status, 0, chain.stderr);
  assert.match(chain.stdout, /generate completed[\s\S]*out ds_\w+[\s\S]*export completed/);
  const unknown = await cliHere(["lineage", "chain", "model:nope@1"]);
  assert.is(unknown.status, 2);
  // a version number is read as the registry names it: 1 → v1
  assert.match(unknown.stderr, /^error: lineage: no completed run produced "model:nope@v1"/);
  const audit = join(root, "audit.json");
  assert.is((await cliHere(["lineage", "export", "--out", audit])).status, 0);
  assert.ok(JSON.parse(readFileSync(audit, "utf8")).runs.length >= 3);
});

test.run();
