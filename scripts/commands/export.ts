import type { Command } from "commander";
import { defaultDataRoot } from "../../lib/core/paths.js";
import { LINEAGE_DB_HELP, NO_VERIFY_HELP } from "../cliSupport.js";
import { EXPORT_NAMES, withLineage } from "./shared.js";

/** `homeforge export`: a dataset in the shape another tool reads, each file read back first. */
export function register(program: Command): Command {
  return program
    .command("export")
    .description("export a dataset for other tools; every file is read back and checked first")
    .requiredOption("--dataset <id>", "dataset id (under $HOMEFORGE_DATA_DIR or ./data) or directory")
    .requiredOption("--what <w>", `what to export: ${EXPORT_NAMES.join(", ")}`)
    .requiredOption("--format <f>", "file format: json, parquet, sqlite or csv (depends on --what)")
    .option(
      "--out <dir>",
      "output directory (default <dataset>/exports/<what>/<format>); must be new, empty or an export homeforge wrote, which is replaced whole",
    )
    .option("--no-verify", NO_VERIFY_HELP)
    .option("--lineage-db <file>", LINEAGE_DB_HELP)
    .option("--no-lineage", "do not record lineage")
    .option("--quiet", "print nothing but errors")
    .action(async (opts) => {
      const [{ checkExportDestination, exportDataset, exportSpec }, { resolveDatasetDir }] =
        await Promise.all([
          import("../../lib/pipeline/exports/exportDataset.js"),
          import("../../lib/pipeline/storage/openDataset.js"),
        ]);
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
}
