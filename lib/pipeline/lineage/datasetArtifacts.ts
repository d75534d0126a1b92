/**
 * How a dataset directory enters the lineage store: the dataset (or shard) artifact and one
 * artifact per table, shared by `generate` (whole runs and shards) and `homeforge merge`.
 */
import { extname, join } from "node:path";
import { type ManifestTable, tableSha256 } from "../../core/manifest.js";
import type { ArtifactRef, LineageStore } from "./lineageStore.js";

/** A shard's artifact id: `<dataset-id>/shard-00002-of-00004` (the dataset id names the merged whole). */
export function shardArtifactId(datasetId: string, shard: { index: number; count: number }): string {
  const pad = (n: number) => String(n).padStart(5, "0");
  return `${datasetId}/shard-${pad(shard.index)}-of-${pad(shard.count)}`;
}

/** The artifact of a dataset directory (kind "dataset"), or of one shard of it (kind "dataset_shard"). */
export function datasetArtifact(
  artifactId: string,
  dir: string,
  manifestSha256: string,
  shard: boolean,
): ArtifactRef {
  return { id: artifactId, kind: shard ? "dataset_shard" : "dataset", uri: dir, sha256: manifestSha256 };
}

/**
 * Records the dataset artifact and its tables (`<artifact id>/<table>`, sha256 over the
 * table's file hashes) as outputs of `runId`. A table's uri is `tableUris[name]` when given,
 * else its file or its files' glob in the dataset directory.
 */
export function recordDatasetOutputs(
  lineage: LineageStore,
  runId: string,
  dataset: ArtifactRef & { uri: string },
  tables: Record<string, ManifestTable>,
  tableUris: Record<string, string> = {},
): void {
  lineage.recordOutput(runId, dataset);
  for (const [name, table] of Object.entries(tables)) {
    const first = table.files[0]?.path ?? name;
    lineage.recordOutput(runId, {
      id: `${dataset.id}/${name}`,
      kind: "table",
      uri:
        tableUris[name] ??
        (table.files.length === 1
          ? join(dataset.uri, first)
          : join(dataset.uri, `${name}-*${extname(first)}`)),
      sha256: tableSha256(table),
    });
  }
}
