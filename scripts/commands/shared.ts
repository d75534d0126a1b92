/**
 * What more than one command module needs. Light on purpose: `homeforge --version` and
 * `--help` load every command module, so this file imports no lib/ code at run time
 * (types only); the lineage store is loaded when a command runs.
 */
import { defaultLineagePath } from "../../lib/core/paths.js";
import type { LineageStore } from "../../lib/pipeline/lineage/lineageStore.js";

/**
 * What `export --what` accepts, for the help text: the keys of EXPORTS
 * (lib/pipeline/exports/exportDataset.ts), spelled out so help does not load the exporters.
 * test/cli.test.ts checks the two agree.
 */
export const EXPORT_NAMES: readonly string[] = [
  "gnn",
  "soft-prompt",
  "patterns",
  "automations",
  "device-intelligence",
];

/**
 * What `collect --for` accepts, for the help text: the keys of TRAINING_SETS
 * (lib/pipeline/analysis/collector.ts), spelled out so help does not load the collector.
 * test/cli.test.ts checks the two agree.
 */
export const TRAINING_SET_NAMES: readonly string[] = [
  "failure",
  "synergy",
  "patterns",
  "events",
  "suggestions",
  "automations",
  "qa",
];

/** The options of a command that records lineage (`--lineage-db`, `--no-lineage`). */
export interface LineageOptions {
  lineage?: boolean;
  lineageDb?: string;
}

/** Runs `body` with the lineage store the options name (or none for `--no-lineage`), then closes it. */
export async function withLineage<T>(
  opts: LineageOptions,
  body: (lineage: LineageStore | null) => Promise<T>,
): Promise<T> {
  const store =
    opts.lineage === false
      ? null
      : (await import("../../lib/pipeline/lineage/lineageStore.js")).LineageStore.open(
          opts.lineageDb ?? defaultLineagePath(),
        );
  try {
    return await body(store);
  } finally {
    store?.close();
  }
}
