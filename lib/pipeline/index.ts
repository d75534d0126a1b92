/**
 * `homeforge/pipeline`: the pipeline's building blocks — generation (config, per-home
 * tables, validation, size estimates, the manager), storage (table schemas, Parquet/Arrow
 * files, opening and verifying dataset directories, the cache, owned output directories),
 * exports, analysis (the collector, pattern mining, Arrow/danfo loading) and the lineage
 * store. The root (`homeforge`) re-exports the few a user calls; this is the rest.
 * Worker plumbing (writer workers, batch packing, heap limits, producer modules) stays
 * internal. Importing this module loads neither TensorFlow.js nor danfo; the synchronous
 * danfo conversions are `homeforge/frames`.
 */

/**
 * Produced tables (eventsTable, telemetryTable, producers) may hold DictionaryColumns for
 * string columns (codes into a dictionary); `plainTable` decodes one to plain arrays.
 */
export {
  type ProducedColumnData,
  type ProducedTable,
  plainColumn,
  plainTable,
} from "../core/columnTable.js";
export { DictionaryColumn, isDictionaryColumn } from "../core/dictionaryColumn.js";
export * from "./analysis/collector.js";
export * from "./analysis/collectStats.js";
export * from "./analysis/datasetTables.js";
export * from "./analysis/patternMining.js";
export * from "./analysis/trainingSetFile.js";
export { AUTOMATIONS_SCHEMA, SOFT_PROMPT_SCHEMA } from "./exports/automationExports.js";
export * from "./exports/automationYaml.js";
export { DEVICE_INTELLIGENCE_SCHEMA } from "./exports/deviceIntelligence.js";
export * from "./exports/exportDataset.js";
export type { ExportFile, ExportFormat } from "./exports/formats.js";
export { GNN_EDGES_SCHEMA, GNN_NODES_SCHEMA } from "./exports/gnn.js";
export { PATTERN_EXPORT_SCHEMA } from "./exports/patterns.js";
export type { ExportPart, ExportSpec } from "./exports/spec.js";
export * from "./generation/config.js";
export * from "./generation/eventsTable.js";
export * from "./generation/generate.js";
export * from "./generation/homeSpec.js";
export * from "./generation/homeTables.js";
export * from "./generation/manager.js";
export * from "./generation/sizeEstimate.js";
export * from "./generation/synergiesTable.js";
export * from "./generation/telemetryTable.js";
export * from "./generation/validate.js";
export * from "./lineage/lineageStore.js";
export * from "./shards/mergeShards.js";
export * from "./shards/shardSpec.js";
export * from "./storage/cache.js";
export * from "./storage/openDataset.js";
export * from "./storage/outputDir.js";
export * from "./storage/tableIO.js";
export * from "./storage/tables.js";
