/**
 * The import graph's rules, checked by test/architecture.test.ts (and `npx depcruise lib
 * scripts --config`). Layers, lowest first — an arrow may only point down:
 *
 *   lib/core      errors, column tables, manifest, random streams, paths, lock, version
 *   lib/synth     the synthetic world (knows core only)
 *   lib/pipeline  generation, storage, exports, analysis, lineage (knows core, synth)
 *   lib/models    estimators, registry, evaluation, lifecycle (knows core, pipeline; of synth only its catalog)
 *   lib/serving   the HTTP service (knows core, pipeline, models)
 *   lib/reports   HTML reports with charts (knows core, pipeline, models; not serving)
 *   lib/*.ts      the public face (index, info)
 *   scripts/      the CLI (knows lib)
 */
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    {
      name: "core-stands-alone",
      severity: "error",
      from: { path: "^lib/core/" },
      to: { path: "^(lib/(synth|pipeline|models|serving|reports)/|lib/[^/]+\\.ts$|scripts/)" },
    },
    {
      name: "synth-knows-core-only",
      severity: "error",
      from: { path: "^lib/synth/" },
      to: { path: "^(lib/(pipeline|models|serving|reports)/|lib/[^/]+\\.ts$|scripts/)" },
    },
    {
      name: "pipeline-below-models",
      severity: "error",
      from: { path: "^lib/pipeline/" },
      to: { path: "^(lib/(models|serving|reports)/|lib/[^/]+\\.ts$|scripts/)" },
    },
    {
      name: "models-not-synth-internals",
      severity: "error",
      from: { path: "^lib/models/" },
      to: { path: "^(lib/synth/(?!catalog/)|lib/(serving|reports)/|lib/[^/]+\\.ts$|scripts/)" },
    },
    {
      name: "serving-above-models",
      severity: "error",
      from: { path: "^lib/serving/" },
      to: { path: "^(lib/synth/(?!catalog/)|lib/reports/|lib/[^/]+\\.ts$|scripts/)" },
    },
    {
      name: "reports-above-models",
      severity: "error",
      from: { path: "^lib/reports/" },
      to: { path: "^(lib/synth/(?!catalog/)|lib/serving/|lib/[^/]+\\.ts$|scripts/)" },
    },
    {
      name: "lib-not-scripts",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^scripts/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    combinedDependencies: false,
  },
};
