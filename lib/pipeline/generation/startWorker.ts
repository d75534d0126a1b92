import { type ResourceLimits, Worker } from "node:worker_threads";

/**
 * Starts one of the pipeline's worker entries (`worker`, `writerWorker`) next to this
 * module. From dist/ it runs the .js file; from TypeScript sources (tsx) a worker cannot
 * load a .ts entry even with `--import tsx` on Node 20, so a tiny bootstrap registers tsx's
 * loader inside the worker first and then imports the .ts entry.
 */
export function startPipelineWorker(
  entry: "worker" | "writerWorker",
  workerData: unknown,
  resourceLimits?: ResourceLimits,
): Worker {
  const fromSource = import.meta.url.endsWith(".ts");
  if (!fromSource)
    return new Worker(new URL(`./${entry}.js`, import.meta.url), { workerData, resourceLimits });
  const url = new URL(`./${entry}.ts`, import.meta.url).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits });
}
