/**
 * `homeforge export`: dataset → files for other tools. Every file is written into a hidden
 * temp directory, read back and checked against its schema, and only then renamed into
 * place with an `export.json` that lists files, rows, sha256 and schemas.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ColumnSpec } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { canonicalJson, sha256 } from "../../core/manifest.js";
import type { LineageStore } from "../lineage/lineageStore.js";
import { type OpenDataset, openDataset } from "../storage/openDataset.js";
import {
  assertPathGiven,
  assertWritableOutputDir,
  EXPORT_DIR,
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  EXPORT_MANIFEST_FILE,
  withOutputDir,
  writeDirAtomically,
} from "../storage/outputDir.js";
import { automationsExport, softPromptExport } from "./automationExports.js";
import { deviceIntelligenceExport } from "./deviceIntelligence.js";
import {
  describeFile,
  type ExportFile,
  type ExportFormat,
  readBackCsv,
  readBackJson,
  readBackParquet,
  readBackSqlite,
  writeCsv,
  writeJsonRecords,
  writeParquet,
  writeSqlite,
} from "./formats.js";
import { gnnExport } from "./gnn.js";
import { patternsExport } from "./patterns.js";
import type { ExportPart, ExportSpec } from "./spec.js";

export const EXPORTS: Readonly<Record<string, ExportSpec>> = {
  gnn: gnnExport,
  "soft-prompt": softPromptExport,
  patterns: patternsExport,
  automations: automationsExport,
  "device-intelligence": deviceIntelligenceExport,
};
export type ExportWhat = keyof typeof EXPORTS;

export { EXPORT_MANIFEST_FILE };

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  format_version: number;
  what: string;
  export_format: ExportFormat;
  dataset_id: string;
  files: ExportFile[];
  schemas: Record<string, ColumnSpec[]>;
}

export interface ExportResult {
  dir: string;
  manifest: ExportManifest;
}

export interface ExportOptions {
  /** Output directory; default `<dataset>/exports/<what>/<format>`. */
  outDir?: string;
  lineage?: LineageStore | null;
  /** Notes (a stale lock taken over, waiting for another export into the same directory). */
  onNote?: (message: string) => void;
  /**
   * Check each dataset file read against its manifest sha256 (default true); `false` reads
   * damaged files anyway (`--no-verify`), and lineage then records no hash for the dataset.
   */
  verify?: boolean;
}

/** Checks `what` and `format` before any work; one-line errors name the flag and the choices. */
export function exportSpec(what: string, format: string): ExportSpec {
  // own keys only: "constructor" or "toString" is not an export either
  const spec = Object.hasOwn(EXPORTS, what) ? EXPORTS[what] : undefined;
  if (!spec) {
    throw new HomeforgeError(
      "--what",
      `"${what}" is not an export`,
      `use one of ${Object.keys(EXPORTS).join(", ")}`,
    );
  }
  if (!(spec.formats as readonly string[]).includes(format)) {
    throw new HomeforgeError(
      "--format",
      `"${format}" is not a format of --what ${what}`,
      `use ${spec.formats.join(" or ")}`,
    );
  }
  return spec;
}

async function writePart(dir: string, part: ExportPart, format: ExportFormat): Promise<ExportFile> {
  const { table } = part;
  const base = join(dir, part.name);
  switch (format) {
    case "json":
      writeJsonRecords(`${base}.json`, table, part.jsonColumns);
      readBackJson(`${base}.json`, table.schema, table.rows, part.jsonColumns);
      return describeFile(`${base}.json`, `${part.name}.json`, format, table.schema.name, table.rows);
    case "parquet":
      await writeParquet(`${base}.parquet`, table);
      await readBackParquet(`${base}.parquet`, table.schema, table.rows);
      return describeFile(`${base}.parquet`, `${part.name}.parquet`, format, table.schema.name, table.rows);
    case "csv":
      writeCsv(`${base}.csv`, table);
      readBackCsv(`${base}.csv`, table.schema, table.rows);
      return describeFile(`${base}.csv`, `${part.name}.csv`, format, table.schema.name, table.rows);
    case "sqlite":
      writeSqlite(`${base}.sqlite`, table);
      readBackSqlite(`${base}.sqlite`, table.schema, table.rows);
      return describeFile(`${base}.sqlite`, `${part.name}.sqlite`, format, table.schema.name, table.rows);
  }
}

/**
 * The export directory, checked before any work: `--out ""` is refused, and an existing
 * directory must be empty or an export homeforge wrote. Creates nothing.
 */
export function checkExportDestination(
  datasetDir: string,
  what: string,
  format: string,
  outDir?: string,
): string {
  assertPathGiven(outDir, "--out");
  const dir = resolve(outDir ?? join(datasetDir, "exports", what, format));
  assertWritableOutputDir(dir, "--out", EXPORT_DIR);
  return dir;
}

/** Exports `what` of a dataset directory as `format`; the result lists every checked file. */
export async function exportDataset(
  datasetDir: string,
  what: string,
  format: string,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const spec = exportSpec(what, format);
  const dir = checkExportDestination(datasetDir, what, format, options.outDir);
  const dataset: OpenDataset = openDataset(datasetDir, "--dataset", { verify: options.verify });
  const dirOptions = { field: "--out", kind: EXPORT_DIR, onNote: options.onNote };
  // one export into a directory at a time; a second one waits, then replaces it
  return withOutputDir(dir, dirOptions, () =>
    writeExport(spec, dataset, datasetDir, dir, what, format, options, dirOptions),
  );
}

async function writeExport(
  spec: ExportSpec,
  dataset: OpenDataset,
  datasetDir: string,
  dir: string,
  what: string,
  format: string,
  options: ExportOptions,
  dirOptions: { field: string; kind: typeof EXPORT_DIR; onNote?: (message: string) => void },
): Promise<ExportResult> {
  const fmt = format as ExportFormat;
  const lineage = options.lineage ?? null;
  const runId = lineage?.startRun("export", { dataset: dataset.manifest.dataset_id, what, format }) ?? null;
  try {
    const manifest = await writeDirAtomically(
      dir,
      async (tmp) => {
        const parts = await spec.build(dataset);
        const files: ExportFile[] = [];
        if (fmt === "json" && spec.writeJson) files.push(...(await spec.writeJson(tmp, parts, dataset)));
        else for (const part of parts) files.push(await writePart(tmp, part, fmt));
        const m: ExportManifest = {
          format: EXPORT_FORMAT,
          format_version: EXPORT_FORMAT_VERSION,
          what,
          export_format: fmt,
          dataset_id: dataset.manifest.dataset_id,
          files,
          schemas: Object.fromEntries(parts.map((p) => [p.table.schema.name, [...p.table.schema.columns]])),
        };
        writeFileSync(join(tmp, EXPORT_MANIFEST_FILE), `${JSON.stringify(m, null, 2)}\n`);
        return m;
      },
      dirOptions,
    );
    if (lineage && runId) {
      const datasetId = dataset.manifest.dataset_id;
      lineage.recordInput(runId, {
        id: datasetId,
        kind: "dataset",
        uri: datasetDir,
        sha256: dataset.lineageSha256,
      });
      const exportId = `export:${datasetId}/${what}/${format}`;
      lineage.recordOutput(runId, {
        id: exportId,
        kind: "export",
        uri: dir,
        sha256: sha256(canonicalJson(manifest)),
      });
      for (const file of manifest.files) {
        lineage.recordTransformation(runId, {
          name: `export_${file.schema}`,
          input: datasetId,
          output: `${exportId}/${file.path}`,
          rowsOut: file.rows,
        });
      }
      lineage.completeRun(runId);
    }
    return { dir, manifest };
  } catch (e) {
    if (lineage && runId) lineage.failRun(runId, e);
    if (e instanceof HomeforgeError) throw e;
    throw new HomeforgeError(
      `export ${what}`,
      `the ${format} export failed its check (${(e as Error).message.split("\n")[0]})`,
      "nothing was written; regenerate the dataset, and report a bug if it happens again",
      1,
    );
  }
}
