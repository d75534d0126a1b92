import type { Command } from "commander";
import { defaultLineagePath } from "../../lib/core/paths.js";
import { LINEAGE_DB_HELP } from "../cliSupport.js";

/** `homeforge merge`: shard directories → one dataset directory over their files (nothing copied). */
export function register(program: Command): Command {
  return program
    .command("merge")
    .description(
      "merge the shard directories of `generate --shard I/N` into one dataset directory whose manifest points at the shard files (relative paths, hashes kept; nothing copied)",
    )
    .argument("<out>", "the merged dataset directory (new, empty or a dataset homeforge wrote)")
    .argument(
      "<shard-dirs...>",
      "every shard directory, or a glob such as 'data/ds_…-shard-*' (quoted: homeforge expands it)",
    )
    .option("--no-verify", "check the shard files' sizes only, not their sha256 (faster on big shards)")
    .option("--lineage-db <file>", LINEAGE_DB_HELP)
    .option("--no-lineage", "do not record lineage")
    .option("--quiet", "print nothing but errors")
    .action(
      async (
        out: string,
        shardDirs: string[],
        opts: { verify?: boolean; quiet?: boolean; lineage?: boolean; lineageDb?: string },
      ) => {
        const { mergeShards } = await import("../../lib/pipeline/shards/mergeShards.js");
        const result = await mergeShards(out, shardDirs, {
          verify: opts.verify,
          lineage: opts.lineage === false ? false : (opts.lineageDb ?? defaultLineagePath()),
          onNote: (m) => {
            if (!opts.quiet) console.error(`note: ${m}`);
          },
        });
        if (opts.quiet) return;
        const { manifest } = result;
        const v = manifest.validation;
        console.log(
          `dataset ${manifest.dataset_id} merged from ${result.shardDirs.length} shards into ${result.dir}${v ? ` (${v.homes_kept} of ${v.homes_generated} homes kept)` : ""}`,
        );
        for (const [name, table] of Object.entries(manifest.tables)) {
          const globs = result.globs[name].map((g) => `'${g}'`).join(", ");
          const read = table.format === "parquet" ? `DuckDB: read_parquet([${globs}])` : `files: ${globs}`;
          console.log(`  ${name.padEnd(10)} ${String(table.rows).padStart(9)} rows  ${read}`);
        }
      },
    );
}
