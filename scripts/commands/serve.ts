import type { Command } from "commander";
import { HomeforgeError } from "../../lib/core/errors.js";
import { decimalFlag, wholeNumberFlag } from "../../lib/pipeline/generation/config.js";
import { modelsRootOption } from "../cliSupport.js";

/** `homeforge serve`: the HTTP service (predictions, synergies, model status), until SIGTERM/SIGINT. */
export function register(program: Command): Command {
  return program
    .command("serve")
    .description(
      "serve failure predictions and synergy detection over HTTP (Fastify; OpenAPI at /docs/json), following promotions and rollbacks without a restart",
    )
    .option("--port <port>", "TCP port (default 8080; 0 = any free port)")
    .option("--host <host>", "address to listen on (default 127.0.0.1, loopback only)")
    .option("--models <dir>", "model registry root (default: $HOMEFORGE_MODELS_DIR or ./models)")
    .option(
      "--router <name>",
      "failure router (or one classifier) served at production (default failure-router)",
    )
    .option("--synergy-model <name>", "synergy model served at production (default synergy-gnn)")
    .option("--body-limit <bytes>", "largest request body accepted, bytes (default 4194304); larger get 413")
    .option(
      "--watch-ms <ms>",
      "how often served aliases are checked for a promotion or rollback (default 1000)",
    )
    .option("--ab-b <ref>", "online A/B: arm b's ref of the router (e.g. candidate); turns the experiment on")
    .option("--ab-a <ref>", "online A/B: arm a's ref (default production)")
    .option("--ab-share <share>", "online A/B: share of devices on arm b (default 0.1)")
    .option("--ab-salt <text>", "online A/B: salt of the device hash (a new salt reshuffles the arms)")
    .option(
      "--ab-db <file>",
      "online A/B: SQLite log of predictions and feedback (default <models>/ab/online.sqlite)",
    )
    .action(async (opts) => {
      const port = wholeNumberFlag("--port", opts.port, { min: 0, max: 65535 }) ?? 8080;
      const bodyLimit = wholeNumberFlag("--body-limit", opts.bodyLimit, { min: 1024, max: 1024 ** 3 });
      const watchIntervalMs = wholeNumberFlag("--watch-ms", opts.watchMs, { min: 0, max: 3_600_000 });
      const modelsDir = modelsRootOption(opts.models);
      const router = (opts.router as string | undefined) ?? "failure-router";
      const abFlags = ["abA", "abShare", "abSalt", "abDb"].filter((k) => opts[k] !== undefined);
      if (opts.abB === undefined && abFlags.length > 0)
        throw new HomeforgeError(
          `--ab-${abFlags[0].slice(2).toLowerCase()}`,
          "is an online A/B option, but no experiment was asked for",
          "add --ab-b <ref> (e.g. --ab-b candidate)",
        );
      const [{ startServer }, { OnlineAbStore, defaultAbStorePath }] = await Promise.all([
        import("../../lib/serving/server.js"),
        import("../../lib/serving/onlineAb.js"),
      ]);
      const ab =
        opts.abB === undefined
          ? null
          : {
              model: router,
              a: (opts.abA as string | undefined) ?? "production",
              b: opts.abB as string,
              share: decimalFlag("--ab-share", opts.abShare, { min: 0, max: 1 }) ?? 0.1,
              ...(opts.abSalt !== undefined ? { salt: opts.abSalt as string } : {}),
            };
      const abStore = ab
        ? OnlineAbStore.open((opts.abDb as string | undefined) ?? defaultAbStorePath(modelsDir))
        : null;
      const server = await startServer({
        modelsDir,
        router,
        synergyModel: opts.synergyModel,
        bodyLimit,
        watchIntervalMs,
        ab,
        abStore,
        port,
        host: opts.host,
        logger: { level: "warn" },
      });
      console.log(`homeforge serve: listening on ${server.url} (OpenAPI: ${server.url}/docs/json)`);
      if (ab)
        console.log(
          `homeforge serve: A/B on ${ab.model}: a = ${ab.a}, b = ${ab.b} for ${ab.share * 100} % of devices`,
        );
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          console.log(`homeforge serve: ${signal}: finishing requests in flight, then exiting`);
          server.close().then(resolve, resolve);
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
      });
    });
}
