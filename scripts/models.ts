#!/usr/bin/env node
import { Command } from "commander";
import { defaultModelsRoot } from "../lib/info.js";
import { type Aliases, ModelRegistry } from "../lib/models/registry.js";
import { reportError, runIfEntry } from "./cliSupport.js";

/** `homeforge models …`: list, show, promote, rollback, delete and check registry versions. */
export function buildModelsCli(result: { exitCode: number } = { exitCode: 0 }): Command {
  const program = new Command("models")
    .description("the model registry: list, show, promote, rollback, delete, check")
    .option("--models <dir>", "registry root (default: $HOMEFORGE_MODELS_DIR or ./models)")
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });
  const registry = () => new ModelRegistry(program.opts().models ?? defaultModelsRoot());
  const aliasLine = (name: string, a: Aliases) =>
    `${name}: production ${a.production ?? "-"}, candidate ${a.candidate ?? "-"}`;

  program
    .command("list")
    .description("models, their versions and aliases")
    .option("--json", "print JSON")
    .action((opts) => {
      const models = registry().list();
      if (opts.json) return console.log(JSON.stringify(models, null, 2));
      if (models.length === 0) console.log(`no models in ${registry().root}`);
      for (const m of models) {
        console.log(
          `${m.name}  versions ${m.versions.join(", ") || "-"}  production ${m.production ?? "-"}  candidate ${m.candidate ?? "-"}`,
        );
        for (const p of m.problems) console.log(`  problem: ${p}`);
        for (const n of m.notes) console.log(`  note: ${n}`);
      }
    });

  program
    .command("show <name> [ref]")
    .description("a verified version's meta and metrics (ref: production, candidate, v3; default production)")
    .action((name: string, ref: string | undefined) => {
      const info = registry().show(name, ref ?? "production");
      console.log(
        JSON.stringify(
          {
            version: info.version,
            dir: info.dir,
            aliases: info.aliases,
            meta: info.meta,
            metrics: info.metrics,
          },
          null,
          2,
        ),
      );
    });

  program
    .command("promote <name> [ref]")
    .description("point production at a version (default: the candidate)")
    .action(async (name: string, ref: string | undefined) => {
      console.log(aliasLine(name, await registry().promote(name, ref ?? "candidate")));
    });

  program
    .command("rollback <name>")
    .description("move production back to the previous production version")
    .action(async (name: string) => {
      console.log(aliasLine(name, await registry().rollback(name)));
    });

  program
    .command("delete <name> <version>")
    .description("delete a version that is not in production")
    .action(async (name: string, version: string) => {
      await registry().delete(name, version);
      console.log(`deleted ${name} ${version}`);
    });

  program
    .command("check <name>")
    .description(
      "verify every file of every version against its checksums.json, the aliases and the lock; exit 1 on a problem",
    )
    .action((name: string) => {
      const { problems, notes } = registry().inspect(name);
      for (const p of problems) console.log(`problem: ${p}`);
      for (const n of notes) console.log(`note: ${n}`);
      if (problems.length === 0) console.log(`${name}: every version verified`);
      else {
        console.error(
          `error: ${name}: ${problems.length} problem${problems.length === 1 ? "" : "s"} (listed above)`,
        );
        result.exitCode = 1;
      }
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const result = { exitCode: 0 };
    await buildModelsCli(result).parseAsync(argv, { from: "user" });
    return result.exitCode;
  } catch (e) {
    return reportError(e);
  }
}

runIfEntry(/models\.(ts|js)$/, main);
