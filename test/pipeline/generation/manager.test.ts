import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { generateHomes } from "../../../lib/pipeline/generation/generate.js";
import { DataGenerationManager, type ManagerOptions } from "../../../lib/pipeline/generation/manager.js";
import { LineageStore } from "../../../lib/pipeline/lineage/lineageStore.js";
import { openDataset } from "../../../lib/pipeline/storage/openDataset.js";
import { readTableFile } from "../../../lib/pipeline/storage/tableIO.js";
import { EVENTS_SCHEMA, HOMES_SCHEMA } from "../../../lib/pipeline/storage/tables.js";
import { assertBuiltFresh } from "../../helpers/built.js";
import { GREEDY_PRODUCERS } from "../../helpers/greedyProducers.js";
import { EVENTS_PER_DEVICE_DAY, PIPELINE_PRODUCERS } from "../../helpers/pipelineProducers.js";
import { dirHashes, removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const HOUR = 3_600_000;
const T0 = Date.UTC(2030, 0, 1);
const config = parseGenerationConfig({
  seed: 7,
  homes: 40,
  days: 3,
  validation: { minDevices: 0, minEvents: 0 },
});
const base: ManagerOptions = {
  producerModule: PIPELINE_PRODUCERS,
  workers: 1,
  batchHomes: 4,
  groupRows: 500,
  now: () => T0,
};

const run = (out: string, extra: Partial<ManagerOptions> = {}, cfg = config) =>
  new DataGenerationManager(cfg, { ...base, outDir: join(root, out), ...extra }).run();

// Homes below a device minimum: the layout runs below leave them out, so they serve the
// rollover and validation tests. Worker threads (each 2-worker run starts three that load the
// sources through tsx, ~6 CPU-s; a 1-worker run is a fraction of that) are proven on the
// built-in producers' shard run below: identity, rollover and invalid-home reports at once.
// That run and the abort run start their workers from dist/ (the manager imported from the
// build: its workers load plain .js, ~3 CPU-s less per run); the heap-cap run keeps the
// sources' path (a bootstrap that registers tsx in each worker), which `tsx scripts/cli.ts`
// takes.
/** The manager of the build (dist/): its worker threads run dist/'s .js entries. */
const builtManager = async () => {
  assertBuiltFresh();
  return (await import("../../../dist/lib/pipeline/generation/manager.js")).DataGenerationManager;
};
const homes = generateHomes(config);
const minDevices = homes.map((h) => h.devices.length).sort((a, b) => a - b)[5]; // at least four homes fall below
const tooFew = homes.filter((h) => h.devices.length < minDevices).map((h) => h.home.homeId);
const strict = { ...config, validation: { minDevices, minEvents: 0, failOnInvalidHome: false } };
const keptDevices = homes
  .filter((h) => !tooFew.includes(h.home.homeId))
  .reduce((n, h) => n + h.devices.length, 0);
const expectedEvents = keptDevices * config.days * EVENTS_PER_DEVICE_DAY;

/** The same data two ways: one file per table; 1 000-row files. */
let layouts: Promise<Awaited<ReturnType<typeof run>>[]> | null = null;
const layoutRuns = () => {
  layouts ??= (async () => [
    await run("single", { workers: 1 }, strict),
    await run("parts1", { workers: 1, fileRows: 1_000 }, strict),
  ])();
  return layouts;
};

test("one file per table by default, several row groups each, read back whole in home order", async () => {
  const [single] = await layoutRuns();
  assert.is(single.workers, 1);
  assert.equal(Object.keys(dirHashes(single.dir)), [
    "areas.parquet",
    "devices.parquet",
    "events.parquet",
    "homes.parquet",
    "manifest.json",
    "patterns.parquet",
    "synergies.parquet",
    "telemetry.parquet",
  ]);
  const events = await readTableFile(join(single.dir, "events.parquet"), EVENTS_SCHEMA);
  assert.is(events.rows, expectedEvents);
  assert.ok(events.rows > 4 * 500);
  const homeIds = events.columns.home_id as string[];
  for (let i = 1; i < homeIds.length; i++) assert.ok(homeIds[i - 1] <= homeIds[i], "rows in home order");
});

test("large tables roll over to several files; readers see every row", async () => {
  const [single, one] = await layoutRuns();
  const events = one.manifest.tables.events;
  assert.is(events.files.length, Math.ceil(expectedEvents / 1_000));
  assert.equal(
    events.files.map((f) => f.path),
    events.files.map((_, i) => `events-${String(i).padStart(5, "0")}.parquet`),
  );
  assert.ok(events.files.slice(0, -1).every((f) => f.rows === 1_000));
  assert.is(events.rows, expectedEvents);
  // a table that fits in one file keeps the plain name
  assert.equal(
    one.manifest.tables.homes.files.map((f) => f.path),
    ["homes.parquet"],
  );
  const read = await openDataset(one.dir).table("events");
  assert.is(read.rows, expectedEvents);
  const whole = await readTableFile(join(single.dir, "events.parquet"), EVENTS_SCHEMA);
  assert.equal(read.columns.home_id, whole.columns.home_id, "same rows as the one-file layout");
  assert.equal(Array.from(read.columns.time as Float64Array), Array.from(whole.columns.time as Float64Array));
  // the cache verifies every part: corrupting the last one forces a regeneration
  const last = join(one.dir, events.files.at(-1)!.path);
  const bytes = readFileSync(last);
  bytes[8] ^= 0xff;
  writeFileSync(last, bytes);
  const again = await run("parts1", { workers: 1, fileRows: 1_000 }, strict);
  assert.is(again.cached, false);
});

test("a worker over its heap cap stops the run with a one-line error naming workerHeapMb; nothing is left", async () => {
  const out = join(root, "greedy");
  const cfg = { ...config, homes: 60, workerHeapMb: 64 };
  const manager = new DataGenerationManager(cfg, {
    ...base,
    producerModule: GREEDY_PRODUCERS,
    workers: 2,
    batchHomes: 1,
    outDir: out,
  });
  assert.equal(manager.heapLimits("generation").maxOldGenerationSizeMb, 64);
  const error = await manager.run().then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(error, HomeforgeError);
  assert.is((error as HomeforgeError).field, "workerHeapMb");
  assert.match((error as Error).message, /generation worker ran out of its 64 MB heap/);
  assert.match((error as Error).message, /--worker-heap-mb 128/);
  assert.not.match((error as Error).message, /\n/);
  assert.not.ok(existsSync(out));
  assert.equal(
    readdirSync(root).filter((n) => n.startsWith(".greedy")),
    [],
  );
});

test("heap caps follow the batch: long horizons get more, the override wins", () => {
  const cap = (days: number, extra = {}) =>
    new DataGenerationManager(parseGenerationConfig({ seed: 1, homes: 10, days, ...extra }), {}).heapLimits(
      "generation",
    ).maxOldGenerationSizeMb!;
  assert.ok(cap(1825) > cap(180) + 300, "5 years per batch need more heap than 180 days");
  assert.ok(cap(180) >= 128 && cap(180) < 256);
  assert.is(cap(180, { workerHeapMb: 900 }), 900);
  const writer = new DataGenerationManager(parseGenerationConfig({ seed: 1, homes: 10, days: 180 }), {});
  assert.ok(writer.heapLimits("writer").maxOldGenerationSizeMb! > cap(180));
});

test("the built-in producers (synergies → events → patterns, telemetry) are identical on 1 and 2 workers, rolled over, at any batch size; workers keep to a shard's homes and report its invalid homes", async () => {
  // one 2-worker run (from dist/) proves all of it (worker threads cost seconds of CPU to
  // start): its shard's files equal the 1-worker shard's byte for byte, file names included (the events
  // roll over to several files; the other tables fit in one, so the default layout is
  // covered too), and hold that shard's valid homes only (shards.test.ts shows the 1-worker
  // shards merge to the whole run)
  const base24 = parseGenerationConfig({
    seed: 3,
    homes: 24,
    days: 2,
    validation: { minDevices: 0, minEvents: 0 },
  });
  const shardHomes = generateHomes(base24).slice(8, 16);
  const fewest = shardHomes.map((h) => h.devices.length).sort((a, b) => a - b)[2];
  const below = shardHomes.filter((h) => h.devices.length < fewest).map((h) => h.home.homeId);
  assert.ok(below.length >= 1, "some of the shard's homes fall below the minimum");
  const real = { ...base24, validation: { minDevices: fewest, minEvents: 0, failOnInvalidHome: false } };
  const opts = { now: () => T0, groupRows: 1_000, fileRows: 2_000, shard: { index: 1, count: 3 } };
  const one = await new DataGenerationManager(real, {
    ...opts,
    workers: 1,
    batchHomes: 4,
    outDir: join(root, "real1"),
  }).run();
  // the build's manager: equal bytes also show dist/ generates what the sources do
  const BuiltManager = await builtManager();
  const two = await new BuiltManager(real, {
    ...opts,
    workers: 2,
    batchHomes: 1,
    outDir: join(root, "real2"),
  }).run();
  assert.is(two.workers, 2);
  assert.ok(one.manifest.tables.events.rows > 0 && one.manifest.tables.patterns.rows > 0);
  assert.ok(
    one.manifest.tables.events.files.length > 1,
    `events rolled over: ${one.manifest.tables.events.rows} rows`,
  );
  assert.equal(dirHashes(two.dir), dirHashes(one.dir));
  // the reports come back from the worker threads
  assert.equal(
    two.invalidHomes.map((h) => h.homeId),
    below,
  );
  const written = await readTableFile(join(two.dir, "homes.parquet"), HOMES_SCHEMA);
  assert.equal(
    written.columns.home_id,
    shardHomes.map((h) => h.home.homeId).filter((id) => !below.includes(id)),
    "shard 1 of 3: homes 8 to 15, less the invalid ones",
  );
});

test("a second run hits the cache; --no-cache regenerates", async () => {
  const first = await run("cache");
  assert.is(first.cached, false);
  const second = await run("cache", { now: () => T0 + 2 * HOUR });
  assert.is(second.cached, true);
  assert.equal(second.manifest, first.manifest);
  const third = await run("cache", { cache: false });
  assert.is(third.cached, false);
  assert.is(third.cacheCheck, null);
});

test("flipping one byte of a table file is detected by sha256 and the dataset regenerated", async () => {
  const first = await run("corrupt");
  const before = dirHashes(first.dir);
  const path = join(first.dir, "devices.parquet");
  const bytes = readFileSync(path);
  bytes[Math.floor(bytes.length / 2)] ^= 0xff;
  writeFileSync(path, bytes);
  const next = await run("corrupt");
  assert.is(next.cached, false);
  assert.ok(next.cacheCheck && !next.cacheCheck.hit);
  if (next.cacheCheck && !next.cacheCheck.hit) {
    assert.is(next.cacheCheck.reason, "corrupt");
    assert.match(next.cacheCheck.detail, /devices\.parquet does not match its manifest sha256/);
  }
  assert.equal(dirHashes(first.dir), before);
  assert.is((await run("corrupt")).cached, true);
});

test("an entry older than the TTL is regenerated (clock injected); a fresh one is reused", async () => {
  await run("ttl");
  const ttl = config.cacheTtlHours;
  const fresh = await run("ttl", { now: () => T0 + (ttl - 1) * HOUR });
  assert.is(fresh.cached, true);
  const expired = await run("ttl", { now: () => T0 + (ttl + 1) * HOUR });
  assert.is(expired.cached, false);
  if (expired.cacheCheck && !expired.cacheCheck.hit) assert.is(expired.cacheCheck.reason, "expired");
  // regeneration restarts the clock
  assert.is((await run("ttl", { now: () => T0 + (ttl + 2) * HOUR })).cached, true);
  const shortTtl = { ...config, cacheTtlHours: 0.5 };
  assert.is((await run("ttl", { now: () => T0 + (ttl + 2) * HOUR + HOUR }, shortTtl)).cached, false);
});

test("the dataset id ignores run settings but follows the data settings", () => {
  const id = (cfg: typeof config) => new DataGenerationManager(cfg, base).datasetId;
  assert.is(id({ ...config, workers: 2, cacheTtlHours: 1 }), id(config));
  assert.is(id({ ...config, validation: { ...config.validation, failOnInvalidHome: true } }), id(config));
  assert.is.not(id({ ...config, validation: { ...config.validation, minDevices: 12 } }), id(config));
  assert.is.not(id({ ...config, seed: 8 }), id(config));
  assert.is.not(
    new DataGenerationManager(config, {}).datasetId,
    id(config),
    "producer list is part of the id",
  );
});

test("homes below the minimums are reported with reasons and left out, or fail the run", async () => {
  assert.ok(tooFew.length >= 4);
  const minEvents = minDevices * config.days * EVENTS_PER_DEVICE_DAY + 1;
  // the 1 000-row layout run (reports from worker threads: the built-in producers' test)
  const r = (await layoutRuns())[1];
  assert.equal(
    r.invalidHomes.map((h) => h.homeId),
    tooFew,
  );
  assert.match(r.invalidHomes[0].reasons[0], new RegExp(`devices, below the minimum of ${minDevices}`));
  const kept = await readTableFile(join(r.dir, "homes.parquet"), HOMES_SCHEMA);
  assert.is(kept.rows, config.homes - tooFew.length);
  assert.ok(!(kept.columns.home_id as string[]).some((id) => tooFew.includes(id)));
  assert.equal(
    r.manifest.validation?.excluded.map((h) => h.home_id),
    tooFew,
  );

  // minimum events: the fixture makes devices × days × 2 events, so the same homes fail
  const byEvents = { ...config, validation: { minDevices: 0, minEvents, failOnInvalidHome: false } };
  const e = await run("valid-events", {}, byEvents);
  assert.ok(e.invalidHomes.length >= tooFew.length);
  assert.match(e.invalidHomes[0].reasons.join(";"), /events, below the minimum/);

  const failing = { ...strict, validation: { ...strict.validation, failOnInvalidHome: true } };
  const out = join(root, "valid-fail");
  try {
    await new DataGenerationManager(failing, { ...base, outDir: out }).run();
    assert.unreachable("should fail");
  } catch (err) {
    assert.instance(err, HomeforgeError);
    assert.match(
      (err as Error).message,
      new RegExp(`^validation: ${tooFew.length} of 40 homes failed validation: ${tooFew[0]}`),
    );
  }
  assert.ok(!existsSync(out));
  assert.equal(
    readdirSync(root).filter((n) => n.startsWith(".valid-fail")),
    [],
  );
});

test("an aborted run and a dead run's temp dir leave nothing that looks complete", async () => {
  const controller = new AbortController();
  const out = join(root, "aborted");
  // worker threads from dist/, so the built-in producers (a .ts fixture module cannot load
  // there); the run after it, from the sources, sweeps the same parent directory
  const BuiltManager = await builtManager();
  const aborted = new BuiltManager(config, {
    now: () => T0,
    groupRows: 500,
    batchHomes: 4,
    workers: 2,
    outDir: out,
    signal: controller.signal,
    onProgress: (done) => {
      if (done >= 8) controller.abort();
    },
  }).run();
  try {
    await aborted;
    assert.unreachable("should be interrupted");
  } catch (err) {
    assert.match((err as Error).message, /interrupted/);
  }
  assert.ok(!existsSync(out));
  // a killed run's leftovers (pid 2^22 + 1 is above Linux's pid_max default) are swept
  const stale = join(root, ".aborted.tmp-4194305");
  mkdirSync(stale);
  writeFileSync(join(stale, "homes.parquet"), "partial");
  const ok = await run("aborted");
  assert.is(ok.cached, false);
  assert.ok(!existsSync(stale));
  assert.ok(existsSync(join(out, "manifest.json")));
});

test("lineage records generation (rows per step) and cache reuse", async () => {
  const db = join(root, "lineage.sqlite");
  const generated = await run("lineage", { lineage: db });
  const reused = await run("lineage", { lineage: db, now: () => T0 + HOUR });
  const store = LineageStore.open(db);
  try {
    const runs = store.producedBy(generated.datasetId);
    assert.equal(
      runs.map((r) => r.run.run_id),
      [generated.runId],
      "a cache hit does not count as producing the dataset",
    );
    const steps = Object.fromEntries(runs[0].transformations.map((t) => [t.name, t]));
    assert.is(steps.validate_homes.rows_in, 40);
    assert.is(steps.produce_devices.rows_out, generated.manifest.tables.devices.rows);
    const tableOut = runs[0].outputs.find((o) => o.id === `${generated.datasetId}/events`);
    assert.is(tableOut?.sha256, generated.manifest.tables.events.files[0].sha256);
    const [reuse] = store.consumersOf(generated.datasetId);
    assert.is(reuse.run.run_id, reused.runId);
    assert.is(reuse.transformations[0].name, "reuse_cached");
    assert.is(reuse.inputs[0].sha256, runs[0].outputs.find((o) => o.id === generated.datasetId)?.sha256);
  } finally {
    store.close();
  }
});

test.run();
