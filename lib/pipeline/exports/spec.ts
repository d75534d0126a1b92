import type { ColumnRole, ColumnSpec, ColumnTable, TableSchema } from "../../core/columnTable.js";
import type { GenerationConfig } from "../generation/config.js";
import type { OpenDataset } from "../storage/openDataset.js";
import type { ExportFile, ExportFormat } from "./formats.js";

/** One record table of an export; each becomes a file (or a SQLite table). */
export interface ExportPart {
  name: string;
  table: ColumnTable;
  /** String columns holding JSON text, written as nested values in JSON files. */
  jsonColumns?: readonly string[];
}

export interface ExportSpec {
  what: string;
  description: string;
  formats: readonly ExportFormat[];
  build(dataset: OpenDataset): Promise<ExportPart[]>;
  /** A JSON layout other than one records array per part (e.g. nested graphs). */
  writeJson?(dir: string, parts: ExportPart[], dataset: OpenDataset): Promise<ExportFile[]>;
}

export function column(
  name: string,
  type: ColumnSpec["type"],
  options: { nullable?: boolean; role?: ColumnRole; description?: string } = {},
): ColumnSpec {
  return { name, type, role: options.role ?? "attribute", ...options };
}

export function exportSchema(name: string, columns: ColumnSpec[]): TableSchema {
  return { name, columns };
}

/** The dataset's seed, for seeded choices in exports (e.g. prompt wording). */
export function datasetSeed(dataset: OpenDataset): number {
  return (dataset.manifest.config as Partial<GenerationConfig>).seed ?? dataset.manifest.seed;
}
