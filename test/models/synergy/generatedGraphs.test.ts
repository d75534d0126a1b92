import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ColumnTable } from "../../../lib/core/columnTable.js";
import { localMidnightUtc } from "../../../lib/core/localTime.js";
import { homeSynergyGraph } from "../../../lib/models/synergy/homeSynergyGraph.js";
import { loadSynergyGraphs } from "../../../lib/models/synergy/loadSynergyGraphs.js";
import { PAIR_FEATURE_NAMES } from "../../../lib/models/synergy/pairFeatures.js";
import { HISTORY_CUTS, type SynergyGraph } from "../../../lib/models/synergy/synergyTypes.js";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { generateDataset } from "../../../lib/pipeline/generation/generate.js";
import { homeGenerationSpec } from "../../../lib/pipeline/generation/homeSpec.js";
import { type OpenDataset, openDataset } from "../../../lib/pipeline/storage/openDataset.js";
import { generateHomeEvents } from "../../../lib/synth/events.js";
import { generateHome } from "../../../lib/synth/homes.js";
import { plantSynergies } from "../../../lib/synth/synergies.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";
import { lagShares } from "../../synth/lagShare.js";

const root = tempDir();
test.after(() => removeDir(root));

const config = parseGenerationConfig({ seed: 42, homes: 12, days: 7, workers: 1 });
let dataset: OpenDataset;
let graphs: SynergyGraph[];

test.before(async () => {
  const { dir } = await generateDataset(config, { outDir: join(root, "ds") });
  dataset = openDataset(dir, "dataset");
  graphs = await loadSynergyGraphs(dataset);
});

const feature = (g: SynergyGraph, p: number, name: string) =>
  g.pairFeatures[p * PAIR_FEATURE_NAMES.length + PAIR_FEATURE_NAMES.indexOf(name)];

test("every home × every cut, in homes-table then cut order, labels and confounders from the synergies table", async () => {
  const homes = (await dataset.table("homes")).columns.home_id as string[];
  const synergies = await dataset.table("synergies");
  assert.is(graphs.length, homes.length * HISTORY_CUTS.length);
  graphs.forEach((g, i) => {
    assert.is(g.homeId, homes[Math.floor(i / HISTORY_CUTS.length)]);
    assert.is(g.historyDays, HISTORY_CUTS[i % HISTORY_CUTS.length]);
  });
  const full = graphs.filter((g) => g.historyDays === null);
  assert.is(
    full.reduce((s, g) => s + g.pairCount, 0),
    synergies.rows,
  );
  const linked = full.flatMap((g) => Array.from(g.labels!));
  assert.equal(linked, Array.from(synergies.columns.linked as Uint8Array));
  assert.equal(
    full.flatMap((g) => g.confounder!),
    synergies.columns.confounder,
  );
});

test("linked pairs have a higher mean excess_share_30s than unlinked ones, at 3 days and at the full horizon", () => {
  for (const cut of [3, null]) {
    const sums = [0, 0];
    const counts = [0, 0];
    for (const g of graphs.filter((x) => x.historyDays === cut))
      for (let p = 0; p < g.pairCount; p++) {
        sums[g.labels![p]] += feature(g, p, "excess_share_30s");
        counts[g.labels![p]]++;
      }
    const [unlinked, linked] = [sums[0] / counts[0], sums[1] / counts[1]];
    assert.ok(counts[0] > 20 && counts[1] > 20);
    assert.ok(linked > unlinked + 0.05, `cut ${cut}: linked ${linked} vs unlinked ${unlinked}`);
  }
});

test("shorter history sees fewer onsets; a second load gives identical arrays; a home subset equals its part", async () => {
  const onsets = (cut: number | null) =>
    graphs
      .filter((g) => g.historyDays === cut)
      .reduce((s, g) => s + g.evidence.reduce((t, e) => t + e.triggerOnsets, 0), 0);
  assert.ok(onsets(1) < onsets(3) && onsets(3) < onsets(null));
  assert.is(onsets(7), onsets(null), "7 days is the whole horizon here");
  assert.equal(await loadSynergyGraphs(dataset), graphs);
  const some = graphs[HISTORY_CUTS.length * 3].homeId;
  const subset = await loadSynergyGraphs(dataset, { homes: [some], cuts: [3] });
  assert.equal(
    subset,
    graphs.filter((g) => g.homeId === some && g.historyDays === 3),
  );
  try {
    await loadSynergyGraphs(dataset, { homes: ["home_999999"] });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /^homes: .*home_999999/);
  }
});

test("without a synergies table the catalog enumerates the same pairs, in the same order, unlabelled", async () => {
  const noTruth: OpenDataset = { ...dataset, has: (name) => name !== "synergies" && dataset.has(name) };
  const bare = await loadSynergyGraphs(noTruth, { cuts: [null] });
  const full = graphs.filter((g) => g.historyDays === null);
  assert.is(bare.length, full.length);
  assert.ok(full.reduce((s, g) => s + g.pairCount, 0) > 100);
  bare.forEach((g, i) => {
    assert.equal(g.trigger, full[i].trigger, g.homeId);
    assert.equal(g.action, full[i].action);
    assert.equal(g.relationship, full[i].relationship);
    assert.equal(g.sameArea, full[i].sameArea);
    assert.equal(g.pairFeatures, full[i].pairFeatures);
    assert.is(g.labels, null);
    assert.is(g.confounder, null);
  });
});

test("events not stored home by home are a one-line error", async () => {
  const chunks: ColumnTable[] = [];
  for await (const c of dataset.chunks("events")) chunks.push(c);
  const events = chunks[0];
  const homes = events.columns.home_id as string[];
  const cutAt = homes.findIndex((h) => h !== homes[0]);
  assert.ok(cutAt > 0, "the first row group holds two homes");
  const slice = (a: number, b: number): ColumnTable => ({
    ...events,
    rows: b - a,
    columns: Object.fromEntries(
      Object.entries(events.columns).map(([k, v]) => [k, v.slice(a, b)]),
    ) as ColumnTable["columns"],
  });
  const shuffled: OpenDataset = {
    ...dataset,
    async *chunks(name) {
      if (name !== "events") yield* dataset.chunks(name);
      else yield* [slice(0, 10), slice(cutAt, cutAt + 10), slice(10, 20)];
    },
  };
  try {
    await loadSynergyGraphs(shuffled);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, new RegExp(`^events: .*${homes[0]} are not stored together`));
  }
});

test("follow_share_30s is the lag statistic of test/synth/lagShare.ts on generated homes", () => {
  const spec = homeGenerationSpec(config);
  const ctx = { seed: config.seed, start: config.start, days: config.days, faults: config.faults };
  for (let i = 0; i < 3; i++) {
    const g = generateHome(spec, i);
    const truth = plantSynergies(g, config.seed);
    const events = generateHomeEvents(g, ctx, truth);
    const graph = homeSynergyGraph(
      {
        homeId: g.home.homeId,
        homeType: g.home.homeType,
        timezone: g.home.timezone,
        startUtcMs: localMidnightUtc(config.start, g.home.timezone),
        days: config.days,
        areas: g.areas,
        devices: g.devices,
        events: {
          entityId: Array.from(events.entityIndex, (d) => g.devices[d].entityId),
          time: events.time,
          state: Array.from(events.state, (s) => events.stateNames[s]),
          value: events.value,
        },
        truth: truth.map((t) => ({ ...t, confounder: t.confounder ?? null })),
      },
      null,
    );
    const expected = lagShares(g, events, truth, 30_000);
    expected.forEach((share, p) => {
      const mine = feature(graph, p, "follow_share_30s");
      assert.ok(
        Math.abs(mine - (Number.isNaN(share) ? 0 : share)) < 1e-6,
        `${g.home.homeId} pair ${p}: ${mine} vs ${share}`,
      );
    });
  }
});

test.run();
