/**
 * The registry's data types, in a module of their own so model kinds (failure/failureKind.ts,
 * failure/modelCard.ts …) can name them without importing the registry.
 */
export const ALIAS_NAMES = ["production", "candidate"] as const;
export type AliasName = (typeof ALIAS_NAMES)[number];

/** float32 for a network's tensors; string for a kind that maps names (the failure router). */
export type SignatureDtype = "float32" | "string";

export interface ModelSignature {
  inputs: { name: string; dtype: SignatureDtype; shape: (number | null)[]; features: string[] };
  outputs: { name: string; dtype: SignatureDtype; shape: (number | null)[]; description: string };
  threshold?: number;
}

export interface ModelMeta {
  format: "homeforge-model";
  format_version: 1;
  name: string;
  version: string;
  kind: string;
  /** Wall-clock save time: a fact about this run, not an input to anything. */
  created_at: string;
  signature: ModelSignature;
  dataset: { id: string | null; hash: string | null; rows?: number };
  seed: number;
  params: Record<string, unknown>;
  backend: string;
  library_versions: Record<string, string | null>;
  training: Record<string, unknown> & { duration_ms: number | null };
  lineage_run_id: string | null;
  /** sha256 of weights.bin, for kinds that have one (a router has no weights). */
  weights_sha256?: string;
  /** sha256 of every file the model is made of (all but meta, metrics and card). */
  files: Record<string, string>;
}

/** checksums.json: the sha256 of every other file of a version. */
export interface Checksums {
  format: "homeforge-checksums";
  format_version: 1;
  algorithm: "sha256";
  files: Record<string, string>;
  /** sha256 of this file as written with this field left out (see checksumsText). */
  self_sha256: string;
}

/** One problem with a model: what (`field`: a file or directory), what is wrong, the fix. */
export interface RegistryProblem {
  field: string;
  problem: string;
  fix: string;
}

export interface Aliases {
  production: string | null;
  candidate: string | null;
  /** Production versions in promotion order; rollback returns to the one before the last. */
  production_history: string[];
  /** Highest version number ever saved: numbers are never reused. */
  last_version: number;
}

export interface SaveRequest {
  kind: string;
  /** Writes the model's files (model.json, weights.bin, preprocess.json, …) into `dir`. */
  write: (dir: string) => Promise<void> | void;
  /** The files `write` must write (default: the kind's `files`, else model.json + weights.bin). */
  files?: readonly string[];
  signature: ModelSignature;
  dataset: ModelMeta["dataset"];
  seed: number;
  params: Record<string, unknown>;
  backend: string;
  training: ModelMeta["training"];
  lineageRunId?: string | null;
  metrics: Record<string, unknown>;
  card: (meta: ModelMeta, metrics: Record<string, unknown>) => string;
  /** Point the candidate alias at the new version (default true). */
  setCandidate?: boolean;
}

export interface SavedVersion {
  name: string;
  version: string;
  dir: string;
  meta: ModelMeta;
}

export interface VersionInfo extends SavedVersion {
  metrics: Record<string, unknown>;
  /** Aliases pointing at this version. */
  aliases: AliasName[];
}

export interface ModelSummary {
  name: string;
  versions: string[];
  production: string | null;
  candidate: string | null;
  /** Problems found without opening every version (see check() for a full scan). */
  problems: string[];
  /** Not problems, but worth knowing (a save in progress). */
  notes: string[];
}

/** What saveModel needs besides the model: its metrics, data and the extras of this run. */
export interface SaveModelInfo {
  metrics: Record<string, unknown>;
  dataset: ModelMeta["dataset"];
  /** More files to write into the version (e.g. split.json), name → text. */
  extraFiles?: Record<string, string>;
  lineageRunId?: string | null;
  trainingDurationMs?: number | null;
  /** Point the candidate alias at the new version (default true). */
  setCandidate?: boolean;
}

/** A verified version and its model, loaded by the loader of its kind. */
export interface LoadedVersion<M> extends VersionInfo {
  /** meta.json's kind (the kind that loaded it). */
  kind: string;
  model: M;
}
