import { type LineageStore, modelVersionId } from "../pipeline/lineage/lineageStore.js";

/** What a training job reports about a saved version (failure and synergy jobs alike). */
export interface RegisteredVersion {
  name: string;
  version: string;
  kind: string;
  dir: string;
  weights_sha256: string;
}

/**
 * The hooks a training job takes to record its lineage in run `runId`: each saved version
 * as an output, each promotion verdict as an "evaluate" step from `datasetId`.
 */
export function trainingRunHooks(
  store: LineageStore,
  runId: string,
  datasetId: string,
): {
  lineageRunId: string;
  onRegistered: (m: RegisteredVersion) => void;
  onVerdict: (v: { model: string; candidate: { version: string } }) => void;
} {
  return {
    lineageRunId: runId,
    onRegistered: (m) => {
      store.recordModelOutput(runId, {
        name: m.name,
        version: m.version,
        kind: m.kind,
        uri: m.dir,
        sha256: m.weights_sha256,
      });
    },
    onVerdict: (v) => {
      store.recordTransformation(runId, {
        name: "evaluate",
        input: datasetId,
        output: modelVersionId(v.model, v.candidate.version),
        detail: v,
      });
    },
  };
}
