import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import type { Manifest } from "../../../lib/core/manifest.js";
import { exportDataset } from "../../../lib/pipeline/exports/exportDataset.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { DataGenerationManager, type ManagerOptions } from "../../../lib/pipeline/generation/manager.js";
import { estimateDatasetSize } from "../../../lib/pipeline/generation/sizeEstimate.js";
import { main } from "../../../scripts/cli.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const small = parseGenerationConfig({
  seed: 3,
  homes: 6,
  days: 4,
  validation: { minDevices: 0, minEvents: 0 },
});
const base: ManagerOptions = { workers: 1, cache: false };

/** Runs the CLI in-process; returns the exit code and what it printed on stderr. */
async function cli(args: string[]): Promise<{ code: number; stderr: string[] }> {
  const lines: string[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    return { code: await main(args), stderr: lines };
  } finally {
    console.error = error;
  }
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) {
        out[`${r}/`] = "";
        walk(r);
      } else out[r] = readFileSync(join(dir, r), "utf8");
    }
  };
  walk("");
  return out;
}

/** The repro of issue 10: a directory with a file named manifest.json is not a dataset. */
function foreignApp(name: string, manifestName = "manifest.json"): string {
  const app = join(root, name);
  mkdirSync(join(app, "src"), { recursive: true });
  writeFileSync(join(app, manifestName), '{"name":"app"}\n');
  writeFileSync(join(app, "notes.txt"), "hi\n");
  return app;
}

let dataset = "";
let first: Awaited<ReturnType<DataGenerationManager["run"]>>;

test.before(async () => {
  dataset = join(root, "ds");
  first = await new DataGenerationManager(small, { ...base, outDir: dataset }).run();
});

test("generate into a foreign directory (fake manifest.json, notes.txt, src/) deletes nothing: one line naming them", async () => {
  const app = foreignApp("app");
  const before = snapshot(app);
  const lineageDb = join(root, "app-lineage.sqlite");
  const r = await cli(["generate", "--homes", "10", "--days", "5", "--out", app, "--lineage-db", lineageDb]);
  assert.is(r.code, 2);
  assert.is(r.stderr.length, 1, r.stderr.join("\n"));
  assert.match(
    r.stderr[0],
    /^error: --out: .*app is not empty and holds no homeforge dataset \(found manifest\.json, notes\.txt, src\/\); choose a new or empty directory/,
  );
  assert.equal(snapshot(app), before);
  assert.ok(!existsSync(lineageDb), "no lineage store is created for a refused run");
  // the fake manifest alone is not proof either
  const fake = join(root, "fake");
  mkdirSync(fake);
  writeFileSync(join(fake, "manifest.json"), '{"name":"app"}');
  const f = await cli(["generate", "--homes", "2", "--days", "2", "--out", fake, "--no-lineage"]);
  assert.is(f.code, 2);
  assert.match(f.stderr[0], /holds no homeforge dataset \(found manifest\.json\)/);
  assert.equal(readdirSync(fake), ["manifest.json"]);
});

test("many foreign entries are named a few at a time, then 'and N more'", async () => {
  const dir = join(root, "many");
  mkdirSync(dir);
  for (let i = 0; i < 7; i++) writeFileSync(join(dir, `f${i}.txt`), "x");
  const r = await cli(["generate", "--homes", "2", "--days", "2", "--out", dir, "--no-lineage"]);
  assert.is(r.code, 2);
  assert.match(r.stderr[0], /\(found f0\.txt, f1\.txt, f2\.txt and 4 more\)/);
});

test("a real old dataset is replaced; a foreign file inside a real dataset dir is refused and kept", async () => {
  const dir = join(root, "replace");
  await new DataGenerationManager(small, { ...base, outDir: dir }).run();
  // an export at its default place inside the dataset is ours too, and goes with the old dataset
  await exportDataset(dir, "patterns", "json");
  assert.ok(existsSync(join(dir, "exports", "patterns", "json", "export.json")));
  const notes: string[] = [];
  const other = parseGenerationConfig({ ...small, seed: 4 });
  const r = await new DataGenerationManager(other, {
    ...base,
    outDir: dir,
    onNote: (m) => notes.push(m),
  }).run();
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  assert.is(manifest.seed, 4);
  assert.is(r.datasetId, manifest.dataset_id);
  assert.ok(!existsSync(join(dir, "exports")), "the old dataset's exports went with it");
  assert.equal(
    readdirSync(root).filter((n) => n.startsWith(".replace.") && n !== ".replace.cache.json"),
    [],
    "no lock, temp or old dir left",
  );

  writeFileSync(join(dir, "notes.txt"), "mine");
  mkdirSync(join(dir, "src"));
  const before = snapshot(dir);
  const again = await cli([
    "generate",
    "--homes",
    "6",
    "--days",
    "4",
    "--seed",
    "5",
    "--out",
    dir,
    "--no-lineage",
  ]);
  assert.is(again.code, 2);
  assert.is(again.stderr.length, 1);
  assert.match(
    again.stderr[0],
    /^error: --out: .*replace holds a homeforge dataset plus entries its manifest\.json does not list \(notes\.txt, src\/\); move them out/,
  );
  assert.equal(snapshot(dir), before);
});

test("the ownership check runs again right before replacing: a file that appears mid-run is not deleted", async () => {
  const dir = join(root, "midrun");
  await new DataGenerationManager(small, { ...base, outDir: dir }).run();
  const other = parseGenerationConfig({ ...small, seed: 9 });
  let dropped = false;
  const run = new DataGenerationManager(other, {
    ...base,
    outDir: dir,
    onProgress: () => {
      if (dropped) return;
      dropped = true;
      writeFileSync(join(dir, "late.txt"), "written while homeforge was generating");
    },
  }).run();
  try {
    await run;
    assert.unreachable("should refuse");
  } catch (e) {
    assert.instance(e, HomeforgeError);
    assert.match((e as Error).message, /entries its manifest\.json does not list \(late\.txt\)/);
  }
  assert.is(readFileSync(join(dir, "late.txt"), "utf8"), "written while homeforge was generating");
  assert.is((JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest).seed, small.seed);
  assert.equal(
    readdirSync(root).filter((n) => n.startsWith(".midrun.tmp-")),
    [],
  );
});

test('--out "" is refused for generate and export (it would mean the current directory)', async () => {
  const g = await cli(["generate", "--homes", "2", "--days", "2", "--out", "", "--no-lineage"]);
  assert.is(g.code, 2);
  // the CLI refuses any empty option value; the library refuses an empty outDir itself
  assert.match(g.stderr[0], /^error: --out: the value is empty/);
  assert.throws(
    () => new DataGenerationManager(small, { outDir: "" }).checkDestination(),
    (e: Error) => e instanceof HomeforgeError && /^--out: the path is empty/.test(e.message),
  );
  const refused = await exportDataset(dataset, "patterns", "json", { outDir: "" }).then(
    () => null,
    (e: Error) => e,
  );
  assert.ok(
    refused instanceof HomeforgeError && /^--out: the path is empty/.test(refused.message),
    String(refused),
  );
  const x = await cli([
    "export",
    "--dataset",
    dataset,
    "--what",
    "patterns",
    "--format",
    "json",
    "--out",
    "",
    "--no-lineage",
  ]);
  assert.is(x.code, 2);
  assert.is(x.stderr.length, 1);
  assert.match(x.stderr[0], /^error: --out: the value is empty/);
});

test("export --out into a foreign directory (fake export.json) deletes nothing; a real export is replaced, a foreign file in it refused", async () => {
  const app = foreignApp("export-app", "export.json");
  const before = snapshot(app);
  const r = await cli([
    "export",
    "--dataset",
    dataset,
    "--what",
    "patterns",
    "--format",
    "json",
    "--out",
    app,
    "--no-lineage",
  ]);
  assert.is(r.code, 2);
  assert.is(r.stderr.length, 1);
  assert.match(
    r.stderr[0],
    /^error: --out: .* holds no homeforge export \(found export\.json, notes\.txt, src\/\)/,
  );
  assert.equal(snapshot(app), before);

  const out = join(root, "export-real");
  const one = await exportDataset(dataset, "patterns", "json", { outDir: out });
  assert.is(one.manifest.format_version, 1);
  await exportDataset(dataset, "patterns", "json", { outDir: out }); // replaced whole
  writeFileSync(join(out, "notes.txt"), "mine");
  const refused = await cli([
    "export",
    "--dataset",
    dataset,
    "--what",
    "patterns",
    "--format",
    "json",
    "--out",
    out,
    "--no-lineage",
  ]);
  assert.is(refused.code, 2);
  assert.match(
    refused.stderr[0],
    /holds a homeforge export plus entries its export\.json does not list \(notes\.txt\)/,
  );
  assert.is(readFileSync(join(out, "notes.txt"), "utf8"), "mine");
});

test("two concurrent runs into one --out take turns: the second waits, re-checks and replaces; both report what they wrote", async () => {
  const dir = join(root, "concurrent");
  const notes: string[] = [];
  const a = parseGenerationConfig({ ...small, seed: 11 });
  const b = parseGenerationConfig({ ...small, seed: 12 });
  const order: string[] = [];
  const runA = new DataGenerationManager(a, {
    ...base,
    cache: true,
    outDir: dir,
    onNote: (m) => notes.push(m),
  })
    .run()
    .then((r) => (order.push("a"), r));
  const runB = new DataGenerationManager(b, {
    ...base,
    cache: true,
    outDir: dir,
    onNote: (m) => notes.push(m),
  })
    .run()
    .then((r) => (order.push("b"), r));
  const [ra, rb] = await Promise.all([runA, runB]);
  assert.equal(order, ["a", "b"]);
  assert.ok(
    notes.some((n) => /waiting for another run writing .*concurrent \(held by process \d+/.test(n)),
    notes.join("\n"),
  );
  // b started after a's rename: it saw a's dataset and replaced it, and says so
  assert.is(rb.cached, false);
  assert.equal(rb.cacheCheck && !rb.cacheCheck.hit ? rb.cacheCheck.reason : null, "other-dataset");
  const onDisk = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  assert.is(onDisk.dataset_id, rb.datasetId);
  assert.is.not(ra.datasetId, rb.datasetId);
  assert.ok(!existsSync(join(root, ".concurrent.lock")));
});

test("a lock left by a killed process is taken over with a note", async () => {
  const dir = join(root, "stale-lock");
  writeFileSync(
    join(root, ".stale-lock.lock"),
    JSON.stringify({ pid: 4194305, host: hostname(), token: "dead" }),
  );
  const notes: string[] = [];
  await new DataGenerationManager(small, { ...base, outDir: dir, onNote: (m) => notes.push(m) }).run();
  assert.ok(
    notes.some((n) =>
      /took over the lock of .*stale-lock: its owner, process 4194305, is no longer running/.test(n),
    ),
    notes.join("\n"),
  );
  assert.ok(existsSync(join(dir, "manifest.json")));
  assert.ok(!existsSync(join(root, ".stale-lock.lock")));
});

test("/proc and /sys destinations fail at once with one line, exit 2", async () => {
  for (const out of ["/proc/homeforge-x", "/sys/x/ds", "/proc/self/homeforge"]) {
    const started = performance.now();
    const r = await cli(["generate", "--homes", "2", "--days", "2", "--out", out, "--no-lineage"]);
    assert.is(r.code, 2, out);
    assert.is(r.stderr.length, 1, r.stderr.join("\n"));
    assert.match(
      r.stderr[0],
      /^error: --out: .* (proc|sysfs) pseudo-filesystem that cannot hold files; choose a directory on a real disk$/,
    );
    assert.ok(performance.now() - started < 5_000, `${out} took too long`);
  }
  assert.not.ok(existsSync("/proc/homeforge-x"));
});

test("the size guard refuses 10 000 000 homes × 3660 days before creating anything, with the estimate", async () => {
  const out = join(root, "huge", "ds");
  const lineageDb = join(root, "huge-lineage.sqlite");
  const started = performance.now();
  const r = await cli([
    "generate",
    "--homes",
    "10000000",
    "--days",
    "3660",
    "--out",
    out,
    "--lineage-db",
    lineageDb,
  ]);
  assert.is(r.code, 2);
  assert.is(r.stderr.length, 1);
  assert.match(
    r.stderr[0],
    /^error: dataset size: 10000000 homes × 3660 days \(≈ [\d.]+M devices, [\d.]+T events, [\d.]+T telemetry rows, [\d.]+ [TP]B on disk, [\d.]+ [MG]B memory\) needs more than the [\d.]+ [kMGTP]?B free under .*; lower --homes or --days/,
  );
  assert.ok(performance.now() - started < 5_000);
  assert.not.ok(existsSync(join(root, "huge")), "nothing created");
  assert.not.ok(existsSync(lineageDb), "no lineage store");
  // memory, with injected machine resources
  const m = new DataGenerationManager(parseGenerationConfig({ homes: 64, days: 30 }), {
    outDir: join(root, "mem"),
    workers: 2,
    resources: { totalMemoryBytes: 512 * 2 ** 20, cores: 8 },
  });
  assert.throws(
    () => m.checkDestination(),
    /^memory: 64 homes × 30 days \(≈ .* memory\) with 2 worker\(s\) needs more than this machine's 537 MB; lower --workers/,
  );
  const disk = new DataGenerationManager(small, {
    outDir: join(root, "disk"),
    resources: { freeBytes: () => 500 },
  });
  assert.throws(() => disk.checkDestination(), /^dataset size: .* needs more than the 500 B free under/);
});

test("the estimate is within 0.5×–2× of a generated dataset (rows and bytes)", async () => {
  const estimate = estimateDatasetSize(small);
  const m = first.manifest;
  const bytes = Object.values(m.tables).reduce((s, t) => s + t.files.reduce((a, f) => a + f.bytes, 0), 0);
  const within = (est: number, actual: number, what: string) =>
    assert.ok(est >= 0.5 * actual && est <= 2 * actual, `${what}: estimate ${est}, actual ${actual}`);
  within(estimate.bytes, bytes, "bytes");
  within(estimate.events, m.tables.events.rows, "events");
  within(estimate.telemetryRows, m.tables.telemetry.rows, "telemetry rows");
  within(estimate.devices, m.tables.devices.rows, "devices");
  assert.is(estimate.homes, small.homes);
  // arrow files are bigger (Int32 codes, plain int64 times and float64 values), and the estimate
  // knows it: ≈ 5× per event, less for small configs where the per-home tables weigh most
  assert.ok(estimateDatasetSize({ ...small, format: "arrow" }).bytes > 1.5 * estimate.bytes);
});

test("workers are capped at the cores with a note; --worker-heap-mb is bounded by memory / threads", async () => {
  const cfg = parseGenerationConfig({ homes: 400, days: 1 });
  const capped = new DataGenerationManager(cfg, { workers: 256, resources: { cores: 2 } });
  assert.is(capped.workerCount, 2);
  const notes: string[] = [];
  const dir = join(root, "capped");
  await new DataGenerationManager(small, {
    ...base,
    workers: 256,
    outDir: dir,
    onNote: (n) => notes.push(n),
  }).run();
  assert.ok(
    notes.some((n) => /^--workers 256 is more than the \d+ core\(s\) here/.test(n)),
    notes.join("\n"),
  );

  const heap = (mb: number) =>
    new DataGenerationManager(parseGenerationConfig({ homes: 400, days: 1, workerHeapMb: mb }), {
      outDir: join(root, "heap"),
      workers: 3,
      resources: { totalMemoryBytes: 4096 * 2 ** 20, cores: 4 },
    });
  assert.throws(
    () => heap(2048).checkDestination(),
    /^--worker-heap-mb: 2048 MB per thread for 3 worker\(s\) and the writer exceeds this machine's 4096 MB of memory; pass at most --worker-heap-mb 896/,
  );
  heap(896).checkDestination();
  assert.throws(() => heap(960).checkDestination(), /--worker-heap-mb: 960 MB/);
  const low = await cli([
    "generate",
    "--homes",
    "2",
    "--days",
    "2",
    "--worker-heap-mb",
    "32",
    "--out",
    join(root, "low"),
    "--no-lineage",
  ]);
  assert.is(low.code, 2);
  assert.match(low.stderr[0], /^error: config\.workerHeapMb: must be at least 64 MB/);
  const high = await cli([
    "generate",
    "--homes",
    "2",
    "--days",
    "2",
    "--worker-heap-mb",
    "99999999",
    "--out",
    join(root, "high"),
    "--no-lineage",
  ]);
  assert.is(high.code, 2);
  assert.match(high.stderr[0], /^error: --worker-heap-mb: 99999999 MB per thread/);
  assert.not.ok(existsSync(join(root, "high")));
});

test.run();
