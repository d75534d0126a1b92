/**
 * Hot swap: the running service follows promotions and rollbacks in the registry (polling
 * aliases.json), and keeps serving what it has when a reload fails.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ColumnTable } from "../../lib/core/columnTable.js";
import { ModelRegistry } from "../../lib/models/registry/registry.js";
import { createServer } from "../../lib/serving/server.js";
import { buildServingRegistry, deviceRows, requestRows } from "../helpers/servingRegistry.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

const WATCH_MS = 50;
const root = tempDir("homeforge-hotswap-");
const modelsDir = join(root, "models");
const registry = new ModelRegistry(modelsDir);
const messages: string[] = [];
let app: FastifyInstance;
let body: { telemetry: Record<string, unknown>[] };

test.before(async () => {
  const { telemetry } = await buildServingRegistry(modelsDir);
  body = { telemetry: requestRows(telemetry, singleFamilyDevice(telemetry)) };
  app = await createServer({
    modelsDir,
    watchIntervalMs: WATCH_MS,
    log: (level, message) => messages.push(`${level}: ${message}`),
  });
});
test.after(async () => {
  await app.close();
  removeDir(root);
});

function singleFamilyDevice(telemetry: ColumnTable): number[] {
  const types = telemetry.columns.home_type as string[];
  return deviceRows(telemetry).find((rows) => types[rows[0]] === "single_family_house")!;
}

async function served(): Promise<{
  served_version: string;
  router: { version: string };
  probability: number;
}> {
  const res = await app.inject({ method: "POST", url: "/api/predictions/predict", payload: body });
  assert.is(res.statusCode, 200, res.body);
  return res.json().predictions[0];
}

/** Predicts until the router version is `version`; returns how many poll intervals it took. */
async function waitForRouter(version: string, limitMs = 10_000): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < limitMs) {
    if ((await served()).router.version === version) return (performance.now() - start) / WATCH_MS;
    await new Promise((r) => setTimeout(r, WATCH_MS / 2));
  }
  throw new Error(`the service still serves router ${(await served()).router.version}, not ${version}`);
}

test("a promotion is served without a restart: served_version changes within a few polls", async () => {
  const before = await served();
  assert.is(before.router.version, "v1");
  assert.is(before.served_version, "v1");
  await registry.promote("failure-router", "v2");
  const intervals = await waitForRouter("v2");
  const after = await served();
  assert.is(after.served_version, "v2", "router v2 serves failure-global v2 to single-family houses");
  assert.ok(after.probability !== before.probability, "another model answers");
  assert.ok(intervals < 40, `took ${intervals.toFixed(1)} poll intervals`);
  assert.ok(messages.some((m) => /failure-router@production: now serving v2 \(was v1\)/.test(m)));
});

test("a rollback after the bad promotion restores the previous version in the running service", async () => {
  await registry.rollback("failure-router");
  await waitForRouter("v1");
  const answer = await served();
  assert.is(answer.served_version, "v1");
  assert.is(registry.aliases("failure-router").production, "v1");
});

test("a reload that fails keeps serving the old models and says why; the next good change is followed", async () => {
  const path = join(modelsDir, "failure-router", "aliases.json");
  const good = readFileSync(path, "utf8");
  writeFileSync(path, "{ not json");
  const deadline = performance.now() + 5000;
  while (
    !messages.some((m) => /^warn: failure-router@production: cannot resolve it .*still serving v1/.test(m))
  ) {
    if (performance.now() > deadline) throw new Error(`no warning logged: ${messages.join(" | ")}`);
    await new Promise((r) => setTimeout(r, WATCH_MS));
  }
  assert.is((await served()).router.version, "v1");
  writeFileSync(path, good);
  await registry.promote("failure-router", "v2");
  await waitForRouter("v2");
});

test.run();
