import type { Command } from "commander";

/** `homeforge info`: backend, versions, where data/ and models/ are. */
export function register(program: Command): Command {
  return program
    .command("info")
    .description("print the TensorFlow.js backend, versions and where data/ and models/ are")
    .option("--json", "print JSON")
    .action(async (opts) => {
      // loaded on demand: it pulls in TensorFlow.js, which takes seconds to import
      const { collectInfo, formatInfo } = await import("../../lib/info.js");
      const info = await collectInfo();
      console.log(opts.json ? JSON.stringify(info, null, 2) : formatInfo(info));
    });
}
