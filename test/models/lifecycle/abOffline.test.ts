/**
 * `homeforge ab` end to end on a tiny registry: versions of a small failure classifier
 * trained on one tiny telemetry dataset (different params, one on shuffled labels), compared
 * on a second one generated with another seed (every home held out) and on the training
 * dataset itself (only the test homes are held out), through the in-process CLI. The
 * datasets are the seeded telemetry fixture (milliseconds) rather than the generator (seconds).
 */
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../lib/core/random.js";
import { chooseBackend } from "../../../lib/models/backend.js";
import { binaryMetrics } from "../../../lib/models/evaluation/metrics.js";
import { FailureClassifier } from "../../../lib/models/failure/failureClassifier.js";
import {
  FailureRouter,
  type FailureRouterSpec,
  ROUTER_FORMAT,
} from "../../../lib/models/failure/failureRouter.js";
import { FAILURE_ROUTER_KIND } from "../../../lib/models/failure/routerKind.js";
import { readTelemetryDataset } from "../../../lib/models/failure/telemetryDataset.js";
import type { OfflineAbReport } from "../../../lib/models/lifecycle/abTypes.js";
import { ModelRegistry } from "../../../lib/models/registry/registry.js";
import { type HomeSplit, splitHomes } from "../../../lib/models/split.js";
import { selectRows } from "../../../lib/models/tableInput.js";
import { uncensoredRows } from "../../../lib/pipeline/storage/censoring.js";
import { runCliInProcess } from "../../helpers/cliInProcess.js";
import { makeTelemetryFixture, writeTelemetryDataset } from "../../helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";
import { toyModelVersion } from "../../helpers/toyModel.js";

const root = tempDir("homeforge-ab-");
const dataRoot = join(root, "data");
const modelsDir = join(root, "models");
const datasets = { train: "", fresh: "" };
let split: HomeSplit;
const TYPES = ["single_family_house", "apartment"];

test.before(async () => {
  await chooseBackend();
  for (const [key, seed] of [
    ["train", 1],
    ["fresh", 2],
  ] as const) {
    const dir = join(dataRoot, `ds_fixture_${seed}`);
    const table = makeTelemetryFixture({ seed, homes: 20, days: 24, devicesPerHome: 5, homeTypes: TYPES });
    writeTelemetryDataset(dir, table, `ds_fixture_${seed}`, seed);
    datasets[key] = dir;
  }
  const telemetry = await readTelemetryDataset(datasets.train);
  const table = selectRows(telemetry.table, uncensoredRows(telemetry.table));
  const ids = table.columns.home_id as string[];
  split = splitHomes(ids, table.columns.home_type as string[], { seed: 1 });
  const rowsOf = (homes: string[]) => {
    const wanted = new Set(homes);
    return selectRows(
      table,
      ids.flatMap((h, i) => (wanted.has(h) ? [i] : [])),
    );
  };
  const train = rowsOf(split.homes.train);
  const validation = rowsOf(split.homes.validation);
  const labels = Array.from(train.columns.fails_within_7d as ArrayLike<number>);
  const shuffled = {
    ...train,
    columns: { ...train.columns, fails_within_7d: Int32Array.from(Rng.derive(3, "labels").shuffle(labels)) },
  };
  const registry = new ModelRegistry(modelsDir);
  const save = async (model: FailureClassifier, homes: HomeSplit) => {
    const saved = await registry.saveClassifier("failure-small", model, {
      metrics: {},
      dataset: telemetry.dataset,
      extraFiles: { "split.json": `${JSON.stringify(homes, null, 2)}\n` },
    });
    model.dispose();
    return saved.version;
  };
  const fit = (params: ConstructorParameters<typeof FailureClassifier>[0], data = train) =>
    new FailureClassifier({ epochs: 4, seed: 2, batchSize: 256, ...params }).fit(data, { validation });
  // v1: the MLP; v2: logistic regression on today's features; v3: the MLP on shuffled labels
  await save(await fit({ hiddenUnits: [16] }), split);
  await save(await fit({ hiddenUnits: [], features: "today" }), split);
  await save(await fit({ hiddenUnits: [16] }, shuffled), split);
  // v4 claims every home of the training dataset (trained or validated on all of them)
  const everything: HomeSplit = {
    ...split,
    homes: {
      train: [...split.homes.train, ...split.homes.test],
      validation: split.homes.validation,
      test: [],
    },
  };
  await save(await fit({ hiddenUnits: [4], epochs: 1 }), everything);
  await registry.promote("failure-small", "v1");
  toyModelVersion(join(modelsDir, "toy", "v1"));
  // routers by hand: v1 serves failure-small v1 everywhere, v2 routes apartments to v2
  for (const apartment of ["v1", "v2"]) {
    const router = new FailureRouter(routerSpec({ name: "failure-small", version: apartment }));
    await registry.saveModel("failure-router", FAILURE_ROUTER_KIND, router, {
      metrics: {},
      dataset: { id: null, hash: null },
    });
  }
});
test.after(() => removeDir(root));

const ab = (...args: string[]) =>
  runCliInProcess(["ab", "--model", "failure-small", "--models", modelsDir, "--resamples", "200", ...args], {
    env: { HOMEFORGE_DATA_DIR: dataRoot },
  });

async function report(...args: string[]): Promise<OfflineAbReport> {
  const run = await ab(...args, "--json");
  assert.is(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as OfflineAbReport;
}

/** A router (its decisions' numbers are placeholders) serving `apartment` for apartments and failure-small v1 elsewhere. */
function routerSpec(apartment: { name: string; version: string }): FailureRouterSpec {
  const promotion = {
    outcome: "candidate" as const,
    candidate: apartment,
    served_before: null,
    reason: "test",
  };
  const metrics = binaryMetrics([0, 1], [0.2, 0.8], 0.5);
  return {
    format: ROUTER_FORMAT,
    format_version: 1,
    prefix: "failure",
    seed: 1,
    metric: "pr_auc",
    split: "validation",
    default: { name: "failure-small", version: "v1", promotion },
    routes: {
      apartment: {
        ...apartment,
        promotion,
        decision: {
          home_type: "apartment",
          served: "per_type",
          metric: "pr_auc",
          split: "validation",
          validation: { homes: 1, per_type: metrics, global: metrics },
          reason: "test",
        },
      },
    },
  };
}

/** The decision the report must hold, read off its own interval. */
function expectedChoice(r: OfflineAbReport): string {
  const d = r.comparisons[0].difference;
  return d.lo > 0 ? "b" : d.hi < 0 ? "a" : "no_difference";
}

test("on a dataset generated with another seed every home is held out, and the decision follows the interval", async () => {
  const r = await report("--dataset", datasets.fresh);
  assert.equal(
    [r.versions.a.version, r.versions.b.version],
    ["v1", "v4"],
    "production vs candidate by default",
  );
  assert.is(r.held_out.homes, r.dataset.homes);
  assert.is(r.held_out.seen_by.a[0].match, "other_seed");
  const c = r.comparisons[0];
  assert.ok(
    c.homes >= 5 && c.positives >= 10,
    `enough to compare: ${c.homes} homes, ${c.positives} positives`,
  );
  assert.is(r.decision.choice, expectedChoice(r));

  const v2 = await report("--dataset", datasets.fresh, "--b", "v2");
  assert.is(v2.decision.choice, expectedChoice(v2));
  assert.is(v2.comparisons[0].rows, c.rows, "same rows whatever b is");
  assert.equal(v2.comparisons[0].a, c.a, "a scored identically (same rows, same resampled homes)");
});

test("a version trained on shuffled labels loses, with the reason quoting the interval and McNemar", async () => {
  const r = await report("--dataset", datasets.fresh, "--b", "3", "--seed", "9");
  const d = r.comparisons[0].difference;
  assert.ok(d.hi < 0, `the shuffled model must be worse: ${JSON.stringify(d)}`);
  assert.is(r.decision.choice, "a");
  assert.match(
    r.decision.reason,
    /^a \(production, v1\) is better, keep it: PR-AUC b − a = −0\.\d{4}, 95 % interval \[/,
  );
  assert.match(
    r.decision.reason,
    /McNemar at the served thresholds (agrees|does not agree) \(b01 \d+, b10 \d+, p [=<] /,
  );
  const again = await report("--dataset", datasets.fresh, "--b", "3", "--seed", "9");
  assert.equal(again, r, "deterministic for a seed");

  const text = await ab("--dataset", datasets.fresh, "--b", "v3", "--seed", "9");
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /^a\s+production\s+v1\s+0\.\d{4} \[0\.\d{4}, 0\.\d{4}\]/m);
  assert.match(text.stdout, /^b − a\s+−0\.\d{4} \[−0\.\d{4}, [−+]0\.\d{4}\]$/m);
  assert.match(
    text.stdout,
    /^ {2}b − a: paired bootstrap over 20 homes \(both versions on the same resampled homes\): a better$/m,
  );
  assert.match(text.stdout, /^McNemar at the served thresholds: b01 \d+ \(a wrong, b right\), b10 \d+/m);
  assert.match(text.stdout, /^decision: a — a \(production, v1\) is better/m);
});

test("on the training dataset itself only the homes neither version saw are compared", async () => {
  const r = await report("--dataset", datasets.train, "--b", "v2");
  assert.is(r.held_out.seen_by.a[0].match, "same_dataset");
  assert.is(r.held_out.homes, split.homes.test.length, "the split's test homes");
  assert.is(r.comparisons[0].homes, split.homes.test.length);
  assert.is(r.decision.choice, expectedChoice(r));
  // the same homes through the data root by id
  const byId = await report("--dataset", "ds_fixture_1", "--b", "v2");
  assert.equal(byId.comparisons, r.comparisons);
});

test("routers: every classifier a router serves counts for its homes and decides its rows at its own threshold", async () => {
  const r = await report("--dataset", datasets.fresh, "--model", "failure-router", "--a", "v1", "--b", "v2");
  assert.equal(
    r.held_out.seen_by.b.map((s) => `${s.name} ${s.version} ${s.match}`),
    ["failure-small v2 other_seed", "failure-small v1 other_seed"],
  );
  const c = r.comparisons[0];
  assert.equal(
    c.a.thresholds.map((t) => [t.version, t.rows]),
    [["v1", c.rows]],
  );
  const apartments = c.b.thresholds.find((t) => t.version === "v2")!;
  assert.equal(
    c.b.thresholds.map((t) => t.rows).reduce((x, y) => x + y),
    c.rows,
  );
  assert.ok(apartments.rows > 0 && apartments.rows < c.rows, "apartments only");
  assert.ok(
    c.mcnemar.b01 + c.mcnemar.b10 <= apartments.rows,
    "other homes are decided alike by both routers",
  );
  assert.is(r.decision.choice, expectedChoice(r));

  // on the training dataset the router's classifiers saw the train and validation homes
  const own = await report(
    "--dataset",
    datasets.train,
    "--model",
    "failure-router",
    "--a",
    "v1",
    "--b",
    "v2",
  );
  assert.is(own.held_out.homes, split.homes.test.length);
});

test("no held-out homes, a wrong kind, bad refs: one-line errors naming the flag", async () => {
  const one = async (args: string[], error: RegExp) => {
    const run = await ab(...args);
    assert.is(run.code, 2, run.stdout);
    const lines = run.stderr.trim().split("\n");
    assert.is(lines.length, 1, run.stderr);
    assert.match(lines[0], error);
  };
  await one(
    ["--dataset", datasets.train, "--b", "v4"],
    /^error: --dataset: none of the \d+ homes of ds_\w+ is held out: failure-small v1 or v4 trained or validated on each of them; compare on a fresh dataset: generate one with another seed/,
  );
  await one(
    ["--dataset", datasets.fresh, "--model", "toy", "--a", "1", "--b", "1"],
    /^error: --model: toy v1 is a toy model, which ab cannot compare; pass a failure router/,
  );
  await one(
    ["--dataset", datasets.fresh, "--a", "nope"],
    /^error: --a: "nope" is not a version reference; pass production, candidate/,
  );
  await one(
    ["--dataset", datasets.fresh, "--b", "v9"],
    /^error: --b: failure-small has no version v9; use production, candidate or one of: v1, v2, v3, v4$/,
  );
  await one(
    ["--dataset", datasets.fresh, "--model", "nope"],
    /^error: --model: no model named "nope" in .*; known models: failure-router, failure-small, toy$/,
  );
  await one([], /^error: --dataset: is required for an offline A\/B/);
  await one(["--dataset", "nope"], /^error: --dataset: no dataset "nope"/);
  await one(["--dataset", datasets.fresh, "--resamples", "5"], /^error: --resamples: /);
});

test.run();
