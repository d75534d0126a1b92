#!/usr/bin/env node
import { Command } from "commander";
import { HomeforgeError } from "../lib/core/errors.js";
import { type Aliases, ModelRegistry } from "../lib/models/registry/registry.js";
import { applyCliConventions, modelsRootOption, reportError, runIfEntry } from "./cliSupport.js";

/**
 * `homeforge models …`: list, show, promote, rollback, delete and check registry versions;
 * status, version and health print the JSON the service's /api/predictions/models/* return.
 */
export function buildModelsCli(result: { exitCode: number } = { exitCode: 0 }): Command {
  const program = new Command("models")
    .description("the model registry: list, show, promote, rollback, delete, check, status, version, health")
    .option("--models <dir>", "registry root (default: $HOMEFORGE_MODELS_DIR or ./models)");
  const registry = () => new ModelRegistry(modelsRootOption(program.opts().models));
  /** The registry, once `name` is known to be in it: a typo must not leave a model directory behind. */
  const registryWith = (name: string) => {
    const r = registry();
    r.modelDir(name); // refuses a malformed name by itself
    const known = r.list().map((m) => m.name);
    if (!known.includes(name)) {
      throw new HomeforgeError(
        "model",
        `no model named "${name}" in ${r.root}`,
        known.length > 0 ? `known models: ${known.join(", ")}` : "train one first, e.g. homeforge train",
      );
    }
    return r;
  };
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
      const info = registryWith(name).show(name, ref ?? "production");
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
      console.log(aliasLine(name, await registryWith(name).promote(name, ref ?? "candidate")));
    });

  program
    .command("rollback <name>")
    .description("move production back to the previous production version")
    .action(async (name: string) => {
      console.log(aliasLine(name, await registryWith(name).rollback(name)));
    });

  program
    .command("delete <name> <version>")
    .description("delete a version that is not in production")
    .action(async (name: string, version: string) => {
      await registryWith(name).delete(name, version);
      console.log(`deleted ${name} ${version}`);
    });

  program
    .command("check <name>")
    .description(
      "verify every file of every version against its checksums.json, the aliases and the lock; exit 1 on a problem",
    )
    .action((name: string) => {
      const { problems, notes } = registryWith(name).inspect(name);
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
  const printJson = (value: unknown) => console.log(JSON.stringify(value, null, 2));

  program
    .command("status [name]")
    .description(
      "what is served, as JSON: per home type the classifier the production router serves (and why), the synergy model, their metrics, feature columns and last update (name: one router, classifier or synergy model)",
    )
    .action(async (name: string | undefined) => {
      const { modelsStatus } = await import("../lib/models/lifecycle/modelStatus.js");
      printJson(modelsStatus(registry().root, name));
    });

  program
    .command("version [name]")
    .description(
      "a version's facts, as JSON: training date, dataset id and hash, metrics, training data per split, backend, library versions; a router's served versions too (default: every model's production version)",
    )
    .option("--ref <ref>", "production, candidate or a version like v3", "production")
    .action(async (name: string | undefined, opts: { ref: string }) => {
      const { modelVersion } = await import("../lib/models/lifecycle/modelVersion.js");
      printJson(modelVersion(registry().root, name, opts.ref));
    });

  program
    .command("health [name]")
    .description(
      "whether served models can serve, as JSON: files and sizes, hashes, load and a probe prediction, age, drift against --dataset; a router with every classifier it routes to; exit 1 when unhealthy",
    )
    .option("--ref <ref>", "production, candidate or a version like v3", "production")
    .option(
      "--dataset <id|dir>",
      "measure feature drift of this dataset (id under $HOMEFORGE_DATA_DIR or ./data, or directory) against each version's training snapshot",
    )
    .action(async (name: string | undefined, opts: { ref: string; dataset?: string }) => {
      const { modelHealth } = await import("../lib/models/lifecycle/modelHealth.js");
      const report = await modelHealth(registry().root, name, { ref: opts.ref, dataset: opts.dataset });
      printJson(report);
      if (!report.healthy) {
        const n = report.problems.length;
        console.error(
          `error: ${name ?? "models"}: unhealthy, ${n} problem${n === 1 ? "" : "s"} (listed in "problems" above); first: ${report.problems[0]}`,
        );
        result.exitCode = 1;
      }
    });
  return applyCliConventions(program, "homeforge models");
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
