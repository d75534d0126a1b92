import { spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ColumnTable } from "../../../lib/core/columnTable.js";
import { MANIFEST_FILE } from "../../../lib/core/manifest.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { DataGenerationManager, type ManagerOptions } from "../../../lib/pipeline/generation/manager.js";
import { shardArtifactId } from "../../../lib/pipeline/lineage/datasetArtifacts.js";
import { LineageStore } from "../../../lib/pipeline/lineage/lineageStore.js";
import { mergeShards } from "../../../lib/pipeline/shards/mergeShards.js";
import { resolveShard, shardHomeRange } from "../../../lib/pipeline/shards/shardSpec.js";
import { openDataset } from "../../../lib/pipeline/storage/openDataset.js";
import { duckdbCount } from "../../helpers/duckdb.js";
import { expectHomeforgeError } from "../../helpers/expectError.js";
import { PIPELINE_PRODUCERS } from "../../helpers/pipelineProducers.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const GENERATE_FLAGS = ["--homes", "10", "--days", "3", "--seed", "11", "--no-lineage", "--quiet"];

/** The built CLI (dist/, `npm run build`), as a pod runs it: a second less per process than through tsx. */
function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(process.cwd(), "bin/homeforge.js"), ...args], {
    env: { ...process.env, CI: "true", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}

function assertSameTable(actual: ColumnTable, expected: ColumnTable, name: string): void {
  assert.is(actual.rows, expected.rows, `${name} rows`);
  for (const column of expected.schema.columns) {
    assert.equal(
      Array.from(actual.columns[column.name] as ArrayLike<unknown>),
      Array.from(expected.columns[column.name] as ArrayLike<unknown>),
      `${name}.${column.name}`,
    );
  }
}

test("4 shard processes with the Indexed Job's variables, merged, equal a single-machine run", async () => {
  const data = join(root, "k8s");
  const single = join(root, "single");
  const runs = await Promise.all([
    ...[0, 1, 2, 3].map((i) =>
      cli(["generate", ...GENERATE_FLAGS], {
        HOMEFORGE_DATA_DIR: data,
        JOB_COMPLETION_INDEX: String(i),
        JOB_COMPLETIONS: "4",
      }),
    ),
  ]);
  // the single-machine side in this process (a sixth process cost the suite ~2 CPU-s); the
  // dataset ids compared below prove it is the same config as the shards' CLI flags
  await new DataGenerationManager(parseGenerationConfig({ homes: 10, days: 3, seed: 11 }), {
    outDir: single,
    workers: 1,
    lineage: false,
  }).run();
  for (const r of runs) assert.is(r.code, 0, r.stderr);
  const shardDirs = readdirSync(data).filter((e) => !e.startsWith("."));
  assert.equal(
    shardDirs.map((d) => d.replace(/^ds_\w+-/, "")),
    ["shard-00000-of-00004", "shard-00001-of-00004", "shard-00002-of-00004", "shard-00003-of-00004"],
  );
  const merged = join(data, "merged");
  const result = await mergeShards(merged, [join(data, "ds_*-shard-*")]);
  assert.is(result.manifest.format_version, 2);
  // nothing copied: the merged directory holds its manifest only
  assert.equal(readdirSync(merged), [MANIFEST_FILE]);
  assert.ok(result.manifest.tables.events.files.every((f) => f.path.startsWith("../ds_")));

  const a = openDataset(merged);
  const b = openDataset(single);
  assert.is(a.manifest.dataset_id, b.manifest.dataset_id);
  assert.equal(a.manifest.validation, b.manifest.validation);
  assert.equal(Object.keys(a.manifest.tables), Object.keys(b.manifest.tables));
  for (const name of Object.keys(b.manifest.tables)) {
    assertSameTable(await a.table(name), await b.table(name), name);
  }
  // DuckDB reads the shard files through the glob merge prints
  assert.equal(result.globs.events, [
    join(data, `${a.manifest.dataset_id}-shard-*-of-00004`, "events.parquet"),
  ]);
  const sql = (globs: string[]) => `read_parquet([${globs.map((g) => `'${g}'`).join(", ")}])`;
  assert.is(await duckdbCount(sql(result.globs.events)), b.manifest.tables.events.rows);
  assert.is(await duckdbCount(sql(result.globs.telemetry)), b.manifest.tables.telemetry.rows);

  // reading a shard as a dataset is refused with the way out
  await expectHomeforgeError(
    () => openDataset(join(data, shardDirs[1])),
    /shard 1 of 4 of ds_\w+, not a whole dataset.*homeforge merge/,
  );
});

const config = parseGenerationConfig({
  seed: 3,
  homes: 9,
  days: 2,
  validation: { minDevices: 0, minEvents: 0 },
});
const base: ManagerOptions = { producerModule: PIPELINE_PRODUCERS, workers: 1, lineage: false };
const shard = (dir: string, index: number, count: number, cfg = config) =>
  new DataGenerationManager(cfg, { ...base, outDir: join(root, dir), shard: { index, count } }).run();

test("merge refuses mixed configs, missing, duplicate and changed shards, in one line each", async () => {
  await shard("e/s0", 0, 2);
  await shard("e/s1", 1, 2);
  await shard("e/other1", 1, 2, { ...config, seed: 4 });
  const dir = (d: string) => join(root, "e", d);
  await expectHomeforgeError(
    () => mergeShards(dir("m"), [dir("s0"), dir("other1")]),
    /SHARD_DIR: .*different configs/,
  );
  await expectHomeforgeError(
    () => mergeShards(dir("m"), [dir("s0")]),
    /shard\(s\) 1 of 2 missing.*--shard 1\/2/,
  );
  cpSync(dir("s1"), dir("copy1"), { recursive: true });
  await expectHomeforgeError(
    () => mergeShards(dir("m"), [dir("s0"), dir("s1"), dir("copy1")]),
    /shard 1 of 2 is given twice/,
  );
  const events = join(dir("copy1"), "events.parquet");
  const bytes = readFileSync(events);
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(events, bytes);
  await expectHomeforgeError(
    () => mergeShards(dir("m"), [dir("s0"), dir("copy1")]),
    /events\.parquet does not match its manifest sha256.*changed after shard 1 was written/,
  );
  // without hashing, only sizes are checked: the same-size change gets through to the readers, which verify
  const unverified = await mergeShards(dir("m"), [dir("s0"), dir("copy1")], { verify: false });
  await expectHomeforgeError(
    () => openDataset(unverified.dir).table("events"),
    /does not match its manifest sha256/,
  );
  assert.not.ok(existsSync(dir("m/events.parquet")));
});

test("in-process shards merge to the single run; re-merging over the merged dataset keeps the shards", async () => {
  // in this thread; that worker threads keep to a shard's homes is manager.test.ts's (one
  // 2-worker shard equal to the 1-worker one: 2 worker threads here cost ~7 CPU-s)
  await shard("p/s0", 0, 3);
  await shard("p/s1", 1, 3);
  await shard("p/s2", 2, 3);
  const single = await new DataGenerationManager(config, { ...base, outDir: join(root, "p/single") }).run();
  const shards = [0, 1, 2].map((i) => join(root, `p/s${i}`));
  await mergeShards(join(root, "p/m"), shards);
  const again = await mergeShards(join(root, "p/m"), shards);
  for (const s of shards) assert.ok(existsSync(join(s, "events.parquet")), s);
  const merged = openDataset(again.dir);
  const one = openDataset(single.dir);
  for (const name of ["homes", "devices", "events", "telemetry"]) {
    assertSameTable(await merged.table(name), await one.table(name), name);
  }
  // a shard run reuses its own finished shard (the cache knows which slice it holds)
  const cached = await shard("p/s1", 1, 3);
  assert.ok(cached.cached);
  const other = await shard("p/s1", 2, 3);
  assert.not.ok(other.cached);
});

test("--shard and the Job variables: contiguous ranges, one-line errors naming the flag or variable", async () => {
  assert.equal(resolveShard("1/4", {}), { index: 1, count: 4 });
  assert.equal(resolveShard(undefined, { JOB_COMPLETION_INDEX: "3", JOB_COMPLETIONS: "4" }), {
    index: 3,
    count: 4,
  });
  assert.equal(resolveShard("0/2", { JOB_COMPLETION_INDEX: "3", JOB_COMPLETIONS: "4" }), {
    index: 0,
    count: 2,
  });
  assert.is(resolveShard(undefined, {}), undefined);
  const ranges = [0, 1, 2, 3].map((index) => shardHomeRange({ index, count: 4 }, 10));
  assert.equal(ranges, [
    [0, 2],
    [2, 5],
    [5, 7],
    [7, 10],
  ]);
  await expectHomeforgeError(
    () => resolveShard("4/4", {}),
    /--shard: --shard 4\/4: shard index 4 is not below the count 4/,
  );
  await expectHomeforgeError(() => resolveShard("x", {}), /--shard: "x" is not INDEX\/COUNT/);
  await expectHomeforgeError(() => resolveShard("0/0", {}), /shard count below 1/);
  await expectHomeforgeError(
    () => resolveShard(undefined, { JOB_COMPLETION_INDEX: "1" }),
    /JOB_COMPLETIONS: is unset while JOB_COMPLETION_INDEX is set/,
  );
  await expectHomeforgeError(
    () => resolveShard(undefined, { JOB_COMPLETION_INDEX: "a", JOB_COMPLETIONS: "2" }),
    /JOB_COMPLETION_INDEX: "a" is not a whole number/,
  );
  await expectHomeforgeError(
    () => resolveShard(undefined, { JOB_COMPLETION_INDEX: "2", JOB_COMPLETIONS: "2" }),
    /JOB_COMPLETION_INDEX: .*shard index 2 is not below the count 2/,
  );
  await expectHomeforgeError(() => shard("tiny", 0, 10, { ...config, homes: 3 }), /10 shards for 3 homes/);
});

test("lineage: shard runs record their shards, merge records the dataset with the shards as inputs", async () => {
  const lineage = LineageStore.open(":memory:");
  try {
    const runs = [];
    for (const i of [0, 1]) {
      runs.push(
        await new DataGenerationManager(config, {
          ...base,
          lineage,
          outDir: join(root, `l/s${i}`),
          shard: { index: i, count: 2 },
        }).run(),
      );
    }
    const id = runs[0].datasetId;
    const shardIds = [
      shardArtifactId(id, { index: 0, count: 2 }),
      shardArtifactId(id, { index: 1, count: 2 }),
    ];
    assert.equal(shardIds, [`${id}/shard-00000-of-00002`, `${id}/shard-00001-of-00002`]);
    // a shard is not the dataset: before the merge nothing claims to have made it
    assert.equal(lineage.producedBy(id), []);
    for (const [i, shardId] of shardIds.entries()) {
      const [made] = lineage.producedBy(shardId);
      assert.is(made.run.run_id, runs[i].runId);
      assert.is(lineage.artifact(shardId)?.kind, "dataset_shard");
      assert.ok(lineage.artifact(`${shardId}/events`), "the shard's tables are its own artifacts");
    }

    const merged = await mergeShards(join(root, "l/m"), [join(root, "l/s0"), join(root, "l/s1")], {
      lineage,
    });
    const [mergeRun] = lineage.producedBy(id);
    assert.is(mergeRun.run.job, "merge");
    assert.equal(mergeRun.inputs.map((a) => a.id).sort(), shardIds);
    assert.is(lineage.artifact(id)?.uri, merged.dir);
    assert.is(lineage.artifact(id)?.kind, "dataset");
    assert.ok(
      lineage.artifact(`${id}/events`)?.uri?.startsWith(join(root, "l", "s")),
      "merged tables point at the shard files",
    );
    // the chain behind the merged dataset reaches both shard runs
    assert.equal(
      lineage
        .chain(id)
        .map((r) => r.run.run_id)
        .sort(),
      [mergeRun.run.run_id, runs[0].runId!, runs[1].runId!].sort(),
    );
  } finally {
    lineage.close();
  }
});

test.run();
