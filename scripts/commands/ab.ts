import { resolve } from "node:path";
import type { Command } from "commander";
import { HomeforgeError } from "../../lib/core/errors.js";
import { wholeNumberFlag } from "../../lib/pipeline/generation/config.js";
import { BOOTSTRAP_RESAMPLE_BOUNDS, modelsRootOption, NO_VERIFY_HELP, SEED_BOUNDS } from "../cliSupport.js";

/** `homeforge ab`: two versions of one model compared offline on held-out homes, or online from the service's log. */
export function register(program: Command): Command {
  return program
    .command("ab")
    .description(
      "A/B two versions of a model: offline on a dataset's held-out homes (paired bootstrap interval, McNemar's test, decision), or --online from the service's experiment log",
    )
    .requiredOption("--model <name>", "registry name, e.g. failure-router, failure-global or synergy-gnn")
    .option("--a <ref>", "version a: production (default), candidate, v3 or 3")
    .option("--b <ref>", "version b: candidate (default), production, v3 or 3")
    .option(
      "--dataset <id|dir>",
      "dataset id (under $HOMEFORGE_DATA_DIR or ./data) or directory; its homes neither version trained or validated on are compared (offline)",
    )
    .option("--models <dir>", "model registry root (default: $HOMEFORGE_MODELS_DIR or ./models)")
    .option("--resamples <n>", "bootstrap resamples over homes (default 1000)")
    .option("--seed <n>", "seed of the bootstrap resampling (default 0)")
    .option(
      "--online",
      "compare the arms of the running service's A/B experiment instead (from its SQLite log)",
    )
    .option("--store <file>", "the online experiment log (default <models>/ab/online.sqlite)")
    .option("--json", "print the report as JSON")
    .option("--no-verify", NO_VERIFY_HELP)
    .action(async (opts) => {
      const resamples = wholeNumberFlag("--resamples", opts.resamples, BOOTSTRAP_RESAMPLE_BOUNDS);
      const seed = wholeNumberFlag("--seed", opts.seed, SEED_BOUNDS) ?? 0;
      const modelsDir = modelsRootOption(opts.models);
      if (opts.online) {
        for (const flag of ["dataset", "a", "b"] as const)
          if (opts[flag] !== undefined)
            throw new HomeforgeError(
              `--${flag}`,
              "does not apply to --online (the arms' versions are those the service logged)",
              `leave out --${flag}, or drop --online for an offline A/B`,
            );
        await online(opts, modelsDir, { resamples, seed });
        return;
      }
      if (opts.store !== undefined)
        throw new HomeforgeError("--store", "applies to --online only", "add --online, or leave out --store");
      if (opts.dataset === undefined)
        throw new HomeforgeError(
          "--dataset",
          "is required for an offline A/B",
          "pass a dataset id or directory with homes the versions did not see, or --online",
        );
      const [{ compareVersionsOffline }, { formatAbReport }] = await Promise.all([
        import("../../lib/models/lifecycle/offlineAb.js"),
        import("../../lib/models/lifecycle/formatAbReport.js"),
      ]);
      const report = await compareVersionsOffline({
        modelsDir,
        model: opts.model,
        a: opts.a,
        b: opts.b,
        dataset: opts.dataset,
        ...(resamples !== undefined ? { resamples } : {}),
        seed,
        verify: opts.verify,
        fields: { model: "--model", a: "--a", b: "--b", dataset: "--dataset" },
      });
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatAbReport(report));
    });
}

async function online(
  opts: Record<string, string | boolean | undefined>,
  modelsDir: string,
  bootstrap: { resamples: number | undefined; seed: number },
): Promise<void> {
  const [{ OnlineAbStore, defaultAbStorePath }, { checkAbStoreFile, onlineAbReport, formatOnlineAbReport }] =
    await Promise.all([
      import("../../lib/serving/onlineAb.js"),
      import("../../lib/serving/onlineAbReport.js"),
    ]);
  const path = resolve((opts.store as string | undefined) ?? defaultAbStorePath(modelsDir));
  checkAbStoreFile(path, "--store");
  const store = OnlineAbStore.open(path);
  try {
    const report = onlineAbReport(store, opts.model as string, {
      field: "--model",
      seed: bootstrap.seed,
      ...(bootstrap.resamples !== undefined ? { resamples: bootstrap.resamples } : {}),
    });
    console.log(opts.json ? JSON.stringify(report, null, 2) : formatOnlineAbReport(report));
  } finally {
    store.close();
  }
}
