/**
 * Verification benchmark (a script, not a test): what checking every file against its
 * manifest sha256 costs a reader. Opens a dataset of realistic size (generated once into
 * the data root and reused from the cache afterwards) and reads telemetry + events whole
 * (`table`: the hash is taken of the bytes already in memory) and by row groups (`chunks`:
 * one streaming hash pass before the first group), each with and without verification.
 * Also prints the bare hash of the two files (streamed from disk, warm page cache).
 * Each figure is CPU time, the best of `rounds` interleaved rounds.
 *
 *   npx tsx bench/verify.ts [homes=200] [days=60] [rounds=3]
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseGenerationConfig } from "../lib/pipeline/generation/config.js";
import { generateDataset } from "../lib/pipeline/generation/generate.js";
import { hashFile } from "../lib/pipeline/storage/integrity.js";
import { openDataset } from "../lib/pipeline/storage/openDataset.js";

const TABLES = ["telemetry", "events"] as const;

/** This process's CPU time (user + system) of a piece of work, in ms: steadier than wall time on a shared machine. */
async function cpuMs(work: () => Promise<void>): Promise<number> {
  const cpu0 = process.cpuUsage();
  await work();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000;
}

export async function run(homes = 200, days = 60, rounds = 3) {
  const config = parseGenerationConfig({ homes, days });
  const { dir, manifest, cached } = await generateDataset(config, { lineage: false });
  const files = TABLES.flatMap((t) => manifest.tables[t].files.map((f) => f));
  const mb = files.reduce((s, f) => s + f.bytes, 0) / 2 ** 20;
  const rows = TABLES.map((t) => `${manifest.tables[t].rows} ${t}`).join(", ");
  console.log(
    `verify: ${homes} homes × ${days} days (${cached ? "cached" : "generated"} ${manifest.dataset_id}): ${rows} rows, ${mb.toFixed(1)} MB`,
  );
  const whole = (verify: boolean) => async () => {
    const ds = openDataset(dir, "--dataset", { verify });
    for (const t of TABLES) await ds.table(t);
  };
  const chunked = (verify: boolean) => async () => {
    const ds = openDataset(dir, "--dataset", { verify });
    for (const t of TABLES) for await (const _ of ds.chunks(t));
  };
  const hashOnly = async () => {
    for (const f of files) await hashFile(join(dir, f.path));
  };
  await whole(true)(); // warm the page cache and the JIT
  const results: Record<string, number[]> = {};
  const add = (name: string, ms: number) => {
    results[name] ??= [];
    results[name].push(ms);
  };
  for (let round = 0; round < rounds; round++) {
    add("table, verified", await cpuMs(whole(true)));
    add("table, --no-verify", await cpuMs(whole(false)));
    add("chunks, verified", await cpuMs(chunked(true)));
    add("chunks, --no-verify", await cpuMs(chunked(false)));
    add("sha256 of the files alone", await cpuMs(hashOnly));
  }
  const ms = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.min(...v)]));
  for (const [name, value] of Object.entries(ms))
    console.log(`  ${name.padEnd(28)} ${value.toFixed(0).padStart(7)} ms CPU`);
  const tableRatio = ms["table, verified"] / ms["table, --no-verify"];
  const chunkRatio = ms["chunks, verified"] / ms["chunks, --no-verify"];
  console.log(
    `  ratio verified / unverified: table ${tableRatio.toFixed(3)}, chunks ${chunkRatio.toFixed(3)}`,
  );
  return { homes, days, mb, ms, tableRatio, chunkRatio };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 60), Number(process.argv[4] ?? 3));
}
