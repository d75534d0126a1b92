import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGenerationConfig, parseSizeMixFlag } from "../../lib/pipeline/generation/config.js";
import { dataConfig, homeGenerationSpec } from "../../lib/pipeline/generation/homeSpec.js";
import { DataGenerationManager, datasetIdFor } from "../../lib/pipeline/generation/manager.js";
import { meanDevicesPerHome } from "../../lib/pipeline/generation/sizeEstimate.js";
import { readTableFile } from "../../lib/pipeline/storage/tableIO.js";
import { HOMES_SCHEMA } from "../../lib/pipeline/storage/tables.js";
import {
  DEFAULT_HOME_TYPE_MIX,
  DEFAULT_SIZE_MIX,
  SIZE_CATEGORIES,
} from "../../lib/synth/catalog/homeTypes.js";
import { type GeneratedHome, generateHome } from "../../lib/synth/homes.js";
import { expectHomeforgeError } from "../helpers/expectError.js";
import { PIPELINE_PRODUCERS } from "../helpers/pipelineProducers.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

/*
 * `sizeMix` (issue 15): the shares of home sizes as a setting. Absent, nothing changes — not
 * the normalised config, not the dataset id, not the homes; present, only the weights of the
 * home's one size draw change, so every other draw on the home's stream stays where it was.
 */

const BASE = { seed: 9, homes: 500, days: 30, start: "2025-01-01" };

function homesUnder(sizeMix?: Record<string, number>, count = BASE.homes): GeneratedHome[] {
  const spec = homeGenerationSpec(parseGenerationConfig({ ...BASE, ...(sizeMix ? { sizeMix } : {}) }));
  return Array.from({ length: count }, (_, i) => generateHome(spec, i));
}

function shares(homes: GeneratedHome[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(SIZE_CATEGORIES.map((s) => [s, 0]));
  for (const h of homes) counts[h.home.sizeCategory]++;
  return Object.fromEntries(Object.entries(counts).map(([s, n]) => [s, n / homes.length]));
}

/** 200 plain homes: what every changed mix is compared with. */
const plain = homesUnder(undefined, 200);

test("absent: the normalised config, the home spec and the dataset id are what they were", () => {
  const config = parseGenerationConfig(BASE);
  assert.not.ok("sizeMix" in config, "sizeMix in the parsed config");
  assert.not.ok("sizeMix" in dataConfig(config), "sizeMix in the data config");
  assert.not.ok("sizeMix" in homeGenerationSpec(config), "sizeMix in the home spec");
  assert.is(datasetIdFor(parseGenerationConfig({ ...BASE, sizeMix: undefined })), datasetIdFor(config));
  assert.is.not(
    datasetIdFor(parseGenerationConfig({ ...BASE, sizeMix: { small: 1 } })),
    datasetIdFor(config),
  );
});

test("the catalog's shares given explicitly make exactly the homes an absent mix makes", () => {
  assert.equal(homesUnder(DEFAULT_SIZE_MIX, 100), plain.slice(0, 100));
});

test("small=1 makes every home small and moves no other draw of the home", () => {
  const small = homesUnder({ small: 1 }, plain.length);
  assert.ok(
    plain.some((h) => h.home.sizeCategory !== "small"),
    "the plain homes are not all small",
  );
  small.forEach((h, i) => {
    assert.is(h.home.sizeCategory, "small");
    // same stream, same number of draws: location, schedule, occupants, vacations stay
    assert.equal({ ...h.home, sizeCategory: plain[i].home.sizeCategory }, plain[i].home);
  });
  const devices = (hs: GeneratedHome[]) => hs.reduce((n, h) => n + h.devices.length, 0);
  assert.ok(devices(small) < devices(plain), `${devices(small)} vs ${devices(plain)} devices`);
});

test("a skewed mix shifts the shares over 500 homes; a category left out gets no homes", () => {
  const mix = { small: 0.1, large: 0.2, extra_large: 0.7 };
  const got = shares(homesUnder(mix));
  const catalog = shares(plain);
  assert.is(got.medium, 0);
  assert.ok(catalog.medium > 0.25, `catalog medium share ${catalog.medium}`);
  // independent draws: the binomial sd at n = 500 is at most 2.3 points; allow 3 sd
  for (const [size, share] of Object.entries(mix)) {
    assert.ok(Math.abs(got[size] - share) < 0.07, `${size}: ${got[size]} vs ${share}`);
  }
  assert.ok(got.extra_large > catalog.extra_large + 0.5, JSON.stringify({ got, catalog }));
});

test("the size estimate follows the size mix", () => {
  const catalog = meanDevicesPerHome(DEFAULT_HOME_TYPE_MIX);
  assert.is(meanDevicesPerHome(DEFAULT_HOME_TYPE_MIX, DEFAULT_SIZE_MIX), catalog);
  assert.ok(meanDevicesPerHome(DEFAULT_HOME_TYPE_MIX, { small: 1 }) < catalog);
  assert.ok(meanDevicesPerHome(DEFAULT_HOME_TYPE_MIX, { extra_large: 1 }) > catalog);
});

test("bad mixes get a one-line error naming sizeMix or --size-mix", async () => {
  await expectHomeforgeError(
    () => parseGenerationConfig({ sizeMix: { huge: 1 } }),
    /^config\.sizeMix\.huge: unknown size category "huge"; use one of small, medium, large, extra_large$/,
  );
  await expectHomeforgeError(
    () => parseGenerationConfig({ sizeMix: { small: 0.5, medium: 0.4 } }),
    /^config\.sizeMix: shares sum to 0\.9, not 1; scale them/,
  );
  await expectHomeforgeError(
    () => parseGenerationConfig({ sizeMix: { small: -0.5, medium: 1.5 } }),
    /^config\.sizeMix\.small: must be a number between 0 and 1/,
  );
  await expectHomeforgeError(
    () => parseSizeMixFlag("small"),
    /^--size-mix: cannot read "small"; write it as size=share/,
  );
  await expectHomeforgeError(
    () => parseSizeMixFlag("small=0.5,small=0.5"),
    /^--size-mix: "small" is given twice; name each size category once$/,
  );
  assert.equal(parseSizeMixFlag("small=0.3, medium=0.7"), { small: 0.3, medium: 0.7 });
});

// one worker (in this thread): worker threads get the same HomeGenerationSpec, and starting two
// costs ~3 s of test time
test("the mix reaches the generation pipeline: 4 homes × 1 day are all extra_large", async () => {
  const root = tempDir("homeforge-size-mix-");
  try {
    const config = parseGenerationConfig({
      ...BASE,
      homes: 4,
      days: 1,
      sizeMix: { extra_large: 1 },
      validation: { minDevices: 0, minEvents: 0 },
    });
    const result = await new DataGenerationManager(config, {
      producerModule: PIPELINE_PRODUCERS,
      workers: 1,
      batchHomes: 2,
      outDir: join(root, "ds"),
      lineage: false,
    }).run();
    const homes = await readTableFile(join(result.dir, "homes.parquet"), HOMES_SCHEMA);
    assert.equal(homes.columns.size_category, ["extra_large", "extra_large", "extra_large", "extra_large"]);
  } finally {
    removeDir(root);
  }
});

test.run();
