import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { HomeforgeError } from "../errors.js";
import { defaultModelsRoot } from "../info.js";
import { dependencyVersion, packageVersion } from "../version.js";
import { FailureClassifier } from "./failureClassifier.js";
import { MODEL_JSON, WEIGHTS_BIN } from "./fileIO.js";
import { failureModelCard } from "./modelCard.js";
import { pidAlive, withLock } from "./registryLock.js";

/**
 * The model registry: `<root>/<name>/<version>/` holds model.json + weights.bin,
 * preprocess.json, meta.json, metrics.json and card.md; `<root>/<name>/aliases.json` names
 * the production and candidate versions.
 *
 * - Versions (v1, v2, …) are immutable and never reused, even after a delete. The files a
 *   version's model is made of are hashed into meta.json and checked on every load, so a
 *   damaged directory is reported, never silently used. metrics.json is the one file that
 *   grows later (the evaluator's verdict); it is not hashed.
 * - Every write is atomic: a version is built in a hidden temp dir and renamed into place;
 *   aliases.json and metrics.json are replaced by rename. A crash leaves at most a hidden
 *   temp dir, which listing ignores and the next save removes.
 * - A lock file per model serialises saves and alias changes across processes, so two
 *   processes saving at once get distinct versions.
 */
export const META_FILE = "meta.json";
export const METRICS_FILE = "metrics.json";
export const CARD_FILE = "card.md";
export const ALIASES_FILE = "aliases.json";
export const ALIAS_NAMES = ["production", "candidate"] as const;
export type AliasName = (typeof ALIAS_NAMES)[number];

const LOCK_FILE = ".lock";
const TEMP_PREFIX = ".tmp-";
const DELETED_PREFIX = ".deleted-";
const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]*$/i;
const VERSION_PATTERN = /^v([1-9][0-9]*)$/;

export interface ModelSignature {
  inputs: { name: string; dtype: "float32"; shape: (number | null)[]; features: string[] };
  outputs: { name: string; dtype: "float32"; shape: (number | null)[]; description: string };
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
  weights_sha256: string;
  /** sha256 of every file the model is made of (all but meta, metrics and card). */
  files: Record<string, string>;
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
}

export interface RegistryOptions {
  lockTimeoutMs?: number;
  /** Receives notes about repaired leftovers (stale locks, incomplete saves). */
  onWarning?: (message: string) => void;
}

export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

export function versionNumber(version: string): number | null {
  const m = VERSION_PATTERN.exec(version);
  return m ? Number(m[1]) : null;
}

function emptyAliases(): Aliases {
  return { production: null, candidate: null, production_history: [], last_version: 0 };
}

export function libraryVersions(backend: string): Record<string, string | null> {
  const out: Record<string, string | null> = {
    homeforge: packageVersion(),
    "@tensorflow/tfjs": dependencyVersion("@tensorflow/tfjs"),
    node: process.version,
  };
  if (backend === "wasm")
    out["@tensorflow/tfjs-backend-wasm"] = dependencyVersion("@tensorflow/tfjs-backend-wasm");
  if (backend === "tensorflow") out["@tensorflow/tfjs-node"] = dependencyVersion("@tensorflow/tfjs-node");
  return out;
}

export class ModelRegistry {
  readonly root: string;
  private readonly options: RegistryOptions;

  constructor(root: string = defaultModelsRoot(), options: RegistryOptions = {}) {
    this.root = resolve(root);
    this.options = options;
  }

  modelDir(name: string): string {
    if (!NAME_PATTERN.test(name)) {
      throw new HomeforgeError(
        "model name",
        `"${name}" is not a valid model name`,
        "use letters, digits, '.', '_' and '-', starting with a letter or digit",
      );
    }
    return join(this.root, name);
  }

  /** Saves a new version; returns it. The new version becomes the candidate unless told not to. */
  async save(name: string, request: SaveRequest): Promise<SavedVersion> {
    const modelDir = this.modelDir(name);
    mkdirSync(modelDir, { recursive: true });
    return this.locked(name, async () => {
      this.removeLeftovers(name);
      const aliases = this.readAliases(name);
      const number =
        Math.max(aliases.last_version, ...this.versions(name).map((v) => versionNumber(v)!), 0) + 1;
      const version = `v${number}`;
      const tmp = join(modelDir, `${TEMP_PREFIX}${process.pid}-${version}`);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp);
      let meta: ModelMeta;
      try {
        await request.write(tmp);
        for (const required of [MODEL_JSON, WEIGHTS_BIN]) {
          if (!existsSync(join(tmp, required))) throw new Error(`the model writer wrote no ${required}`);
        }
        const files: Record<string, string> = {};
        for (const file of readdirSync(tmp).sort()) files[file] = sha256File(join(tmp, file));
        meta = {
          format: "homeforge-model",
          format_version: 1,
          name,
          version,
          kind: request.kind,
          created_at: new Date().toISOString(),
          signature: request.signature,
          dataset: request.dataset,
          seed: request.seed,
          params: request.params,
          backend: request.backend,
          library_versions: libraryVersions(request.backend),
          training: request.training,
          lineage_run_id: request.lineageRunId ?? null,
          weights_sha256: files[WEIGHTS_BIN],
          files,
        };
        writeJson(join(tmp, META_FILE), meta);
        writeJson(join(tmp, METRICS_FILE), request.metrics);
        writeFileSync(join(tmp, CARD_FILE), request.card(meta, request.metrics));
        renameSync(tmp, join(modelDir, version));
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
      aliases.last_version = number;
      if (request.setCandidate ?? true) aliases.candidate = version;
      this.writeAliases(name, aliases);
      return { name, version, dir: join(modelDir, version), meta };
    });
  }

  /** Saves a fitted FailureClassifier with its metrics and a generated model card. */
  async saveClassifier(
    name: string,
    classifier: FailureClassifier,
    info: {
      metrics: Record<string, unknown>;
      dataset: ModelMeta["dataset"];
      extraFiles?: Record<string, string>;
      lineageRunId?: string | null;
      trainingDurationMs?: number | null;
      setCandidate?: boolean;
    },
  ): Promise<SavedVersion> {
    const pre = classifier.preprocess();
    const backend = classifier.training?.backend ?? "unknown";
    return this.save(name, {
      kind: "failure_classifier",
      write: async (dir) => {
        await classifier.save(dir);
        for (const [file, text] of Object.entries(info.extraFiles ?? {}))
          writeFileSync(join(dir, file), text);
      },
      signature: {
        inputs: {
          name: "features",
          dtype: "float32",
          shape: [null, pre.features.length],
          features: pre.features,
        },
        outputs: {
          name: "failure_probability",
          dtype: "float32",
          shape: [null, 1],
          description: "probability that the device fails within 7 days (fails_within_7d)",
        },
        threshold: pre.threshold,
      },
      dataset: info.dataset,
      seed: pre.params.seed,
      params: { ...pre.params },
      backend,
      training: { duration_ms: info.trainingDurationMs ?? null, ...(classifier.training ?? {}) },
      lineageRunId: info.lineageRunId ?? null,
      metrics: info.metrics,
      card: failureModelCard,
      setCandidate: info.setCandidate,
    });
  }

  /** Model names under the root. */
  names(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root)
      .filter((n) => NAME_PATTERN.test(n) && statSync(join(this.root, n)).isDirectory())
      .sort();
  }

  /** Complete versions of a model, oldest first (hidden temp dirs are not versions). */
  versions(name: string): string[] {
    const dir = this.modelDir(name);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((v) => VERSION_PATTERN.test(v) && statSync(join(dir, v)).isDirectory())
      .sort((a, b) => versionNumber(a)! - versionNumber(b)!);
  }

  list(): ModelSummary[] {
    return this.names().map((name) => {
      const problems: string[] = [];
      let aliases = emptyAliases();
      try {
        aliases = this.readAliases(name);
      } catch (e) {
        problems.push((e as Error).message);
      }
      const versions = this.versions(name);
      for (const alias of ALIAS_NAMES) {
        const v = aliases[alias];
        if (v && !versions.includes(v)) problems.push(`${alias} points at ${v}, which does not exist`);
      }
      problems.push(...this.leftovers(name).map((l) => l.message));
      return { name, versions, production: aliases.production, candidate: aliases.candidate, problems };
    });
  }

  aliases(name: string): Aliases {
    this.requireModel(name);
    return this.readAliases(name);
  }

  /**
   * Resolves `ref` (production, candidate, v3 or 3) to a verified version: its files exist
   * and match the hashes in meta.json. Throws a HomeforgeError saying what is wrong.
   */
  show(name: string, ref: string = "production"): VersionInfo {
    const version = this.resolve(name, ref);
    const dir = join(this.modelDir(name), version);
    const meta = this.verify(name, version);
    const aliases = this.readAliases(name);
    return {
      name,
      version,
      dir,
      meta,
      metrics: readJson(join(dir, METRICS_FILE), `models/${name}/${version}/${METRICS_FILE}`) as Record<
        string,
        unknown
      >,
      aliases: ALIAS_NAMES.filter((a) => aliases[a] === version),
    };
  }

  /** Loads a verified failure classifier by alias or version. */
  async load(
    name: string,
    ref: string = "production",
  ): Promise<VersionInfo & { classifier: FailureClassifier }> {
    const info = this.show(name, ref);
    if (info.meta.kind !== "failure_classifier") {
      throw new HomeforgeError(
        `models/${name}/${info.version}`,
        `is a ${info.meta.kind} model, not a failure classifier`,
        "load it with the loader of its kind",
      );
    }
    return { ...info, classifier: await FailureClassifier.load(info.dir) };
  }

  /** Points production at `ref` (default: the candidate). */
  async promote(name: string, ref: string = "candidate"): Promise<Aliases> {
    return this.locked(name, () => {
      const version = this.resolve(name, ref);
      this.verify(name, version);
      const aliases = this.readAliases(name);
      aliases.production = version;
      if (aliases.production_history.at(-1) !== version) aliases.production_history.push(version);
      if (aliases.candidate === version) aliases.candidate = null;
      this.writeAliases(name, aliases);
      return aliases;
    });
  }

  /** Moves production back to the previous production version. */
  async rollback(name: string): Promise<Aliases> {
    return this.locked(name, () => {
      this.requireModel(name);
      const aliases = this.readAliases(name);
      const history = [...aliases.production_history];
      while (history.length > 0 && history.at(-1) === aliases.production) history.pop();
      const previous = history.at(-1);
      if (!previous) {
        throw new HomeforgeError(
          "rollback",
          `${name} has no earlier production version to roll back to`,
          "promote a version instead",
        );
      }
      this.verify(name, previous);
      aliases.production = previous;
      aliases.production_history = history;
      this.writeAliases(name, aliases);
      return aliases;
    });
  }

  /** Deletes a version that is not in production. */
  async delete(name: string, ref: string): Promise<void> {
    await this.locked(name, () => {
      const version = this.resolve(name, ref);
      const aliases = this.readAliases(name);
      if (aliases.production === version) {
        throw new HomeforgeError(
          "delete",
          `${name} ${version} is the production version`,
          "promote another version or roll back first",
        );
      }
      const dir = this.modelDir(name);
      const doomed = join(dir, `${DELETED_PREFIX}${process.pid}-${version}`);
      renameSync(join(dir, version), doomed);
      aliases.production_history = aliases.production_history.filter((v) => v !== version);
      if (aliases.candidate === version) aliases.candidate = null;
      this.writeAliases(name, aliases);
      rmSync(doomed, { recursive: true, force: true });
    });
  }

  /** Replaces a version's metrics.json (atomically) with `update(current)`. */
  async updateMetrics(
    name: string,
    ref: string,
    update: (metrics: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<void> {
    await this.locked(name, () => {
      const version = this.resolve(name, ref);
      const path = join(this.modelDir(name), version, METRICS_FILE);
      const current = existsSync(path)
        ? (readJson(path, `models/${name}/${version}/${METRICS_FILE}`) as Record<string, unknown>)
        : {};
      writeJson(path, update(current));
    });
  }

  /** Every problem with a model: damaged versions, dangling aliases, leftovers of killed saves. */
  check(name: string): string[] {
    this.requireModel(name);
    const problems: string[] = [];
    try {
      const aliases = this.readAliases(name);
      const versions = this.versions(name);
      for (const alias of ALIAS_NAMES) {
        const v = aliases[alias];
        if (v && !versions.includes(v)) problems.push(`${alias} points at ${v}, which does not exist`);
      }
    } catch (e) {
      problems.push((e as Error).message);
    }
    for (const version of this.versions(name)) {
      try {
        this.verify(name, version);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    problems.push(...this.leftovers(name).map((l) => l.message));
    return problems;
  }

  /** Checks a version's files against meta.json; returns the meta. */
  verify(name: string, version: string): ModelMeta {
    const dir = join(this.modelDir(name), version);
    const where = `models/${name}/${version}`;
    const fix = `restore ${where} from a backup, or delete it (homeforge models delete ${name} ${version}); other versions are untouched`;
    if (!existsSync(dir)) {
      throw new HomeforgeError(where, "does not exist", `list versions with: homeforge models show ${name}`);
    }
    let meta: ModelMeta;
    try {
      meta = JSON.parse(readFileSync(join(dir, META_FILE), "utf8"));
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "is missing" : "is not valid JSON";
      throw new HomeforgeError(where, `is corrupt: ${META_FILE} ${why}`, fix);
    }
    if (typeof meta?.files !== "object" || !meta.files[WEIGHTS_BIN] || !meta.files[MODEL_JSON]) {
      throw new HomeforgeError(where, `is corrupt: ${META_FILE} lists no file hashes`, fix);
    }
    if (meta.weights_sha256 !== meta.files[WEIGHTS_BIN]) {
      throw new HomeforgeError(where, `is corrupt: ${META_FILE} records two different weights hashes`, fix);
    }
    for (const [file, expected] of Object.entries(meta.files)) {
      const path = join(dir, file);
      if (!existsSync(path)) throw new HomeforgeError(where, `is corrupt: ${file} is missing`, fix);
      const actual = sha256File(path);
      if (actual !== expected) {
        throw new HomeforgeError(
          where,
          `is corrupt: ${file} does not match the sha256 in ${META_FILE} (recorded ${expected.slice(0, 12)}…, found ${actual.slice(0, 12)}…)`,
          fix,
        );
      }
    }
    return meta;
  }

  /** `ref` → an existing version name. */
  resolve(name: string, ref: string): string {
    this.requireModel(name);
    const versions = this.versions(name);
    if ((ALIAS_NAMES as readonly string[]).includes(ref)) {
      const aliases = this.readAliases(name);
      const version = aliases[ref as AliasName];
      if (!version) {
        throw new HomeforgeError(
          `models/${name}`,
          `has no ${ref} version`,
          ref === "production"
            ? `promote one with: homeforge models promote ${name} <version>`
            : "train and save a new version",
        );
      }
      if (!versions.includes(version)) {
        throw new HomeforgeError(
          `models/${name}/${ALIASES_FILE}`,
          `${ref} points at ${version}, which does not exist (versions: ${versions.join(", ") || "none"})`,
          `promote an existing version (homeforge models promote ${name} <version>) or fix ${ALIASES_FILE}`,
        );
      }
      return version;
    }
    const version = /^[0-9]+$/.test(ref) ? `v${ref}` : ref;
    if (!versions.includes(version)) {
      throw new HomeforgeError(
        "version",
        `${name} has no version ${ref}`,
        `use production, candidate or one of: ${versions.join(", ") || "(none saved)"}`,
      );
    }
    return version;
  }

  private requireModel(name: string): void {
    const dir = this.modelDir(name);
    if (!existsSync(dir)) {
      const known = this.names();
      throw new HomeforgeError(
        "model",
        `no model named "${name}" in ${this.root}`,
        known.length > 0
          ? `known models: ${known.join(", ")}`
          : "train one first, e.g. npm run train:home-types",
      );
    }
  }

  private readAliases(name: string): Aliases {
    const path = join(this.modelDir(name), ALIASES_FILE);
    if (!existsSync(path)) return emptyAliases();
    const raw = readJson(path, `models/${name}/${ALIASES_FILE}`) as Partial<Aliases>;
    const bad = (problem: string) =>
      new HomeforgeError(
        `models/${name}/${ALIASES_FILE}`,
        problem,
        `fix the file by hand, or delete it and promote a version again`,
      );
    if (raw === null || typeof raw !== "object") throw bad("is not a JSON object");
    for (const alias of ALIAS_NAMES) {
      const v = raw[alias];
      if (v !== undefined && v !== null && typeof v !== "string")
        throw bad(`${alias} must be a version name or null`);
    }
    return {
      production: raw.production ?? null,
      candidate: raw.candidate ?? null,
      production_history: Array.isArray(raw.production_history) ? raw.production_history.map(String) : [],
      last_version: Number.isInteger(raw.last_version) ? (raw.last_version as number) : 0,
    };
  }

  private writeAliases(name: string, aliases: Aliases): void {
    writeJson(join(this.modelDir(name), ALIASES_FILE), aliases);
  }

  private locked<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const dir = this.modelDir(name);
    mkdirSync(dir, { recursive: true });
    return withLock(join(dir, LOCK_FILE), fn, {
      timeoutMs: this.options.lockTimeoutMs,
      onWarning: this.options.onWarning,
    });
  }

  /** Hidden dirs left by saves or deletes whose process is gone. */
  private leftovers(name: string): { path: string; message: string }[] {
    const dir = this.modelDir(name);
    if (!existsSync(dir)) return [];
    const out: { path: string; message: string }[] = [];
    for (const entry of readdirSync(dir)) {
      const kind = entry.startsWith(TEMP_PREFIX)
        ? "save"
        : entry.startsWith(DELETED_PREFIX)
          ? "delete"
          : null;
      if (!kind) continue;
      const pid = Number(/^\.[a-z]+-(\d+)-/.exec(entry)?.[1]);
      if (Number.isInteger(pid) && pidAlive(pid)) continue;
      out.push({
        path: join(dir, entry),
        message: `incomplete ${kind} left at models/${name}/${entry} (process ${pid} is not running); it is not a version and the next save removes it`,
      });
    }
    return out;
  }

  private removeLeftovers(name: string): void {
    for (const leftover of this.leftovers(name)) {
      rmSync(leftover.path, { recursive: true, force: true });
      this.options.onWarning?.(
        `removed ${leftover.message.split(" (")[0].replace("incomplete", "an incomplete")}`,
      );
    }
  }
}

function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

function readJson(path: string, label: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "is missing" : "is not valid JSON";
    throw new HomeforgeError(label, why, `restore ${label} or fix it by hand`);
  }
}
