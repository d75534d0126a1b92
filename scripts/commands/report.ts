import type { Command } from "commander";
import { HomeforgeError } from "../../lib/core/errors.js";
import { modelsRootOption, NO_VERIFY_HELP } from "../cliSupport.js";

/** `homeforge report`: one self-contained HTML page with charts, of a dataset or of a model version. */
export function register(program: Command): Command {
  return program
    .command("report")
    .description(
      "write a self-contained HTML report with charts (opens offline): of a dataset (--dataset) or of a model version (--model)",
    )
    .option("--dataset <id|dir>", "dataset id (under $HOMEFORGE_DATA_DIR or ./data) or directory")
    .option(
      "--model <name[@ref]>",
      "a model version: failure-router, failure-global, failure-<type>, synergy-gnn; ref production (default), candidate or a version",
    )
    .option("--models <dir>", "model registry root (default: $HOMEFORGE_MODELS_DIR or ./models)")
    .option(
      "--out <file>",
      "where to write (default: <dataset dir>.report.html, or <models>/reports/NAME@vN.html)",
    )
    .option("--no-verify", NO_VERIFY_HELP)
    .option("--quiet", "print only the report's path")
    .action(async (opts) => {
      if ((opts.dataset === undefined) === (opts.model === undefined)) {
        throw new HomeforgeError(
          opts.dataset === undefined ? "--dataset" : "--model",
          opts.dataset === undefined ? "nothing to report on" : "pass one of --dataset and --model, not both",
          "homeforge report --dataset ID|DIR, or homeforge report --model NAME[@REF]",
        );
      }
      const { writeDatasetReport, writeModelReport } = await import("../../lib/reports/index.js");
      const log = opts.quiet ? undefined : (line: string) => console.error(line);
      const result =
        opts.dataset !== undefined
          ? await writeDatasetReport(opts.dataset, { out: opts.out, verify: opts.verify, log })
          : await writeModelReport(opts.model, {
              modelsDir: modelsRootOption(opts.models),
              out: opts.out,
              log,
            });
      if (!opts.quiet) {
        console.error(`${result.charts.length} charts, ${result.tables.length} tables`);
      }
      console.log(result.path);
    });
}
