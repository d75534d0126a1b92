/**
 * Loopback load test of `homeforge serve` (a script, not a test): the service on 127.0.0.1
 * over a small registry built in a temp dir (test/helpers/servingRegistry.ts), autocannon in
 * a worker thread (so the server keeps this thread), a bounded time per case. Prints
 * requests/s, p50 / p99 latency, errors and non-2xx answers; target for single predictions
 * ≥ 5 000 req/s and p99 ≤ 10 ms.
 *
 *   npx tsx bench/serve.ts [seconds=10] [connections=10]
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { startServer } from "../lib/serving/server.js";
import { buildServingRegistry, deviceRows, requestRows } from "../test/helpers/servingRegistry.js";
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
}

const WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
const autocannon = require(workerData.autocannon);
autocannon(workerData.options, (error, raw) => {
  if (error) throw error;
  // inside a worker thread autocannon hands back its raw histograms
  const r = raw.latency ? raw : autocannon.aggregateResult([raw], workerData.options);
  parentPort.postMessage({
    requests: r.requests.total,
    perSecond: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
    timeouts: r.timeouts,
  });
});
`;

/** autocannon against one URL and body, in a worker thread. */
function load(url: string, body: string, seconds: number, connections: number): Promise<LoadResult> {
  const autocannon = createRequire(import.meta.url).resolve("autocannon");
  const options = {
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections,
    duration: seconds,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { autocannon, options } });
    worker.once("message", (m) => {
      resolve(m as LoadResult);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

function line(label: string, r: LoadResult, devicesPerRequest: number): string {
  const devices = devicesPerRequest > 1 ? `, ${Math.round(r.perSecond * devicesPerRequest)} devices/s` : "";
  return `  ${label.padEnd(28)} ${Math.round(r.perSecond).toString().padStart(6)} req/s${devices}  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}  non-2xx ${r.non2xx}  timeouts ${r.timeouts}  (${r.requests} requests)`;
}

export async function run(seconds = 10, connections = 10) {
  const root = tempDir("homeforge-bench-serve-");
  const log = () => {};
  try {
    const { modelsDir } = await buildServingRegistry(root);
    // bodies: 28 days of history per device (the longest feature window)
    const telemetry = makeTelemetryFixture({ seed: 99, homes: 8, days: 28, devicesPerHome: 4 });
    const devices = deviceRows(telemetry)
      .filter((rows) => rows.length === 28)
      .map((rows) => ({ telemetry: requestRows(telemetry, rows) }));
    const single = JSON.stringify(devices[0]);
    const batch = JSON.stringify({ devices: devices.slice(0, 16) });
    const server = await startServer({ modelsDir, port: 0, log, watchIntervalMs: 1000 });
    try {
      const url = `${server.url}/api/predictions/predict`;
      console.log(
        `serve: autocannon in a worker, ${connections} connections, ${seconds} s per case, loopback (${server.url}); single body ${single.length} B (28 rows), batch body ${batch.length} B (16 devices)`,
      );
      await load(url, single, 1, connections); // warm-up
      console.log(line("predict, one device", await load(url, single, seconds, connections), 1));
      console.log(line("predict, batch of 16", await load(url, batch, seconds, connections), 16));
    } finally {
      await server.close();
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
