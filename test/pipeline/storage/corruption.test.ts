/**
 * Nothing silently wrong: every reader that follows a manifest refuses a damaged file with
 * one line naming it, `verify: false` / `--no-verify` reads it anyway, a truncated or
 * garbage Parquet (whose hash matches a rewritten manifest) is one line too, and lineage
 * records only hashes of data that was verified.
 */
import { cpSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { MANIFEST_FILE, manifestJson, sha256, tableSha256 } from "../../../lib/core/manifest.js";
import { readTelemetryDataset } from "../../../lib/models/failure/telemetryDataset.js";
import { collectTrainingData, TRAINING_SETS } from "../../../lib/pipeline/analysis/collector.js";
import { loadDataFrame, loadTable } from "../../../lib/pipeline/analysis/dataFrames.js";
import { exportDataset } from "../../../lib/pipeline/exports/exportDataset.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { DataGenerationManager, type DatasetManifest } from "../../../lib/pipeline/generation/manager.js";
import { LineageStore } from "../../../lib/pipeline/lineage/lineageStore.js";
import { cacheEntryPath, checkCache } from "../../../lib/pipeline/storage/cache.js";
import { openDataset } from "../../../lib/pipeline/storage/openDataset.js";
import { readTableFile } from "../../../lib/pipeline/storage/tableIO.js";
import { TABLE_SCHEMAS } from "../../../lib/pipeline/storage/tables.js";
import { main as cliMain } from "../../../scripts/cli.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir("homeforge-corrupt-");
test.after(() => removeDir(root));

const config = parseGenerationConfig({ homes: 6, days: 5, validation: { minDevices: 0, minEvents: 0 } });
let original = "";
let manifest: DatasetManifest;
let copies = 0;

test.before(async () => {
  const result = await new DataGenerationManager(config, {
    workers: 1,
    outDir: join(root, "ds"),
    lineage: false,
  }).run();
  original = result.dir;
  manifest = result.manifest;
});

/** A copy of the dataset (with the cache entry beside it, as generate leaves it). */
function copyDataset(): string {
  const dir = join(root, `copy-${copies++}`, "ds");
  cpSync(original, dir, { recursive: true });
  cpSync(cacheEntryPath(original), cacheEntryPath(dir));
  return dir;
}

/** A copy with one byte in the middle of `file` flipped. */
function damagedCopy(file: string): string {
  const dir = copyDataset();
  flipByte(join(dir, file), readFileSync(join(dir, file)).length >> 1);
  return dir;
}

function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] ^= 0xff;
  writeFileSync(path, bytes);
}

/**
 * A copy of the telemetry file with one flipped byte that still decodes (a changed value,
 * not a broken page): the first such byte from the middle on, a deterministic choice.
 */
async function silentlyDamagedCopy(): Promise<string> {
  const dir = copyDataset();
  const path = join(dir, "telemetry.parquet");
  const schema = TABLE_SCHEMAS.telemetry;
  for (let offset = readFileSync(path).length >> 1; ; offset++) {
    flipByte(path, offset);
    if (
      await readTableFile(path, schema).then(
        () => true,
        () => false,
      )
    )
      return dir;
    flipByte(path, offset);
  }
}

/** The error `run` rejects with: a HomeforgeError of one line naming `file`. */
async function refusal(what: string, file: string, run: () => Promise<unknown>): Promise<HomeforgeError> {
  let error: unknown = null;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== null, `${what} read a damaged ${file}`);
  assert.instance(error, HomeforgeError, `${what}: ${(error as Error).stack}`);
  const message = (error as Error).message;
  assert.not.match(message, /\n/, `${what}: one line, got ${message}`);
  assert.ok(message.includes(file), `${what} names ${file}: ${message}`);
  return error as HomeforgeError;
}

/** Runs the CLI in this process; returns the exit code and the lines it printed. */
async function cli(args: string[]) {
  const saved = { log: console.log, error: console.error };
  const out: string[] = [];
  const err: string[] = [];
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(...a.join(" ").split("\n"));
  try {
    const status = await cliMain(args);
    return { status, out, err };
  } finally {
    console.log = saved.log;
    console.error = saved.error;
  }
}

/** Which export reads each table (events feeds no export). */
const EXPORT_READING: Record<string, string | undefined> = {
  homes: "device-intelligence",
  areas: "gnn",
  devices: "gnn",
  synergies: "gnn",
  patterns: "patterns",
  telemetry: "device-intelligence",
  events: undefined,
};

test("every reader refuses each damaged file of a dataset with one line naming it", async () => {
  const files = [MANIFEST_FILE, ...Object.values(manifest.tables).flatMap((t) => t.files.map((f) => f.path))];
  assert.ok(files.length >= 8, `a manifest and every table: ${files}`);
  for (const file of files) {
    const dir = damagedCopy(file);
    const table = Object.entries(manifest.tables).find(([, t]) => t.files.some((f) => f.path === file))?.[0];
    const reads = (name: string) => file === MANIFEST_FILE || table === name;
    for (const [kind, source] of Object.entries(TRAINING_SETS)) {
      if (!reads(source)) continue;
      await refusal(`collect ${kind}`, file, () =>
        collectTrainingData(dir, kind as keyof typeof TRAINING_SETS, { log: () => {} }),
      );
    }
    if (reads("telemetry")) await refusal("train's reader", file, () => readTelemetryDataset(dir));
    for (const [name, what] of Object.entries(EXPORT_READING)) {
      if (!what || !reads(name)) continue;
      const out = join(dirname(dir), `export-${what}`);
      await refusal(`export ${what}`, file, () => exportDataset(dir, what, "json", { outDir: out }));
      assert.throws(() => readFileSync(out), "nothing half-written");
    }
    for (const name of Object.keys(manifest.tables)) {
      if (!reads(name)) continue;
      await refusal(`loadTable ${name}`, file, () => loadTable(dir, name));
      await refusal(`loadDataFrame ${name}`, file, () => loadDataFrame(dir, name));
    }
    // generate's cache check: a damaged file is a miss that names it, and generate regenerates
    const check = await checkCache(dir, manifest.dataset_id, { ttlHours: 24 });
    assert.equal(check.hit ? "hit" : check.reason, "corrupt", file);
    assert.ok(!check.hit && check.detail.includes(file), `cache names ${file}: ${JSON.stringify(check)}`);
  }
});

test("generate regenerates over a damaged dataset, restoring every byte", async () => {
  const dir = damagedCopy("telemetry.parquet");
  const result = await new DataGenerationManager(config, { workers: 1, outDir: dir, lineage: false }).run();
  assert.is(result.cached, false);
  assert.is(result.cacheCheck?.hit === false && result.cacheCheck.reason, "corrupt");
  for (const f of ["telemetry.parquet", MANIFEST_FILE]) {
    assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(original, f))), f);
  }
  // and the regenerated dataset reads cleanly
  assert.is((await readTelemetryDataset(dir)).table.rows, manifest.tables.telemetry.rows);
});

test("the CLI: collect and export on a damaged dataset exit 2 with exactly one error line", async () => {
  const dir = await silentlyDamagedCopy();
  const runs = [
    ["collect", "--dataset", dir, "--for", "failure", "--no-lineage", "--quiet"],
    [
      "export",
      "--dataset",
      dir,
      "--what",
      "device-intelligence",
      "--format",
      "json",
      "--no-lineage",
      "--quiet",
    ],
  ];
  for (const args of runs) {
    const { status, err } = await cli(args);
    assert.is(status, 2, `${args[0]}: ${err.join("\n")}`);
    assert.is(err.length, 1, `${args[0]}: ${err.join("\n")}`);
    assert.match(
      err[0],
      /^error: --dataset: telemetry\.parquet in ds_\w+ does not match its manifest sha256 .*--no-verify/,
    );
    // the opt-out reads it anyway
    const through = await cli([...args, "--no-verify"]);
    assert.is(through.status, 0, `${args[0]} --no-verify: ${through.err.join("\n")}`);
  }
});

test("verify: false reads a damaged file anyway, and lineage records no hash for it", async () => {
  const dir = await silentlyDamagedCopy();
  const clean = await readTelemetryDataset(original);
  const read = await readTelemetryDataset(dir, "--dataset", { verify: false });
  assert.is(read.table.rows, clean.table.rows);
  assert.is(read.dataset.hash, null, "no hash of unverified data");
  assert.is(read.dataset.manifestSha256, null);
  const differs = Object.keys(clean.table.columns).some(
    (c) =>
      JSON.stringify(Array.from(clean.table.columns[c] as ArrayLike<unknown>)) !==
      JSON.stringify(Array.from(read.table.columns[c] as ArrayLike<unknown>)),
  );
  assert.ok(differs, "the flipped byte changes what is read");
  assert.is((await loadTable(dir, "telemetry", { verify: false })).numRows, clean.table.rows);
  await collectTrainingData(dir, "failure", { verify: false, log: () => {} });
  await exportDataset(dir, "device-intelligence", "json", { verify: false, outDir: join(dirname(dir), "x") });

  // lineage: a verified read records the manifest's hashes (equal to what was read), an unverified one none
  assert.is(clean.dataset.hash, tableSha256(manifest.tables.telemetry));
  assert.is(clean.dataset.manifestSha256, sha256(readFileSync(join(original, MANIFEST_FILE))));
  const store = LineageStore.open(join(root, "lineage.sqlite"));
  try {
    await collectTrainingData(original, "failure", { lineage: store, log: () => {} });
    await collectTrainingData(dir, "failure", { lineage: store, verify: false, log: () => {} });
    const inputs = store.exportJson().run_inputs as { sha256: string | null }[];
    // each collect read the dataset and its telemetry table
    assert.equal(
      inputs.map((r) => String(r.sha256)).sort(),
      [String(clean.dataset.manifestSha256), String(clean.dataset.hash), "null", "null"].sort(),
    );
  } finally {
    store.close();
  }
});

test("a truncated or garbage Parquet whose hash matches a rewritten manifest: one line, exit 2, in collect and train", async () => {
  const { main: trainMain } = await import("../../../scripts/train-home-types.js");
  const garbage = (n: number) => {
    const bytes = Buffer.alloc(n);
    for (let i = 0; i < n; i++) bytes[i] = (i * 2654435761) >>> 24;
    bytes.write("PAR1", 0);
    bytes.write("PAR1", n - 4);
    return bytes;
  };
  const damages: [string, (path: string) => void][] = [
    ["truncated", (path) => truncateSync(path, readFileSync(path).length >> 1)],
    ["garbage", (path) => writeFileSync(path, garbage(readFileSync(path).length))],
  ];
  for (const [how, damage] of damages) {
    const dir = copyDataset();
    const path = join(dir, "telemetry.parquet");
    damage(path);
    // someone rewrote the manifest to match the damaged file
    const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), "utf8")) as DatasetManifest;
    const bytes = readFileSync(path);
    Object.assign(m.tables.telemetry.files[0], { sha256: sha256(bytes), bytes: bytes.length });
    writeFileSync(join(dir, MANIFEST_FILE), manifestJson(m));
    rmSync(cacheEntryPath(dir)); // and no record of the original manifest is left
    const read = await refusal(`collect (${how})`, "telemetry.parquet", () =>
      collectTrainingData(dir, "failure", { log: () => {} }),
    );
    assert.match(read.message, /is not a readable Parquet file/);
    await refusal(`train's reader (${how})`, "telemetry.parquet", () => readTelemetryDataset(dir));

    const collect = await cli(["collect", "--dataset", dir, "--for", "failure", "--no-lineage", "--quiet"]);
    assert.is(collect.status, 2, collect.err.join("\n"));
    assert.is(collect.err.length, 1, collect.err.join("\n"));
    assert.match(
      collect.err[0],
      /^error: --dataset: telemetry\.parquet in ds_\w+ is not a readable Parquet file/,
    );

    const saved = console.error;
    const err: string[] = [];
    console.error = (...a: unknown[]) => err.push(...a.join(" ").split("\n"));
    let status: number;
    try {
      status = await trainMain([
        "--dataset",
        dir,
        "--no-lineage",
        "--models",
        join(root, `models-${basename(dir)}`),
      ]);
    } finally {
      console.error = saved;
    }
    assert.is(status, 2, err.join("\n"));
    assert.is(err.length, 1, err.join("\n"));
    assert.match(err[0], /^error: --dataset: telemetry\.parquet in ds_\w+ is not a readable Parquet file/);
  }
});

test("an opened dataset knows a table's hash once it has read and verified it, never without verifying", async () => {
  const ds = openDataset(original);
  assert.is(ds.verifiedTableSha256("events"), null, "not read yet");
  await ds.table("events");
  const once = ds.verifiedTableSha256("events");
  assert.is(once, tableSha256(manifest.tables.events));
  let rows = 0;
  for await (const chunk of ds.chunks("events")) rows += chunk.rows;
  assert.is(rows, manifest.tables.events.rows);
  assert.is(openDataset(original, "--dataset", { verify: false }).verifiedTableSha256("events"), null);
});

test.run();
