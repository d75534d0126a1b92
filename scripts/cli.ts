#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { numberFlag, parseMixFlag, readConfigFile, resolveGenerationConfig } from "../lib/config.js";
import { isHomeforgeError } from "../lib/errors.js";
import { collectInfo, formatInfo } from "../lib/info.js";
import { generateDataset } from "../lib/pipeline/generate.js";
import { createProgress } from "../lib/progress.js";
import { packageVersion } from "../lib/version.js";

/** The `homeforge` command line. Parses flags, calls lib/, prints. */
export function buildCli(): Command {
  const program = new Command("homeforge")
    .description("Seeded synthetic smart homes, tidy datasets and honest TensorFlow.js models")
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command("generate")
    .description("generate a dataset directory: manifest.json + homes, areas and devices tables")
    .option("--config <file>", "JSON or YAML config file (flags override it)")
    .option("--homes <n>", "number of homes (default 100)")
    .option("--days <d>", "days of activity per home (default 30)")
    .option("--seed <s>", "root seed, a whole number (default 42, env HOMEFORGE_SEED)")
    .option("--start <date>", "first local day, YYYY-MM-DD (default 2025-01-01)")
    .option("--mix <shares>", "home-type mix, e.g. apartment=0.5,studio=0.5 (must sum to 1)")
    .option("--timezones <zones>", "comma-separated IANA zones to place homes in")
    .option("--format <f>", "table format: parquet (default) or arrow")
    .option(
      "--out <dir>",
      "dataset directory (default: data/<dataset-id>, or $HOMEFORGE_DATA_DIR/<dataset-id>)",
    )
    .option("--quiet", "print nothing but errors")
    .action(async (opts) => {
      const config = resolveGenerationConfig({
        file: opts.config ? readConfigFile(opts.config) : undefined,
        env: process.env,
        flags: {
          homes: numberFlag("--homes", opts.homes),
          days: numberFlag("--days", opts.days),
          seed: numberFlag("--seed", opts.seed),
          start: opts.start,
          homeTypeMix: opts.mix ? parseMixFlag(opts.mix) : undefined,
          timezones: opts.timezones
            ? String(opts.timezones)
                .split(",")
                .map((s: string) => s.trim())
            : undefined,
          format: opts.format,
        },
      });
      const progress = createProgress("homes", config.homes, { quiet: opts.quiet });
      const { dir, manifest } = await generateDataset(config, {
        outDir: opts.out,
        onProgress: progress.update,
      });
      progress.done();
      if (!opts.quiet) {
        console.log(`dataset ${manifest.dataset_id} written to ${dir}`);
        for (const [name, table] of Object.entries(manifest.tables)) {
          console.log(
            `  ${name.padEnd(10)} ${String(table.rows).padStart(9)} rows  ${table.files.map((f) => f.path).join(", ")}`,
          );
        }
      }
    });

  program
    .command("info")
    .description("print the TensorFlow.js backend, versions and where data/ and models/ are")
    .option("--json", "print JSON")
    .action(async (opts) => {
      const info = await collectInfo();
      console.log(opts.json ? JSON.stringify(info, null, 2) : formatInfo(info));
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isHomeforgeError(e)) {
      console.error(`error: ${e.message}`);
      return e.exitCode;
    }
    console.error(`error: ${(e as Error)?.stack ?? e}`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
