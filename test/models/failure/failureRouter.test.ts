/**
 * The failure router end to end on a small fixture: two training runs (the second judged
 * against what the first serves), the router versions they save, and predictFailures
 * serving through them.
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HomeforgeError } from "../../../lib/core/errors.js";
import { judge, type Verdict } from "../../../lib/models/evaluation/evaluator.js";
import { binaryMetrics } from "../../../lib/models/evaluation/metrics.js";
import type { FailureClassifier } from "../../../lib/models/failure/failureClassifier.js";
import { FAILURE_CLASSIFIER_KIND } from "../../../lib/models/failure/failureKind.js";
import { FailureRouter, type FailureRouterSpec } from "../../../lib/models/failure/failureRouter.js";
import { parseModelRef, predictFailures } from "../../../lib/models/failure/predictFailures.js";
import { FAILURE_ROUTER_KIND } from "../../../lib/models/failure/routerKind.js";
import { type HomeTypesResult, trainHomeTypes } from "../../../lib/models/failure/trainHomeTypes.js";
import { ModelRegistry } from "../../../lib/models/registry/registry.js";
import { selectRows } from "../../../lib/models/tableInput.js";
import { readTableFile } from "../../../lib/pipeline/storage/tableIO.js";
import { runCliInProcess } from "../../helpers/cliInProcess.js";
import { makeTelemetryFixture, writeTelemetryDataset } from "../../helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const TYPES = ["single_family_house", "apartment", "condo"];
const root = tempDir("homeforge-router-");
const modelsDir = join(root, "models");
const fixture = makeTelemetryFixture({ seed: 31, homes: 45, days: 24, devicesPerHome: 5, homeTypes: TYPES });
const registry = new ModelRegistry(modelsDir);
const verdicts: Verdict[][] = [[], [], []];
/** No candidate can pass it: the third run must keep every route as router v2 has it. */
const IMPOSSIBLE = { values: [{ metric: "pr_auc" as const, min: 2 }], changes: [] };
const runs: HomeTypesResult[] = [];

test.before(async () => {
  for (const [i, seed] of [5, 6, 7].entries()) {
    runs.push(
      await trainHomeTypes(fixture, {
        modelsDir,
        seed,
        epochs: i === 2 ? 1 : 3,
        ...(i === 2 ? { policy: IMPOSSIBLE } : {}),
        bootstrapResamples: 100,
        onVerdict: (v) => {
          verdicts[i].push(v);
        },
      }),
    );
  }
});
test.after(() => removeDir(root));

const routerOf = async (ref: string) => (await registry.load<FailureRouter>("failure-router", ref)).model;
const versionOf = (run: HomeTypesResult, name: string) =>
  run.registered.find((r) => r.name === name)?.version;

test("the first run's router serves this run's candidates, as routing chose them, and is in production", async () => {
  const router = await routerOf("v1");
  assert.equal(router.homeTypes, [...TYPES].sort());
  for (const d of runs[0].routing.per_type) {
    const own = `failure-${d.home_type}`;
    const expected =
      d.served === "per_type" && versionOf(runs[0], own)
        ? { name: own, version: versionOf(runs[0], own) }
        : { name: "failure-global", version: versionOf(runs[0], "failure-global") };
    assert.equal(router.servedFor(d.home_type), expected, d.home_type);
    assert.is(router.spec.routes[d.home_type].promotion.outcome, "candidate");
    assert.equal(router.spec.routes[d.home_type].decision.validation, d.validation);
  }
  assert.equal(router.servedFor("castle"), { name: "failure-global", version: "v1" }, "the default route");
  assert.ok(runs[0].registered.some((r) => r.name === "failure-router" && r.version === "v1" && r.promoted));
  const card = readFileSync(join(modelsDir, "failure-router", "v1", "card.md"), "utf8");
  for (const type of TYPES) assert.match(card, new RegExp(`^\\| ${type} \\| failure-\\S+ v1 \\|`, "m"));
});

const splitOf = (name: string, version: string) =>
  JSON.parse(readFileSync(join(modelsDir, name, version, "split.json"), "utf8")).homes as Record<
    string,
    string[]
  >;

/**
 * A classifier's metrics, computed here, on the uncensored rows of run 2's validation homes of
 * `type` (null: all types) that `unseenBy` (today's served model) did not train on.
 */
async function validationMetrics(name: string, version: string, type: string | null, unseenBy: string[]) {
  const trained = new Set(splitOf(unseenBy[0], unseenBy[1]).train);
  const homes = new Set(splitOf("failure-global", "v2").validation.filter((h) => !trained.has(h)));
  const rows: number[] = [];
  const homeIds = fixture.columns.home_id as string[];
  const types = fixture.columns.home_type as string[];
  const censored = fixture.columns.censored as Uint8Array;
  for (let i = 0; i < fixture.rows; i++)
    if (homes.has(homeIds[i]) && censored[i] === 0 && (type === null || types[i] === type)) rows.push(i);
  const sub = selectRows(fixture, rows);
  const loaded = await registry.load<FailureClassifier>(name, version, FAILURE_CLASSIFIER_KIND);
  try {
    const proba = loaded.model.predictProba(sub);
    return binaryMetrics(sub.columns.fails_within_7d as Uint8Array, proba, loaded.model.threshold);
  } finally {
    loaded.model.dispose();
  }
}

test("the second run judges each route's candidate against what router v1 serves, on validation homes", async () => {
  const before = await routerOf("v1");
  const router = await routerOf("v2");
  const targets = [
    ...router.homeTypes.map((t) => [t, router.spec.routes[t]] as const),
    [null, router.spec.default] as const,
  ];
  for (const [type, route] of targets) {
    const p = route.promotion;
    assert.equal(p.served_before, before.servedFor(type), `${type}: compared with what was served`);
    // recomputed here: both models on the type's validation homes, judged by the same policy
    const today = [p.served_before!.name, p.served_before!.version];
    const c = await validationMetrics(p.candidate.name, p.candidate.version, type, today);
    const b = await validationMetrics(p.served_before!.name, p.served_before!.version, type, today);
    const expected = judge(c, b).passed ? "candidate" : "kept";
    assert.is(p.outcome, expected, `${type}: ${p.reason}`);
    assert.equal(
      { name: route.name, version: route.version },
      expected === "candidate" ? p.candidate : p.served_before,
    );
    if (expected === "kept") assert.match(p.reason, / kept: /);
    const d = runs[1].routing.per_type.find((r) => r.home_type === type);
    const own = `failure-${type}`;
    assert.equal(
      p.candidate,
      d?.served === "per_type"
        ? { name: own, version: versionOf(runs[1], own) }
        : { name: "failure-global", version: "v2" },
      `${type}: the candidate is what routing chose this run`,
    );
  }
});

test("a candidate that does not pass leaves the route as it was, with the reason", async () => {
  const before = await routerOf("v2");
  const router = await routerOf("v3");
  assert.is(registry.aliases("failure-router").production, "v3", "the router version is promoted either way");
  for (const type of router.homeTypes) {
    const p = router.spec.routes[type].promotion;
    assert.is(p.outcome, "kept", type);
    assert.equal(router.servedFor(type), before.servedFor(type));
    assert.match(
      p.reason,
      /kept: (.*pr_auc .* is below the floor 2|no validation homes of \w+ it did not train on)/,
    );
  }
  assert.equal(router.servedFor(null), before.servedFor(null));
  const entry = runs[2].registered.find((r) => r.name === "failure-router")!;
  assert.ok(entry.promoted && !entry.passed && entry.blocked_by.length === TYPES.length + 1);
});

test("every router verdict goes to the lineage hook, read validation homes only and names the router version", () => {
  const routerVerdicts = verdicts[1].filter((v) => v.model === "failure-router");
  assert.is(routerVerdicts.length, TYPES.length + 1);
  for (const v of routerVerdicts) {
    assert.is(v.candidate.version, "v2");
    // run 2 split the homes with another seed: the homes today's model trained on are left out
    assert.match(v.data.description ?? "", /homes failure-\S+ v1 trained on left out/);
    assert.is(v.data.split, "validation");
    assert.is(v.production?.version, "v1");
  }
  const first = verdicts[0].filter((v) => v.model === "failure-router");
  assert.ok(
    first.every((v) => v.production === null && v.passed),
    "nothing was served before the first run",
  );
  const metrics = registry.show("failure-router", "v2").metrics as { evaluation: Verdict[] };
  assert.is(metrics.evaluation.length, TYPES.length + 1);
});

test("predictFailures: one row per telemetry row, joined on (home_id, entity_id, day), routed by router@production", async () => {
  const out = await predictFailures(fixture, { modelsDir });
  const t = out.table;
  assert.is(t.rows, fixture.rows);
  assert.equal(out.model, { name: "failure-router", version: "v3", kind: "failure_router" });
  const keyOf = (c: typeof t.columns, i: number) => `${c.home_id[i]}|${c.entity_id[i]}|${c.day[i]}`;
  const keys = new Set(Array.from({ length: t.rows }, (_, i) => keyOf(t.columns, i)));
  assert.is(keys.size, t.rows, "keys are unique");
  for (let i = 0; i < fixture.rows; i++) assert.ok(keys.has(keyOf(fixture.columns, i)));
  assert.equal(Object.keys(t.columns), [
    "home_id",
    "entity_id",
    "day",
    "split",
    "probability",
    "served_model",
    "served_version",
    "censored",
  ]);
  assert.equal(t.columns.censored, fixture.columns.censored, "censored rows are scored and marked");
  const router = await routerOf("production");
  const types = fixture.columns.home_type as string[];
  const direct = new Map<string, Float32Array>();
  for (let i = 0; i < t.rows; i++) {
    const served = router.servedFor(types[i]);
    assert.is(t.columns.served_model[i], served.name);
    assert.is(t.columns.served_version[i], served.version);
    const k = `${served.name}@${served.version}`;
    if (!direct.has(k)) {
      const loaded = await registry.load<FailureClassifier>(
        served.name,
        served.version,
        FAILURE_CLASSIFIER_KIND,
      );
      direct.set(k, loaded.model.predictProba(fixture));
      loaded.model.dispose();
    }
    assert.ok(Math.abs((t.columns.probability[i] as number) - direct.get(k)![i]) < 1e-6, `row ${i}`);
  }
  const split = JSON.parse(
    readFileSync(
      join(modelsDir, router.servedFor(types[0]).name, router.servedFor(types[0]).version, "split.json"),
      "utf8",
    ),
  );
  assert.is(
    t.columns.split[0],
    split.homes.train.includes(t.columns.home_id[0])
      ? "train"
      : split.homes.validation.includes(t.columns.home_id[0])
        ? "validation"
        : "test",
  );
});

test("a router version that sends a type to the global model gives its rows the global model's probability", async () => {
  const spec = JSON.parse(JSON.stringify((await routerOf("v2")).spec)) as FailureRouterSpec;
  const perType = { ...spec.routes.apartment, name: "failure-apartment", version: "v1" };
  spec.routes.apartment = perType;
  spec.routes.condo = { ...spec.routes.condo, name: "failure-global", version: "v1" };
  const saved = await registry.saveModel("failure-router", FAILURE_ROUTER_KIND, new FailureRouter(spec), {
    metrics: {},
    dataset: { id: null, hash: null },
    setCandidate: false,
  });
  const out = await predictFailures(fixture, {
    modelsDir,
    model: `failure-router@${saved.version.slice(1)}`,
  });
  const load = async (name: string, version: string) => {
    const loaded = await registry.load<FailureClassifier>(name, version, FAILURE_CLASSIFIER_KIND);
    const p = loaded.model.predictProba(fixture);
    loaded.model.dispose();
    return p;
  };
  const global = await load("failure-global", "v1");
  const apartment = await load("failure-apartment", "v1");
  const types = fixture.columns.home_type as string[];
  let condo = 0;
  for (let i = 0; i < fixture.rows; i++) {
    const p = out.table.columns.probability[i] as number;
    if (types[i] === "condo") {
      condo++;
      assert.ok(Math.abs(p - global[i]) < 1e-6);
      assert.is(out.table.columns.served_model[i], "failure-global");
    }
    if (types[i] === "apartment") assert.ok(Math.abs(p - apartment[i]) < 1e-6);
  }
  assert.ok(condo > 0);
  // one classifier: every row goes to it
  const one = await predictFailures(fixture, { modelsDir, model: "failure-global@production" });
  assert.equal(new Set(one.table.columns.served_model as string[]), new Set(["failure-global"]));
  const production = registry.resolve("failure-global", "production");
  assert.equal(one.served, [{ name: "failure-global", version: production, rows: fixture.rows }]);
});

test("homeforge predict writes the predictions as Parquet, atomically, and prints a one-line summary", async () => {
  const datasetDir = join(root, "dataset");
  writeTelemetryDataset(datasetDir, fixture);
  const out = join(root, "predictions.parquet");
  writeFileSync(out, "an older file, replaced whole");
  const r = await runCliInProcess(["predict", "--dataset", datasetDir, "--models", modelsDir, "--out", out], {
    env: { CI: "true" },
  });
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.is(lines.length, 1, r.stdout);
  assert.match(
    lines[0],
    new RegExp(
      `^${fixture.rows} rows of 45 homes scored by failure-router v3 → .*predictions\\.parquet; served: failure-\\S+ v\\d+ \\(\\d+ rows\\)`,
    ),
  );
  const expected = await predictFailures(fixture, { modelsDir });
  const written = await readTableFile(out, expected.table.schema);
  assert.is(written.rows, fixture.rows);
  for (const c of ["home_id", "entity_id", "split", "served_model", "served_version"])
    assert.equal(written.columns[c], expected.table.columns[c], c);
  assert.equal(
    Array.from(written.columns.day as Int32Array),
    Array.from(expected.table.columns.day as Int32Array),
  );
  assert.equal(
    Array.from(written.columns.censored as Uint8Array),
    Array.from(expected.table.columns.censored as Uint8Array),
  );
  const p = written.columns.probability as Float64Array;
  assert.ok(p.every((v, i) => Math.abs(v - (expected.table.columns.probability[i] as number)) < 1e-9));
  assert.equal(
    readdirSync(root).filter((f) => f.includes(".tmp-")),
    [],
    "no temp file left",
  );
});

test("model references: bad grammar, unknown models and versions are one-line errors", async () => {
  for (const [text, pattern] of [
    ["failure-global@", /is not a version reference/],
    ["failure-global@v0", /is not a version reference/],
    ["@3", /is not a model reference/],
  ] as const) {
    assert.throws(() => parseModelRef(text), pattern);
  }
  for (const [model, pattern] of [
    ["nosuch", /no model named "nosuch"/],
    ["failure-global@99", /failure-global has no version 99/],
  ] as const) {
    try {
      await predictFailures(fixture, { modelsDir, model });
      assert.unreachable(model);
    } catch (e) {
      assert.instance(e, HomeforgeError);
      assert.match((e as Error).message, pattern);
    }
  }
});

test("the versions a router serves stay loadable: delete refuses them; a missing one fails the router's load", async () => {
  const served = (await routerOf("v1")).servedFor("apartment");
  const production = registry.aliases(served.name).production;
  await registry.promote(served.name, "v2"); // so only the router's reference stands in the way
  try {
    await registry.delete(served.name, served.version);
    assert.unreachable();
  } catch (e) {
    assert.match(
      (e as Error).message,
      new RegExp(`^delete: ${served.name} v1 is served by failure-router v1`),
    );
  }
  if (production) await registry.promote(served.name, production);
  const dir = join(modelsDir, served.name, served.version);
  renameSync(dir, `${dir}-moved`);
  try {
    await registry.load("failure-router", "v1");
    assert.unreachable();
  } catch (e) {
    assert.instance(e, HomeforgeError);
    assert.not.match((e as Error).message, /\n/);
    assert.match(
      (e as Error).message,
      new RegExp(
        `^models/failure-router/v1/router\\.json: home type apartment is served by ${served.name} ${served.version}, which does not exist`,
      ),
    );
  }
  assert.match(registry.check("failure-router").join("\n"), /home type apartment is served by/);
  renameSync(`${dir}-moved`, dir);
  assert.equal(registry.check("failure-router"), []);
});

test.run();
