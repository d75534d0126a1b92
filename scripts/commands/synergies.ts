import { existsSync } from "node:fs";
import type { Command } from "commander";
import { defaultDataRoot } from "../../lib/core/paths.js";
import { wholeNumberFlag } from "../../lib/pipeline/generation/config.js";
import { modelsRootOption, NO_VERIFY_HELP } from "../cliSupport.js";

/** `homeforge synergies`: a home's candidate device pairs ranked by the synergy model, with reasons. */
export function register(program: Command): Command {
  return program
    .command("synergies")
    .description(
      "rank a home's candidate trigger→action device pairs with the synergy model (synergy-gnn@production), with a reason for each",
    )
    .requiredOption("--dataset <id|dir>", "dataset id (under $HOMEFORGE_DATA_DIR or ./data) or directory")
    .requiredOption("--home <home_id>", "the home to rank, e.g. home_000007")
    .option("--top <k>", "print the best k pairs (default 10; 0 = all)")
    .option("--model <name[@ref]>", "a synergy model, ref production (default), candidate or a version")
    .option("--models <dir>", "model registry root (default: $HOMEFORGE_MODELS_DIR or ./models)")
    .option("--history-days <d>", "use only the first d days of the home's events (default: all)")
    .option("--json", "print the ranked pairs as JSON")
    .option("--no-verify", NO_VERIFY_HELP)
    .action(async (opts) => {
      const top = wholeNumberFlag("--top", opts.top, { min: 0 }) ?? 10;
      const historyDays = wholeNumberFlag("--history-days", opts.historyDays, { min: 1 });
      const [
        { detectSynergies, resolveSynergyModel },
        { loadSynergyGraphs },
        { openDataset, resolveDatasetDir },
      ] = await Promise.all([
        import("../../lib/models/synergy/detectSynergies.js"),
        import("../../lib/models/synergy/loadSynergyGraphs.js"),
        import("../../lib/pipeline/storage/openDataset.js"),
      ]);
      const modelsDir = modelsRootOption(opts.models);
      const dir = existsSync(opts.dataset)
        ? opts.dataset
        : resolveDatasetDir(opts.dataset, defaultDataRoot());
      const dataset = openDataset(dir, "--dataset", { verify: opts.verify });
      // the model reference and its files are checked before any table is read
      resolveSynergyModel(modelsDir, opts.model, "--model");
      const graphs = await loadSynergyGraphs(dataset, {
        cuts: [historyDays ?? null],
        homes: [opts.home],
        field: "--home",
      });
      const detected = await detectSynergies(graphs, {
        modelsDir,
        model: opts.model,
        field: "--model",
        ...(top > 0 ? { top } : {}),
      });
      if (opts.json) {
        console.log(JSON.stringify(detected, null, 2));
        return;
      }
      const { model, pairs } = detected;
      const graph = graphs[0];
      console.log(
        `${graph.homeId} (${graph.homeType}): ${graph.pairCount} candidate pairs over ${graph.observedDays} days, ranked by ${model.name} ${model.version} (threshold ${model.threshold.toFixed(3)})`,
      );
      const truth = pairs.some((p) => p.linked !== null);
      for (const p of pairs) {
        const mark = p.predicted_link ? "*" : " ";
        const known = truth ? (p.linked ? "  [planted link]" : "  [not linked]") : "";
        console.log(
          `${String(p.rank).padStart(3)} ${mark} ${p.score.toFixed(3)}  ${p.trigger_entity} → ${p.action_entity}  (${p.relationship})${known}`,
        );
        console.log(`          ${p.reason}`);
      }
      console.log("* = at or above the model's threshold (chosen on validation homes)");
    });
}
