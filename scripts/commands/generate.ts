import type { Command } from "commander";
import { DEFAULTS } from "../../lib/core/defaults.js";
import { defaultLineagePath } from "../../lib/core/paths.js";
import { createProgress } from "../../lib/core/progress.js";
import type { GenerationConfig } from "../../lib/pipeline/generation/config.js";
import type { ShardSpec } from "../../lib/pipeline/shards/shardSpec.js";
import { shardHomeRange } from "../../lib/pipeline/shards/shardSpec.js";
import { DEFAULT_SIZE_MIX, SIZE_CATEGORIES } from "../../lib/synth/catalog/homeTypes.js";
import { LINEAGE_DB_HELP } from "../cliSupport.js";
import type { LineageOptions } from "./shared.js";

/** `homeforge generate`: a dataset directory, or a cached one reused. */
export function register(program: Command): Command {
  return program
    .command("generate")
    .description("generate a dataset directory (manifest.json + tables), or reuse a cached one")
    .option("--config <file>", "JSON or YAML config file (flags override it)")
    .option("--homes <n>", `number of homes (default ${DEFAULTS.generate.homes})`)
    .option("--days <d>", `days of activity per home (default ${DEFAULTS.generate.days})`)
    .option("--seed <s>", `root seed, a whole number (default ${DEFAULTS.seed}, env HOMEFORGE_SEED)`)
    .option("--start <date>", `first local day, YYYY-MM-DD (default ${DEFAULTS.generate.start})`)
    .option("--mix <shares>", "home-type mix, e.g. apartment=0.5,studio=0.5 (must sum to 1)")
    .option(
      "--size-mix <shares>",
      `home-size mix over ${SIZE_CATEGORIES.join(", ")} (must sum to 1; default ${describeMix(DEFAULT_SIZE_MIX)})`,
    )
    .option("--timezones <zones>", "comma-separated IANA zones to place homes in")
    .option("--format <f>", "table format: parquet (default) or arrow")
    .option(
      "--radio-environment <class>",
      "drift scenario: force every home's radio class (clean, moderate, congested, thick_walls; default: the home type's)",
    )
    .option(
      "--signal-loss-db <db>",
      "drift scenario: extra path loss on every device link, 0–40 dB (default none)",
    )
    .option("--fleet-age-scale <x>", "drift scenario: multiply every home's fleet age, 0.1–10 (default none)")
    .option(
      "--out <dir>",
      "dataset directory (default: data/<dataset-id>, or $HOMEFORGE_DATA_DIR/<dataset-id>); must be new, empty or a dataset homeforge wrote, which is replaced whole; runs into one directory take turns (a second waits, then reuses or replaces it; the last one's dataset stays)",
    )
    .option(
      "--workers <n>",
      "worker threads (default: one per core, at most one per 32 homes; more than the cores is reduced to the cores, with a note); never changes the output",
    )
    .option(
      "--worker-heap-mb <mb>",
      "heap cap per worker thread in MB, at least 64 and at most total memory / (workers + 1) (default: estimated from the batch size); bounds peak memory",
    )
    .option(
      "--shard <I/N>",
      "generate only shard I of N (homes [floor(I·homes/N), floor((I+1)·homes/N))) into <dataset-id>-shard-0000I-of-0000N, for `homeforge merge`; default from JOB_COMPLETION_INDEX and JOB_COMPLETIONS (a Kubernetes Indexed Job) when both are set",
    )
    .option("--no-cache", "regenerate even when a valid cached dataset exists")
    .option(
      "--cache-ttl <hours>",
      `reuse a cached dataset for this many hours (default ${DEFAULTS.cacheTtlHours})`,
    )
    .option("--min-devices <n>", "a home needs at least this many devices (default 10)")
    .option("--min-events <n>", "a home needs at least this many events (default 100)")
    .option("--fail-on-invalid-home", "fail the run when a home fails validation (default: leave it out)")
    .option("--lineage-db <file>", LINEAGE_DB_HELP)
    .option("--no-lineage", "do not record lineage")
    .option("--quiet", "print nothing but errors")
    .action(async (opts) => {
      const {
        decimalFlag,
        parseMixFlag,
        parseSizeMixFlag,
        parseTimezonesFlag,
        readConfigFile,
        resolveGenerationConfig,
        wholeNumberFlag,
      } = await import("../../lib/pipeline/generation/config.js");
      const file = opts.config !== undefined ? readConfigFile(opts.config) : undefined;
      const validationFlags = definedOnly({
        minDevices: wholeNumberFlag("--min-devices", opts.minDevices),
        minEvents: wholeNumberFlag("--min-events", opts.minEvents),
        failOnInvalidHome: opts.failOnInvalidHome ? true : undefined,
      });
      const fileValidation = (file?.validation ?? {}) as Record<string, unknown>;
      const config = resolveGenerationConfig({
        file,
        env: process.env,
        flags: {
          homes: wholeNumberFlag("--homes", opts.homes),
          days: wholeNumberFlag("--days", opts.days),
          seed: wholeNumberFlag("--seed", opts.seed),
          start: opts.start,
          homeTypeMix: opts.mix !== undefined ? parseMixFlag(opts.mix) : undefined,
          sizeMix: opts.sizeMix !== undefined ? parseSizeMixFlag(opts.sizeMix) : undefined,
          timezones: opts.timezones !== undefined ? parseTimezonesFlag(opts.timezones) : undefined,
          format: opts.format,
          radioEnvironment: opts.radioEnvironment,
          signalLossDb: decimalFlag("--signal-loss-db", opts.signalLossDb),
          fleetAgeScale: decimalFlag("--fleet-age-scale", opts.fleetAgeScale),
          workers: wholeNumberFlag("--workers", opts.workers),
          workerHeapMb: wholeNumberFlag("--worker-heap-mb", opts.workerHeapMb),
          cacheTtlHours: decimalFlag("--cache-ttl", opts.cacheTtl),
          validation:
            Object.keys(validationFlags).length > 0 ? { ...fileValidation, ...validationFlags } : undefined,
        },
      });
      const { resolveShard } = await import("../../lib/pipeline/shards/shardSpec.js");
      await runGenerate(config, { ...opts, shard: resolveShard(opts.shard, process.env) });
    });
}

function describeMix(mix: Record<string, number>): string {
  return Object.entries(mix)
    .map(([name, share]) => `${name}=${share}`)
    .join(",");
}

function definedOnly(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

async function runGenerate(
  config: GenerationConfig,
  opts: LineageOptions & { out?: string; quiet?: boolean; cache?: boolean; shard?: ShardSpec },
): Promise<void> {
  // loaded here, not at the top: the generator (Arrow, Parquet, the synthetic world) takes a
  // while to import, and `--help` needs none of it
  const [{ DataGenerationManager }, { describeEstimate }, { describeInvalidHomes }] = await Promise.all([
    import("../../lib/pipeline/generation/manager.js"),
    import("../../lib/pipeline/generation/sizeEstimate.js"),
    import("../../lib/pipeline/generation/validate.js"),
  ]);
  const [firstHome, endHome] = opts.shard ? shardHomeRange(opts.shard, config.homes) : [0, config.homes];
  const progress = createProgress("homes", endHome - firstHome, { quiet: opts.quiet });
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const note = (message: string) => {
    if (!opts.quiet) console.error(`note: ${message}`);
  };
  // the manager checks the destination, disk, memory and heap caps before it creates
  // anything (the lineage store included), then opens the lineage store itself
  const manager = new DataGenerationManager(config, {
    outDir: opts.out,
    cache: opts.cache,
    onProgress: progress.update,
    signal: interrupt.signal,
    onNote: note,
    shard: opts.shard,
    onStart: (estimate, workers) => {
      if (!opts.quiet)
        console.error(
          `generating ${opts.shard ? `shard ${opts.shard.index} of ${opts.shard.count}, homes ${firstHome}–${endHome - 1} of ${config.homes}` : `${config.homes} homes`} × ${config.days} days on ${workers} worker(s): ${describeEstimate(estimate)}`,
        );
    },
    lineage: opts.lineage === false ? false : (opts.lineageDb ?? defaultLineagePath()),
  });
  try {
    const result = await manager.run();
    if (!result.cached) progress.done();
    if (opts.quiet) return;
    const { manifest, dir } = result;
    if (result.cached) {
      const what = opts.shard
        ? `shard ${opts.shard.index} of ${opts.shard.count} of dataset ${manifest.dataset_id}`
        : `dataset ${manifest.dataset_id}`;
      console.log(`${what} reused from the cache at ${dir}`);
    } else {
      const check = result.cacheCheck;
      const why =
        check && !check.hit && check.reason !== "absent" ? ` (cache ${check.reason}: ${check.detail})` : "";
      const what = opts.shard
        ? `shard ${opts.shard.index} of ${opts.shard.count} of dataset ${manifest.dataset_id}`
        : `dataset ${manifest.dataset_id}`;
      console.log(`${what} written to ${dir} by ${result.workers} worker(s)${why}`);
    }
    if (result.invalidHomes.length > 0) {
      console.log(
        `  left out ${result.invalidHomes.length} home(s) that failed validation: ${describeInvalidHomes(result.invalidHomes)}`,
      );
    }
    for (const [name, table] of Object.entries(manifest.tables)) {
      console.log(
        `  ${name.padEnd(10)} ${String(table.rows).padStart(9)} rows  ${describeFiles(table.files.map((f) => f.path))}`,
      );
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** `events.parquet`, or for a split table `events-00000.parquet … events-00054.parquet (55 files)`. */
function describeFiles(paths: string[]): string {
  return paths.length <= 2 ? paths.join(", ") : `${paths[0]} … ${paths.at(-1)} (${paths.length} files)`;
}
