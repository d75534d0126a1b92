/**
 * End-to-end throughput benchmark (issue 16): in one run and one config, events per
 * CPU-second of
 *   (a) the event core (`generateHomeEvents`, as bench/events.ts measures it),
 *   (b) production in this thread without writing: generateHome + every producer +
 *       validation (produceBatch) + packBatch, batch by batch as a worker does it,
 *   (c) the library's generate entry writing Parquet, workers=1, no cache, into a temp
 *       directory — CPU of the whole process (process.cpuUsage counts every thread, so the
 *       writer thread too) — and per wall-second (making and removing the temp directory
 *       are outside the timing),
 *   (d) the same writing Arrow,
 * and the ratios (c)/(a), (d)/(a) the issue judges (target (c)/(a) ≥ 0.5). Each stage runs in
 * its own node process (see run()), WARMUP untimed runs then ROUNDS timed ones, the four
 * processes back to back REPEATS times; best run by CPU time per stage, and each ratio also
 * round by round (repeat k's i-th run of each stage), whose range is the spread.
 *
 *   npx tsx bench/throughput.ts [homes=16] [days=90] [rounds=4] [warmup=12] [repeats=3]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { batchRange, packBatch, produceBatch } from "../lib/pipeline/generation/batch.js";
import { type GenerationConfig, parseGenerationConfig } from "../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../lib/pipeline/generation/homeSpec.js";
import { DataGenerationManager, defaultBatchHomes } from "../lib/pipeline/generation/manager.js";
import { produceHomeTables } from "../lib/pipeline/generation/producers.js";
import { validationRules } from "../lib/pipeline/generation/validate.js";
import { type EventGenerationContext, generateHomeEvents } from "../lib/synth/events.js";
import { type GeneratedHome, generateHome } from "../lib/synth/homes.js";
import { plantSynergies } from "../lib/synth/synergies.js";

interface Timing {
  wallMs: number;
  cpuMs: number;
}

export interface ThroughputStage {
  events: number;
  cpuSeconds: number;
  wallSeconds: number;
  /** Events per CPU-second. */
  eventsPerCpuSecond: number;
  eventsPerWallSecond: number;
}

export interface ThroughputBenchResult {
  homes: number;
  days: number;
  core: ThroughputStage;
  production: ThroughputStage;
  parquet: ThroughputStage;
  arrow: ThroughputStage;
  /** production / core, parquet / core, arrow / core (events per CPU-second), best round against best round. */
  productionRatio: number;
  parquetRatio: number;
  arrowRatio: number;
  /** The same ratios round by round (each round's stages run back to back), sorted: their spread. */
  roundRatios: { production: number[]; parquet: number[]; arrow: number[]; arrowVsParquet: number[] };
}

async function measure(work: () => unknown): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function coreRound(config: GenerationConfig): () => number {
  const spec = homeGenerationSpec(config);
  const generated: GeneratedHome[] = Array.from({ length: config.homes }, (_, i) => generateHome(spec, i));
  const planted = generated.map((g) => plantSynergies(g, config.seed));
  const ctx: EventGenerationContext = {
    seed: config.seed,
    start: config.start,
    days: config.days,
    faults: config.faults,
  };
  return () => {
    let events = 0;
    for (let i = 0; i < generated.length; i++)
      events += generateHomeEvents(generated[i], ctx, planted[i]).length;
    return events;
  };
}

function productionRound(config: GenerationConfig): number {
  const rules = validationRules(config);
  const size = defaultBatchHomes(config.days);
  let events = 0;
  for (let batch = 0; batch * size < config.homes; batch++) {
    const [start, end] = batchRange(batch, size, config.homes);
    const result = produceBatch(produceHomeTables, config, rules, batch, start, end);
    for (const part of result.parts) events += part.events?.rows ?? 0;
    packBatch(result);
  }
  return events;
}

/** One generate run into a temp directory; making and removing the directory are not timed. */
async function timedWriteRound(config: GenerationConfig): Promise<{ events: number; timing: Timing }> {
  const root = mkdtempSync(join(tmpdir(), "homeforge-throughput-"));
  try {
    let events = 0;
    const timing = await measure(async () => {
      const result = await new DataGenerationManager(config, {
        outDir: join(root, "ds"),
        cache: false,
        workers: 1,
      }).run();
      events = result.manifest.tables.events?.rows ?? 0;
    });
    return { events, timing };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function stage(events: number, t: Timing): ThroughputStage {
  return {
    events,
    cpuSeconds: t.cpuMs / 1000,
    wallSeconds: t.wallMs / 1000,
    eventsPerCpuSecond: (events / t.cpuMs) * 1000,
    eventsPerWallSecond: (events / t.wallMs) * 1000,
  };
}

type StageName = "core" | "production" | "parquet" | "arrow";
const STAGES: readonly StageName[] = ["core", "production", "parquet", "arrow"];
const RESULT_TAG = "THROUGHPUT_STAGE ";

/** One stage's runs: `warmup` untimed, then `rounds` timed, of `homes` × `days` homes. */
interface StageRun {
  homes: number;
  days: number;
  rounds: number;
  warmup: number;
  seed: number;
}

/** In this process: one stage's warm-up and timed runs. */
async function runStage(name: StageName, { homes, days, rounds, warmup, seed }: StageRun) {
  const base = { seed, homes, days, workers: 1 };
  const parquetConfig = parseGenerationConfig({ ...base, format: "parquet" });
  const arrowConfig = parseGenerationConfig({ ...base, format: "arrow" });
  let events = 0;
  let once: () => Promise<Timing>;
  if (name === "core") {
    const core = coreRound(parquetConfig);
    once = () => measure(() => (events = core()));
  } else if (name === "production") once = () => measure(() => (events = productionRound(parquetConfig)));
  else
    once = async () => {
      const written = await timedWriteRound(name === "parquet" ? parquetConfig : arrowConfig);
      events = written.events;
      return written.timing;
    };
  for (let r = 0; r < warmup; r++) await once();
  const timings: Timing[] = [];
  for (let r = 0; r < rounds; r++) timings.push(await once());
  return { events, timings };
}

/** One stage in a fresh node process (this file, with the tsx loader this process runs under). */
function stageInChild(name: StageName, stageRun: StageRun) {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), "--stage", name, JSON.stringify(stageRun)],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24 },
  );
  const line = out.split("\n").find((l) => l.startsWith(RESULT_TAG));
  if (!line) throw new Error(`throughput stage ${name}: the child printed no result`);
  return JSON.parse(line.slice(RESULT_TAG.length)) as { events: number; timings: Timing[] };
}

/**
 * Each stage runs in its own node process, so no stage pays for another's garbage (the core
 * leaves ≈ 10^6 event objects in the old generation, which the next stage's mark-compacts
 * used to collect) and each heap grows to its own working size, as in a real
 * `homeforge generate`. Within a process: `warmup` untimed runs, then `rounds` timed runs:
 * steady state, what a long run is in after its first few hundred homes. The JIT optimises a
 * function called once per home only after many homes: TurboFan time per 16-home (c) run,
 * measured with --trace-opt, is 49, 96, 19, 7 ms in runs 5–8, 13–31 ms in runs 9–16 and
 * mostly ≤ 8 ms from run 17 (generateHomeTelemetry reaches TurboFan at about run 9), against
 * ≤ 13 ms for the core from run 5; so 12 warm-up runs (4 until session 18 timed (c) mid
 * tier-up). The four processes run back to back `repeats` times; repeat k's i-th run of each
 * stage make one round for the round-by-round ratios.
 */
export async function run(
  homes = 16,
  days = 90,
  rounds = 4,
  seed = 42,
  warmup = 12,
  repeats = 3,
): Promise<ThroughputBenchResult> {
  const counts = { core: 0, production: 0, parquet: 0, arrow: 0 };
  const timings: Record<StageName, Timing[]> = { core: [], production: [], parquet: [], arrow: [] };
  for (let k = 0; k < repeats; k++)
    for (const name of STAGES) {
      const { events, timings: measured } = stageInChild(name, { homes, days, rounds, warmup, seed });
      counts[name] = events;
      timings[name].push(...measured);
    }
  const best = (key: keyof typeof counts) =>
    stage(counts[key], [...timings[key]].sort((x, y) => x.cpuMs - y.cpuMs)[0]);
  const result: ThroughputBenchResult = {
    homes,
    days,
    core: best("core"),
    production: best("production"),
    parquet: best("parquet"),
    arrow: best("arrow"),
    productionRatio: 0,
    parquetRatio: 0,
    arrowRatio: 0,
    roundRatios: { production: [], parquet: [], arrow: [], arrowVsParquet: [] },
  };
  const perRound = (num: keyof typeof counts, den: keyof typeof counts) =>
    timings[num]
      .map((t, r) => counts[num] / t.cpuMs / (counts[den] / timings[den][r].cpuMs))
      .sort((x, y) => x - y);
  result.roundRatios = {
    production: perRound("production", "core"),
    parquet: perRound("parquet", "core"),
    arrow: perRound("arrow", "core"),
    arrowVsParquet: perRound("arrow", "parquet"),
  };
  const rate = result.core.eventsPerCpuSecond;
  result.productionRatio = result.production.eventsPerCpuSecond / rate;
  result.parquetRatio = result.parquet.eventsPerCpuSecond / rate;
  result.arrowRatio = result.arrow.eventsPerCpuSecond / rate;

  const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(
    `throughput: ${homes} homes × ${days} days = ${fmt(result.core.events)} events, workers=1, no cache (best of ${repeats} × ${rounds} runs by CPU, each stage in its own process after ${warmup} warm-up runs; CPU of every thread)`,
  );
  const spread = (xs: number[]) =>
    `rounds ${xs[0].toFixed(3)}–${xs[xs.length - 1].toFixed(3)}, median ${xs[xs.length >> 1].toFixed(3)}`;
  const line = (name: string, s: ThroughputStage, ratio?: number, rounds?: number[]) =>
    console.log(
      `  ${name.padEnd(28)} ${fmt(s.eventsPerCpuSecond).padStart(11)} events/CPU-s ${fmt(s.eventsPerWallSecond).padStart(11)} events/wall-s  (${s.cpuSeconds.toFixed(2)} s CPU, ${s.wallSeconds.toFixed(2)} s wall)${ratio === undefined ? "" : `  ratio ${ratio.toFixed(3)} (${spread(rounds!)})`}`,
    );
  const rr = result.roundRatios;
  line("(a) event core", result.core);
  line("(b) production, no writing", result.production, result.productionRatio, rr.production);
  line("(c) generate → Parquet", result.parquet, result.parquetRatio, rr.parquet);
  line("(d) generate → Arrow", result.arrow, result.arrowRatio, rr.arrow);
  console.log(
    `  Arrow vs Parquet             ${(result.arrow.eventsPerCpuSecond / result.parquet.eventsPerCpuSecond).toFixed(2)}× the events per CPU-second (${spread(rr.arrowVsParquet)}; target (c)/(a) ≥ 0.5)`,
  );
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  if (args[0] === "--stage") {
    const result = await runStage(args[1] as StageName, JSON.parse(args[2]) as StageRun);
    console.log(RESULT_TAG + JSON.stringify(result));
  } else {
    const [homes = 16, days = 90, rounds = 4, warmup = 12, repeats = 3] = args.map(Number);
    await run(homes, days, rounds, 42, warmup, repeats);
  }
}
