/**
 * The HTTP service in-process (app.inject) on a small registry: predictions single and
 * batched against predictFailures on the same rows, synergy detection against
 * detectSynergies, the OpenAPI document, absent models, and the online A/B split.
 */
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ColumnTable } from "../../lib/core/columnTable.js";
import { predictFailures } from "../../lib/models/failure/predictFailures.js";
import { detectSynergies } from "../../lib/models/synergy/detectSynergies.js";
import { homeSynergyGraph } from "../../lib/models/synergy/homeSynergyGraph.js";
import { selectRows } from "../../lib/models/tableInput.js";
import { assignArm, OnlineAbStore } from "../../lib/serving/onlineAb.js";
import { createServer } from "../../lib/serving/server.js";
import {
  buildServingRegistry,
  deviceRows,
  requestHistory,
  requestRows,
  synergyRequestBody,
} from "../helpers/servingRegistry.js";
import { removeDir, tempDir } from "../helpers/tmp.js";
import { handHome } from "../models/synergy/handHome.js";

const root = tempDir("homeforge-serve-");
const modelsDir = join(root, "models");
let app: FastifyInstance;
let telemetry: ColumnTable;
const quiet = () => {};

test.before(async () => {
  ({ telemetry } = await buildServingRegistry(modelsDir));
  app = await createServer({ modelsDir, watchIntervalMs: 0, log: quiet });
});
test.after(async () => {
  await app.close();
  removeDir(root);
});

const predict = (payload: unknown, server = app) =>
  server.inject({ method: "POST", url: "/api/predictions/predict", payload: payload as object });

/** Devices of each home type, with their rows. */
function devicesOfType(type: string): number[][] {
  const types = telemetry.columns.home_type as string[];
  return deviceRows(telemetry).filter((rows) => types[rows[0]] === type);
}

/** predictFailures' answer on one device's rows, at its last day. */
async function expected(rows: number[]) {
  const out = await predictFailures(selectRows(telemetry, rows), { modelsDir });
  const last = rows.length - 1; // fixture rows are in day order
  return {
    probability: out.table.columns.probability[last] as number,
    served_model: out.table.columns.served_model[last],
    served_version: out.table.columns.served_version[last],
  };
}

test("one device: the probability and served version predictFailures gives for its last day", async () => {
  const rows = devicesOfType("single_family_house")[0];
  const res = await predict({ telemetry: requestRows(telemetry, rows) });
  assert.is(res.statusCode, 200, res.body);
  const [p] = res.json().predictions;
  const want = await expected(rows);
  assert.ok(Math.abs(p.probability - want.probability) < 1e-6, `${p.probability} vs ${want.probability}`);
  assert.is(p.served_model, want.served_model);
  assert.is(p.served_version, want.served_version);
  assert.equal(p.router, { name: "failure-router", version: "v1" });
  assert.is(p.day, requestRows(telemetry, rows).at(-1)!.day);
  assert.is(p.arm, null);
  assert.match(p.prediction_id, /^[0-9a-f-]{36}$/);
  assert.is(
    p.risk_level,
    p.probability >= p.threshold ? "high" : p.probability >= p.threshold / 2 ? "medium" : "low",
  );
  // TF.js's own predict, the "tfjs" scorer, gives the same answer
  const tfjs = await createServer({ modelsDir, watchIntervalMs: 0, log: quiet, scorer: "tfjs" });
  try {
    const viaTf = (await predict({ telemetry: requestRows(telemetry, rows) }, tfjs)).json().predictions[0];
    assert.ok(Math.abs(viaTf.probability - p.probability) < 1e-6);
  } finally {
    await tfjs.close();
  }
  // row order does not matter: the last day is scored
  const reversed = await predict({ telemetry: requestRows(telemetry, [...rows].reverse()) });
  assert.is(reversed.json().predictions[0].probability, p.probability);
});

test("a batch: each device routed by its home type, each answer equal to predictFailures'", async () => {
  const devices = [
    ...devicesOfType("apartment").slice(0, 3),
    ...devicesOfType("single_family_house").slice(0, 3),
  ];
  const res = await predict({
    devices: devices.map((rows) => ({ telemetry: requestRows(telemetry, rows) })),
  });
  assert.is(res.statusCode, 200, res.body);
  const answers = res.json().predictions;
  assert.is(answers.length, devices.length);
  for (const [k, rows] of devices.entries()) {
    const want = await expected(rows);
    assert.ok(Math.abs(answers[k].probability - want.probability) < 1e-6, `device ${k}`);
    assert.is(answers[k].served_model, want.served_model);
    assert.is(answers[k].served_version, want.served_version);
    assert.is(answers[k].home_id, (telemetry.columns.home_id as string[])[rows[0]]);
  }
  assert.equal(
    new Set(answers.map((a: { served_model: string }) => a.served_model)),
    new Set(["failure-apartment", "failure-global"]),
  );
  assert.is(new Set(answers.map((a: { prediction_id: string }) => a.prediction_id)).size, devices.length);
});

test("one device's list must hold one device with distinct, real days: 400 naming the row", async () => {
  const [a, b] = devicesOfType("apartment");
  const mixed = await predict({ telemetry: requestRows(telemetry, [a[0], b[1]]) });
  assert.is(mixed.statusCode, 400);
  assert.match(mixed.json().message, /^body\.telemetry\[1\]\.(home_id|entity_id): /);
  const twice = await predict({ telemetry: requestRows(telemetry, [a[0], a[0]]) });
  assert.is(twice.statusCode, 400);
  assert.match(twice.json().message, /body\.telemetry\[1\]\.day: \S+ appears twice/);
  const bad = requestRows(telemetry, [a[0]]);
  bad[0].day = "2025-02-30";
  const noDay = await predict({ telemetry: bad });
  assert.is(noDay.statusCode, 400);
  assert.match(noDay.json().message, /body\.telemetry\[0\]\.day: 2025-02-30 is not a calendar date/);
  const both = await predict({ telemetry: requestRows(telemetry, a), devices: [] });
  assert.is(both.statusCode, 400);
  const neither = await predict({});
  assert.is(neither.statusCode, 400);
  assert.match(neither.json().message, /^body: has none of telemetry, history or devices/);
});

test("a columnar history scores exactly as the same rows do, alone or in a batch; bad lengths and days are 400s", async () => {
  const [a, b] = devicesOfType("apartment");
  const fromRows = (await predict({ telemetry: requestRows(telemetry, a) })).json().predictions[0];
  const res = await predict({ history: requestHistory(telemetry, a) });
  assert.is(res.statusCode, 200, res.body);
  const [p] = res.json().predictions;
  for (const k of ["probability", "served_model", "served_version", "day", "home_id", "entity_id"])
    assert.is(p[k], fromRows[k], k);
  const batch = await predict({
    devices: [{ history: requestHistory(telemetry, b) }, { telemetry: requestRows(telemetry, a) }],
  });
  assert.is(batch.statusCode, 200, batch.body);
  assert.is(batch.json().predictions[1].probability, fromRows.probability);

  const short = requestHistory(telemetry, a) as { features: Record<string, unknown[]>; days: string[] };
  short.features.error_rate = short.features.error_rate.slice(1);
  const mismatch = await predict({ history: short });
  assert.is(mismatch.statusCode, 400);
  assert.match(mismatch.json().message, /^body\.history\.features\.error_rate: has \d+ values for \d+ days/);
  const twice = requestHistory(telemetry, a) as { days: string[] };
  twice.days[1] = twice.days[0];
  const dup = await predict({ history: twice });
  assert.is(dup.statusCode, 400);
  assert.match(dup.json().message, /^body\.history\.days\[1\]: \S+ appears twice/);
  const both = await predict({
    devices: [{ history: requestHistory(telemetry, a), telemetry: requestRows(telemetry, a) }],
  });
  assert.is(both.statusCode, 400);
  assert.match(both.json().message, /^body\.devices\[0\]: has both telemetry and history/);
});

test("synergy detection ranks the pairs as detectSynergies does, with the served version", async () => {
  const home = handHome();
  const body = synergyRequestBody(home);
  const res = await app.inject({
    method: "POST",
    url: "/api/synergies/detect",
    payload: { ...body, top: 3, history_days: 3 },
  });
  assert.is(res.statusCode, 200, res.body);
  const answer = res.json();
  const want = await detectSynergies(homeSynergyGraph(home, 3), { modelsDir, top: 3 });
  assert.equal(answer.model, want.model);
  assert.is(answer.model.version, "v1");
  assert.is(answer.history_days, 3);
  assert.equal(
    answer.pairs,
    want.pairs.map(({ home_id: _h, linked: _l, ...p }) => p),
  );
  assert.ok(answer.pairs.length > 0 && answer.pairs.length <= 3);
  const bad = await app.inject({
    method: "POST",
    url: "/api/synergies/detect",
    payload: { ...body, timezone: "Mars/Olympus" },
  });
  assert.is(bad.statusCode, 400);
  assert.match(bad.json().message, /^timezone: home home_hand: "Mars\/Olympus" is not an IANA time zone/);
});

test("the OpenAPI document lists every route with its schemas", async () => {
  const res = await app.inject({ method: "GET", url: "/docs/json" });
  assert.is(res.statusCode, 200);
  const doc = res.json();
  assert.match(doc.openapi, /^3\./);
  assert.equal(Object.keys(doc.paths).sort(), [
    "/api/predictions/feedback",
    "/api/predictions/models/health",
    "/api/predictions/models/status",
    "/api/predictions/models/version",
    "/api/predictions/predict",
    "/api/synergies/detect",
  ]);
  for (const [path, item] of Object.entries<
    Record<string, { requestBody?: unknown; parameters?: unknown[]; responses: object }>
  >(doc.paths)) {
    const op = item.post ?? item.get;
    if (item.post) assert.ok(op.requestBody, `${path}: a body schema`);
    else assert.ok(op.parameters?.length, `${path}: query parameters`);
    assert.ok("200" in op.responses && "400" in op.responses, path);
  }
});

test("status, version and health: the lifecycle reports, plus what this process serves", async () => {
  const status = await app.inject({ method: "GET", url: "/api/predictions/models/status" });
  assert.is(status.statusCode, 200, status.body);
  const s = status.json();
  assert.is(s.format, "homeforge-models-status");
  assert.is(s.routers[0].name, "failure-router");
  assert.equal(s.service.failure.a, {
    name: "failure-router",
    ref: "production",
    version: "v1",
    problem: null,
  });
  assert.equal(s.service.synergy, { name: "synergy-gnn", ref: "production", version: "v1", problem: null });
  const version = await app.inject({
    method: "GET",
    url: "/api/predictions/models/version?name=failure-global&ref=v2",
  });
  assert.is(version.statusCode, 200, version.body);
  assert.is(version.json().versions[0].version, "v2");
  const health = await app.inject({
    method: "GET",
    url: "/api/predictions/models/health?name=failure-router",
  });
  assert.is(health.statusCode, 200, health.body);
  const h = health.json();
  assert.is(h.healthy, true);
  assert.ok(
    h.versions.some((v: { name: string }) => v.name === "failure-global"),
    "the router's classifiers are checked",
  );
  const again = await app.inject({
    method: "GET",
    url: "/api/predictions/models/health?name=failure-router",
  });
  assert.is(again.json().checked_at, h.checked_at, "cached for a few seconds");
  const bad = await app.inject({ method: "GET", url: "/api/predictions/models/version?ref=latest" });
  assert.is(bad.statusCode, 400);
  assert.match(bad.json().message, /^querystring\.ref: /);
  const unknown = await app.inject({ method: "GET", url: "/api/predictions/models/status?name=nope" });
  assert.is(unknown.statusCode, 400);
  assert.match(unknown.json().message, /no model named "nope"/);
});

test("feedback without an experiment is 409; absent models answer 503 with the reason, never crash", async () => {
  const fb = await app.inject({
    method: "POST",
    url: "/api/predictions/feedback",
    payload: { prediction_id: "x", label: 1 },
  });
  assert.is(fb.statusCode, 409);
  assert.match(fb.json().message, /no online A\/B experiment is running/);
  const empty = await createServer({ modelsDir: join(root, "empty"), watchIntervalMs: 0, log: quiet });
  try {
    const rows = devicesOfType("apartment")[0];
    const res = await predict({ telemetry: requestRows(telemetry, rows) }, empty);
    assert.is(res.statusCode, 503);
    assert.match(res.json().message, /failure-router/);
    const detect = await empty.inject({
      method: "POST",
      url: "/api/synergies/detect",
      payload: synergyRequestBody(handHome()),
    });
    assert.is(detect.statusCode, 503);
    assert.match(detect.json().message, /synergy-gnn/);
    const health = await empty.inject({ method: "GET", url: "/api/predictions/models/health" });
    assert.is(health.statusCode, 503, "nothing can serve: unhealthy");
    assert.is(health.json().healthy, false);
    assert.match(health.json().problems[0], /no model .* has a production version/);
    const status = (await empty.inject({ method: "GET", url: "/api/predictions/models/status" })).json();
    assert.is(status.service.failure.a.version, null);
    assert.match(status.service.failure.a.problem, /failure-router/);
  } finally {
    await empty.close();
  }
});

test("online A/B: devices split by a stable hash, tagged with arm and version, logged; feedback stored", async () => {
  const store = OnlineAbStore.open(join(root, "ab.sqlite"));
  const split = { model: "failure-router", a: "production", b: "candidate", share: 0.5 };
  const ab = await createServer({ modelsDir, watchIntervalMs: 0, log: quiet, ab: split, abStore: store });
  try {
    const devices = devicesOfType("single_family_house");
    const body = { devices: devices.map((rows) => ({ telemetry: requestRows(telemetry, rows) })) };
    const first = (await predict(body, ab)).json().predictions;
    const again = (await predict(body, ab)).json().predictions;
    const arms = first.map((p: { arm: string }) => p.arm);
    assert.equal(
      again.map((p: { arm: string }) => p.arm),
      arms,
      "arms are stable",
    );
    assert.ok(arms.includes("a") && arms.includes("b"), `both arms used: ${arms}`);
    for (const p of first) {
      assert.is(p.arm, assignArm(p.home_id, p.entity_id, split));
      // router v1 (production) serves failure-global v1 to these homes, v2 (candidate) serves v2
      assert.equal(p.router, { name: "failure-router", version: p.arm === "a" ? "v1" : "v2" });
      assert.is(p.served_version, p.arm === "a" ? "v1" : "v2");
    }
    const ok = await ab.inject({
      method: "POST",
      url: "/api/predictions/feedback",
      payload: { prediction_id: first[0].prediction_id, label: 1 },
    });
    assert.is(ok.statusCode, 200, ok.body);
    assert.equal(ok.json(), { prediction_id: first[0].prediction_id, label: 1, recorded: true });
    const unknown = await ab.inject({
      method: "POST",
      url: "/api/predictions/feedback",
      payload: { prediction_id: "not-an-id", label: 0 },
    });
    assert.is(unknown.statusCode, 404);
    const metrics = store.armMetrics("failure-router");
    const total = metrics.reduce((s, m) => s + m.predictions, 0);
    assert.is(total, 2 * devices.length);
    assert.is(
      metrics.reduce((s, m) => s + m.labelled, 0),
      1,
    );
  } finally {
    await ab.close(); // closes the store too
  }
});

test.run();
