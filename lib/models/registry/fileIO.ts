import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type * as tf from "@tensorflow/tfjs";
import { requireTf, type Tf } from "../tfModule.js";

/**
 * A tf.io handler for the local file system with only @tensorflow/tfjs (no tfjs-node):
 * `model.json` (topology + weights manifest, the standard TensorFlow.js layers format) and
 * one `weights.bin`. The files load with tfjs-node's `file://` loader and in the browser too.
 */
export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";

/**
 * `path`: a directory, a …/model.json path, or a file:// URL of either. `tf`: the
 * TensorFlow.js to use (default: the one homeforge loaded, see ../tf.ts).
 */
export function fileSystemIO(path: string, tfjs?: Tf): tf.io.IOHandler {
  const io = () => (tfjs ?? requireTf("the file-system model handler")).io;
  const modelJsonPath = modelJsonPathOf(path);
  const dir = dirname(modelJsonPath);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error("fileSystemIO saves layers models only (got a binary graph topology)");
      }
      mkdirSync(dir, { recursive: true });
      const weights = joinWeightData(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      writeFileSync(join(dir, WEIGHTS_BIN), weights);
      writeFileSync(modelJsonPath, `${JSON.stringify(modelJson)}\n`);
      return { modelArtifactsInfo: io().getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJson = JSON.parse(readFileSync(modelJsonPath, "utf8")) as tf.io.ModelJSON;
      return io().getModelArtifactsForJSON(modelJson, async (manifest) => {
        const parts: Uint8Array[] = [];
        for (const group of manifest) for (const p of group.paths) parts.push(readFileSync(join(dir, p)));
        return [io().getWeightSpecs(manifest), concatBytes(parts)];
      });
    },
  };
}

function modelJsonPathOf(path: string): string {
  const local = path.startsWith("file://") ? fileURLToPath(path) : path;
  const absolute = resolve(local);
  return basename(absolute) === MODEL_JSON || absolute.endsWith(".json")
    ? absolute
    : join(absolute, MODEL_JSON);
}

function joinWeightData(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  if (Array.isArray(data)) return new Uint8Array(concatBytes(data.map((b) => new Uint8Array(b))));
  return new Uint8Array(data);
}

function concatBytes(parts: Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out.buffer;
}

let registered: Tf | undefined;

/**
 * Registers `file://` save and load routers, so plain `model.save('file://dir')` and
 * `tf.loadLayersModel('file://dir/model.json')` work without tfjs-node. Skipped when a
 * `file://` handler is already registered (tfjs-node's), because tfjs refuses a URL that two
 * routers claim; for the same reason the router steps aside once tfjs-node is loaded later.
 * Homeforge's own code passes `fileSystemIO(...)` handlers directly. Called by chooseBackend
 * and loadTf (importing this module loads no TensorFlow.js); call it yourself if you import
 * @tensorflow/tfjs directly and want `file://` URLs without going through homeforge.
 */
export function registerFileSystemRouter(tf: Tf): void {
  if (registered === tf) return;
  registered = tf;
  const probe = "file:///homeforge-probe/model.json";
  if (tf.io.getLoadHandlers(probe).length > 0 || tf.io.getSaveHandlers(probe).length > 0) return;
  // tfjs routers return null for URLs they do not handle, though the type says IOHandler
  const router = ((url: string | string[]) => {
    const u = Array.isArray(url) ? url[0] : url;
    if (typeof u !== "string" || !u.startsWith("file://")) return null;
    // tfjs-node, when imported later (chooseBackend), brings its own file:// router: defer to it
    return tf.findBackendFactory("tensorflow") ? null : fileSystemIO(u, tf);
  }) as unknown as Parameters<typeof tf.io.registerSaveRouter>[0];
  tf.io.registerSaveRouter(router);
  tf.io.registerLoadRouter(router);
}
