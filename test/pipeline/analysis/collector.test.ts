import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { tableSha256 } from "../../../lib/core/manifest.js";
import { collectTrainingData } from "../../../lib/pipeline/analysis/collector.js";
import { collectStats, formatCollectStats } from "../../../lib/pipeline/analysis/collectStats.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { DataGenerationManager } from "../../../lib/pipeline/generation/manager.js";
import { LineageStore } from "../../../lib/pipeline/lineage/lineageStore.js";
import { openDataset } from "../../../lib/pipeline/storage/openDataset.js";
import { TELEMETRY_FEATURES } from "../../../lib/pipeline/storage/tables.js";
import { runCliInProcess } from "../../helpers/cliInProcess.js";
import { PIPELINE_PRODUCERS } from "../../helpers/pipelineProducers.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const config = parseGenerationConfig({
  seed: 4,
  homes: 10,
  days: 4,
  validation: { minDevices: 0, minEvents: 0 },
});
let dir = "";

test.before(async () => {
  dir = (
    await new DataGenerationManager(config, {
      producerModule: PIPELINE_PRODUCERS,
      workers: 1,
      outDir: join(root, "ds"),
    }).run()
  ).dir;
});

test("failure set: each telemetry filter drops what it should, in order, and says so", async () => {
  const lines: string[] = [];
  const set = await collectTrainingData(dir, "failure", {
    thresholds: { telemetry: { maxMissingShare: 0.15, minDaysPerDevice: 4 } },
    log: (l) => lines.push(l),
  });
  const raw = await openDataset(dir).table("telemetry");
  const features = TELEMETRY_FEATURES.map((f) => raw.columns[f] as Float64Array);
  let tooSparse = 0;
  for (let i = 0; i < raw.rows; i++) {
    if (features.filter((c) => Number.isNaN(c[i])).length > 0.15 * TELEMETRY_FEATURES.length) tooSparse++;
  }
  const [missing, impossible, days, censored] = set.filters;
  assert.is(missing.rowsIn, raw.rows);
  assert.is(missing.dropped, tooSparse);
  assert.ok(tooSparse > 0);
  assert.is(impossible.rowsIn, missing.rowsOut);
  assert.ok(impossible.dropped > 0, "the fixture plants impossible battery readings");
  assert.is(days.rowsIn, impossible.rowsOut);
  // the label filter comes last: exactly the censored rows among those the quality filters kept
  assert.is(censored.rowsIn, days.rowsOut);
  assert.match(censored.filter, /^censored device-days/);
  assert.is(set.table.rows, censored.rowsOut);
  const battery = set.table.columns.battery_level as Float64Array;
  assert.ok(battery.every((b) => Number.isNaN(b) || b <= 100));
  const perDevice = new Map<string, number>();
  const ids = set.table.columns.entity_id as string[];
  const homes = set.table.columns.home_id as string[];
  ids.forEach((id, i) => {
    perDevice.set(`${homes[i]}/${id}`, (perDevice.get(`${homes[i]}/${id}`) ?? 0) + 1);
  });
  assert.ok([...perDevice.values()].every((n) => n >= 4));
  assert.is(lines.length, 6);
  assert.match(
    lines[1],
    new RegExp(
      `dropped ${tooSparse} of ${raw.rows} rows: device-days with more than 15 % of features missing`,
    ),
  );
  assert.match(
    lines[4],
    new RegExp(`dropped ${censored.dropped} of ${censored.rowsIn} rows: censored device-days`),
  );
  assert.match(lines[5], new RegExp(`kept ${set.table.rows} rows`));
});

test("failure set: right-censored device-days are left out as a reported filter step", async () => {
  const lines: string[] = [];
  // quality filters off, so the censoring step sees every row
  const set = await collectTrainingData(dir, "failure", {
    thresholds: { telemetry: { maxMissingShare: 1, dropImpossible: false, minDaysPerDevice: 1 } },
    log: (l) => lines.push(l),
  });
  const raw = await openDataset(dir).table("telemetry");
  const rawCensored = Array.from(raw.columns.censored as Uint8Array).filter((c) => c === 1).length;
  assert.ok(rawCensored > 0 && rawCensored < raw.rows, `${rawCensored} of ${raw.rows} rows censored`);
  const step = set.filters.at(-1)!;
  assert.match(step.filter, /^censored device-days/);
  assert.is(step.rowsIn, raw.rows);
  assert.is(step.dropped, rawCensored);
  assert.is(set.table.rows, raw.rows - rawCensored);
  assert.ok(
    (set.table.columns.censored as Uint8Array).every((c) => c === 0),
    "a censored row reached the failure training set",
  );
  assert.ok(
    lines.some((l) => l.includes(`dropped ${rawCensored} of ${raw.rows} rows: censored device-days`)),
  );
});

test("synergy and pattern sets: per-home and per-row thresholds", async () => {
  const quiet = { log: () => {} };
  const syn = await collectTrainingData(dir, "synergy", {
    ...quiet,
    thresholds: { synergies: { minLinkedPerHome: 4 } },
  });
  const linkedPerHome = new Map<string, number>();
  const homes = syn.table.columns.home_id as string[];
  const linked = syn.table.columns.linked as Uint8Array;
  homes.forEach((h, i) => {
    linkedPerHome.set(h, (linkedPerHome.get(h) ?? 0) + linked[i]);
  });
  assert.ok([...linkedPerHome.values()].every((n) => n >= 4));
  assert.ok(syn.filters[1].dropped > 0);

  const pat = await collectTrainingData(dir, "patterns", {
    ...quiet,
    thresholds: { patterns: { minConfidence: 0.5, minOccurrences: 5 } },
  });
  const raw = await openDataset(dir).table("patterns");
  const conf = raw.columns.confidence as Float64Array;
  const occ = raw.columns.occurrences as Int32Array;
  let keep = 0;
  for (let i = 0; i < raw.rows; i++) if (conf[i] >= 0.5 && occ[i] >= 5) keep++;
  assert.is(pat.table.rows, keep);
  assert.is(pat.filters[0].dropped, Array.from(conf).filter((c) => c < 0.5).length);
});

test("thresholds are validated with one-line errors naming the field", async () => {
  const cases: [unknown, RegExp][] = [
    [
      { telemetry: { maxMissingShare: 2 } },
      /^thresholds\.telemetry\.maxMissingShare: must be a share between 0 and 1;/,
    ],
    [{ telemetry: { colour: 1 } }, /^thresholds\.telemetry\.colour: unknown threshold/],
    [{ patterns: { minOccurrences: 1.5 } }, /^thresholds\.patterns\.minOccurrences: must be a whole number/],
  ];
  for (const [thresholds, message] of cases) {
    try {
      await collectTrainingData(dir, "failure", { thresholds: thresholds as never, log: () => {} });
      assert.unreachable();
    } catch (e) {
      assert.instance(e, HomeforgeError);
      assert.match((e as Error).message, message);
    }
  }
});

test("a collected set is lineage between its dataset and whatever trains on it", async () => {
  const store = LineageStore.open(join(root, "lineage.sqlite"));
  try {
    const set = await collectTrainingData(dir, "failure", { lineage: store, log: () => {} });
    const train = store.startRun("train", {});
    store.recordInput(train, { id: set.id, kind: "training_set" });
    const model = store.recordModelOutput(train, { name: "failure", version: "1" });
    store.completeRun(train);
    assert.equal(
      store.trainedOn(set.datasetId).map((t) => t.models[0].id),
      [model],
    );
    const [collect] = store.chain(model);
    assert.is(collect.run.job, "collect");
    // a `source: telemetry` step, then one per filter
    assert.is(collect.transformations.length, set.filters.length + 1);
    assert.is(collect.transformations[0].name, "source: telemetry");
    assert.is(collect.transformations[1].rows_in, set.filters[0].rowsIn);
  } finally {
    store.close();
  }
});

test("a collected set records the patterns and synergies tables it came from, hashed, and what it kept of them", async () => {
  const store = LineageStore.open(":memory:");
  try {
    const ds = openDataset(dir);
    const manifestHash = (table: string) => tableSha256(ds.manifest.tables[table]);
    const syn = await collectTrainingData(dir, "synergy", { lineage: store, log: () => {} });
    const pat = await collectTrainingData(dir, "patterns", { lineage: store, log: () => {} });
    for (const [set, table] of [
      [syn, "synergies"],
      [pat, "patterns"],
    ] as const) {
      const [run] = store.producedBy(set.id);
      assert.is(run.run.job, "collect");
      assert.equal(
        run.inputs.map((i) => [i.id, i.kind, i.sha256]),
        [
          [set.datasetId, "dataset", ds.manifestSha256],
          [`${set.datasetId}/${table}`, "table", manifestHash(table)],
        ],
      );
      const source = run.transformations[0];
      assert.is(source.name, `source: ${table}`);
      assert.is(source.rows_in, ds.manifest.tables[table].rows);
      assert.is(source.rows_out, set.table.rows);
    }
    const linked = syn.table.columns.linked as Uint8Array;
    const synDetail = JSON.parse(store.producedBy(syn.id)[0].transformations[0].detail!);
    assert.is(synDetail.candidate_pairs, syn.table.rows);
    assert.is(
      synDetail.planted_synergies,
      linked.reduce((n, x) => n + x, 0),
    );
    assert.ok(synDetail.planted_synergies > 0 && synDetail.planted_synergies < syn.table.rows);
    assert.is(
      Object.values(synDetail.planted_by_relationship as Record<string, number>).reduce((a, b) => a + b, 0),
      synDetail.planted_synergies,
    );
    const patDetail = JSON.parse(store.producedBy(pat.id)[0].transformations[0].detail!);
    assert.is(patDetail.patterns, pat.table.rows);
    assert.is(patDetail.homes, new Set(pat.table.columns.home_id as string[]).size);
    // the chain behind the set reaches no further here (no generate run recorded), but shows the tables
    assert.ok(store.chain(syn.id)[0].inputs.some((i) => i.id === `${syn.datasetId}/synergies`));
  } finally {
    store.close();
  }
});

test("statistics: the counts add up, per filter, per home type and per label value", async () => {
  const ds = openDataset(dir);
  const homes = await ds.table("homes");
  const sets = [
    await collectTrainingData(ds, "failure", {
      thresholds: { telemetry: { maxMissingShare: 0.15, minDaysPerDevice: 1 } },
      log: () => {},
    }),
    await collectTrainingData(ds, "synergy", {
      thresholds: { synergies: { minLinkedPerHome: 4 } },
      log: () => {},
    }),
    await collectTrainingData(ds, "patterns", { log: () => {} }),
    await collectTrainingData(ds, "events", { log: () => {} }),
  ];
  for (const set of sets) {
    const stats = collectStats(set, homes);
    const source = await ds.table(set.source);
    assert.is(stats.rowsRead, source.rows, set.kind);
    assert.is(stats.rowsKept, set.table.rows, set.kind);
    assert.ok(stats.rowsKept > 0, `${set.kind}: nothing kept`);
    assert.is(stats.rowsRead, stats.rowsKept + stats.dropped.reduce((n, d) => n + d.rows, 0), set.kind);
    assert.equal(
      stats.dropped.map((d) => d.filter),
      set.filters.map((f) => f.filter),
    );
    assert.is(
      Object.values(stats.keptByHomeType).reduce((a, b) => a + b, 0),
      stats.rowsKept,
      set.kind,
    );
    // the stats file is plain JSON: it survives a round trip unchanged
    assert.equal(JSON.parse(JSON.stringify(stats)), stats);
    const lines = formatCollectStats(stats);
    assert.ok(lines.some((l) => l.trim() === `${stats.rowsKept}  rows kept`));
  }
  const [failure, synergy, patterns, events] = sets.map((s) => collectStats(s, homes));
  // filters that drop rows show their counts
  assert.is(failure.dropped[0].rows, sets[0].filters[0].dropped);
  assert.ok(failure.dropped[0].rows > 0 && failure.dropped[1].rows > 0);
  assert.ok(synergy.dropped[1].rows > 0);
  // home types: telemetry carries its own home_type column, an independent check of the homes lookup
  const byType: Record<string, number> = {};
  for (const t of sets[0].table.columns.home_type as string[]) byType[t] = (byType[t] ?? 0) + 1;
  assert.equal(failure.keptByHomeType, Object.fromEntries(Object.entries(byType).sort()));
  assert.ok(Object.keys(failure.keptByHomeType).length > 1);
  // label balance matches the kept rows
  const fails = Array.from(sets[0].table.columns.fails_within_7d as Int32Array).filter((y) => y === 1).length;
  assert.equal(
    failure.labelBalance!.values.map((v) => [v.value, v.count]),
    [
      ["0", failure.rowsKept - fails],
      ["1", fails],
    ],
  );
  const linked = Array.from(sets[1].table.columns.linked as Uint8Array).filter((y) => y === 1).length;
  assert.ok(linked > 0 && linked < synergy.rowsKept);
  assert.equal(
    synergy.labelBalance!.values.map((v) => [v.value, v.count]),
    [
      ["not linked", synergy.rowsKept - linked],
      ["linked", linked],
    ],
  );
  assert.is(synergy.labelBalance!.values[1].share, linked / synergy.rowsKept);
  assert.is(synergy.kept.planted_synergies, linked);
  assert.is(patterns.labelBalance, null);
  assert.is(events.labelBalance, null);
});

test("collect --out writes the statistics next to the output, and prints them", async () => {
  const collectArgs = (kind: string, out: string) => [
    ...["collect", "--dataset", dir, "--for", kind],
    ...["--out", out, "--no-lineage"],
  ];
  const outDir = join(root, "cli-out");
  mkdirSync(outDir);
  const out = join(outDir, "synergy.parquet");
  const run = await runCliInProcess(collectArgs("synergy", out));
  assert.is(run.code, 0, run.stderr);
  assert.ok(existsSync(out));
  const stats = JSON.parse(readFileSync(`${out}.stats.json`, "utf8"));
  const ds = openDataset(dir);
  const expected = collectStats(
    await collectTrainingData(ds, "synergy", { log: () => {} }),
    await ds.table("homes"),
  );
  assert.equal(stats, expected);
  assert.match(run.stdout, /label linked:/);
  assert.match(run.stdout, new RegExp(`${expected.labelBalance!.values[1].count}  linked \\(`));
  assert.equal(readdirSync(outDir).sort(), ["synergy.parquet", "synergy.parquet.stats.json"]);

  // a stats path that cannot be written fails before anything is: no output without its stats
  const blocked = join(outDir, "blocked.parquet");
  mkdirSync(`${blocked}.stats.json`);
  const bad = await runCliInProcess(collectArgs("failure", blocked));
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /^error: --out: .*blocked\.parquet\.stats\.json is a directory/);
  assert.ok(!existsSync(blocked));
});

test.run();
