/**
 * Fuzz: seeded malformed, oversized and wrongly typed requests to every POST route. Every
 * answer must be a 4xx with a one-line JSON message — never a 5xx — and the service must
 * still answer a good request afterwards.
 */
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../lib/core/random.js";
import { createServer } from "../../lib/serving/server.js";
import {
  buildServingRegistry,
  deviceRows,
  requestRows,
  synergyRequestBody,
} from "../helpers/servingRegistry.js";
import { removeDir, tempDir } from "../helpers/tmp.js";
import { handHome } from "../models/synergy/handHome.js";

const BODY_LIMIT = 256 * 1024;
const ROUTES = ["/api/predictions/predict", "/api/synergies/detect", "/api/predictions/feedback"] as const;
const root = tempDir("homeforge-fuzz-");
let app: FastifyInstance;
let goodPredict: Record<string, unknown>;
let goodDetect: Record<string, unknown>;

test.before(async () => {
  const modelsDir = join(root, "models");
  const { telemetry } = await buildServingRegistry(modelsDir);
  goodPredict = { telemetry: requestRows(telemetry, deviceRows(telemetry)[0]) };
  goodDetect = synergyRequestBody(handHome());
  app = await createServer({ modelsDir, watchIntervalMs: 0, bodyLimit: BODY_LIMIT, log: () => {} });
});
test.after(async () => {
  await app.close();
  removeDir(root);
});

interface Request {
  what: string;
  /** A random replacement may happen to be valid (null for a nullable feature): 2xx allowed. */
  mayBeValid?: boolean;
  url: string;
  payload: string;
  contentType?: string;
}

/** Fields a body may leave out. */
const OPTIONAL = new Set(["template", "top", "history_days"]);
const WEIRD_STRINGS = [
  "",
  " ",
  "null",
  "NaN",
  "-1",
  "1e400",
  "\u0000",
  "é漢😀",
  "__proto__",
  "a".repeat(500),
  "2025-13-45",
];

function randomValue(rng: Rng, depth = 0): unknown {
  const k = rng.int(0, depth > 3 ? 4 : 7);
  switch (k) {
    case 0:
      return null;
    case 1:
      return rng.bernoulli(0.5);
    case 2:
      return rng.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 5e-324, 123456789]);
    case 3:
      return rng.pick(WEIRD_STRINGS);
    case 4:
      return rng.int(-5, 5);
    case 5:
      return Array.from({ length: rng.int(0, 4) }, () => randomValue(rng, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = rng.int(0, 4); i > 0; i--)
        out[rng.pick(["telemetry", "devices", "x", "homeId", "label", "day"])] = randomValue(rng, depth + 1);
      return out;
    }
  }
}

/** Every path (keys and indices) into a JSON value, up to some depth. */
function paths(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (prefix.length > 6) return out;
  if (Array.isArray(value)) for (const [i, v] of value.slice(0, 3).entries()) paths(v, [...prefix, i], out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      paths(v, [...prefix, k], out);
    }
  return out;
}

function mutate(rng: Rng, good: unknown): { what: string; body: unknown; mayBeValid?: boolean } {
  const body = structuredClone(good) as Record<string, unknown>;
  const all = paths(body);
  const path = rng.pick(all);
  let parent = body as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  const kind = rng.int(0, 4);
  if (kind === 0) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1, randomValue(rng));
    else delete parent[last];
    return {
      what: `removed ${path.join(".")}`,
      body,
      mayBeValid: Array.isArray(parent) || OPTIONAL.has(String(last)),
    };
  }
  if (kind === 1) {
    parent[last] = randomValue(rng);
    return { what: `${path.join(".")} = random`, body, mayBeValid: true };
  }
  if (kind === 2) {
    parent[rng.pick(["extra", "Home_ID", "truth", "constructor"])] = randomValue(rng);
    return { what: `unknown field beside ${path.join(".")}`, body };
  }
  if (kind === 3) {
    let deep: unknown = 1;
    for (let i = 0; i < 2000; i++) deep = rng.bernoulli(0.5) ? [deep] : { a: deep };
    parent[last] = deep;
    return { what: `deep nesting at ${path.join(".")}`, body };
  }
  const list = Array.isArray(parent) ? parent : [parent[last]];
  parent[last] = Array.from({ length: rng.int(401, 3000) }, () => list[0]);
  return { what: `huge array at ${path.join(".")}`, body };
}

function requests(seed: number): Request[] {
  const rng = new Rng(seed);
  const out: Request[] = [];
  const json = (what: string, url: string, body: unknown, mayBeValid = false) =>
    out.push({ what, url, payload: JSON.stringify(body) ?? "null", mayBeValid });
  for (let i = 0; i < 60; i++) json(`random value ${i}`, rng.pick(ROUTES), randomValue(rng));
  for (let i = 0; i < 70; i++) {
    const m = mutate(rng, goodPredict);
    json(`predict: ${m.what}`, ROUTES[0], m.body, m.mayBeValid);
  }
  for (let i = 0; i < 40; i++) {
    const m = mutate(rng, { devices: [goodPredict, goodPredict] });
    json(`batch: ${m.what}`, ROUTES[0], m.body, m.mayBeValid);
  }
  for (let i = 0; i < 60; i++) {
    const m = mutate(rng, goodDetect);
    json(`detect: ${m.what}`, ROUTES[1], m.body, m.mayBeValid);
  }
  for (let i = 0; i < 15; i++)
    json(`feedback ${i}`, ROUTES[2], { prediction_id: randomValue(rng), label: randomValue(rng) });
  for (const [where, value] of [
    ["time", 1e300],
    ["time", -1e300],
    ["startUtcMs", 1e300],
    ["days", 1e9],
    ["history_days", -1],
    ["top", 0],
  ] as const) {
    const body = structuredClone(goodDetect) as { events: { time: number[] } } & Record<string, unknown>;
    if (where === "time") body.events.time[0] = value;
    else body[where] = value;
    json(`detect: ${where} = ${value}`, ROUTES[1], body);
  }
  const text = JSON.stringify(goodPredict);
  for (let i = 0; i < 20; i++) {
    const cut = rng.int(0, text.length - 2);
    out.push({ what: `invalid JSON (cut at ${cut})`, url: rng.pick(ROUTES), payload: text.slice(0, cut) });
  }
  for (const bad of [
    "{",
    "}",
    "[1,]",
    "{'a': 1}",
    "NaN",
    "undefined",
    "\u0000",
    "[".repeat(100_000),
    '{"__proto__": {"x": 1}}',
  ])
    out.push({ what: `invalid or poisoned JSON ${bad.slice(0, 10)}`, url: rng.pick(ROUTES), payload: bad });
  for (const type of [
    "text/plain",
    "application/xml",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
    "image/png",
  ])
    out.push({ what: `content-type ${type}`, url: rng.pick(ROUTES), payload: text, contentType: type });
  const big = JSON.stringify({ devices: Array.from({ length: 40 }, () => goodPredict) });
  out.push({ what: "over the body limit", url: ROUTES[0], payload: big });
  out.push({ what: "over the body limit (detect)", url: ROUTES[1], payload: " ".repeat(BODY_LIMIT + 1) });
  out.push({ what: "empty body", url: ROUTES[0], payload: "" });
  return out;
}

test("≥ 200 seeded bad requests: every answer a 4xx with a one-line message, never a 5xx", async () => {
  const all = requests(14);
  assert.ok(all.length >= 200, `${all.length} requests`);
  const statuses = new Map<number, number>();
  for (const r of all) {
    const res = await app.inject({
      method: "POST",
      url: r.url,
      payload: r.payload,
      headers: { "content-type": r.contentType ?? "application/json" },
    });
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    const said = `${r.what} → ${res.statusCode}: ${res.body.slice(0, 300)}`;
    assert.ok(res.statusCode < 500, said);
    if (res.statusCode < 400 && r.mayBeValid) continue;
    assert.ok(res.statusCode >= 400, said);
    const message = res.json().message as string;
    assert.type(message, "string", r.what);
    assert.not.match(message, /\n/, r.what);
  }
  for (const status of [400, 413, 415]) assert.ok(statuses.has(status), `some ${status}: ${[...statuses]}`);
  const rejected = [...statuses].filter(([s]) => s >= 400).reduce((n, [, c]) => n + c, 0);
  assert.ok(rejected >= 200, `${rejected} requests got a 4xx`);
  // still serving
  const ok = await app.inject({ method: "POST", url: ROUTES[0], payload: goodPredict });
  assert.is(ok.statusCode, 200);
  const detected = await app.inject({ method: "POST", url: ROUTES[1], payload: goodDetect });
  assert.is(detected.statusCode, 200);
});

test("unknown routes and methods are 404", async () => {
  assert.is((await app.inject({ method: "GET", url: "/api/predictions/predict" })).statusCode, 404);
  assert.is((await app.inject({ method: "POST", url: "/api/nothing", payload: {} })).statusCode, 404);
  assert.match(
    (await app.inject({ method: "GET", url: "/x?y=1" })).json().message,
    /^GET \/x: no such route/,
  );
});

test.run();
