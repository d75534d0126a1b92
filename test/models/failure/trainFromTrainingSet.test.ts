/**
 * `homeforge train --training-set FILE`: the failure models train from a set `homeforge
 * collect --for failure --out FILE` wrote, the set names its dataset, lineage walks from the
 * models through the set and the collect run to the dataset's generate run, and bad sets are
 * one-line errors that write nothing. One training run (1 epoch) for the whole file.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { sha256 } from "../../../lib/core/manifest.js";
import { splitForTraining } from "../../../lib/models/failure/trainingSplit.js";
import { splitHomes, splitRows } from "../../../lib/models/split.js";
import { selectRows } from "../../../lib/models/tableInput.js";
import { readTrainingSetFile } from "../../../lib/pipeline/analysis/trainingSetFile.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { DataGenerationManager } from "../../../lib/pipeline/generation/manager.js";
import { LineageStore } from "../../../lib/pipeline/lineage/lineageStore.js";
import { openDataset } from "../../../lib/pipeline/storage/openDataset.js";
import { TELEMETRY_SCHEMA } from "../../../lib/pipeline/storage/tables.js";
import { runCliInProcess } from "../../helpers/cliInProcess.js";
import { PIPELINE_PRODUCERS } from "../../helpers/pipelineProducers.js";
import { makeTelemetryFixture } from "../../helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir("homeforge-train-set-");
test.after(() => removeDir(root));
const dataRoot = join(root, "data");
const lineageDb = join(root, "lineage.sqlite");
const setFile = join(root, "failure.parquet");
const synergySet = join(root, "synergy.parquet");
const emptySet = join(root, "empty.parquet");
const SEED = 5;

async function generate(seed: number, homes: number, days: number): Promise<string> {
  const config = parseGenerationConfig({ seed, homes, days, validation: { minDevices: 0, minEvents: 0 } });
  const run = await new DataGenerationManager(config, {
    producerModule: PIPELINE_PRODUCERS,
    workers: 1,
    dataRoot,
    lineage: lineageDb,
  }).run();
  return run.dir;
}

const cli = (args: string[]) =>
  runCliInProcess(args, {
    env: { CI: "true", HOMEFORGE_DATA_DIR: dataRoot, HOMEFORGE_LINEAGE_DB: lineageDb },
  });

let dir = "";
let otherDir = "";
let train: Awaited<ReturnType<typeof cli>>;
const modelsDir = join(root, "models");

test.before(async () => {
  dir = await generate(4, 8, 12);
  otherDir = await generate(9, 2, 2);
  // a filter that bites: device-days with 2 or more of the 11 features missing go (the test
  // producers' features are uniform on 0–1, "impossible" for signal strength: that check is off)
  const thresholds = join(root, "thresholds.json");
  writeFileSync(thresholds, JSON.stringify({ telemetry: { maxMissingShare: 0.1, dropImpossible: false } }));
  const none = join(root, "none.json");
  writeFileSync(none, JSON.stringify({ telemetry: { minDaysPerDevice: 1000 } }));
  const empty = await cli([
    "collect",
    "--dataset",
    dir,
    "--for",
    "failure",
    "--thresholds",
    none,
    "--out",
    emptySet,
    "--quiet",
  ]);
  assert.is(empty.code, 0, empty.stderr);
  const collected = await cli([
    "collect",
    "--dataset",
    dir,
    "--for",
    "failure",
    "--thresholds",
    thresholds,
    "--out",
    setFile,
    "--quiet",
  ]);
  assert.is(collected.code, 0, collected.stderr);
  const synergy = await cli([
    "collect",
    "--dataset",
    dir,
    "--for",
    "synergy",
    "--out",
    synergySet,
    "--quiet",
  ]);
  assert.is(synergy.code, 0, synergy.stderr);
  // the set names its dataset: no --dataset needed
  train = await cli([
    "train",
    "--training-set",
    setFile,
    "--models",
    modelsDir,
    "--seed",
    String(SEED),
    "--epochs",
    "1",
    "--bootstrap-resamples",
    "100",
  ]);
});

test("collect --out writes the set's kind, id and dataset into the Parquet footer", async () => {
  const stats = JSON.parse(readFileSync(`${setFile}.stats.json`, "utf8"));
  const file = await readTrainingSetFile(setFile, "failure", TELEMETRY_SCHEMA);
  assert.equal(file.info, {
    format: "homeforge-training-set",
    kind: "failure",
    id: stats.trainingSetId,
    dataset_id: openDataset(dir).manifest.dataset_id,
    source: "telemetry",
    rows: stats.rowsKept,
  });
  assert.is(file.table.rows, stats.rowsKept);
  assert.is(file.sha256, sha256(readFileSync(setFile)));
});

test("training reads the filtered rows: fewer rows per split than the dataset's telemetry, on the same home split", async () => {
  assert.is(train.code, 0, train.stderr);
  const result = JSON.parse(readFileSync(join(modelsDir, "comparison_results.json"), "utf8"));
  const set = await readTrainingSetFile(setFile, "failure", TELEMETRY_SCHEMA);
  const ds = openDataset(dir);
  const raw = await ds.table("telemetry");
  const homes = await ds.table("homes");
  // the split is drawn over the dataset's homes, so each raw row's split is known
  const split = splitHomes(homes.columns.home_id as string[], homes.columns.home_type as string[], {
    seed: SEED,
  });
  const saved = JSON.parse(readFileSync(join(modelsDir, "failure-global", "v1", "split.json"), "utf8"));
  assert.equal(saved.homes, split.homes);
  const censored = raw.columns.censored as Uint8Array;
  const rawIds = (raw.columns.home_id as string[]).filter((_, i) => censored[i] === 0);
  const rawRows = splitRows(split, rawIds);
  const setRows = splitRows(split, set.table.columns.home_id as string[]);
  for (const part of ["train", "validation", "test"] as const) {
    assert.is(result.rows[part], setRows[part].length, `${part} rows are the set's rows in ${part} homes`);
    assert.ok(
      result.rows[part] < rawRows[part].length,
      `the filter left fewer ${part} rows than the raw telemetry`,
    );
  }
  assert.is(result.censored.total, 0, "the collector already dropped the censored rows");
  // the saved version records what it was trained on: the dataset id, the set's bytes and rows
  const meta = JSON.parse(readFileSync(join(modelsDir, "failure-global", "v1", "meta.json"), "utf8"));
  assert.equal(meta.dataset, { id: set.info.dataset_id, hash: set.sha256, rows: set.table.rows });
});

test("lineage: the train run's inputs are the set (id, file sha256) and the dataset; the chain reaches the generate run", async () => {
  const store = LineageStore.openReadOnly(lineageDb);
  try {
    const set = await readTrainingSetFile(setFile, "failure", TELEMETRY_SCHEMA);
    const [trainRun] = store.runs({ job: "train-home-types" });
    const record = store.run(trainRun.run_id)!;
    const input = record.inputs.find((i) => i.kind === "training_set");
    assert.ok(input, "the set is an input");
    assert.is(input!.id, set.info.id);
    assert.is(input!.sha256, set.sha256);
    assert.ok(record.inputs.some((i) => i.id === set.info.dataset_id && i.kind === "dataset"));
    assert.ok(!record.inputs.some((i) => i.id.endsWith("/telemetry")), "the raw telemetry was not read");
    const chain = await cli(["lineage", "--db", lineageDb, "chain", "failure-global@1", "--json"]);
    assert.is(chain.code, 0, chain.stderr);
    const runs = JSON.parse(chain.stdout) as {
      run: { job: string };
      inputs: { id: string }[];
      outputs: { id: string }[];
    }[];
    assert.equal(runs.map((r) => r.run.job).sort(), ["collect", "generate", "train-home-types"]);
    const collect = runs.find((r) => r.run.job === "collect")!;
    assert.ok(
      collect.outputs.some((o) => o.id === set.info.id),
      "the collect run made the set",
    );
    assert.ok(
      collect.inputs.some((i) => i.id === set.info.dataset_id),
      "from the dataset",
    );
    const generate = runs.find((r) => r.run.job === "generate")!;
    assert.ok(
      generate.outputs.some((o) => o.id === set.info.dataset_id),
      "which the generate run made",
    );
  } finally {
    store.close();
  }
});

/** A bad `train --training-set` call: exit 2, one stderr line naming the flag and `pattern`, nothing written. */
async function refused(args: string[], pattern: RegExp) {
  const models = join(root, "refused-models");
  const runsBefore = countRuns();
  const r = await cli(["train", ...args, "--models", models, "--epochs", "1"]);
  assert.is(r.code, 2, r.stdout + r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0], /^error: --training-set: /);
  assert.match(lines[0], pattern);
  assert.ok(!existsSync(models) || readdirSync(models).length === 0, "no models written");
  assert.is(countRuns(), runsBefore, "no lineage run");
}

function countRuns(): number {
  const store = LineageStore.openReadOnly(lineageDb);
  try {
    return store.runs({ limit: 1000 }).length;
  } finally {
    store.close();
  }
}

test("bad sets: missing file, not a training set, a synergy set, another dataset", async () => {
  await refused(
    ["--training-set", join(root, "nope.parquet")],
    /no file .*nope\.parquet; pass the Parquet file `homeforge collect --dataset ID --for failure --out FILE` wrote$/,
  );
  // the dataset's own telemetry file: Parquet with the right columns, but not a collected set
  await refused(
    ["--training-set", join(dir, "telemetry.parquet")],
    /is not a homeforge training set \(no homeforge\.training_set in its Parquet metadata\); write one with `homeforge collect/,
  );
  await refused(["--training-set", `${setFile}.stats.json`], /is not a Parquet file/);
  await refused(["--training-set", synergySet], /is a synergy training set, not a failure one/);
  await refused(
    ["--training-set", emptySet],
    /holds no rows \(its filters dropped every row\); loosen the thresholds/,
  );
  await refused(
    ["--training-set", setFile, "--dataset", otherDir],
    /was collected from dataset ds_\w+, but --dataset is ds_\w+; drop --dataset .* or collect the set from that dataset$/,
  );
});

test("splitForTraining over the dataset's homes: a home whose rows a filter dropped keeps every other home's split", () => {
  const table = makeTelemetryFixture({
    seed: 2,
    homes: 12,
    days: 3,
    devicesPerHome: 2,
    homeTypes: ["apartment", "condo"],
  });
  const ids = table.columns.home_id as string[];
  const types = table.columns.home_type as string[];
  const homes = [...new Set(ids)].sort();
  const homeTypes = homes.map((h) => types[ids.indexOf(h)]);
  const gone = homes[0];
  const kept = selectRows(
    table,
    ids.flatMap((h, i) => (h === gone ? [] : [i])),
  );
  const full = splitForTraining(table, { seed: 7 }).split.homes;
  const overDataset = splitForTraining(kept, { seed: 7, homes: { ids: homes, types: homeTypes } }).split
    .homes;
  const overRows = splitForTraining(kept, { seed: 7 }).split.homes;
  assert.equal(overDataset, full, "the same split as on every row");
  assert.not.equal(overRows, full, "(the rows' homes alone would reshuffle: the option matters)");
});

test("no --dataset and no --training-set: one line naming both", async () => {
  const r = await cli(["train", "--models", join(root, "m2")]);
  assert.is(r.code, 2);
  assert.match(
    r.stderr.trim(),
    /^error: --dataset: no dataset given; pass --dataset ID\|DIR, or --training-set FILE/,
  );
});

test("--help lists --training-set", async () => {
  const r = await cli(["train", "--help"]);
  assert.match(r.stdout, /--training-set <file>\s+train on a failure training set/);
});

test.run();
