/** homeforge public API: everything a script or notebook needs, from one import. */

export * from "./config.js";
export * from "./errors.js";
export * from "./info.js";
export * from "./models/backend.js";
export * from "./pipeline/generate.js";
export * from "./pipeline/homeTables.js";
export * from "./pipeline/io.js";
export * from "./pipeline/manifest.js";
export * from "./pipeline/outputDir.js";
export * from "./pipeline/schema.js";
export * from "./pipeline/tables.js";
export * from "./progress.js";
export * from "./synth/catalog/areas.js";
export * from "./synth/catalog/devices.js";
export * from "./synth/catalog/homeTypes.js";
export * from "./synth/catalog/locations.js";
export * from "./synth/homes.js";
export * from "./synth/localTime.js";
export * from "./synth/patterns.js";
export * from "./synth/random.js";
export * from "./version.js";
