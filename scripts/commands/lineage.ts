import type { Command } from "commander";
import { HomeforgeError } from "../../lib/core/errors.js";
import { defaultLineagePath } from "../../lib/core/paths.js";
import type { LineageStore, RunRecord } from "../../lib/pipeline/lineage/lineageStore.js";
import {
  checkOutFile,
  LIMIT_BOUNDS,
  LINEAGE_DB_HELP,
  modelsRootOption,
  writeTextAtomically,
} from "../cliSupport.js";

/** `homeforge lineage …`: queries of the lineage store, which they open read-only. */
export function register(program: Command): Command {
  const lineage = program
    .command("lineage")
    .description("what produced an artifact, what was trained on it, the chain behind a model version")
    .option("--db <file>", LINEAGE_DB_HELP)
    .option(
      "--models <dir>",
      "registry that resolves NAME@production (default $HOMEFORGE_MODELS_DIR or ./models)",
    )
    .option("--json", "print JSON");
  const artifactId = (input: string) => lineageArtifactId(input, lineage.opts().models);
  /** Runs `query` against the lineage store, opened read-only (a query creates nothing), and closes it. */
  const queryLineage = async <T>(query: (store: LineageStore) => T): Promise<T> => {
    const { LineageStore } = await lineageModule();
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
    .option(
      "--kind <kind>",
      "only runs that produced a model version of this registry kind (failure_classifier, failure_router, synergy_gnn) or model name (failure-global, failure-<home type>, failure-router, synergy-gnn …)",
    )
    .option("--limit <n>", "how many (default 20)")
    .action(async (opts) => {
      const [{ wholeNumberFlag }, { parseModelFilter }] = await Promise.all([
        import("../../lib/pipeline/generation/config.js"),
        lineageModule(),
      ]);
      const limit = wholeNumberFlag("--limit", opts.limit, LIMIT_BOUNDS) ?? 20;
      await queryLineage((store) => {
        const model = opts.kind !== undefined ? parseModelFilter(opts.kind, store.modelNames()) : undefined;
        const runs = store.runs({ job: opts.job, limit, model });
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
      await queryLineage((store) => {
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
      await queryLineage((store) => {
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
      await queryLineage((store) => {
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
      const text = await queryLineage((store) => `${JSON.stringify(store.exportJson(), null, 2)}\n`);
      if (out) await writeTextAtomically("--out", out, text);
      else process.stdout.write(text);
    });
  return lineage;
}

/** The lineage store's module, loaded when a query runs (it opens SQLite through better-sqlite3). */
function lineageModule() {
  return import("../../lib/pipeline/lineage/lineageStore.js");
}

/**
 * The lineage id of an artifact named on the command line: `failure-global@3` →
 * `model:failure-global@v3`; an alias (`@production`) is looked up in the registry.
 */
async function lineageArtifactId(input: string, modelsDir: string | undefined): Promise<string> {
  const { modelVersionId, parseArtifact } = await lineageModule();
  const parsed = parseArtifact(input);
  if ("id" in parsed) return parsed.id;
  const { name, ref } = parsed.model;
  if (/^v[0-9]+$/.test(ref)) return modelVersionId(name, ref);
  // loaded on demand: the registry imports TensorFlow.js, which takes seconds
  const { ALIAS_NAMES, ModelRegistry } = await import("../../lib/models/registry/registry.js");
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
