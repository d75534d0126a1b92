import type { ModelMeta, ModelSignature } from "./types.js";

/**
 * A model kind (an MLflow "flavor"): how the registry saves, loads, describes and checks
 * one kind of model. Every version records its kind in meta.json (`kind`); the registry
 * dispatches on it. The registry writes meta.json, metrics.json, card.md and
 * checksums.json itself; a kind writes the model's own files and lists them in `files`
 * (a network kind writes model.json + weights.bin, loadable by plain tf.loadLayersModel,
 * plus whatever else it needs; a kind without weights, like the failure router, writes
 * only its own JSON). Every file is hashed whatever the kind.
 *
 * Adding a kind is one module: implement ModelKind, add it to DEFAULT_MODEL_KINDS
 * (defaultKinds.ts) or pass it to `new ModelRegistry(root, { kinds })`.
 */
export interface ModelKind<M = unknown> {
  /** The `kind` recorded in meta.json, e.g. "failure_classifier". Never change it. */
  readonly name: string;
  /** How messages name it, e.g. "failure classifier". */
  readonly label: string;
  /** Files `save` writes (besides the registry's own); each must be there and hashed. */
  readonly files: readonly string[];
  /** Writes the model's files into `dir` (a fresh temp dir the registry renames into place). */
  save(model: M, dir: string): Promise<void>;
  /** Loads a model from a verified version directory. */
  load(dir: string, meta: ModelMeta): Promise<M>;
  /** What meta.json records about a fitted model. */
  describe(model: M): ModelDescription;
  /** card.md for a version. */
  card(meta: ModelMeta, metrics: Record<string, unknown>): string;
  /**
   * Extra checks of a version whose files all match their hashes (cheap, no TensorFlow.js:
   * it runs on every show, load and check). Returns problems, one per file.
   */
  check?(dir: string, meta: ModelMeta): KindProblem[];
  /** Frees what a loaded model holds (tensors). */
  dispose?(model: M): void;
  /**
   * The exact versions of other models a version of this kind needs (a router's served
   * models), read from its verified files. The registry checks each exists and verifies on
   * every show, load, promote and check, and refuses to delete a version any version names.
   */
  references?(dir: string, meta: ModelMeta): ModelReference[];
}

/** A version of another model that a version needs (e.g. the model a router serves for a home type). */
export interface ModelReference {
  name: string;
  version: string;
  /** What it is needed for, as messages say it, e.g. "home type apartment". */
  role: string;
}

/** The parts of meta.json a kind fills in from a fitted model. */
export interface ModelDescription {
  signature: ModelSignature;
  seed: number;
  params: Record<string, unknown>;
  backend: string;
  training: Record<string, unknown>;
}

export interface KindProblem {
  /** A file of the version. */
  file: string;
  problem: string;
}

/** A kind, typed (identity: it only checks the object against the contract). */
export function defineModelKind<M>(kind: ModelKind<M>): ModelKind<M> {
  return kind;
}
