import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { DataGenerationManager } from "../../../lib/pipeline/generation/manager.js";
import { cacheEntryPath, checkCache, verifyDataset } from "../../../lib/pipeline/storage/cache.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const T0 = Date.UTC(2030, 5, 1);
const config = parseGenerationConfig({ seed: 2, homes: 8, days: 2, validation: { minDevices: 0 } });

async function fresh(name: string) {
  const r = await new DataGenerationManager(config, {
    workers: 1,
    outDir: join(root, name),
    now: () => T0,
  }).run();
  return r;
}

const check = (dir: string, id: string, hours = 1) =>
  checkCache(dir, id, { ttlHours: 24, now: () => T0 + hours * 3_600_000 });

test("every way a cached dataset can be unusable is a miss with its reason", async () => {
  const r = await fresh("a");
  assert.ok((await check(r.dir, r.datasetId)).hit);

  const absent = await check(join(root, "nothing"), r.datasetId);
  assert.equal(absent.hit ? null : absent.reason, "absent");
  const other = await check(r.dir, "ds_0000000000000000");
  assert.equal(other.hit ? null : other.reason, "other-dataset");
  const old = await check(r.dir, r.datasetId, 25);
  assert.equal(old.hit ? null : old.reason, "expired");

  const manifestPath = join(r.dir, "manifest.json");
  const manifest = readFileSync(manifestPath, "utf8");
  writeFileSync(manifestPath, manifest.replace('"seed": 2', '"seed": 3'));
  const edited = await check(r.dir, r.datasetId);
  assert.equal(edited.hit ? null : [edited.reason, edited.detail], [
    "corrupt",
    "manifest.json changed since the dataset was written",
  ]);
  writeFileSync(manifestPath, manifest);

  appendFileSync(join(r.dir, "homes.parquet"), "x");
  const grown = await check(r.dir, r.datasetId);
  assert.match(grown.hit ? "" : grown.detail, /homes\.parquet has \d+ bytes, the manifest says \d+/);

  rmSync(join(r.dir, "areas.parquet"));
  assert.match((await verifyDataset(r.dir)).ok ? "" : "missing", /missing/);

  rmSync(cacheEntryPath(r.dir));
  const untracked = await check(r.dir, r.datasetId);
  assert.equal(untracked.hit ? null : untracked.reason, "untracked");
});

test("a dataset written without a cache entry (e.g. crashed before it) is regenerated, then reused", async () => {
  const r = await fresh("b");
  rmSync(cacheEntryPath(r.dir));
  const again = await fresh("b");
  assert.is(again.cached, false);
  assert.is(again.cacheCheck && !again.cacheCheck.hit ? again.cacheCheck.reason : null, "untracked");
  assert.is((await fresh("b")).cached, true);
});

test.run();
