/**
 * The import graph keeps its shape: no circles, and every arrow points down the layers
 * (core ← synth ← pipeline ← models ← public face ← scripts), as .dependency-cruiser.cjs
 * states them. dependency-cruiser reads the TypeScript sources, type-only imports included.
 */
import { createRequire } from "node:module";
import { cruise, type IReporterOutput } from "dependency-cruiser";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { test } from "uvu";
import * as assert from "uvu/assert";

const require = createRequire(import.meta.url);
const config = require("../.dependency-cruiser.cjs");

let result: IReporterOutput;
test.before(async () => {
  result = await cruise(
    ["lib", "scripts"],
    { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } },
    undefined,
    { tsConfig: extractTSConfig("tsconfig.json") },
  );
});

test("no import circles and no import against the layer order", () => {
  const output = result.output as {
    summary: {
      violations: { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] }[];
      totalCruised: number;
    };
  };
  const lines = output.summary.violations.map(
    (v) => `${v.rule.name}: ${v.from} → ${v.cycle ? v.cycle.map((c) => c.name).join(" → ") : v.to}`,
  );
  assert.ok(output.summary.totalCruised > 80, `cruised only ${output.summary.totalCruised} modules`);
  assert.equal(lines, []);
});

test("the rules can fail: a graph with an upward arrow is reported", async () => {
  const rules = config.forbidden.filter((r: { name: string }) => r.name === "core-stands-alone");
  // lib/core/paths.ts imports nothing above core; pretend core must not import node: either
  const strict = [{ ...rules[0], to: { path: "^lib/" } }];
  const r = await cruise(
    ["lib/core"],
    { ...config.options, validate: true, ruleSet: { forbidden: strict } },
    undefined,
    { tsConfig: extractTSConfig("tsconfig.json") },
  );
  const violations = (r.output as { summary: { violations: unknown[] } }).summary.violations;
  assert.ok(violations.length > 0, "core modules import each other, so a rule forbidding lib/ must fire");
});

test.run();
