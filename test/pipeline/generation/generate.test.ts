import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Manifest } from "../../../lib/core/manifest.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { generateDataset, generateHomes } from "../../../lib/pipeline/generation/generate.js";
import { homeTables } from "../../../lib/pipeline/generation/homeTables.js";
import { readTableFile } from "../../../lib/pipeline/storage/tableIO.js";
import { DEVICES_SCHEMA, HOMES_SCHEMA } from "../../../lib/pipeline/storage/tables.js";
import { dirHashes, removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

test("same seed ⇒ byte-identical files; a different seed differs", async () => {
  const config = parseGenerationConfig({ seed: 11, homes: 24, days: 5 });
  await generateDataset(config, { outDir: join(root, "a") });
  await generateDataset(config, { outDir: join(root, "b") });
  await generateDataset({ ...config, seed: 12 }, { outDir: join(root, "c") });
  const a = dirHashes(join(root, "a"));
  assert.equal(Object.keys(a), [
    "areas.parquet",
    "devices.parquet",
    "events.parquet",
    "homes.parquet",
    "manifest.json",
    "patterns.parquet",
    "synergies.parquet",
    "telemetry.parquet",
  ]);
  assert.equal(dirHashes(join(root, "b")), a);
  const c = dirHashes(join(root, "c"));
  for (const name of Object.keys(a)) assert.not.equal(c[name], a[name], name);
});

test("the manifest records rows, bytes, sha256 and schema roles, and no wall clock", async () => {
  const config = parseGenerationConfig({ seed: 3, homes: 5, days: 7, start: "2024-06-01" });
  const { dir, manifest } = await generateDataset(config, { outDir: join(root, "m") });
  const onDisk = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  assert.equal(onDisk, manifest);
  assert.is(manifest.reference_date, "2024-06-01");
  assert.is(manifest.tables.homes.rows, 5);
  const file = manifest.tables.devices.files[0];
  assert.is(readFileSync(join(dir, file.path)).byteLength, file.bytes);
  assert.ok(manifest.tables.devices.schema.some((c) => c.name === "entity_id" && c.role === "key"));
  assert.not.match(JSON.stringify(manifest), /20(2[6-9]|3\d)-/);
});

test("Parquet and Arrow files read back to the generated columns", async () => {
  const config = parseGenerationConfig({ seed: 5, homes: 12, days: 3 });
  const expected = homeTables(generateHomes(config));
  for (const format of ["parquet", "arrow"] as const) {
    const { dir, manifest } = await generateDataset(
      { ...config, format },
      { outDir: join(root, `rt-${format}`) },
    );
    const homes = await readTableFile(join(dir, manifest.tables.homes.files[0].path), HOMES_SCHEMA);
    const devices = await readTableFile(join(dir, manifest.tables.devices.files[0].path), DEVICES_SCHEMA);
    assert.equal(homes.columns.home_id, expected.homes.columns.home_id, format);
    assert.equal(
      Array.from(homes.columns.latitude as Float64Array),
      Array.from(expected.homes.columns.latitude as Float64Array),
    );
    assert.equal(
      Array.from(homes.columns.floors as Int32Array),
      Array.from(expected.homes.columns.floors as Int32Array),
    );
    assert.equal(devices.columns.entity_id, expected.devices.columns.entity_id, format);
    assert.is(devices.rows, expected.devices.rows);
  }
});

test("a regenerated dataset replaces the old one whole and leaves no temp dirs", async () => {
  const out = join(root, "replace");
  await generateDataset(parseGenerationConfig({ seed: 1, homes: 3, days: 7 }), { outDir: out });
  await generateDataset(parseGenerationConfig({ seed: 2, homes: 4, days: 7 }), { outDir: out });
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
  assert.is(manifest.seed, 2);
  assert.ok(!existsSync(join(root, `.replace.tmp-${process.pid}`)));
});

test.run();
