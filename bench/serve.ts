/**
 * Loopback load test of `homeforge serve` (a script, not a test): the service on 127.0.0.1
 * over a small registry built in a temp dir (test/helpers/servingRegistry.ts), autocannon in
 * a child process (so the server keeps this process and its CPU time is measurable), a bounded time per case. Prints
 * requests/s, p50 / p99 latency, errors and non-2xx answers; target for single predictions
 * ≥ 5 000 req/s and p99 ≤ 10 ms.
 *
 *   npx tsx bench/serve.ts [seconds=10] [connections=10]
 */

import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { startServer } from "../lib/serving/server.js";
import {
  buildServingRegistry,
  deviceRows,
  requestHistory,
  requestRows,
} from "../test/helpers/servingRegistry.js";
import { makeTelemetryFixture } from "../test/helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../test/helpers/tmp.js";

interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  timeouts: number;
  /** Server CPU time (user + system) per answered request, µs: capacity ≈ 1e6 / this per core. */
  cpuPerRequestUs: number;
}

// autocannon runs in a child process, so this process's CPU time is the server's alone
const LOADER = `
const autocannon = require(process.argv[1]);
let input = "";
process.stdin.on("data", (d) => { input += d; });
process.stdin.on("end", () => autocannon(JSON.parse(input), (error, r) => {
  if (error) throw error;
  process.stdout.write(JSON.stringify({
    requests: r.requests.total,
    perSecond: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
    timeouts: r.timeouts,
  }));
}));
`;

/** autocannon against one URL and body in a child process; the server's CPU time per request. */
async function load(url: string, body: string, seconds: number, connections: number): Promise<LoadResult> {
  const autocannon = createRequire(import.meta.url).resolve("autocannon");
  const options = {
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections,
    duration: seconds,
  };
  const cpu = process.cpuUsage();
  // the options (with the body) go through stdin: a large body is too long for argv
  const child = spawn(process.execPath, ["-e", LOADER, autocannon], { stdio: ["pipe", "pipe", "inherit"] });
  child.stdin.end(JSON.stringify(options));
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`autocannon exited ${code}`);
  const used = process.cpuUsage(cpu);
  const result = JSON.parse(out) as LoadResult;
  return { ...result, cpuPerRequestUs: (used.user + used.system) / Math.max(1, result.requests) };
}

function line(label: string, r: LoadResult, devicesPerRequest: number): string {
  const devices = devicesPerRequest > 1 ? `, ${Math.round(r.perSecond * devicesPerRequest)} devices/s` : "";
  return `  ${label.padEnd(28)} ${Math.round(r.perSecond).toString().padStart(6)} req/s${devices}  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}  non-2xx ${r.non2xx}  timeouts ${r.timeouts}  server CPU ${Math.round(r.cpuPerRequestUs)} µs/request (${r.requests} requests)`;
}

export async function run(seconds = 10, connections = 10) {
  const root = tempDir("homeforge-bench-serve-");
  const log = () => {};
  try {
    const { modelsDir } = await buildServingRegistry(root);
    // bodies: 28 days of history per device (the longest feature window)
    const telemetry = makeTelemetryFixture({ seed: 99, homes: 8, days: 28, devicesPerHome: 4 });
    const deviceLists = deviceRows(telemetry).filter((rows) => rows.length === 28);
    const devices = deviceLists.map((rows) => ({ telemetry: requestRows(telemetry, rows) }));
    const single = JSON.stringify(devices[0]);
    const history = JSON.stringify({ history: requestHistory(telemetry, deviceLists[0]) });
    const historyBatch = JSON.stringify({
      devices: deviceLists.slice(0, 16).map((rows) => ({ history: requestHistory(telemetry, rows) })),
    });
    const week = JSON.stringify({ telemetry: devices[0].telemetry.slice(-7) });
    const batch = JSON.stringify({ devices: devices.slice(0, 16) });
    const server = await startServer({ modelsDir, port: 0, log, watchIntervalMs: 1000 });
    try {
      const url = `${server.url}/api/predictions/predict`;
      console.log(
        `serve: autocannon in a child process, ${connections} connections, ${seconds} s per case, loopback (${server.url}); bodies: one device with 28 days as columns (${history.length} B) or rows (${single.length} B), 7 days as rows (${week.length} B), batches of 16 devices × 28 days (columns ${historyBatch.length} B, rows ${batch.length} B)`,
      );
      await load(url, history, 3, connections); // warm-up: the JIT settles in the first seconds
      const columns = await load(url, history, seconds, connections);
      console.log(line("predict, one device, 28 d, columns", columns, 1));
      const holds = columns.perSecond >= 5000 && columns.p99 <= 10 && columns.errors + columns.non2xx === 0;
      console.log(
        `  target (one device, 28 d as columns): ≥ 5 000 req/s, p99 ≤ 10 ms, no errors — ${holds ? "holds" : "does NOT hold"}`,
      );
      console.log(line("predict, one device, 28 d, rows", await load(url, single, seconds, connections), 1));
      console.log(line("predict, one device, 7 d", await load(url, week, seconds, connections), 1));
      console.log(
        line("predict, batch of 16 × 28 d, columns", await load(url, historyBatch, seconds, connections), 16),
      );
      console.log(
        line("predict, batch of 16 × 28 d, rows", await load(url, batch, seconds, connections), 16),
      );
    } finally {
      await server.close();
    }
    // the same single-device case with TF.js's predict instead of the plain-JS forward pass
    const tfjs = await startServer({ modelsDir, port: 0, log, watchIntervalMs: 1000, scorer: "tfjs" });
    try {
      const url = `${tfjs.url}/api/predictions/predict`;
      await load(url, single, 1, connections);
      console.log(line("(TF.js predict) one device, 28 d", await load(url, single, seconds, connections), 1));
    } finally {
      await tfjs.close();
    }
  } finally {
    removeDir(root);
  }
}

const invokedDirectly = process.argv[1] && /bench[/\\]serve\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  const [seconds, connections] = process.argv.slice(2).map(Number);
  await run(seconds || 10, connections || 10);
}
