// The public face, as a user's import sees it: the package resolved by name through its
// `exports` (dist/, built by `npm run build` / prepare), not lib/ through relative paths.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));

/** Every value the root exports (types are checked by tsc and test/consumer/use.ts). */
const ROOT = [
  // config and errors
  "parseGenerationConfig",
  "resolveGenerationConfig",
  "readConfigFile",
  "DEFAULTS",
  "HomeforgeError",
  "isHomeforgeError",
  // generate
  "generateDataset",
  "generateHomes",
  "DataGenerationManager",
  "estimateDatasetSize",
  // open and load a dataset
  "openDataset",
  "resolveDatasetDir",
  "verifyDataset",
  "mergeShards",
  "TABLE_SCHEMAS",
  "loadTable",
  "loadDataFrame",
  // training
  "FailureClassifier",
  "LogisticRegressionBaseline",
  "FixedRuleBaseline",
  "fixedRuleScores",
  "trainFailureModels",
  "readTelemetryDataset",
  "trainHomeTypes",
  "predictFailures",
  "detectSynergies",
  "loadSynergyGraphs",
  "homeSynergyGraph",
  "SynergyGnn",
  "trainSynergyFromDataset",
  // registry and lineage
  "ModelRegistry",
  "LineageStore",
  "recordTrainingLineage",
  // evaluation
  "binaryMetrics",
  "rocAuc",
  "prAuc",
  "chooseThreshold",
  "evaluateSynergyRanking",
  "evaluateCandidate",
  "judge",
  "promoteIfPassed",
  "DEFAULT_PROMOTION_POLICY",
  // exports and training sets
  "exportDataset",
  "collectTrainingData",
  "extractPatterns",
  // environment
  "chooseBackend",
  "collectInfo",
  "formatInfo",
  "defaultDataRoot",
  "defaultModelsRoot",
  "defaultLineagePath",
  "GENERATOR_VERSION",
  "packageVersion",
];

/** A few names each sub-path must carry, by name. */
const SUB_PATHS: Record<string, string[]> = {
  "homeforge/synth": ["generateHome", "rhythmAt", "combinedRhythm", "RHYTHM_KINDS", "deriveSeed", "Rng"],
  "homeforge/pipeline": ["homeTables", "openDataset", "extractPatterns", "LineageStore", "TABLE_SCHEMAS"],
  "homeforge/models": ["FailureClassifier", "buildFeatures", "splitHomes", "ModelRegistry", "chooseBackend"],
  "homeforge/serving": ["createServer", "startServer", "assignArm", "OnlineAbStore", "onlineAbReport"],
  "homeforge/reports": ["renderChartSvg", "renderReportPage"],
  "homeforge/frames": ["toDataFrame", "fromDataFrame", "loadDataFrame", "loadTable"],
  "homeforge/danfo": ["DataFrame", "Series"],
};

test("the root exports exactly the curated names, each resolvable", async () => {
  assert.ok(existsSync(pkg.exports["."].types), "dist types are built (npm ci runs prepare)");
  const api = (await import("homeforge")) as Record<string, unknown>;
  assert.equal(Object.keys(api).sort(), [...ROOT].sort());
  assert.ok(ROOT.length < 60, `${ROOT.length} names`);
  for (const name of ROOT) assert.ok(api[name] !== undefined, name);
});

test("every sub-path resolves by name, with type declarations", async () => {
  for (const [spec, names] of Object.entries(SUB_PATHS)) {
    const entry = pkg.exports[`./${spec.slice("homeforge/".length)}`];
    assert.ok(entry, `${spec} is in package.json exports`);
    assert.ok(existsSync(entry.types), `${entry.types} is built`);
    assert.ok(existsSync(entry.import), `${entry.import} is built`);
    const mod = (await import(spec)) as Record<string, unknown>;
    for (const name of names) assert.ok(mod[name] !== undefined, `${spec} exports ${name}`);
    // CommonJS hosts (tslab's notebook kernel) resolve by "default", node10 type resolvers by typesVersions
    assert.is(entry.default, entry.import, `${spec} has a default condition`);
    if (spec.includes("/")) {
      assert.equal(
        pkg.typesVersions["*"][spec.slice("homeforge/".length)],
        [entry.types.slice(2)],
        `${spec} typesVersions`,
      );
    }
  }
});

test("the generator's rhythms are not called patterns (mined patterns are)", async () => {
  const synth = (await import("homeforge/synth")) as Record<string, unknown>;
  for (const old of ["patternAt", "patternOnClock", "combinedPattern", "PATTERN_KINDS"]) {
    assert.is(synth[old], undefined, old);
  }
});

// One fresh process imports the root, homeforge/synth and homeforge/pipeline; a resolve hook (module.register)
// records every URL Node resolves, and require.cache shows CommonJS loaded behind them.
const PROBE = `
import { register, createRequire } from "node:module";
const { port1, port2 } = new MessageChannel();
const urls = [];
const recorder = 'export async function initialize({ port }) { globalThis.p = port; }' +
  ' export async function resolve(s, c, next) { const r = await next(s, c); globalThis.p.postMessage(r.url); return r; }';
register("data:text/javascript," + encodeURIComponent(recorder), import.meta.url, { data: { port: port2 }, transferList: [port2] });
port1.on("message", (u) => urls.push(u));
port1.unref();
await import("homeforge");
await import("homeforge/synth");
await import("homeforge/pipeline");
await new Promise((r) => setTimeout(r, 50));
const cjs = Object.keys(createRequire(import.meta.url).cache);
process.stdout.write(JSON.stringify({ urls, cjs }));
`;

function probe(): { urls: string[]; cjs: string[] } {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", PROBE], {
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  return JSON.parse(out);
}

let loaded: { urls: string[]; cjs: string[] } | undefined;
const loadedModules = () => {
  loaded ??= probe();
  return loaded;
};

test("importing the root, homeforge/synth or homeforge/pipeline loads no danfo.js", () => {
  const { urls } = loadedModules();
  assert.ok(
    urls.some((u) => u.endsWith("/dist/lib/index.js")),
    "the probe saw the root load",
  );
  const danfo = urls.filter((u) => /\/vendor\/danfo\.js$|\/danfojs\//.test(u));
  assert.equal(danfo, [], "danfo is loaded by loadDataFrame or homeforge/frames, not by importing homeforge");
});

test("importing the root, homeforge/synth or homeforge/pipeline loads no TensorFlow.js", () => {
  const { urls, cjs } = loadedModules();
  const tf = [...urls, ...cjs].filter((u) => u.includes("@tensorflow/"));
  assert.equal(
    [...new Set(tf)],
    [],
    "TensorFlow.js is loaded by training, the registry or the backend, on use",
  );
});

test.run();
