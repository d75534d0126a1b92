#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { DEFAULTS } from "../lib/core/defaults.js";
import { HomeforgeError } from "../lib/core/errors.js";
import { defaultDataRoot, defaultLineagePath } from "../lib/core/paths.js";
import { createProgress } from "../lib/core/progress.js";
import { packageVersion } from "../lib/core/version.js";
import {
  collectTrainingData,
  parseCollectorThresholds,
  TRAINING_SETS,
  type TrainingSetKind,
} from "../lib/pipeline/analysis/collector.js";
import {
  checkExportDestination,
  EXPORTS,
  exportDataset,
  exportSpec,
} from "../lib/pipeline/exports/exportDataset.js";
import { writeParquet } from "../lib/pipeline/exports/formats.js";
import {
  decimalFlag,
  type GenerationConfig,
  parseMixFlag,
  parseTimezonesFlag,
  readConfigFile,
  resolveGenerationConfig,
  wholeNumberFlag,
} from "../lib/pipeline/generation/config.js";
import { DataGenerationManager } from "../lib/pipeline/generation/manager.js";
import { describeEstimate } from "../lib/pipeline/generation/sizeEstimate.js";
import { describeInvalidHomes } from "../lib/pipeline/generation/validate.js";
import {
  LineageStore,
  modelVersionId,
  parseArtifact,
  type RunRecord,
} from "../lib/pipeline/lineage/lineageStore.js";
import { resolveDatasetDir } from "../lib/pipeline/storage/openDataset.js";
import {
  applyCliConventions,
  checkOutFile,
  DELEGATE_EXIT,
  LIMIT_BOUNDS,
  modelsRootOption,
  quietOnClosedPipe,
  reportError,
  writeAtomically,
  writeTextAtomically,
} from "./cliSupport.js";

/** The `homeforge` command line. Parses flags, calls lib/, prints. */
export function buildCli(): Command {
  const program = new Command("homeforge")
    .description("Seeded synthetic smart homes, tidy datasets and honest TensorFlow.js models")
    .version(packageVersion());

  program
    .command("generate")
    .description("generate a dataset directory (manifest.json + tables), or reuse a cached one")
    .option("--config <file>", "JSON or YAML config file (flags override it)")
    .option("--homes <n>", `number of homes (default ${DEFAULTS.generate.homes})`)
    .option("--days <d>", `days of activity per home (default ${DEFAULTS.generate.days})`)
    .option("--seed <s>", `root seed, a whole number (default ${DEFAULTS.seed}, env HOMEFORGE_SEED)`)
    .option("--start <date>", `first local day, YYYY-MM-DD (default ${DEFAULTS.generate.start})`)
    .option("--mix <shares>", "home-type mix, e.g. apartment=0.5,studio=0.5 (must sum to 1)")
    .option("--timezones <zones>", "comma-separated IANA zones to place homes in")
    .option("--format <f>", "table format: parquet (default) or arrow")
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
    .option("--no-cache", "regenerate even when a valid cached dataset exists")
    .option(
      "--cache-ttl <hours>",
      `reuse a cached dataset for this many hours (default ${DEFAULTS.cacheTtlHours})`,
    )
    .option("--min-devices <n>", "a home needs at least this many devices (default 10)")
    .option("--min-events <n>", "a home needs at least this many events (default 100)")
    .option("--fail-on-invalid-home", "fail the run when a home fails validation (default: leave it out)")
    .option(
      "--lineage-db <file>",
      "lineage SQLite file (default $HOMEFORGE_LINEAGE_DB or <data>/lineage.sqlite)",
    )
    .option("--no-lineage", "do not record lineage")
    .option("--quiet", "print nothing but errors")
    .action(async (opts) => {
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
          timezones: opts.timezones !== undefined ? parseTimezonesFlag(opts.timezones) : undefined,
          format: opts.format,
          workers: wholeNumberFlag("--workers", opts.workers),
          workerHeapMb: wholeNumberFlag("--worker-heap-mb", opts.workerHeapMb),
          cacheTtlHours: decimalFlag("--cache-ttl", opts.cacheTtl),
          validation:
            Object.keys(validationFlags).length > 0 ? { ...fileValidation, ...validationFlags } : undefined,
        },
      });
      await runGenerate(config, opts);
    });

  program
    .command("export")
    .description("export a dataset for other tools; every file is read back and checked first")
    .requiredOption("--dataset <id>", "dataset id (under $HOMEFORGE_DATA_DIR or ./data) or directory")
    .requiredOption("--what <w>", `what to export: ${Object.keys(EXPORTS).join(", ")}`)
    .requiredOption("--format <f>", "file format: json, parquet, sqlite or csv (depends on --what)")
    .option(
      "--out <dir>",
      "output directory (default <dataset>/exports/<what>/<format>); must be new, empty or an export homeforge wrote, which is replaced whole",
    )
    .option(
      "--no-verify",
      "read the dataset's files without checking them against the manifest's sha256 (damaged data goes through)",
    )
    .option(
      "--lineage-db <file>",
      "lineage SQLite file (default $HOMEFORGE_LINEAGE_DB or <data>/lineage.sqlite)",
    )
    .option("--no-lineage", "do not record lineage")
    .option("--quiet", "print nothing but errors")
    .action(async (opts) => {
      exportSpec(opts.what, opts.format);
      const datasetDir = resolveDatasetDir(opts.dataset, defaultDataRoot());
      // bad destinations fail before anything (even the lineage store) is created
      checkExportDestination(datasetDir, opts.what, opts.format, opts.out);
      await withLineage(opts, async (lineage) => {
        const { dir, manifest } = await exportDataset(datasetDir, opts.what, opts.format, {
          outDir: opts.out,
          lineage,
          onNote: (m) => {
            if (!opts.quiet) console.error(`note: ${m}`);
          },
          verify: opts.verify,
        });
        if (!opts.quiet) {
          console.log(`${opts.what} (${opts.format}) of ${manifest.dataset_id} written to ${dir}`);
          for (const f of manifest.files)
            console.log(`  ${f.path.padEnd(28)} ${String(f.rows).padStart(9)} rows`);
        }
      });
    });

  program
    .command("collect")
    .description("assemble a model's training set through quality filters and print what each dropped")
    .requiredOption("--dataset <id>", "dataset id or directory")
    .requiredOption("--for <kind>", `training set: ${Object.keys(TRAINING_SETS).join(", ")}`)
    .option(
      "--thresholds <file>",
      "JSON or YAML file of thresholds, e.g. {telemetry: {maxMissingShare: 0.3}}",
    )
    .option("--out <file>", "write the training set as Parquet")
    .option(
      "--no-verify",
      "read the dataset's files without checking them against the manifest's sha256 (damaged data goes through)",
    )
    .option("--lineage-db <file>", "lineage SQLite file")
    .option("--no-lineage", "do not record lineage")
    .option("--quiet", "print nothing but errors")
    .action(async (opts) => {
      // bad values and a bad destination fail before the collect work, and before lineage
      if (!Object.hasOwn(TRAINING_SETS, opts.for)) {
        throw new HomeforgeError(
          "--for",
          `"${opts.for}" is not a training set`,
          `use one of ${Object.keys(TRAINING_SETS).join(", ")}`,
        );
      }
      const out = opts.out !== undefined ? checkOutFile("--out", opts.out) : undefined;
      const datasetDir = resolveDatasetDir(opts.dataset, defaultDataRoot());
      const thresholds =
        opts.thresholds !== undefined ? readConfigFile(opts.thresholds, "--thresholds") : undefined;
      parseCollectorThresholds(thresholds); // bad thresholds fail before a lineage run is opened
      await withLineage(opts, async (lineage) => {
        const set = await collectTrainingData(datasetDir, opts.for as TrainingSetKind, {
          thresholds,
          lineage,
          verify: opts.verify,
          log: opts.quiet ? () => {} : (line) => console.log(line),
        });
        if (out) {
          await writeAtomically("--out", out, (tmp) => writeParquet(tmp, set.table));
          if (!opts.quiet) console.log(`training set ${set.id} written to ${out}`);
        }
      });
    });

  const lineage = program
    .command("lineage")
    .description("what produced an artifact, what was trained on it, the chain behind a model version")
    .option("--db <file>", "lineage SQLite file (default $HOMEFORGE_LINEAGE_DB or <data>/lineage.sqlite)")
    .option(
      "--models <dir>",
      "registry that resolves NAME@production (default $HOMEFORGE_MODELS_DIR or ./models)",
    )
    .option("--json", "print JSON");
  const artifactId = (input: string) => lineageArtifactId(input, lineage.opts().models);
  /** Runs `query` against the lineage store, opened read-only (a query creates nothing), and closes it. */
  const queryLineage = <T>(query: (store: LineageStore) => T): T => {
    const db = lineage.opts().db;
    const field =
      db !== undefined ? "--db" : process.env.HOMEFORGE_LINEAGE_DB ? "HOMEFORGE_LINEAGE_DB" : "--db";
    const store = LineageStore.openReadOnly(db ?? defaultLineagePath(), field);
    try {
      return query(store);
    } finally {
      store.close();
    }
  };
  const print = (value: unknown, text: () => string) =>
    console.log(lineage.opts().json ? JSON.stringify(value, null, 2) : text());
  lineage
    .command("runs")
    .description("recent runs")
    .option("--job <job>", "only runs of this job (generate, export, collect, train …)")
    .option("--limit <n>", "how many (default 20)")
    .action((opts) => {
      queryLineage((store) => {
        const runs = store.runs({
          job: opts.job,
          limit: wholeNumberFlag("--limit", opts.limit, LIMIT_BOUNDS) ?? 20,
        });
        print(runs, () =>
          runs
            .map((r) => `${r.run_id}  ${r.job.padEnd(10)} ${r.status.padEnd(9)} ${r.started_at}`)
            .join("\n"),
        );
      });
    });
  lineage
    .command("produced-by <artifact>")
    .description("the runs that produced an artifact (dataset id, export, <model>@<version|alias> …)")
    .action(async (input) => {
      const artifact = await artifactId(input);
      queryLineage((store) => {
        const runs = store.producedBy(artifact);
        requireFound(runs, artifact);
        print(runs, () => runs.map(formatRun).join("\n"));
      });
    });
  lineage
    .command("trained-on <artifact>")
    .description("the model versions trained on a dataset (directly or through training sets)")
    .action(async (input) => {
      const artifact = await artifactId(input);
      queryLineage((store) => {
        const found = store.trainedOn(artifact);
        print(found, () =>
          found.length === 0
            ? `nothing was trained on ${artifact}`
            : found.map((f) => `${f.models.map((m) => m.id).join(", ")}  ← ${formatRun(f.run)}`).join("\n"),
        );
      });
    });
  lineage
    .command("chain <artifact>")
    .description("the full chain of runs behind an artifact, e.g. failure-global@production, oldest first")
    .action(async (input) => {
      const artifact = await artifactId(input);
      queryLineage((store) => {
        const chain = store.chain(artifact);
        requireFound(chain, artifact);
        print(chain, () => chain.map(formatRun).join("\n"));
      });
    });
  lineage
    .command("export")
    .description("every lineage record as JSON, for audit")
    .option("--out <file>", "write to a file instead of stdout")
    .action(async (opts) => {
      const out = opts.out !== undefined ? checkOutFile("--out", opts.out) : undefined;
      const text = queryLineage((store) => `${JSON.stringify(store.exportJson(), null, 2)}\n`);
      if (out) await writeTextAtomically("--out", out, text);
      else process.stdout.write(text);
    });

  program
    .command("info")
    .description("print the TensorFlow.js backend, versions and where data/ and models/ are")
    .option("--json", "print JSON")
    .action(async (opts) => {
      // loaded on demand: it pulls in TensorFlow.js, which takes seconds to import
      const { collectInfo, formatInfo } = await import("../lib/info.js");
      const info = await collectInfo();
      console.log(opts.json ? JSON.stringify(info, null, 2) : formatInfo(info));
    });

  // Model commands live in their own scripts (they import TensorFlow.js, so load on demand)
  // and keep their own flags: everything after the command name is handed over unchanged.
  const delegate = (name: string, description: string, run: (argv: string[]) => Promise<number>) =>
    program
      .command(name)
      .description(description)
      .helpOption(false)
      .allowUnknownOption()
      .argument("[args...]")
      .action(async (args: string[]) => {
        const code = await run(args);
        if (code !== 0) throw new CommanderError(code, DELEGATE_EXIT, "");
      });
  delegate("pipeline", "main job: generate → train → evaluate → register (see --help)", async (argv) =>
    (await import("./pipeline.js")).main(argv),
  );
  delegate(
    "train",
    "train per-home-type and global failure classifiers on a dataset (see --help)",
    async (argv) => (await import("./train-home-types.js")).main(argv),
  );
  delegate("models", "the model registry: list, show, promote, rollback, delete, check", async (argv) =>
    (await import("./models.js")).main(argv),
  );

  return applyCliConventions(program);
}

function definedOnly(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * The lineage id of an artifact named on the command line: `failure-global@3` →
 * `model:failure-global@v3`; an alias (`@production`) is looked up in the registry.
 */
async function lineageArtifactId(input: string, modelsDir: string | undefined): Promise<string> {
  const parsed = parseArtifact(input);
  if ("id" in parsed) return parsed.id;
  const { name, ref } = parsed.model;
  if (/^v[0-9]+$/.test(ref)) return modelVersionId(name, ref);
  // loaded on demand: the registry imports TensorFlow.js, which takes seconds
  const { ALIAS_NAMES, ModelRegistry } = await import("../lib/models/registry/registry.js");
  if (!(ALIAS_NAMES as readonly string[]).includes(ref)) return modelVersionId(name, ref);
  return modelVersionId(name, new ModelRegistry(modelsRootOption(modelsDir)).resolve(name, ref));
}

function requireFound(list: unknown[], artifact: string): void {
  if (list.length === 0) {
    throw new HomeforgeError(
      "lineage",
      `no completed run produced "${artifact}"`,
      "pass an id from `homeforge lineage runs --json` (datasets: ds_…, models: <name>@<version> or <name>@production)",
    );
  }
}

function formatRun(r: RunRecord): string {
  const lines = [`${r.run.run_id} ${r.run.job} ${r.run.status} ${r.run.started_at} (${r.run.code_version})`];
  for (const i of r.inputs)
    lines.push(`    in  ${i.id}${i.sha256 ? ` sha256 ${i.sha256.slice(0, 12)}` : ""}`);
  for (const o of r.outputs)
    lines.push(`    out ${o.id}${o.sha256 ? ` sha256 ${o.sha256.slice(0, 12)}` : ""}`);
  for (const t of r.transformations) {
    const rows =
      t.rows_in !== null || t.rows_out !== null ? ` rows ${t.rows_in ?? "?"} → ${t.rows_out ?? "?"}` : "";
    lines.push(`    step ${t.name}${rows}`);
  }
  return lines.join("\n");
}

async function withLineage<T>(
  opts: { lineage?: boolean; lineageDb?: string },
  body: (lineage: LineageStore | null) => Promise<T>,
): Promise<T> {
  const store = opts.lineage === false ? null : LineageStore.open(opts.lineageDb ?? defaultLineagePath());
  try {
    return await body(store);
  } finally {
    store?.close();
  }
}

async function runGenerate(
  config: GenerationConfig,
  opts: { out?: string; quiet?: boolean; cache?: boolean; lineage?: boolean; lineageDb?: string },
): Promise<void> {
  const progress = createProgress("homes", config.homes, { quiet: opts.quiet });
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
    onStart: (estimate, workers) => {
      if (!opts.quiet)
        console.error(
          `generating ${config.homes} homes × ${config.days} days on ${workers} worker(s): ${describeEstimate(estimate)}`,
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
      console.log(`dataset ${manifest.dataset_id} reused from the cache at ${dir}`);
    } else {
      const check = result.cacheCheck;
      const why =
        check && !check.hit && check.reason !== "absent" ? ` (cache ${check.reason}: ${check.detail})` : "";
      console.log(`dataset ${manifest.dataset_id} written to ${dir} by ${result.workers} worker(s)${why}`);
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

export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    return reportError(e);
  }
}

const invokedDirectly = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  quietOnClosedPipe();
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

/** `events.parquet`, or for a split table `events-00000.parquet … events-00054.parquet (55 files)`. */
function describeFiles(paths: string[]): string {
  return paths.length <= 2 ? paths.join(", ") : `${paths[0]} … ${paths.at(-1)} (${paths.length} files)`;
}
