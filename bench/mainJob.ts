/**
 * Main-job benchmark and check (a script, not a test): runs `npm run pipeline` at its
 * defaults (200 homes × 60 days, ≤ 12 epochs) in a temporary data and models directory,
 * prints the time it took and per home type the per-type, global and fixed-rule PR-AUC/F1,
 * and fails (throws: `npm run bench` exits 1) unless every per-type model beats the fixed
 * rule on PR-AUC and F1, overall and in each home type it was trained for.
 *
 * That per-home-type claim needs the default size (at a few dozen homes a type's test split
 * holds a handful of failures and single rows swing it), so it lives here rather than in
 * `npm test`; test/pipelineMain.test.ts runs the same job end to end at a small size.
 *
 *   npx tsx bench/mainJob.ts [homes=200] [days=60] [epochs=12]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DEFAULTS } from "../lib/core/defaults.js";

interface Scores {
  pr_auc: number;
  f1: number;
}
interface ComparisonRow {
  home_type: string;
  models: { per_type?: Scores; global?: Scores; rule: Scores };
}

export async function run(
  homes: number = DEFAULTS.pipeline.homes,
  days: number = DEFAULTS.pipeline.days,
  epochs: number = DEFAULTS.pipeline.epochs,
): Promise<{ seconds: number; cpuSeconds: number; failures: string[] }> {
  const root = mkdtempSync(join(tmpdir(), "homeforge-bench-main-"));
  const saved = {
    data: process.env.HOMEFORGE_DATA_DIR,
    models: process.env.HOMEFORGE_MODELS_DIR,
    log: console.log,
  };
  process.env.HOMEFORGE_DATA_DIR = join(root, "data");
  process.env.HOMEFORGE_MODELS_DIR = join(root, "models");
  try {
    const { main } = await import("../scripts/pipeline.js");
    const lines: string[] = [];
    console.log = (...args: unknown[]) => lines.push(args.join(" "));
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    let code: number;
    try {
      code = await main([
        "--quiet",
        "--homes",
        String(homes),
        "--days",
        String(days),
        "--epochs",
        String(epochs),
      ]);
    } finally {
      console.log = saved.log;
    }
    const cpu = process.cpuUsage(cpu0);
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (code !== 0) throw new Error(`the main job exited ${code}:\n${lines.join("\n")}`);
    const comparison = JSON.parse(readFileSync(join(root, "models", "comparison_results.json"), "utf8")) as {
      comparison: ComparisonRow[];
    };
    const f = (s?: Scores) => (s ? `${s.pr_auc.toFixed(3)} / ${s.f1.toFixed(3)}` : "(no model)");
    console.log(
      `main job: ${homes} homes × ${days} days, ≤ ${epochs} epochs: ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU (all threads)`,
    );
    console.log("  home type              per-type PR-AUC / F1   global PR-AUC / F1   rule PR-AUC / F1");
    const failures: string[] = [];
    for (const row of comparison.comparison) {
      const { per_type: own, global, rule } = row.models;
      console.log(`  ${row.home_type.padEnd(21)}  ${f(own).padEnd(21)}  ${f(global).padEnd(19)}  ${f(rule)}`);
      if (!own) continue;
      if (!(own.pr_auc > rule.pr_auc))
        failures.push(`${row.home_type}: PR-AUC ${own.pr_auc} vs rule ${rule.pr_auc}`);
      if (!(own.f1 > rule.f1)) failures.push(`${row.home_type}: F1 ${own.f1} vs rule ${rule.f1}`);
    }
    if (!comparison.comparison.some((r) => r.home_type === "all" && r.models.per_type)) {
      failures.push("no routed per-type result (home_type all)");
    }
    if (failures.length > 0) {
      throw new Error(`per-type models do not beat the fixed rule: ${failures.join("; ")}`);
    }
    console.log("  every per-type model beats the fixed rule on PR-AUC and F1");
    return { seconds, cpuSeconds, failures };
  } finally {
    console.log = saved.log;
    for (const [key, value] of [
      ["HOMEFORGE_DATA_DIR", saved.data],
      ["HOMEFORGE_MODELS_DIR", saved.models],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [homes, days, epochs] = process.argv.slice(2).map(Number);
  try {
    await run(homes || undefined, days || undefined, epochs || undefined);
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
