/** Sweeping a killed run's temp and old dirs lives with the output-dir rules (outputDir.ts). */
export { removeStaleTempDirs } from "./outputDir.js";
