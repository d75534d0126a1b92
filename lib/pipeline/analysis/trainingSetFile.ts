/**
 * A collected training set as a file: the Parquet `homeforge collect --out` writes carries,
 * in its footer's key-value metadata, what it is (kind, set id) and which dataset it was
 * collected from, so the file alone says where it came from and training can find the
 * dataset's other tables (homes) without a side file.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { parquetMetadata } from "hyparquet";
import type { ColumnTable, TableSchema } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { sha256 } from "../../core/manifest.js";
import { readTableFile } from "../storage/tableIO.js";
import { TRAINING_SETS, type TrainingSet, type TrainingSetKind } from "./collector.js";

/** The footer key that holds a training set's description (JSON). */
export const TRAINING_SET_METADATA_KEY = "homeforge.training_set";

/** What a training set file says about itself. */
export interface TrainingSetInfo {
  format: "homeforge-training-set";
  kind: TrainingSetKind;
  /** The set's content id (dataset, kind, thresholds), as the collect run recorded it in lineage. */
  id: string;
  dataset_id: string;
  /** The dataset table the rows came from. */
  source: string;
  rows: number;
}

/** The footer metadata for a set's Parquet file. */
export function trainingSetMetadata(set: TrainingSet): Record<string, string> {
  const info: TrainingSetInfo = {
    format: "homeforge-training-set",
    kind: set.kind,
    id: set.id,
    dataset_id: set.datasetId,
    source: set.source,
    rows: set.table.rows,
  };
  return { [TRAINING_SET_METADATA_KEY]: JSON.stringify(info) };
}

/** A training set file read back: its description, its rows and the sha256 of its bytes. */
export interface TrainingSetFile {
  path: string;
  info: TrainingSetInfo;
  table: ColumnTable;
  sha256: string;
}

/**
 * Reads a training set file of kind `kind` with rows of `schema`. Every way it can be unusable
 * (missing, not Parquet, not a homeforge training set, another kind of set, rows that do not
 * fit the schema) is a one-line error naming `field`.
 */
export async function readTrainingSetFile(
  path: string,
  kind: TrainingSetKind,
  schema: TableSchema,
  field = "--training-set",
): Promise<TrainingSetFile> {
  const collect = `\`homeforge collect --dataset ID --for ${kind} --out FILE\``;
  const fix = `write one with ${collect}`;
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new HomeforgeError(field, `no file ${path}`, `pass the Parquet file ${collect} wrote`);
  }
  const bytes = readFileSync(path);
  let pairs: { key: string; value?: string }[];
  try {
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    pairs = meta.key_value_metadata ?? [];
  } catch (e) {
    const detail = String((e as Error)?.message ?? e).split("\n")[0];
    throw new HomeforgeError(field, `${path} is not a Parquet file (${detail})`, fix);
  }
  const info = parseInfo(pairs.find((p) => p.key === TRAINING_SET_METADATA_KEY)?.value);
  if (!info) {
    throw new HomeforgeError(
      field,
      `${path} is not a homeforge training set (no ${TRAINING_SET_METADATA_KEY} in its Parquet metadata)`,
      fix,
    );
  }
  if (info.kind !== kind) {
    throw new HomeforgeError(field, `${path} is a ${info.kind} training set, not a ${kind} one`, fix);
  }
  const table = await readTableFile(path, schema, { field, label: path, fix });
  if (table.rows !== info.rows) {
    throw new HomeforgeError(field, `${path} holds ${table.rows} rows, its metadata says ${info.rows}`, fix);
  }
  return { path, info, table, sha256: sha256(bytes) };
}

function parseInfo(text: string | undefined): TrainingSetInfo | null {
  if (text === undefined) return null;
  let value: Partial<TrainingSetInfo>;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const ok =
    value?.format === "homeforge-training-set" &&
    typeof value.kind === "string" &&
    Object.hasOwn(TRAINING_SETS, value.kind) &&
    typeof value.id === "string" &&
    typeof value.dataset_id === "string" &&
    typeof value.source === "string" &&
    Number.isInteger(value.rows);
  return ok ? (value as TrainingSetInfo) : null;
}
